package detect

import (
	"regexp/syntax"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Most tries of an anchored regex at a start candidate fail within a few
// bytes, yet Go's backtracker pays for its set-up (a visited table as large
// as the program times the rest of the text) and explores every branch of
// long alternations one by one. prefixDFA answers "does the regex match at
// the start of s" with a lazily built DFA over the regex's program: one
// table lookup per byte, stopping at the first match or when no thread is
// left. Screens call it through lazyRegexp.matchPrefix.

// prefixDFA is a lazily built DFA for the regex src, run from the start of
// a text. A state is the set of program instructions waiting for the next
// rune, with the kind of the rune before it (for \b, ^ and $). It is safe
// for concurrent use: match follows the ASCII transitions already built
// without the lock (through snap), and takes it only to build more.
type prefixDFA struct {
	src  string
	once sync.Once
	prog *syntax.Prog // nil: the pattern did not compile (cannot happen)

	// ASCII bytes the program cannot tell apart share a class: the same
	// kind, and matched by the same rune instructions
	class  [utf8.RuneSelf]uint8
	nclass int

	// snap is trans as last published: a reader loads it and reads its
	// entries atomically, as the lock holder sets them. Rows are only
	// appended, so a state whose row lies past a snapshot's end is one
	// built since; the reader then goes on under the lock.
	snap atomic.Pointer[[]int32]
	full atomic.Bool // too many states: the caller runs the regex

	mu     sync.Mutex
	index  map[string]int32 // state key -> state
	states []dfaState
	trans  []int32          // state*nclass + class of an ASCII byte -> transition (dfa* constants or a state)
	wide   map[uint64]int32 // state<<32 | rune -> transition, for other runes
	// scratch for closure and step
	seen  []uint32 // by instruction: the generation that last visited it
	gen   uint32
	stack []uint32
	runes []uint32
	buf   []uint32
	key   []byte
}

// dfaState is one state: the instructions to continue from and the kind
// of the rune before them.
type dfaState struct {
	pcs  []uint32
	prev int8 // a ctx* constant
	end  int8 // 0 unknown, 1 the closure at the end of text matches, 2 it does not
}

// Transitions other than to a state.
const (
	dfaUnknown = -1 // not computed yet
	dfaMatch   = -2 // a match ends before this rune
	dfaDead    = -3 // no thread survives this rune
)

// Kinds of the rune before a position, which is all the empty-width
// assertions look at (regexp/syntax's \b is ASCII-only).
const (
	ctxBegin = iota // the start of the text
	ctxNL           // '\n'
	ctxWord         // an ASCII word character
	ctxOther        // anything else
)

// dfaMaxStates bounds a DFA's states; past it the regex runs instead.
// dfaMaxWide bounds the transitions on non-ASCII runes it keeps.
const (
	dfaMaxStates = 2000
	dfaMaxWide   = 4096
)

// dfaBudget bounds the states of all DFAs of the process together (about a
// kilobyte each), so that a long-running server fed hostile text keeps
// bounded memory: once it is spent, a DFA that needs a new state gives up
// and its regex runs instead, which changes no result. The labelled sets
// build about 3,000 states in all. A variable for the tests.
var dfaBudget int64 = 50_000

// dfaStates counts the states built by all DFAs.
var dfaStates atomic.Int64

// ctxRune returns a rune of the kind k, for syntax.EmptyOpContext.
func ctxRune(k int8) rune {
	switch k {
	case ctxBegin:
		return -1
	case ctxNL:
		return '\n'
	case ctxWord:
		return 'a'
	}
	return ' '
}

// runeKind returns the kind of r as the rune before a position.
func runeKind(r rune) int8 {
	switch {
	case r == '\n':
		return ctxNL
	case r < utf8.RuneSelf && isWordByte(byte(r)):
		return ctxWord
	}
	return ctxOther
}

func newPrefixDFA(src string) *prefixDFA { return &prefixDFA{src: src} }

func (a *prefixDFA) init() {
	re, err := syntax.Parse(a.src, syntax.Perl)
	if err != nil {
		return
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return
	}
	a.prog = prog
	a.classes()
	a.index = map[string]int32{}
	a.wide = map[uint64]int32{}
	a.seen = make([]uint32, len(prog.Inst))
	a.intern([]uint32{uint32(prog.Start)}, ctxBegin)
	a.publish()
}

// publish makes the transitions built so far visible to match's lock-free
// path; the lock holder calls it after adding states.
func (a *prefixDFA) publish() {
	t := a.trans
	a.snap.Store(&t)
}

// match reports whether the regex matches at the start of s, as an
// anchored regex's MatchString does; ok is false when the DFA has grown
// too large to answer.
func (a *prefixDFA) match(s string) (matched, ok bool) {
	a.once.Do(a.init)
	if a.prog == nil || a.full.Load() {
		return false, false
	}
	// without the lock, as far as the published ASCII transitions go
	trans := *a.snap.Load()
	st, i := int32(0), 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			break
		}
		at := int(st)*a.nclass + int(a.class[c])
		if at >= len(trans) {
			break // a state built since the snapshot
		}
		t := atomic.LoadInt32(&trans[at])
		if t == dfaUnknown {
			break
		}
		switch t {
		case dfaMatch:
			return true, true
		case dfaDead:
			return false, true
		}
		st = t
	}
	a.mu.Lock()
	matched, ok = a.run(s, i, st)
	a.mu.Unlock()
	return matched, ok
}

