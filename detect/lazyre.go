package detect

import (
	"regexp"
	"regexp/syntax"
	"sync"
)

// lazyRegexp is a rule's regular expression, compiled on first use. The
// engine parses and analyses every pattern when it is built (a bad pattern
// is reported then), but compiling all of them took most of the start-up;
// a screen compiles only the ones the prefilter lets it reach. It is safe
// for concurrent use. The methods are the few of regexp.Regexp the
// recognizers call.
type lazyRegexp struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
	dfa  *prefixDFA // for matchPrefix; nil: run the regex
	// search answers matchAnywhere: the DFA of (?s:.)*?(?:src), made
	// on first use
	searchOnce sync.Once
	search     *prefixDFA
}

// newLazyRegexp returns src to be compiled on first use; src must already
// have parsed (regexp/syntax, Perl flags), so compiling cannot fail.
func newLazyRegexp(src string) *lazyRegexp { return &lazyRegexp{src: src} }

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.src) })
	return l.re
}

// mustLazyRegexp is newLazyRegexp for the package's own patterns: it
// panics, as regexp.MustCompile would, when src does not parse.
func mustLazyRegexp(src string) *lazyRegexp {
	if _, err := syntax.Parse(src, syntax.Perl); err != nil {
		panic("detect: " + err.Error())
	}
	return newLazyRegexp(src)
}

// String returns the source text of the regular expression.
func (l *lazyRegexp) String() string { return l.src }

// MatchString is regexp.Regexp.MatchString.
func (l *lazyRegexp) MatchString(s string) bool { return l.get().MatchString(s) }

// matchPrefix is MatchString for a regex anchored at the start (^…),
// answered by its DFA when it has one (newAnchor gives the anchored
// regexes one).
func (l *lazyRegexp) matchPrefix(s string) bool {
	if l.dfa != nil {
		if m, ok := l.dfa.match(s); ok {
			return m
		}
	}
	return l.MatchString(s)
}

// matchAnywhere is MatchString, answered by a DFA for a match starting
// anywhere (the regex runs only when that DFA grows too large).
func (l *lazyRegexp) matchAnywhere(s string) bool {
	l.searchOnce.Do(func() { l.search = newPrefixDFA(`(?s:.)*?(?:` + l.src + `)`) })
	if m, ok := l.search.match(s); ok {
		return m
	}
	return l.MatchString(s)
}

// FindAllStringIndex is regexp.Regexp.FindAllStringIndex.
func (l *lazyRegexp) FindAllStringIndex(s string, n int) [][]int {
	return l.get().FindAllStringIndex(s, n)
}

// FindAllStringSubmatchIndex is regexp.Regexp.FindAllStringSubmatchIndex.
func (l *lazyRegexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return l.get().FindAllStringSubmatchIndex(s, n)
}

// FindStringIndex is regexp.Regexp.FindStringIndex.
func (l *lazyRegexp) FindStringIndex(s string) []int { return l.get().FindStringIndex(s) }

// FindStringSubmatchIndex is regexp.Regexp.FindStringSubmatchIndex.
func (l *lazyRegexp) FindStringSubmatchIndex(s string) []int {
	return l.get().FindStringSubmatchIndex(s)
}

// SubexpIndex is regexp.Regexp.SubexpIndex.
func (l *lazyRegexp) SubexpIndex(name string) int { return l.get().SubexpIndex(name) }
