package detect

import (
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

// plan is what analysing a pattern finds, before registration.
type plan struct {
	src    string
	digits int // rx.digits
	v      int // rx.v
	anchor *anchorPlan
	// alts are the plans of the branches wrapped for rx.alts, in order, up
	// to the first that has no anchor; altsOK says none lacked one
	alts   []*plan
	altsOK bool
	lits   []string   // required literals: rx.lits; nil for none
	words  bool       // rx.words
	seps   *[256]bool // rx.seps
	more   [][]string // rx.more
}

// anchorPlan is an anchor before registration: its start literals are
// strings.
type anchorPlan struct {
	first, rest string // the anchored regexes; rest is first without a ^ branch
	begin       bool
	lits        []string // start literals, or
	wb          bool
	bytes       *[256]uint8 // start bytes
}

// analysePattern analyses the pattern src, parsed as sre (Perl flags).
func analysePattern(src string, sre *syntax.Regexp) *plan {
	simple := sre.Simplify()
	cache := make(litCache, countNodes(simple))
	pl := &plan{src: src, digits: minDigits(simple), v: captureIndex(sre, "v")}
	pl.anchor = analyseAnchor(src, simple, cache)
	if pl.anchor == nil {
		pl.alts, pl.altsOK = analyseBranches(src, sre)
	}
	set, ok := cache.required(simple)
	if !ok || len(set) == 0 || len(set) > 400 {
		return pl
	}
	pl.lits, pl.words = set, isWordList(src, simple, cache)
	if pl.anchor == nil {
		pl.seps = separators(simple)
	}
	if simple.Op == syntax.OpConcat {
		for _, extra := range cache.concatSets(simple) {
			if len(extra) <= 400 && !sameSet(extra, set) && !weakSet(extra) {
				pl.more = append(pl.more, extra)
			}
		}
	}
	return pl
}

// analyseAnchor finds where a match of the pattern src, parsed and
// simplified as re, can start; nil when it has neither start literals nor
// narrow start bytes.
func analyseAnchor(src string, re *syntax.Regexp, c litCache) *anchorPlan {
	a := &anchorPlan{first: `^(?:` + src + `)`}
	a.rest = a.first
	if r, ok := withoutBeginBranch(re); ok {
		// (?:^|[.!?]\s+)…: the text's start, or the other branches
		rest := `^(?:` + r.String() + `)`
		if _, err := syntax.Parse(rest, syntax.Perl); err != nil {
			return nil // cannot happen; lazyRegexp must not fail to compile
		}
		re, a.begin, a.rest = r, true, rest
	}
	if set, wb, ok := c.startLiterals(re); ok {
		a.lits, a.wb = set, wb
		return a
	}
	if set, ok := startBytes(re); ok {
		a.bytes = set
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
		if bp.anchor == nil {
			return alts, false
		}
	}
	return alts, true
}

// register registers the literals of a plan, in the order wrapping a
// pattern always did, and returns its rx. A branch wrapped before (as a
// pattern of its own or a branch of another) gives its rx again.
func (p *prefilter) register(pl *plan) rx {
	out := rx{re: newLazyRegexp(pl.src), digits: pl.digits, group: -1, v: pl.v}
	if pl.anchor != nil {
		out.anchor = p.registerAnchor(pl.anchor)
	} else {
		out.alts = p.registerBranches(pl)
	}
	if pl.lits == nil {
		return out
	}
	out.lits, out.words = p.ids(pl.lits), pl.words
	out.group = p.group(out.lits)
	out.seps = pl.seps
	for _, extra := range pl.more {
		ids := p.ids(extra)
		out.more = append(out.more, ids)
		out.moreGroups = append(out.moreGroups, p.group(ids))
	}
	return out
}

// registerAnchor makes the anchor of a plan, registering its start
// literals.
func (p *prefilter) registerAnchor(ap *anchorPlan) *anchor {
	a := &anchor{first: newLazyRegexp(ap.first), begin: ap.begin, bytes: ap.bytes}
	a.first.dfa = newPrefixDFA(ap.first)
	a.rest = a.first
	if ap.rest != ap.first {
		a.rest = newLazyRegexp(ap.rest)
		a.rest.dfa = newPrefixDFA(ap.rest)
	}
	if ap.lits != nil {
		a.lits, a.wb = p.ids(ap.lits), ap.wb
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
	for _, bp := range pl.alts {
		out = append(out, p.wrapPlan(bp))
	}
	if !pl.altsOK {
		return nil
	}
	return out
}

// wrapPlan is wrap for an analysed pattern.
func (p *prefilter) wrapPlan(pl *plan) rx {
	if x, ok := p.wrapped[pl.src]; ok {
		return x
	}
	x := p.register(pl)
	p.wrapped[pl.src] = x
	return x
}

// prepare analyses the patterns srcs (as compileAllMode gives them to
// wrap) on all cores, for wrap to register later without parsing them
// again. A pattern that does not parse is left to compileAllMode, which
// reports the error.
func (p *prefilter) prepare(srcs []string) {
	var todo []string
	seen := make(map[string]bool, len(srcs))
	for _, s := range srcs {
		if _, done := p.wrapped[s]; !done && !seen[s] {
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
	if p.plans == nil {
		p.plans = make(map[string]*plan, len(todo))
	}
	for i, pl := range plans {
		if pl != nil {
			p.plans[todo[i]] = pl
		}
	}
}
