package detect

import (
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The prefilter keeps the screen fast: most rules are regular expressions
// that can only match where one of a few literal words occurs ("pt",
// "patient", "client" …). At load time every regex gets the set of literals
// one of which any match must contain; at screen time one Aho-Corasick pass
// over the lower-cased text finds which literals occur, and only regexes
// with a present literal (or none known) run.

// rx is a compiled regex with its required literals.
type rx struct {
	re   *lazyRegexp
	lits []int32 // indexes into the prefilter's literals; nil: always run
	// more holds further literal sets, each of which must also be present
	// ("vaccin…" and "autis…" for a claim that needs both words).
	more [][]int32
	// group and moreGroups name lits and the sets of more as the
	// prefilter's literal groups, whose presence a scan records (mayWith)
	group      int32
	moreGroups []int32
	// digits is the fewest ASCII digits any match contains: a phone
	// number needs ten, so a text or window with fewer is skipped.
	digits int
	// words is set when the regex is only a list of lower-case words or
	// phrases between word boundaries, `\b(?:visit|appt|lab results)\b`:
	// matchWords answers it from the prefilter's literals without the
	// regex engine, which is slow on long alternations.
	words bool
	// anchor, when set, says where a match can start, so that the
	// regex is tried only there (anchor.go).
	anchor *anchor
	// v is the number of the capture group named "v", the part of a match
	// a recognizer reports (-1: none), what re.SubexpIndex("v") returns
	// without compiling the regex or reading its group names
	v int
	// seps, for a regex with literals and no anchor, are the ASCII
	// non-word bytes no match can hold (white space and quotes for a
	// URL): findInRuns searches only the runs between them that hold a
	// literal. nil when there are none or the regex asserts ^ or $.
	seps *[256]bool
	// alts, for a regex with no anchor that is an alternation, are its
	// branches, wrapped each on its own: the regex matches a text when one
	// of them does, so matchAt tries each at its own start candidates
	// rather than search the text for the whole (whose DFA can grow too
	// large, leaving the slow regex engine to run).
	alts []rx
}

// prefilter collects literals while rules compile, then builds the automaton.
type prefilter struct {
	index map[string]int32
	lits  []string
	ac    *acMachine
	pool  sync.Pool // of *litHits
	// groups are the distinct literal sets of the regexes (rx.lits and
	// rx.more) and of listLits; a group is present in a text when one of
	// its literals is. groupIndex finds a set's group by its ids. The
	// groups holding literal id are litGroups[litGroupAt[id]:litGroupAt[id+1]]
	// (filled by build), one array for cache locality.
	groups     [][]int32
	groupIndex map[string]int32
	litGroupAt []int32
	litGroups  []int32
	// wrapped holds the regexes wrapped so far, by source: many claims
	// share their refutation patterns word for word, and a pattern wrapped
	// again registers the same literals and groups, so it is analysed once
	// (and its regex compiled once).
	wrapped map[string]rx
	// plans are the patterns prepare analysed ahead, by source
	plans map[string]*plan
}

func newPrefilter() *prefilter {
	return &prefilter{index: map[string]int32{}, groupIndex: map[string]int32{}, wrapped: map[string]rx{}}
}

// group registers a set of literal ids as a group and returns its index;
// equal sets (in the same order) share one.
func (p *prefilter) group(ids []int32) int32 {
	key := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		key = append(key, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
	}
	if g, ok := p.groupIndex[string(key)]; ok {
		return g
	}
	g := int32(len(p.groups))
	p.groupIndex[string(key)] = g
	p.groups = append(p.groups, ids)
	return g
}

// wrap computes the required literals of the pattern src, parsed as sre
// (Perl flags), and registers them; the regex itself is compiled on first
// use. A source wrapped before gives the same rx again.
func (p *prefilter) wrap(src string, sre *syntax.Regexp) rx {
	if x, ok := p.wrapped[src]; ok {
		return x
	}
	return p.wrapPlan(analysePattern(src, sre))
}

// longRepeat reports a counted repetition of ten or more in re, as parsed.
func longRepeat(re *syntax.Regexp) bool {
	if re.Op == syntax.OpRepeat && re.Max >= 10 {
		return true
	}
	for _, sub := range re.Sub {
		if longRepeat(sub) {
			return true
		}
	}
	return false
}

// topBranches splits the pattern src at its top-level | into the source of
// its branches; nil when it cannot tell them apart safely: a flag group
// that applies to the branches after it ("(?i)a|b") or quoted text (\Q).
func topBranches(src string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\\':
			if i+1 < len(src) && src[i+1] == 'Q' {
				return nil
			}
			i++
		case '[':
			i = classEnd(src, i)
			if i < 0 {
				return nil
			}
		case '(':
			if depth == 0 && strings.HasPrefix(src[i:], "(?") && flagGroup(src[i+2:]) {
				return nil
			}
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				out = append(out, src[start:i])
				start = i + 1
			}
		}
	}
	return append(out, src[start:])
}

