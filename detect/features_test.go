package detect

import (
	"slices"
	"testing"
)

// TestFeatureHashes checks that features hashes the unigrams and bigrams
// of the tokens, which it computes together byte by byte, as fnv1a of
// their parts does.
func TestFeatureHashes(t *testing.T) {
	e := engine(t)
	for _, it := range loadSet(t, "../testdata/eval/heldout-a.jsonl") {
		d := e.newDoc(it)
		d.readContext()
		got := d.features()
		var want []uint32
		prev := "<s>"
		for i := range d.toks {
			w, ok := featureWord(&d.toks[i])
			if !ok {
				prev = "<p>"
				continue
			}
			want = append(want, fnv1a("w:", w), fnv1a("b:", prev, "_", w))
			prev = w
		}
		// after the item's features: channel, account, relationships, context
		k := 2
		if len(it.Author.Relationships) > 0 {
			k++
		}
		if it.Context != "" {
			k++
		}
		if len(got) < k+len(want) || !slices.Equal(got[k:k+len(want)], want) {
			t.Fatalf("%s: token features differ from fnv1a's", it.ID)
		}
		d.release()
	}
}
