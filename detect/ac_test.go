package detect

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestACMachine compares the automaton's matches with a naive search, with
// few states and with many, most of them without full rows.
func TestACMachine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcdefghij .'"[rng.IntN(13)]
		}
		return string(b)
	}
	for _, nlits := range []int{50, 30000} {
		seen := map[string]bool{}
		var lits []string
		for len(lits) < nlits {
			if w := word(1 + rng.IntN(12)); !seen[w] {
				seen[w] = true
				lits = append(lits, w)
			}
		}
		m := buildAC(lits)
		if m.dense >= int32(len(m.states)-1) {
			t.Fatalf("%d literals: all %d states have full rows", nlits, len(m.states)-1)
		}
		for range 2_000_000 / nlits {
			text := word(rng.IntN(300))
			got := m.scanAll(text, nil)
			var want []acMatch
			for end := 1; end <= len(text); end++ {
				for id, l := range lits {
					if strings.HasSuffix(text[:end], l) {
						want = append(want, acMatch{int32(id), int32(end)})
					}
				}
			}
			key := func(a, b acMatch) int {
				if a.end != b.end {
					return int(a.end - b.end)
				}
				return int(a.id - b.id)
			}
			slices.SortFunc(got, key)
			if !slices.Equal(got, want) {
				t.Fatalf("%d literals, %q: got %v, want %v", nlits, text, got, want)
			}
		}
	}
}
