package detect

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Most rule regexes begin with one of a few literal words:
// `\b(?:on|the|since|until|by)\s+…`, `\b(?:my|our|a|this)\s+…`, or with a
// digit or a capital. Go's regexp engine tries such a regex at every byte
// of the text. The screen instead tries the regex, anchored, only where a
// match can start (start candidates): where the prefilter found one of
// those words, or where such a byte is. The matches are the same: every
// match starts at a candidate, and an anchored match at a position is the
// match an unanchored search finds when it gets there.

// anchor is how a regex is tried only at its start candidates.
type anchor struct {
	lits  []int32     // start literals (prefilter ids); without them:
	lens  []int32     // with lits: their lengths, so that candidates need not look the literals up
	bytes *[256]uint8 // start bytes: byteAny, or byteWord (only at a word boundary)
	group int32       // with lits: their literal group, present when one occurs
	wb    bool        // with lits: only at a word boundary
	begin bool        // a match may also start at the start of the text (a ^ branch)
	first *lazyRegexp // the regex, anchored: for a match at the start of the text
	rest  *lazyRegexp // the regex without its ^ branch, anchored: elsewhere
}

// Kinds of start bytes.
const (
	byteAny  = 1 // a match may start at this byte
	byteWord = 2 // … only at a word boundary
)

// withoutBeginBranch returns re, a concatenation that begins with an
// alternation with a ^ branch, without that branch.
func withoutBeginBranch(re *syntax.Regexp) (*syntax.Regexp, bool) {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpAlternate {
		return nil, false
	}
	alt := re.Sub[0]
	var others []*syntax.Regexp
	for _, b := range alt.Sub {
		if b.Op != syntax.OpBeginText {
			others = append(others, b)
		}
	}
	if len(others) == len(alt.Sub) || len(others) == 0 {
		return nil, false
	}
	first := others[0]
	if len(others) > 1 {
		a := *alt
		a.Sub = others
		first = &a
	}
	r := *re
	r.Sub = append([]*syntax.Regexp{first}, re.Sub[1:]...)
	return &r, true
}

// startLiterals returns lower-case literals one of which every match of re
// begins with, and wb when re begins with \b (a candidate must then also
// start at a word boundary); ok is false when re has no such set or could
// test anything but that \b before its first character, which the
// anchored regex, run on the text from the candidate, could not see.
func (c litCache) startLiterals(re *syntax.Regexp) (set []string, wb bool, ok bool) {
	seq, wb := leading(re)
	set = c.prefixes(seq)
	if len(set) == 0 {
		return nil, false, false
	}
	for _, s := range set {
		if wb && !isWordByte(s[0]) {
			return nil, false, false // \b before a mark looks at the byte before the candidate
		}
		if len(s) < 2 && !(wb || strings.Contains(rareMarks, s)) {
			return nil, false, false // a common single character: no filter
		}
	}
	return set, wb, true
}

// startBytes returns the bytes a match of re can begin with, for regexes
// without start literals (`\b\d{3}-\d{2}-\d{4}`, `[A-Z][a-z]+`,
// `(?:[.!?]\s*|\band\s+)take`): byteWord for those of branches that
// begin with \b. ok is false when the set would not narrow the search
// (most lower-case letters, white space), or re could test the byte
// before its first character otherwise, or a byte could start both kinds
// of branch.
func startBytes(re *syntax.Regexp) (set *[256]uint8, ok bool) {
	set = new([256]uint8)
	if !markStarts(openStart([]*syntax.Regexp{re}), set) {
		return nil, false
	}
	lower := 0
	for b := 'a'; b <= 'z'; b++ {
		if set[b] != 0 {
			lower++
		}
	}
	if lower > 6 || set[' '] != 0 || set['\n'] != 0 {
		return nil, false
	}
	return set, true
}

// markStarts marks in set the bytes a match of the sequence seq can begin
// with: a leading \b makes them byteWord, a leading alternation or
// optional part is marked branch by branch.
func markStarts(seq []*syntax.Regexp, set *[256]uint8) bool {
	if len(seq) == 0 {
		return false
	}
	switch seq[0].Op {
	case syntax.OpWordBoundary:
		return markBytes(seq[1:], set, byteWord)
	case syntax.OpAlternate:
		for _, b := range seq[0].Sub {
			if !markStarts(append(openStart([]*syntax.Regexp{b}), seq[1:]...), set) {
				return false
			}
		}
		return true
	case syntax.OpQuest:
		// x?y: as x y | y
		return markStarts(append(openStart([]*syntax.Regexp{seq[0].Sub[0]}), seq[1:]...), set) &&
			markStarts(openStart(slices.Clone(seq[1:])), set)
	}
	return markBytes(seq, set, byteAny)
}

