package detect

import (
	"bytes"
	_ "embed"
	"encoding/gob"
	"regexp/syntax"
	"runtime"
	"sync"
	"sync/atomic"
)

// Wrapping a pattern has two parts: analysing it (its literals, anchor and
// branches), which reads the pattern alone, and registering what was found
// with the prefilter, which numbers literals and groups in order. A plan is
// the analysis, so that start-up can analyse many patterns at once
// (prefilter.prepare) and register them in turn.

// plan is what analysing a pattern finds, before registration. Its fields
// are exported for encoding/gob (embedded plans).
type plan struct {
	Src    string
	Digits int // rx.digits
	V      int // rx.v
	Anchor *anchorPlan
	// Alts are the plans of the branches wrapped for rx.alts, in order, up
	// to the first that has no anchor; AltsOK says none lacked one
	Alts   []*plan
	AltsOK bool
	Lits   []string   // required literals: rx.lits; nil for none
	Words  bool       // rx.words
	Seps   *[256]bool // rx.seps
	More   [][]string // rx.more
}

// anchorPlan is an anchor before registration: its start literals are
// strings.
type anchorPlan struct {
	First, Rest string // the anchored regexes; Rest is First without a ^ branch
	Begin       bool
	Lits        []string // start literals, or
	WB          bool
	Bytes       *[256]uint8 // start bytes
}

// analysePattern analyses the pattern src, parsed as sre (Perl flags).
func analysePattern(src string, sre *syntax.Regexp) *plan {
	simple := sre.Simplify()
	cache := make(litCache, countNodes(simple))
	pl := &plan{Src: src, Digits: minDigits(simple), V: captureIndex(sre, "v")}
	pl.Anchor = analyseAnchor(src, simple, cache)
	if pl.Anchor == nil {
		pl.Alts, pl.AltsOK = analyseBranches(src, sre)
	}
	set, ok := cache.required(simple)
	if !ok || len(set) == 0 || len(set) > 400 {
		return pl
	}
	pl.Lits, pl.Words = set, isWordList(src, simple, cache)
	if pl.Anchor == nil {
		pl.Seps = separators(simple)
	}
	if simple.Op == syntax.OpConcat {
		for _, extra := range cache.concatSets(simple) {
			if len(extra) <= 400 && !sameSet(extra, set) && !weakSet(extra) {
				pl.More = append(pl.More, extra)
			}
		}
	}
	return pl
}

// analyseAnchor finds where a match of the pattern src, parsed and
// simplified as re, can start; nil when it has neither start literals nor
// narrow start bytes.
func analyseAnchor(src string, re *syntax.Regexp, c litCache) *anchorPlan {
	a := &anchorPlan{First: `^(?:` + src + `)`}
	a.Rest = a.First
	if r, ok := withoutBeginBranch(re); ok {
		// (?:^|[.!?]\s+)…: the text's start, or the other branches
		rest := `^(?:` + r.String() + `)`
		if _, err := syntax.Parse(rest, syntax.Perl); err != nil {
			return nil // cannot happen; lazyRegexp must not fail to compile
		}
		re, a.Begin, a.Rest = r, true, rest
	}
	if set, wb, ok := c.startLiterals(re); ok {
		a.Lits, a.WB = set, wb
		return a
	}
	if set, ok := startBytes(re); ok {
		a.Bytes = set
		return a
	}
	return nil
}

// analyseBranches analyses the top-level branches of the pattern src,
// parsed as sre, for rx.alts, stopping at the first without an anchor (that
// branch would search the text anyway; ok is then false). There are none
// when src has a single branch or no long counted repetition
// (`[^.!?]{0,40}`): only those make the DFA that searches for the whole
// pattern grow past its bound.
func analyseBranches(src string, sre *syntax.Regexp) (alts []*plan, ok bool) {
	if !longRepeat(sre) {
		return nil, false
	}
	branches := topBranches(src)
	if len(branches) < 2 {
		return nil, false
	}
	for _, b := range branches {
		sb, err := syntax.Parse(b, syntax.Perl)
		if err != nil {
			return alts, false
		}
		bp := analysePattern(b, sb)
		alts = append(alts, bp)
		if bp.Anchor == nil {
			return alts, false
		}
	}
	return alts, true
}

