package detect

import (
	"reflect"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

// TestReadSpelledNumber checks the digits read from numbers said in words.
func TestReadSpelledNumber(t *testing.T) {
	for _, c := range []struct {
		in, read, digits string
		words            int
		tens             bool
	}{
		{"five oh three, five five five, oh one nine eight.", "five oh three, five five five, oh one nine eight", "5035550198", 10, false},
		{"five-oh-three 555 0198 is", "five-oh-three 555 0198", "5035550198", 3, false},
		{"oh one ninety-eight", "oh one ninety-eight", "0198", 3, true},
		{"double oh seven", "double oh seven", "007", 2, false},
		{"five or six patients", "five", "5", 1, false},
		{"five o'clock", "five", "5", 1, false},
		{"two hundred", "two", "2", 1, false},
		{"7 7 0 4 1 8 2 6", "7 7 0 4 1 8 2 6", "77041826", 0, false},
	} {
		n := readSpelledNumber(c.in, 0)
		if c.in[:n.end] != c.read || n.digits != c.digits || n.words != c.words || n.tens != c.tens {
			t.Errorf("%q: read %q digits %q words %d tens %v, want %q %q %d %v", c.in, c.in[:n.end], n.digits, n.words, n.tens, c.read, c.digits, c.words, c.tens)
		}
	}
}

// TestDeobfuscate checks the markers of written-out addresses and the
// offsets back into the text.
func TestDeobfuscate(t *testing.T) {
	for _, c := range []struct{ in, norm string }{
		{"tina dot okamura at gmail dot com", "tina.okamura@gmail.com"},
		{"jsmith (at) yahoo (dot) com", "jsmith@yahoo.com"},
		{"jane[at]gmail[.]com", "jane@gmail.com"},
		{"gofundme dot com slash f slash x", "gofundme.com/f/x"},
		{"hxxps[:]//a[.]org", "https://a.org"},
		{"jsmith @ gmail.com", "jsmith@gmail.com"},
	} {
		d := deobfuscate(c.in)
		if d.norm != c.norm {
			t.Errorf("%q: %q, want %q", c.in, d.norm, c.norm)
			continue
		}
		if s, e := d.span(0, len(d.norm)); s != 0 || e != len(c.in) {
			t.Errorf("%q: span %d-%d, want 0-%d", c.in, s, e, len(c.in))
		}
	}
}

// TestFindReplaced checks that searching only the runs that hold a marker
// finds what the URL regex finds in the whole text, less the matches
// without a marker, which findSpelledURLs skips.
func TestFindReplaced(t *testing.T) {
	e := engine(t)
	items := append(loadSet(t, "../testdata/eval/heldout-a.jsonl"), anchorEdgeItems...)
	for _, in := range []string{
		"her page is gofundme dot com slash f slash x, or www.a.org/b and c.com",
		"\"gofundme dot com\" 'caringbridge(dot)org/visit/x'<a[.]io>hxxps[:]//b.net",
		"x.com dot com at y.org slash z  example[.]com",
	} {
		items = append(items, chaperone.Item{Text: in})
	}
	rule := e.Rule("contact-url")
	for _, it := range items {
		d := deobfuscate(asciiLower(it.Text))
		for xi := range rule.compiled {
			x := &rule.compiled[xi]
			var want [][]int
			for _, m := range x.re.FindAllStringIndex(d.norm, -1) {
				if d.replaced(m[0], m[1]) {
					want = append(want, m)
				}
			}
			var got [][]int
			for _, m := range d.findReplaced(x) {
				if d.replaced(m[0], m[1]) {
					got = append(got, m)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%q: %v, want %v", d.norm, got, want)
			}
		}
	}
}