// markBytes marks with kind the bytes a match of seq can begin with;
// false when they are unknown, when seq can match the empty string or
// tests an assertion before its first byte, when a byte is already marked
// with the other kind, or when a word boundary would come before a byte
// that is not a word character.
func markBytes(seq []*syntax.Regexp, set *[256]uint8, kind uint8) bool {
	var first [256]bool
	if !firstBytes(seq, &first) {
		return false
	}
	for b, ok := range first {
		if !ok {
			continue
		}
		if kind == byteWord && !isWordByte(byte(b)) || set[b] != 0 && set[b] != kind {
			return false
		}
		set[b] = kind
	}
	return true
}

// leading returns re as a sequence to match in turn, with the capture
// groups around its start opened, and without a leading \b (wb) that it,
// or every branch of it, begins with.
func leading(re *syntax.Regexp) (seq []*syntax.Regexp, wb bool) {
	seq = openStart([]*syntax.Regexp{re})
	if len(seq) > 0 && seq[0].Op == syntax.OpWordBoundary {
		return seq[1:], true
	}
	if len(seq) != 1 || seq[0].Op != syntax.OpAlternate {
		return seq, false
	}
	// \bfoo…|\bbar…: the same test at the start of every branch
	alt := &syntax.Regexp{Op: syntax.OpAlternate}
	for _, b := range seq[0].Sub {
		bs := openStart([]*syntax.Regexp{b})
		if len(bs) < 2 || bs[0].Op != syntax.OpWordBoundary {
			return seq, false
		}
		alt.Sub = append(alt.Sub, &syntax.Regexp{Op: syntax.OpConcat, Sub: bs[1:]})
	}
	return []*syntax.Regexp{alt}, true
}

// openStart replaces capture groups and concatenations at the start of
// seq by their contents.
func openStart(seq []*syntax.Regexp) []*syntax.Regexp {
	for len(seq) > 0 && (seq[0].Op == syntax.OpCapture || seq[0].Op == syntax.OpConcat) {
		seq = append(slices.Clone(seq[0].Sub), seq[1:]...)
	}
	return seq
}

// firstBytes adds to set the bytes a match of the sequence seq can begin
// with; false when unknown, or when seq can match the empty string or
// holds an assertion that can come before the first byte.
func firstBytes(seq []*syntax.Regexp, set *[256]bool) bool {
	for _, n := range seq {
		if assertsFirst(n) || !firstBytesOf(n, set) {
			return false
		}
		if !nullable(n) {
			return true
		}
	}
	return false
}