// flagGroup reports whether s, the text after "(?", sets flags for the
// rest of its group ("i)…") rather than opening one ("i:…", "P<v>…").
func flagGroup(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ')':
			return true
		case c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		default:
			return false
		}
	}
	return false
}

// classEnd returns the index of the ] that closes the character class
// opening at src[i], or -1.
func classEnd(src string, i int) int {
	j := i + 1
	if j < len(src) && src[j] == '^' {
		j++
	}
	if j < len(src) && src[j] == ']' {
		j++ // a ] first is a literal
	}
	for ; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '[':
			if strings.HasPrefix(src[j:], "[:") {
				if k := strings.Index(src[j+2:], ":]"); k >= 0 {
					j += k + 3
				}
			}
		case ']':
			return j
		}
	}
	return -1
}

// build builds the automaton and the index from literals to groups, once
// every regex is wrapped.
func (p *prefilter) build() {
	p.plans = nil // every pattern is wrapped by now
	p.ac = buildAC(p.lits)
	byLit := make([][]int32, len(p.lits))
	for g, ids := range p.groups {
		for _, id := range ids {
			if n := len(byLit[id]); n == 0 || byLit[id][n-1] != int32(g) {
				byLit[id] = append(byLit[id], int32(g))
			}
		}
	}
	p.litGroupAt = make([]int32, len(p.lits)+1)
	for id, gs := range byLit {
		p.litGroups = append(p.litGroups, gs...)
		p.litGroupAt[id+1] = int32(len(p.litGroups))
	}
}

// ids registers literals and returns their indexes.
func (p *prefilter) ids(set []string) []int32 {
	out := make([]int32, 0, len(set))
	for _, l := range set {
		id, seen := p.index[l]
		if !seen {
			id = int32(len(p.lits))
			p.index[l] = id
			p.lits = append(p.lits, l)
		}
		out = append(out, id)
	}
	return out
}

// concatSets returns the usable required sets of each part of a
// concatenation: every one must be present for the whole to match.
func (c litCache) concatSets(re *syntax.Regexp) [][]string {
	var out [][]string
	for _, s := range re.Sub {
		if set := bestSet(c.info(s)); set != nil {
			out = append(out, set)
		}
	}
	return out
}

