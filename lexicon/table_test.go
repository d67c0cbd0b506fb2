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
// in pointer-free tables. As maps over copies of the files they held 32 MB
// of the heap, all of which the garbage collector scanned, and they were
// most of what a one-post scan cost.
func TestLoadRetains(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := load()
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("the dictionaries hold %d bytes", held)
	if held > 14<<20 {
		t.Errorf("the dictionaries hold %d MB of the heap; they fit in 14 MB", held>>20)
	}
	runtime.KeepAlive(l)
}