// firstBytesOf adds the bytes a non-empty match of n can begin with.
func firstBytesOf(n *syntax.Regexp, set *[256]bool) bool {
	switch n.Op {
	case syntax.OpLiteral:
		addRune(set, n.Rune[0], n.Flags&syntax.FoldCase != 0)
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(n.Rune); i += 2 {
			for r := n.Rune[i]; r <= n.Rune[i+1]; r++ {
				if r >= utf8.RuneSelf {
					for b := 0xC0; b < 0x100; b++ {
						set[b] = true // any multi-byte sequence's first byte
					}
					break
				}
				set[r] = true
			}
		}
		return true
	case syntax.OpCapture, syntax.OpPlus, syntax.OpStar, syntax.OpQuest, syntax.OpRepeat:
		return firstBytesOf(n.Sub[0], set)
	case syntax.OpConcat:
		for _, s := range n.Sub {
			if !firstBytesOf(s, set) {
				return false
			}
			if !nullable(s) {
				return true
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range n.Sub {
			if !firstBytesOf(s, set) {
				return false
			}
		}
		return true
	case syntax.OpEmptyMatch:
		return true
	}
	return false
}

// addRune adds the first byte of r's UTF-8 form, and of its other cases
// with fold.
func addRune(set *[256]bool, r rune, fold bool) {
	var buf [utf8.UTFMax]byte
	for f := r; ; {
		utf8.EncodeRune(buf[:], f)
		set[buf[0]] = true
		if !fold {
			return
		}
		if f = unicode.SimpleFold(f); f == r {
			return
		}
	}
}

// nullable reports whether n can match the empty string.
func nullable(n *syntax.Regexp) bool {
	switch n.Op {
	case syntax.OpEmptyMatch, syntax.OpStar, syntax.OpQuest, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpRepeat:
		return n.Min == 0 || nullable(n.Sub[0])
	case syntax.OpCapture, syntax.OpPlus:
		return nullable(n.Sub[0])
	case syntax.OpConcat:
		for _, s := range n.Sub {
			if !nullable(s) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range n.Sub {
			if nullable(s) {
				return true
			}
		}
		return false
	}
	return false
}

// prefixes returns strings one of which every match of the concatenation
// seq begins with (none empty), or nil.
func (c litCache) prefixes(seq []*syntax.Regexp) []string {
	cur := []string{""}
	for len(seq) > 0 {
		n := seq[0]
		seq = seq[1:]
		for n.Op == syntax.OpCapture {
			n = n.Sub[0]
		}
		if n.Op == syntax.OpConcat {
			seq = append(slices.Clone(n.Sub), seq...)
			continue
		}
		if slices.Contains(cur, "") && assertsFirst(n) {
			return nil // an assertion that may test the byte before the match
		}
		if info := c.info(n); info.exact != nil && len(cur)*len(info.exact) <= maxExact {
			cur = cross(cur, info.exact)
			continue
		}
		// a node with no finite set of strings ends the prefix, with
		// its own first strings when it has them
		first := c.nodeStarts(n)
		if len(first) > 0 && len(cur)*len(first) > maxExact {
			first = shorten(first, maxExact/len(cur))
		}
		if len(first) > 0 {
			cur = cross(cur, first)
		}
		break
	}
	if slices.Contains(cur, "") {
		return nil
	}
	return cur
}

// minCut is the shortest that shorten cuts start strings to: shorter ones
// would make too many candidates to be worth an anchor.
const minCut = 3

// shorten returns the strings of set cut to their first k bytes (at a
// character boundary), for the longest k, at least minCut, that leaves at
// most limit distinct strings; nil when none does. What begins with a
// string of set begins with its cut, so the cuts are start strings too:
// prefixes uses them when a node's own start strings are too many, as
// for a long alternation of phrases with optional words after them.
func shorten(set []string, limit int) []string {
	longest := 0
	for _, s := range set {
		longest = max(longest, len(s))
	}
	// Cutting shorter never adds distinct strings (the cut at k is a
	// prefix of the cut at k+1 and depends on it alone), so the longest k
	// that leaves at most limit is found by bisection: lo fits (best is
	// its cut) or is minCut-1, and hi+1 does not fit.
	lo, hi := minCut-1, longest-1
	var best []string
	for lo < hi {
		k := (lo + hi + 1) / 2
		if out := cutAll(set, k); len(out) <= limit {
			lo, best = k, out
		} else {
			hi = k - 1
		}
	}
	return best // nil when no k from minCut fits
}

// cutAll returns the distinct strings of set cut to their first k bytes,
// at a character boundary, for shorten.
func cutAll(set []string, k int) []string {
	out := make([]string, 0, len(set))
	for _, s := range set {
		out = append(out, s[:cutLen(s, k)])
	}
	return dedupe(out)
}

// cutLen returns where cutAll cuts s for k: at k, or before the character
// that byte k is inside of.
func cutLen(s string, k int) int {
	c := min(k, len(s))
	for c > 0 && c < len(s) && !utf8.RuneStart(s[c]) {
		c--
	}
	return c
}

// nodeStarts returns strings one of which every match of n begins with,
// or nil.
func (c litCache) nodeStarts(n *syntax.Regexp) []string {
	switch n.Op {
	case syntax.OpAlternate:
		var out []string
		for _, b := range n.Sub {
			p := c.prefixes([]*syntax.Regexp{b})
			if p == nil {
				return nil
			}
			out = append(out, p...)
		}
		return dedupe(out)
	case syntax.OpPlus:
		return c.prefixes([]*syntax.Regexp{n.Sub[0]})
	case syntax.OpRepeat:
		if n.Min >= 1 {
			return c.prefixes([]*syntax.Regexp{n.Sub[0]})
		}
	}
	return nil
}

// assertsFirst reports whether n can test a zero-width assertion before
// it reads its first byte.
func assertsFirst(n *syntax.Regexp) bool {
	switch n.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		return assertsFirst(n.Sub[0])
	case syntax.OpConcat:
		for _, sub := range n.Sub {
			if assertsFirst(sub) {
				return true
			}
			if !nullable(sub) {
				return false
			}
		}
	case syntax.OpAlternate:
		for _, sub := range n.Sub {
			if assertsFirst(sub) {
				return true
			}
		}
	}
	return false
}

// cross returns every a+b, deduplicated.
func cross(as, bs []string) []string {
	out := make([]string, 0, len(as)*len(bs))
	for _, a := range as {
		for _, b := range bs {
			out = append(out, a+b)
		}
	}
	return dedupe(out)
}

// litHits is what the prefilter's automaton found in one text (the
// document's lower-cased text or its context): which literals occur, and
// where. Each literal's occurrences form a list through occ, in order.
// The tables are as long as the literals are many, so they are pooled.
type litHits struct {
	groups []bool   // by literal group (prefilter.groups): one of its literals is present
	head   []int32  // by literal: 1 + index in occ of its first occurrence, 0 for none (has)
	occ    []litOcc // every occurrence
	ms     []acMatch
	found  []int32 // the literals present, each once: what putHits clears
}

// litOcc is one occurrence of a literal: where it ends, and 1 + the
// index of the literal's next occurrence (0 for none).
type litOcc struct{ end, next int32 }

// scanHits runs the automaton over lower; release the result with
// putHits when the document is done.
func (p *prefilter) scanHits(lower string) *litHits {
	h, _ := p.pool.Get().(*litHits)
	if h == nil {
		h = &litHits{head: make([]int32, len(p.lits)), groups: make([]bool, len(p.groups))}
	}
	h.ms = p.ac.scanAll(lower, h.ms[:0])
	ms := h.ms
	h.occ = slices.Grow(h.occ[:0], len(ms))[:len(ms)]
	for k := len(ms) - 1; k >= 0; k-- {
		id := ms[k].id
		if h.head[id] == 0 { // its last occurrence: the first seen
			h.found = append(h.found, id)
			for _, g := range p.litGroups[p.litGroupAt[id]:p.litGroupAt[id+1]] {
				h.groups[g] = true
			}
		}
		h.occ[k] = litOcc{end: ms[k].end, next: h.head[id]}
		h.head[id] = int32(k + 1)
	}
	return h
}

// has reports whether the literal id occurs.
func (h *litHits) has(id int32) bool { return h.head[id] != 0 }

// putHits clears h and returns it to the pool.
func (p *prefilter) putHits(h *litHits) {
	if h == nil {
		return
	}
	for _, id := range h.found {
		h.head[id] = 0
	}
	h.found = h.found[:0]
	clear(h.groups) // a small table: faster than visiting the groups of each literal found
	p.pool.Put(h)
}

// candidates returns, in increasing order, where a match of a can start
// in s, the part of the scanned text (h) that begins at byte base: where
// one of its start literals occurs wholly inside s, or one of its start
// bytes is (at a word boundary of s when the regex begins with \b), and
// at 0 when the regex has a ^ branch. buf is reused.
func (p *prefilter) candidates(a *anchor, h *litHits, s string, base int, buf []int) []int {
	buf = buf[:0]
	if a.begin {
		buf = append(buf, 0)
	}
	if bs := a.bytes; bs != nil {
		// most bytes are in no set: one load and test each
		for at := 0; at < len(s); at++ {
			if k := bs[s[at]]; k != 0 && (k == byteAny || at == 0 || !isWordByte(s[at-1])) {
				buf = append(buf, at)
			}
		}
	} else if h.groups[a.group] { // else none occurs
		end := base + len(s)
		for li, id := range a.lits {
			n := int(a.lens[li])
			for k := h.head[id]; k != 0; k = h.occ[k-1].next {
				e := int(h.occ[k-1].end)
				if e > end {
					break
				}
				at := e - n - base
				if at < 0 || a.wb && at > 0 && isWordByte(s[at-1]) {
					continue
				}
				buf = append(buf, at)
			}
		}
	}
	if a.begin || len(a.lits) > 1 {
		slices.Sort(buf)
		buf = slices.Compact(buf)
	}
	return buf
}

// at returns the anchored regex to try at candidate at.
func (a *anchor) at(at int) *lazyRegexp {
	if at == 0 {
		return a.first
	}
	return a.rest
}

// foldRisk reports a text holding the Kelvin sign or the long s, which
// case-insensitive regexes match as "k" and "s" though the prefilter's
// ASCII lower-casing leaves them: candidates would miss those matches.
func foldRisk(s string) bool {
	return strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f")
}

// matchAt reports whether x matches s, the part of the scanned text (hits)
// that begins at byte base, trying the anchored regex at x's candidates
// (base -1: s is not a part of it, run the regex).
func (d *doc) matchAt(x *rx, s string, base int, h *litHits) bool {
	if x.alts != nil && !d.risky && base >= 0 {
		for i := range x.alts {
			if d.matchAt(&x.alts[i], s, base, h) {
				return true
			}
		}
		return false
	}
	if x.anchor == nil || d.risky || base < 0 {
		return x.re.matchAnywhere(s)
	}
	d.cand = d.e.pre.candidates(x.anchor, h, s, base, d.cand)
	for _, at := range d.cand {
		if x.anchor.at(at).matchPrefix(s[at:]) {
			return true
		}
	}
	return false
}

// findAllAt returns what x.re.FindAllStringSubmatchIndex(s, -1) (or, with
// sub false, FindAllStringIndex) returns, s being the part of the scanned
// text (hits) that begins at byte base, trying the anchored regex at x's
// candidates.
func (d *doc) findAllAt(x *rx, s string, base int, h *litHits, sub bool) [][]int {
	if x.anchor == nil && x.seps != nil && !d.risky && base >= 0 {
		return d.findInRuns(x, s, base, h, sub)
	}
	if x.anchor == nil || d.risky {
		if !x.re.matchAnywhere(s) {
			return nil // as the regex finds
		}
		if sub {
			return x.re.FindAllStringSubmatchIndex(s, -1)
		}
		return x.re.FindAllStringIndex(s, -1)
	}
	var out [][]int
	pos := 0
	d.findCand = d.e.pre.candidates(x.anchor, h, s, base, d.findCand)
	for _, at := range d.findCand {
		if at < pos {
			continue
		}
		re := x.anchor.at(at)
		if !re.matchPrefix(s[at:]) {
			continue // most candidates: the DFA says so without the regex
		}
		var m []int
		if sub {
			m = re.FindStringSubmatchIndex(s[at:])
		} else {
			m = re.FindStringIndex(s[at:])
		}
		if m == nil {
			continue
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += at
			}
		}
		out = append(out, m)
		pos = m[1]
	}
	return out
}

// findInRuns is findAllAt for a regex without an anchor but with
// separators (rx.seps): no match crosses one, and every match holds one
// of the regex's literals, so the regex runs only on the runs of bytes
// between separators where the prefilter found a literal, and finds
// there what it finds in all of s. A run's ends look like the text's ends
// to \b, separators being non-word bytes, and the regex asserts no ^ or $.
func (d *doc) findInRuns(x *rx, s string, base int, h *litHits, sub bool) [][]int {
	starts := d.findCand[:0]
	end := base + len(s)
	for _, id := range x.lits {
		n := len(d.e.pre.lits[id])
		for k := h.head[id]; k != 0; k = h.occ[k-1].next {
			e := int(h.occ[k-1].end)
			if e > end {
				break
			}
			// an occurrence starting on a separator is in no match
			if at := e - n - base; at >= 0 && !x.seps[s[at]] {
				starts = append(starts, at)
			}
		}
	}
	d.findCand = starts
	slices.Sort(starts)
	var out [][]int
	runEnd := 0
	for _, at := range starts {
		if at < runEnd {
			continue // in the run just searched
		}
		a := at
		for a > 0 && !x.seps[s[a-1]] {
			a--
		}
		runEnd = at + 1
		for runEnd < len(s) && !x.seps[s[runEnd]] {
			runEnd++
		}
		var ms [][]int
		if sub {
			ms = x.re.FindAllStringSubmatchIndex(s[a:runEnd], -1)
		} else {
			ms = x.re.FindAllStringIndex(s[a:runEnd], -1)
		}
		for _, m := range ms {
			for k := range m {
				if m[k] >= 0 {
					m[k] += a
				}
			}
			out = append(out, m)
		}
	}
	return out
}