// weakSet reports a set of literals no longer than two bytes ("or", "s ",
// "ri"): nearly every text holds one, so as a further set of a regex it
// skips next to nothing, while the scan reports each occurrence.
func weakSet(set []string) bool {
	for _, l := range set {
		if len(l) > 2 {
			return false
		}
	}
	return true
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// litInfo describes what a regex node can match: exact is the finite set
// of strings it matches (nil when unknown or too many); match is a set one
// of which every match contains (nil when unknown).
type litInfo struct {
	exact []string
	match []string
}

const maxExact = 64

// requiredLiterals returns lower-cased strings one of which every match of
// re contains, or ok=false when there is no such small set.
func requiredLiterals(re *syntax.Regexp) ([]string, bool) { return litCache{}.required(re) }

func (c litCache) required(re *syntax.Regexp) ([]string, bool) {
	info := c.info(re)
	set := info.match
	if set == nil && info.exact != nil {
		set = usable(info.exact)
	}
	return set, set != nil
}

// usable returns the set when every string is long enough to be a useful
// filter, else nil. A single character is enough when it is a rare
// punctuation mark ("@" for an email, ":" for an IPv6 address).
func usable(set []string) []string {
	if len(set) == 0 {
		return nil
	}
	for _, s := range set {
		if len(s) < 2 && (len(s) == 0 || !strings.Contains(rareMarks, s)) {
			return nil
		}
	}
	return set
}

// isWordList reports whether re is `\b(?:…)\b` around a finite set of
// lower-case literals (the form of most cue lists).
func isWordList(src string, re *syntax.Regexp, c litCache) bool {
	if strings.ToLower(src) != src || re.Op != syntax.OpConcat || len(re.Sub) != 3 ||
		re.Sub[0].Op != syntax.OpWordBoundary || re.Sub[2].Op != syntax.OpWordBoundary {
		return false
	}
	mid := c.info(re.Sub[1])
	if mid.exact == nil {
		return false
	}
	for _, w := range mid.exact {
		if w == "" || !isWordByte(w[0]) || !isWordByte(w[len(w)-1]) {
			return false
		}
	}
	return true
}

// isWordByte reports an ASCII word character, as regexp's \b sees it.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// matchWords reports whether one of a word-list regex's literals occurs in
// s between word boundaries; h is what the prefilter found in the text s
// belongs to.
func (p *prefilter) matchWords(x *rx, s string, h *litHits) bool {
	for _, id := range x.lits {
		if !h.has(id) {
			continue
		}
		w := p.lits[id]
		for off := 0; ; {
			i := strings.Index(s[off:], w)
			if i < 0 {
				break
			}
			a, b := off+i, off+i+len(w)
			if (a == 0 || !isWordByte(s[a-1])) && (b == len(s) || !isWordByte(s[b])) {
				return true
			}
			off = a + 1
		}
	}
	return false
}

// captureIndex returns the number of the capture group of re called
// name, or -1, as regexp.Regexp.SubexpIndex does; re is the regex as
// parsed, before simplification, which numbers its groups as regexp does.
func captureIndex(re *syntax.Regexp, name string) int {
	if re.Op == syntax.OpCapture && re.Name == name {
		return re.Cap
	}
	for _, sub := range re.Sub {
		if n := captureIndex(sub, name); n > 0 {
			return n
		}
	}
	return -1
}

// separators returns the ASCII non-word bytes that no match of re can
// hold, or nil when there are none or re asserts the start or end of the
// text or a line (which a run's ends are not).
func separators(re *syntax.Regexp) *[256]bool {
	var in [256]bool
	if !matchBytes(re, &in) {
		return nil
	}
	var seps [256]bool
	any := false
	for b := range utf8.RuneSelf {
		if !in[b] && !isWordByte(byte(b)) {
			seps[b], any = true, true
		}
	}
	if !any {
		return nil
	}
	return &seps
}

// matchBytes marks in set the bytes a match of re may hold (every byte of
// a multi-byte rune as 0x80-0xFF); false when re asserts ^ or $.
func matchBytes(re *syntax.Regexp, set *[256]bool) bool {
	markRune := func(r rune) {
		if r >= utf8.RuneSelf {
			for b := utf8.RuneSelf; b < 256; b++ {
				set[b] = true
			}
			return
		}
		set[r] = true
	}
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return false
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			markRune(r)
			if re.Flags&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					markRune(f)
				}
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1] && r < utf8.RuneSelf; r++ {
				set[r] = true
			}
			if re.Rune[i+1] >= utf8.RuneSelf {
				markRune(utf8.RuneSelf)
			}
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		for b := range set {
			set[b] = set[b] || b != '\n' || re.Op == syntax.OpAnyChar
		}
	default:
		for _, sub := range re.Sub {
			if !matchBytes(sub, set) {
				return false
			}
		}
	}
	return true
}

// rareMarks are the single characters worth a prefilter literal.
const rareMarks = "@:/&#$%+=~|_<>[]{}^*"

