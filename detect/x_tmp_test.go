package detect

import (
	"testing"
)

func BenchmarkScanAllTmp(b *testing.B) {
	e := engine(b)
	items := append(loadSet(b, "../testdata/eval/heldout-a.jsonl"), loadSet(b, "../testdata/eval/heldout-b.jsonl")...)
	var lows []string
	n := 0
	for _, it := range items {
		lows = append(lows, asciiLower(it.Text))
		n += len(it.Text)
	}
	b.SetBytes(int64(n))
	var out []acMatch
	for b.Loop() {
		for _, s := range lows {
			out = e.pre.ac.scanAll(s, out[:0])
		}
	}
}
