package detect

import (
	"slices"
	"strings"
)

// acMachine is an Aho-Corasick automaton over bytes, on byte classes,
// reporting every literal that occurs (overlaps included).
//
// Its states are numbered breadth first, so the shallow ones, which most
// bytes of a text visit, come first. The states below dense have full rows
// of transitions; the deeper ones keep only their trie children and their
// failure link, which is far smaller: full rows for all of the prefilter's
// 64,000 states took 12 MB, and the scan paid a cache miss a byte.
type acMachine struct {
	class  [256]uint8
	nclass int
	dense  int32
	next   []int32 // [state*nclass + class] -> state, for states below dense
	// by state, and one more to end the last one's ranges
	states []acState
	// the literals ending at state s (suffixes included) are
	// outIDs[states[s].out:states[s+1].out]
	outIDs []int32
}

// acState is a state of the trie, all a step and its outputs read in one
// place: its children are the states first up to the next state's first,
// its literals begin at out in outIDs.
type acState struct {
	first int32
	fail  int32 // the state of its longest proper suffix that is one
	out   int32
	label uint8 // the class of the edge from its parent
}

// acDenseDepth is the depth down to which states have full rows.
const acDenseDepth = 1

func buildAC(lits []string) *acMachine {
	m := &acMachine{}
	// byte classes: each byte used in a literal has its own class; 0 is "other"
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if m.class[l[i]] == 0 {
				m.nclass++
				m.class[l[i]] = uint8(m.nclass)
				if m.nclass == 255 {
					break
				}
			}
		}
	}
	m.nclass++
	t := buildTrie(m, lits)
	m.number(t)
	m.link()
	m.outputs(t)
	return m
}

// acTrie is the trie of the literals as built, before the states are
// numbered breadth first: the children of node n are first[n],
// sibling[first[n]] and so on, in the order they were made; ends lists the
// literals (in increasing order) that end at each node.
type acTrie struct {
	first, last, sibling []int32
	class                []uint8
	ends                 [][]int32
	order                []int32 // by state: its node
}

// buildTrie builds the trie of lits, taking them in sorted order so that
// each adds only the bytes it does not share with its predecessor.
func buildTrie(m *acMachine, lits []string) *acTrie {
	t := &acTrie{}
	add := func(c uint8) int32 {
		t.first = append(t.first, -1)
		t.last = append(t.last, -1)
		t.sibling = append(t.sibling, -1)
		t.class = append(t.class, c)
		t.ends = append(t.ends, nil)
		return int32(len(t.class) - 1)
	}
	sorted := make([]int32, len(lits))
	for i := range sorted {
		sorted[i] = int32(i)
	}
	slices.SortStableFunc(sorted, func(a, b int32) int { return strings.Compare(lits[a], lits[b]) })
	// a node for each byte a literal does not share with the one before
	// it in order, and the root: the slices are sized once, not grown
	n, prev := 1, ""
	for _, id := range sorted {
		n += len(lits[id]) - commonPrefix(lits[id], prev)
		prev = lits[id]
	}
	t.first, t.last, t.sibling = make([]int32, 0, n), make([]int32, 0, n), make([]int32, 0, n)
	t.class, t.ends = make([]uint8, 0, n), make([][]int32, 0, n)
	add(0)
	path := []int32{0} // path[k]: the node of prev[:k]
	prev = ""
	for _, id := range sorted {
		l := lits[id]
		k := commonPrefix(l, prev)
		path = path[:k+1]
		for i := k; i < len(l); i++ {
			parent := path[i]
			n := add(m.class[l[i]])
			if t.last[parent] < 0 {
				t.first[parent] = n
			} else {
				t.sibling[t.last[parent]] = n
			}
			t.last[parent] = n
			path = append(path, n)
		}
		t.ends[path[len(l)]] = append(t.ends[path[len(l)]], id)
		prev = l
	}
	return t
}

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	k := 0
	for k < len(a) && k < len(b) && a[k] == b[k] {
		k++
	}
	return k
}

// number numbers the trie's nodes breadth first as m's states, so that
// each state's children are consecutive, and sets dense.
func (m *acMachine) number(t *acTrie) {
	n := len(t.class)
	t.order = make([]int32, 1, n)
	m.states = make([]acState, n+1)
	depth := make([]int32, n)
	m.dense = int32(n)
	for s := 0; s < n; s++ {
		if depth[s] > acDenseDepth && m.dense == int32(n) {
			m.dense = int32(s)
		}
		m.states[s].first = int32(len(t.order))
		for c := t.first[t.order[s]]; c >= 0; c = t.sibling[c] {
			k := len(t.order)
			t.order = append(t.order, c)
			m.states[k].label = t.class[c]
			depth[k] = depth[s] + 1
		}
	}
	m.states[n].first = int32(n)
}

// link sets the failure links and fills the rows of the dense states,
// breadth first: a state's failure state is shallower, so its links and
// row are known by then.
func (m *acMachine) link() {
	nc := m.nclass
	m.next = make([]int32, int(m.dense)*nc)
	st := m.states
	for s := range len(st) - 1 {
		if s < int(m.dense) {
			row := m.next[s*nc : (s+1)*nc]
			if s > 0 {
				copy(row, m.next[int(st[s].fail)*nc:])
			}
			for k := st[s].first; k < st[s+1].first; k++ {
				row[st[k].label] = k
			}
		}
		if s > 0 {
			for k := st[s].first; k < st[s+1].first; k++ {
				st[k].fail = m.step(st[s].fail, st[k].label)
			}
		}
	}
}

// outputs lists the literals ending at each state: those of its node, then
// those of its failure state.
func (m *acMachine) outputs(t *acTrie) {
	st := m.states
	n := len(st) - 1
	for s := range n {
		st[s].out = int32(len(m.outIDs))
		m.outIDs = append(m.outIDs, t.ends[t.order[s]]...)
		if s > 0 {
			f := st[s].fail
			m.outIDs = append(m.outIDs, m.outIDs[st[f].out:st[f+1].out]...)
		}
	}
	st[n].out = int32(len(m.outIDs))
}

// step returns the state after s on a byte of class c, for a state
// without a full row: its child on c, else its failure state's step.
func (m *acMachine) step(s int32, c uint8) int32 {
	for s >= m.dense {
		for k := m.states[s].first; k < m.states[s+1].first; k++ {
			if m.states[k].label == c {
				return k
			}
		}
		s = m.states[s].fail
	}
	return m.next[int(s)*m.nclass+int(c)]
}

// acMatch is one literal occurrence: the literal's index and its end.
type acMatch struct{ id, end int32 }

// scanAll returns every occurrence of every literal in text.
func (m *acMachine) scanAll(text string, out []acMatch) []acMatch {
	if m == nil || len(m.outIDs) == 0 {
		return out
	}
	s, nc := int32(0), m.nclass
	for i := 0; i < len(text); i++ {
		c := m.class[text[i]]
		if s < m.dense {
			s = m.next[int(s)*nc+int(c)]
		} else {
			s = m.step(s, c)
		}
		if a, b := m.states[s].out, m.states[s+1].out; a < b {
			for _, id := range m.outIDs[a:b] {
				out = append(out, acMatch{id, int32(i + 1)})
			}
		}
	}
	return out
}
