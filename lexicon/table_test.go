package lexicon

import (
	"runtime"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	data := "alpha\t1\nbeta\t2\n#gamma\t3\nalpha\t4\n\t5\n" + strings.Repeat("x", maxKey+1) + "\t6"
	tab := newTable[int](data, lines(data)-1)
	eachLineAt(data, func(off int, f []string) {
		if len(f[0]) <= maxKey {
			tab.set(off, f[0], atoi(f[1]))
		}
	})
	for key, want := range map[string]int{"alpha": 4, "beta": 2, "": 5} {
		if got, ok := tab.get(key); !ok || got != want {
			t.Errorf("get(%q) = %d, %v; want %d", key, got, ok, want)
		}
	}
	for _, key := range []string{"gamma", "#gamma", "alph", "alphaa", "Alpha", strings.Repeat("x", maxKey+1)} {
		if tab.has(key) {
			t.Errorf("has(%q)", key)
		}
	}
	var none *table[int]
	if none.has("alpha") {
		t.Error("a nil table has alpha")
	}
}

// The dictionaries keep their keys in the embedded files and look them up
// in pointer-free tables, some 23 bytes of heap a key. As maps over copies
// of the files they held 58 bytes a key (32 MB), all of which the garbage
// collector scanned, and they were most of what a one-post scan cost. The
// bound is per key so that the dictionaries may grow.
func TestLoadRetains(t *testing.T) {
	keys := 0
	for _, d := range []string{firstNamesTSV, surnamesTSV, intlNamesTSV, weakNamesTXT, wordsTSV, properTSV,
		citiesTSV, countiesTSV, hospitalsTSV, drugsTSV, eponymsTXT, conditionsTXT, makersTSV, makerAliasesTSV, streetSuffixesTSV} {
		keys += lines(d)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := load()
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("the dictionaries hold %d bytes for %d keys", held, keys)
	if held > 32*int64(keys) {
		t.Errorf("the dictionaries hold %d bytes, %d a key; they fit in 32", held, held/int64(keys))
	}
	runtime.KeepAlive(l)
}