// run is match from byte i of s in state st, holding the lock.
func (a *prefixDFA) run(s string, i int, st int32) (matched, ok bool) {
	if a.full.Load() {
		return false, false
	}
	n := len(a.states)
	defer func() {
		if len(a.states) > n {
			a.publish()
		}
	}()
	for i < len(s) {
		c := s[i]
		var t int32
		if c < utf8.RuneSelf {
			at := int(st)*a.nclass + int(a.class[c])
			t = a.trans[at]
			if t == dfaUnknown {
				t = a.step(st, rune(c))
				atomic.StoreInt32(&a.trans[at], t)
			}
			i++
		} else {
			r, w := utf8.DecodeRuneInString(s[i:])
			k := uint64(st)<<32 | uint64(uint32(r))
			var seen bool
			if t, seen = a.wide[k]; !seen {
				t = a.step(st, r)
				if len(a.wide) < dfaMaxWide {
					a.wide[k] = t
				}
			}
			i += w
		}
		switch t {
		case dfaMatch:
			return true, true
		case dfaDead:
			return false, true
		case dfaUnknown:
			return false, false // full
		}
		st = t
	}
	s0 := &a.states[st]
	if s0.end == 0 {
		s0.end = 2
		if _, m := a.closure(s0.pcs, s0.prev, -1); m {
			s0.end = 1
		}
	}
	return s0.end == 1, true
}

// step computes the transition from state st on the rune r; dfaUnknown
// when the state table is full.
func (a *prefixDFA) step(st int32, r rune) int32 {
	s := a.states[st]
	runes, m := a.closure(s.pcs, s.prev, r)
	if m {
		return dfaMatch
	}
	next := a.buf[:0]
	for _, pc := range runes {
		in := &a.prog.Inst[pc]
		if ok, _ := matchesRune(in, r); ok {
			next = append(next, in.Out)
		}
	}
	a.buf = next
	if len(next) == 0 {
		return dfaDead
	}
	slices.Sort(next)
	next = slices.Compact(next)
	return a.intern(next, runeKind(r))
}

// closure follows the empty transitions from pcs at a position between a
// rune of kind prev and the rune after (-1 at the end of the text). It
// returns the rune instructions reached, and whether a match is.
func (a *prefixDFA) closure(pcs []uint32, prev int8, after rune) (runes []uint32, matched bool) {
	a.gen++
	if a.gen == 0 {
		clear(a.seen)
		a.gen = 1
	}
	before := ctxRune(prev)
	runes = a.runes[:0]
	stack := append(a.stack[:0], pcs...)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if a.seen[pc] == a.gen {
			continue
		}
		a.seen[pc] = a.gen
		in := &a.prog.Inst[pc]
		switch in.Op {
		case syntax.InstMatch:
			matched = true
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			if in.MatchEmptyWidth(before, after) {
				stack = append(stack, in.Out)
			}
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			runes = append(runes, pc)
		}
	}
	a.stack, a.runes = stack, runes
	return runes, matched
}

// intern returns the state for (pcs, prev), adding it if new; dfaUnknown
// when the table is full.
func (a *prefixDFA) intern(pcs []uint32, prev int8) int32 {
	key := append(a.key[:0], byte(prev))
	for _, pc := range pcs {
		key = append(key, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	a.key = key
	if st, ok := a.index[string(key)]; ok {
		return st
	}
	if len(a.states) >= dfaMaxStates || dfaStates.Add(1) > dfaBudget {
		a.full.Store(true)
		return dfaUnknown
	}
	st := int32(len(a.states))
	a.index[string(key)] = st
	a.states = append(a.states, dfaState{pcs: slices.Clone(pcs), prev: prev})
	for range a.nclass {
		a.trans = append(a.trans, dfaUnknown)
	}
	return st
}

// matchesRune reports whether the rune instruction in consumes r, and
// whether in consumes a rune at all. Called by step and classes.
func matchesRune(in *syntax.Inst, r rune) (match, consumes bool) {
	switch in.Op {
	case syntax.InstRune:
		return in.MatchRune(r), true
	case syntax.InstRune1:
		return r == in.Rune[0], true
	case syntax.InstRuneAny:
		return true, true
	case syntax.InstRuneAnyNotNL:
		return r != '\n', true
	}
	return false, false
}

// classes divides the ASCII bytes into classes the program treats alike.
func (a *prefixDFA) classes() {
	index := map[string]uint8{}
	var sig []byte
	for c := range rune(utf8.RuneSelf) {
		sig = append(sig[:0], byte(runeKind(c)))
		for i := range a.prog.Inst {
			in := &a.prog.Inst[i]
			m, consumes := matchesRune(in, c)
			if !consumes || in.Op == syntax.InstRuneAny {
				continue // matches every byte alike: it divides nothing
			}
			if m {
				sig = append(sig, 1)
			} else {
				sig = append(sig, 0)
			}
		}
		k, ok := index[string(sig)]
		if !ok {
			k = uint8(len(index))
			index[string(sig)] = k
		}
		a.class[c] = k
	}
	a.nclass = len(index)
}