// minDigits returns the fewest ASCII digits that any match of re contains.
func minDigits(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			if r >= '0' && r <= '9' {
				n++
			}
		}
		return n
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return 0
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] < '0' || re.Rune[i+1] > '9' {
				return 0
			}
		}
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minDigits(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minDigits(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n += minDigits(s)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, s := range re.Sub {
			if m := minDigits(s); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}

// litCache memoises literalInfo over the nodes of one regex: the prefilter
// asks about the same sub-expressions several times while wrapping it.
type litCache map[*syntax.Regexp]litInfo

// countNodes returns how many nodes re has, to size a litCache.
func countNodes(re *syntax.Regexp) int {
	n := 1
	for _, sub := range re.Sub {
		n += countNodes(sub)
	}
	return n
}

// literalInfo describes what re can match (see litInfo).
func literalInfo(re *syntax.Regexp) litInfo { return litCache{}.info(re) }

func (c litCache) info(re *syntax.Regexp) litInfo {
	if v, ok := c[re]; ok {
		return v
	}
	v := c.compute(re)
	c[re] = v
	return v
}

func (c litCache) compute(re *syntax.Regexp) litInfo {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		for _, r := range s {
			if r > unicode.MaxASCII && unicode.ToLower(r) != r {
				return litInfo{} // our lower-casing is ASCII only
			}
		}
		return litInfo{exact: []string{strings.ToLower(s)}}
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpBeginLine, syntax.OpEndLine:
		return litInfo{exact: []string{""}}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo > 3 || len(out) > 6 {
				return litInfo{}
			}
			for r := lo; r <= hi; r++ {
				if r > unicode.MaxASCII && unicode.ToLower(r) != r {
					return litInfo{}
				}
				out = append(out, strings.ToLower(string(r)))
			}
		}
		return litInfo{exact: dedupe(out)}
	case syntax.OpCapture:
		return c.info(re.Sub[0])
	case syntax.OpQuest:
		sub := c.info(re.Sub[0])
		if sub.exact != nil && len(sub.exact) < maxExact {
			return litInfo{exact: dedupe(append(sub.exact, ""))}
		}
		return litInfo{exact: nil, match: nil}
	case syntax.OpPlus:
		sub := c.info(re.Sub[0])
		return litInfo{match: bestSet(sub)}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			sub := c.info(re.Sub[0])
			if re.Min == 1 && re.Max == 1 {
				return sub
			}
			return litInfo{match: bestSet(sub)}
		}
		return litInfo{}
	case syntax.OpAlternate:
		var exact, match []string
		allExact := true
		for _, s := range re.Sub {
			si := c.info(s)
			if si.exact != nil {
				exact = append(exact, si.exact...)
			} else {
				allExact = false
			}
			set := bestSet(si)
			if set == nil {
				if allExact {
					continue
				}
				return litInfo{}
			}
			match = append(match, set...)
		}
		if allExact && len(exact) <= maxExact {
			return litInfo{exact: dedupe(exact)}
		}
		// some branch had no usable set but all were exact: too many strings
		for _, s := range re.Sub {
			if bestSet(c.info(s)) == nil {
				return litInfo{}
			}
		}
		return litInfo{match: dedupe(match)}
	case syntax.OpConcat:
		var cands [][]string
		cur := []string{""}
		flush := func() {
			if u := usable(cur); u != nil {
				cands = append(cands, u)
			}
		}
		allExact := true
		for _, s := range re.Sub {
			si := c.info(s)
			if si.exact != nil && len(cur)*len(si.exact) <= maxExact {
				var next []string
				for _, a := range cur {
					for _, b := range si.exact {
						next = append(next, a+b)
					}
				}
				cur = dedupe(next)
				continue
			}
			allExact = false
			flush()
			cur = []string{""}
			if set := bestSet(si); set != nil {
				cands = append(cands, set)
			}
		}
		if allExact {
			return litInfo{exact: cur}
		}
		flush()
		return litInfo{match: pickBest(cands)}
	}
	return litInfo{}
}

// bestSet returns the usable filter set of a node: its required set, or
// its exact strings.
func bestSet(i litInfo) []string {
	if i.match != nil {
		return i.match
	}
	return usable(i.exact)
}

// pickBest chooses the rarest candidate set: the longest shortest string,
// then the fewest strings.
func pickBest(cands [][]string) []string {
	var best []string
	bestScore := -1
	for _, set := range cands {
		minLen := 1 << 30
		for _, l := range set {
			minLen = min(minLen, len(l))
		}
		score := min(minLen, 8)*1000 - len(set)
		if score > bestScore {
			best, bestScore = set, score
		}
	}
	return best
}

// dedupe returns the distinct strings of in, in the order they first
// occur. It is called on many small sets while patterns are analysed: those
// are compared in place, larger ones through a map.
func dedupe(in []string) []string {
	if len(in) <= 16 {
		out := make([]string, 0, len(in))
		for _, s := range in {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(in))
	out := in[:0:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// may reports whether r can match the document: it has no literals, or one
// of them occurs.
func (d *doc) may(r *rx) bool {
	if r.digits > 0 && d.digitCount() < r.digits {
		return false
	}
	if r.lits == nil {
		return true
	}
	return mayWith(r, d.hits())
}

// mayMatch is may for recognizers that used to run their regexes on every
// text: texts where the ASCII lower-casing could hide a case-folded match
// from the prefilter (foldRisk) still run them.
func (d *doc) mayMatch(r *rx) bool { return d.risky || d.may(r) }

// mayWith reports whether r can match the text h was found in: it has no
// literals, or one of its set and one of each of its further sets occur.
func mayWith(r *rx, h *litHits) bool {
	if r.lits == nil {
		return true
	}
	if !h.groups[r.group] {
		return false
	}
	for _, g := range r.moreGroups {
		if !h.groups[g] {
			return false
		}
	}
	return true
}