// register registers the literals of a plan, in the order wrapping a
// pattern always did, and returns its rx. A branch wrapped before (as a
// pattern of its own or a branch of another) gives its rx again.
func (p *prefilter) register(pl *plan) rx {
	out := rx{re: newLazyRegexp(pl.Src), digits: pl.Digits, group: -1, v: pl.V}
	if pl.Anchor != nil {
		out.anchor = p.registerAnchor(pl.Anchor)
	} else {
		out.alts = p.registerBranches(pl)
	}
	if pl.Lits == nil {
		return out
	}
	out.lits, out.words = p.ids(pl.Lits), pl.Words
	out.group = p.group(out.lits)
	out.seps = pl.Seps
	for _, extra := range pl.More {
		ids := p.ids(extra)
		out.more = append(out.more, ids)
		out.moreGroups = append(out.moreGroups, p.group(ids))
	}
	return out
}

// registerAnchor makes the anchor of a plan, registering its start
// literals.
func (p *prefilter) registerAnchor(ap *anchorPlan) *anchor {
	a := &anchor{first: newLazyRegexp(ap.First), begin: ap.Begin, bytes: ap.Bytes}
	a.first.dfa = newPrefixDFA(ap.First)
	a.rest = a.first
	if ap.Rest != ap.First {
		a.rest = newLazyRegexp(ap.Rest)
		a.rest.dfa = newPrefixDFA(ap.Rest)
	}
	if ap.Lits != nil {
		a.lits, a.wb = p.ids(ap.Lits), ap.WB
		a.lens = make([]int32, len(a.lits))
		for k, id := range a.lits {
			a.lens[k] = int32(len(p.lits[id]))
		}
		a.group = p.group(a.lits)
	}
	return a
}

// registerBranches wraps the branches of a plan for rx.alts; nil unless
// every one has an anchor.
func (p *prefilter) registerBranches(pl *plan) []rx {
	var out []rx
	for _, bp := range pl.Alts {
		out = append(out, p.wrapPlan(bp))
	}
	if !pl.AltsOK {
		return nil
	}
	return out
}

// wrapPlan is wrap for an analysed pattern.
func (p *prefilter) wrapPlan(pl *plan) rx {
	if x, ok := p.wrapped[pl.Src]; ok {
		return x
	}
	x := p.register(pl)
	p.wrapped[pl.Src] = x
	return x
}

// plansGob holds the plans of the default rules' patterns ([]*plan in
// encoding/gob), made by go generate, so that start-up need not analyse
// them. A plan is found by its pattern's source: a pattern changed since is
// analysed afresh. TestEmbeddedPlans fails when the file is out of date.
//
//go:generate go test -run ^TestEmbeddedPlans$ -update-plans
//go:embed rules/plans.gob
var plansGob []byte

// embeddedPlans returns the plans of plansGob by source (none if it does
// not decode).
func embeddedPlans() map[string]*plan {
	var list []*plan
	if err := gob.NewDecoder(bytes.NewReader(plansGob)).Decode(&list); err != nil {
		return map[string]*plan{}
	}
	out := make(map[string]*plan, len(list))
	for _, pl := range list {
		out[pl.Src] = pl
	}
	return out
}

// prepare gets ready the plans of the patterns srcs (as compileAllMode
// gives them to wrap), for wrap to register later without parsing them
// again: from plansGob, or analysed on all cores. A pattern that does not
// parse is left to compileAllMode, which reports the error.
func (p *prefilter) prepare(srcs []string) {
	known := embeddedPlans()
	var todo []string
	seen := make(map[string]bool, len(srcs))
	for _, s := range srcs {
		if _, done := p.wrapped[s]; !done && known[s] == nil && !seen[s] {
			seen[s] = true
			todo = append(todo, s)
		}
	}
	plans := make([]*plan, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(todo) {
					return
				}
				if sre, err := syntax.Parse(todo[i], syntax.Perl); err == nil {
					plans[i] = analysePattern(todo[i], sre)
				}
			}
		})
	}
	wg.Wait()
	for i, pl := range plans {
		if pl != nil {
			known[todo[i]] = pl
		}
	}
	p.plans = known
}
