package lexicon

import "testing"

// TestFoldedNames checks that names written with accents find the counts
// of their unaccented forms, and that unknown words stay unknown.
func TestFoldedNames(t *testing.T) {
	l := Default()
	for _, w := range []string{"josé", "siobhán", "chloé", "renée"} {
		if _, _, ok := l.FirstName(w); !ok {
			t.Errorf("FirstName(%q) not found", w)
		}
	}
	if _, ok := l.Surname("hernández"); !ok {
		t.Errorf("Surname(hernández) not found")
	}
	if _, _, ok := l.FirstName("qxzé"); ok {
		t.Errorf("FirstName(qxzé) found")
	}
}

// TestFoldedShortWords checks that short accented words ("sí", "tôi") are
// not taken for the names their letters spell.
func TestFoldedShortWords(t *testing.T) {
	l := Default()
	for _, w := range []string{"sí", "tôi"} {
		if _, _, ok := l.FirstName(w); ok {
			t.Errorf("FirstName(%q) found", w)
		}
	}
}
