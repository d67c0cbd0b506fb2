package lexicon

import "hash/maphash"

// table is a read-only map from strings to V for the large dictionaries:
// an open-addressing hash table whose keys stay in the embedded file they
// were read from. A slot is 8 bytes plus a V and holds no pointer, so the
// table costs a third of a map[string]V and the garbage collector does
// not scan it. Only load builds tables; lookups are safe for concurrent
// use.
type table[V any] struct {
	data  string    // the embedded file the keys are substrings of
	slots []slot[V] // a power of two of them, at most 4/5 used
	used  int       // slots in use
	seed  maphash.Seed
}

// slot holds a key and its value. The key is data[off:off+n], where the
// low byte of meta is n+1 (0 in a free slot) and the rest 24 bits of the
// key's hash, which rule out most other keys without reading data.
type slot[V any] struct {
	off, meta uint32
	v         V
}

// maxKey is the longest key a table holds, in bytes.
const maxKey = 254

// newTable returns an empty table over data for at most n keys.
func newTable[V any](data string, n int) *table[V] {
	size := 8
	for size*4 < n*5 {
		size *= 2
	}
	return &table[V]{data: data, slots: make([]slot[V], size), seed: maphash.MakeSeed()}
}

// find returns the slot of key, or the free slot where it would go, and
// the key's meta; -1 for a key longer than maxKey.
func (t *table[V]) find(key string) (int, uint32) {
	if len(key) > maxKey {
		return -1, 0
	}
	h := maphash.String(t.seed, key)
	meta := uint32(h>>32)&^0xff | uint32(len(key)+1)
	mask := len(t.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.meta == 0 || s.meta == meta && t.data[s.off:s.off+uint32(len(key))] == key {
			return i, meta
		}
	}
}

// set maps key, the substring of t.data at offset off, to v; a key set
// twice keeps the last value, as a map does. It panics when the table is
// full (more keys than newTable was told of, and more) or the key is
// longer than maxKey.
func (t *table[V]) set(off int, key string, v V) {
	i, meta := t.find(key)
	if i < 0 {
		panic("lexicon: key too long: " + key)
	}
	s := &t.slots[i]
	if s.meta == 0 {
		if t.used+1 == len(t.slots) {
			panic("lexicon: table full")
		}
		s.off, s.meta = uint32(off), meta
		t.used++
	}
	s.v = v
}

// get returns the value of key and whether the table holds it.
func (t *table[V]) get(key string) (v V, ok bool) {
	if t == nil {
		return v, false
	}
	i, _ := t.find(key)
	if i < 0 || t.slots[i].meta == 0 {
		return v, false
	}
	return t.slots[i].v, true
}

// has reports whether the table holds key.
func (t *table[V]) has(key string) bool {
	_, ok := t.get(key)
	return ok
}
