// Package lexicon holds the dictionaries the screener consults: first names and
// surnames with frequencies, English word frequency bands (SCOWL levels),
// US cities, counties, states and ZIP codes, street suffixes, hospital names,
// drug names, medical eponyms, and a brand → maker table with company aliases
// and parents for checking industry relationships.
//
// The data is derived from public sources by cmd/dictgen (see
// data/LICENSES.md for sources and attribution), committed under data/ and
// embedded in the binary, so nothing is read from disk at run time.
//
// Any package may call it. Use Default to get the shared, lazily loaded
// instance; all methods are read-only and safe for concurrent use. Keys are
// looked up exactly as given: callers lower-case words themselves where the
// method says "lower".
package lexicon

//go:generate go run ../cmd/dictgen -shared ../../shared/data -out data

import (
	"embed"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Data holds the embedded dictionary files (data/*), including LICENSES.md
// and SCOWL_COPYRIGHT.txt, for callers that need to show attribution.
//
//go:embed data/*
var Data embed.FS

// Lexicon is a loaded set of dictionaries. The zero value is empty; use Default.
type Lexicon struct {
	first      *table[nameFreq]
	surname    map[string]int32
	intl       *table[uint8] // bit 1 first, bit 2 last
	weak       *table[struct{}]
	words      *table[uint8]
	proper     *table[uint8]
	cities     *table[cityInfo]
	counties   *table[struct{}]
	stateName  map[string]struct{} // lower-case full names
	stateAbbr  map[string]struct{} // upper-case abbreviations
	zips       []uint64            // bitset over 00000-99999
	zip3       map[string]uint8    // zip3Pop | zip3HHS
	suffixes   map[string]string   // variant → USPS standard abbreviation
	hospitals  *table[struct{}]
	drugs      *table[struct{}]
	eponyms    *table[struct{}]
	conditions *table[struct{}]
	makers     map[string][]string // brand → canonical makers
	brands     []string            // sorted brand keys
	common     map[string]struct{} // brands that are also common English words
	alias      map[string]string   // alias → canonical maker
	parent     map[string]string   // canonical maker → parent
	maxPhrase  int
}

type nameFreq struct {
	count int32
	share uint8
}

type cityInfo struct {
	pop    int32
	states uint8
}

const (
	intlFirst = 1 << iota
	intlLast
)

const (
	zip3Pop = 1 << iota
	zip3HHS
)

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
)

// Default returns the shared Lexicon, loading the embedded data on first use.
func Default() *Lexicon {
	defaultOnce.Do(func() { defaultLex = load() })
	return defaultLex
}

// FirstName reports the SSA birth count (1880–2024) and female share (0–100)
// of a lower-case first name.
func (l *Lexicon) FirstName(lower string) (count int, femaleShare int, ok bool) {
	f, ok := l.first.get(lower)
	if !ok && !isASCII(lower) && utf8.RuneCountInString(lower) >= 4 {
		f, ok = l.first.get(foldMarks(lower)) // "josé" is counted as "jose"; not "sí" or "tôi"
	}
	return int(f.count), int(f.share), ok
}

// Surname reports the Census 2000 count of a lower-case surname (top 1000);
// count is 0 with ok true when the name is only known as a faker last name.
func (l *Lexicon) Surname(lower string) (count int, ok bool) {
	if c, ok := l.surname[lower]; ok {
		return int(c), true
	}
	if !isASCII(lower) && utf8.RuneCountInString(lower) >= 4 {
		if c, ok := l.surname[foldMarks(lower)]; ok {
			return int(c), true // "hernández" is counted as "hernandez"
		}
	}
	if k, _ := l.intl.get(lower); k&intlLast != 0 {
		return 0, true
	}
	return 0, false
}

// IntlName reports whether a lower-case name is a first (or middle) and/or
// last name in faker's international name lists.
func (l *Lexicon) IntlName(lower string) (first, last bool) {
	k, _ := l.intl.get(lower)
	return k&intlFirst != 0, k&intlLast != 0
}

// WeakName reports whether a lower-case token is on the noisy humannames list
// (length ≥ 3, common English words removed). A weak signal only.
func (l *Lexicon) WeakName(lower string) bool {
	return l.weak.has(lower)
}

// WordLevel returns the smallest SCOWL size level (10 = commonest … 70) of a
// lower-case English word (classes words and contractions).
func (l *Lexicon) WordLevel(lower string) (level int, ok bool) {
	v, ok := l.words.get(lower)
	return int(v), ok
}

// ProperLevel returns the SCOWL level of a proper name or capitalised word
// ("could be a name or place"), matched with case as given ("Brown").
func (l *Lexicon) ProperLevel(word string) (level int, ok bool) {
	v, ok := l.proper.get(word)
	return int(v), ok
}

// City reports whether a lower-case, single-space separated name ("cut bank")
// is a US city, with its summed ZIP population and the number of states
// having a city of that name.
func (l *Lexicon) City(lower string) (population int, states int, ok bool) {
	c, ok := l.cities.get(lower)
	return int(c.pop), int(c.states), ok
}

// County reports whether a lower-case name is a US county name (without the
// word "county").
func (l *Lexicon) County(lower string) bool {
	return l.counties.has(lower)
}

// State reports whether s is a US state, DC or territory: a full name in any
// case, or a two-letter upper-case abbreviation.
func (l *Lexicon) State(s string) bool {
	if len(s) == 2 {
		_, ok := l.stateAbbr[s]
		return ok
	}
	var buf [32]byte
	if b, ok := asciiLowerInto(buf[:0], s); ok {
		_, ok := l.stateName[string(b)] // no allocation for the lookup
		return ok
	}
	_, ok := l.stateName[strings.ToLower(s)]
	return ok
}

// asciiLowerInto appends s lower-cased to buf when s is ASCII and fits in
// buf's capacity, which strings.ToLower would lower the same way; ok is
// false otherwise. State uses it so that asking about every capitalised
// word ("Boston") needs no allocation.
func asciiLowerInto(buf []byte, s string) (b []byte, ok bool) {
	if len(s) > cap(buf) {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return nil, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf, true
}

// ZipExists reports whether a 5-digit ZIP code exists (residential ZCTAs).
func (l *Lexicon) ZipExists(zip5 string) bool {
	n, ok := zipNum(zip5)
	return ok && l.zips[n>>6]&(1<<(n&63)) != 0
}

// Zip3Restricted reports whether a 3-digit ZIP prefix must be generalised to
// 000 under Safe Harbor: 20,000 people or fewer in the current SimpleMaps sums,
// or on the HHS 2012 list of 17.
func (l *Lexicon) Zip3Restricted(prefix string) bool {
	return l.zip3[prefix] != 0
}

// Zip3HHS reports whether a 3-digit prefix is on the HHS 2012 list of 17.
func (l *Lexicon) Zip3HHS(prefix string) bool {
	return l.zip3[prefix]&zip3HHS != 0
}

// StreetSuffix reports whether a lower-case word is a USPS street suffix or
// one of its variants ("st", "street", "blvd", "ave").
func (l *Lexicon) StreetSuffix(lower string) bool {
	_, ok := l.suffixes[lower]
	return ok
}

// Hospital reports whether a lower-case, single-space separated phrase is a
// CMS hospital name or a derived short name ("mercy general").
func (l *Lexicon) Hospital(lower string) bool {
	return l.hospitals.has(lower)
}

// Drug reports whether a lower-case phrase is a drug trade name, active
// ingredient (with or without salt) or a curated OTC/biologic/brand name.
func (l *Lexicon) Drug(lower string) bool {
	return l.drugs.has(lower)
}

// Condition reports whether a lower-case word names what ails a patient in
// the words of ICD-10-CM titles and is no common English word: "leukemia",
// "humerus", "gout".
func (l *Lexicon) Condition(lower string) bool {
	return l.conditions.has(lower)
}

// Eponym reports whether a lower-case word is a medical eponym ("parkinson",
// "crohn", "guillain-barré"), without possessive.
func (l *Lexicon) Eponym(lower string) bool {
	return l.eponyms.has(lower)
}

// MakersOf returns the canonical makers of a lower-case brand (nil if
// unknown). The slice is shared: do not modify it.
func (l *Lexicon) MakersOf(brandLower string) []string {
	return l.makers[brandLower]
}

// Brands returns all brand keys, lower-case and sorted (a fresh copy).
func (l *Lexicon) Brands() []string {
	return slices.Clone(l.brands)
}

// BrandIsCommonWord reports whether a single-word brand is also a common
// English word ("ensure", "boost"), so a match needs context.
func (l *Lexicon) BrandIsCommonWord(brandLower string) bool {
	_, ok := l.common[brandLower]
	return ok
}

// CanonicalMaker maps a company name or alias in any case ("BMS", "Pfizer
// Inc.", "JANSSEN BIOTECH INC") to its canonical lower-case maker name.
func (l *Lexicon) CanonicalMaker(nameOrAlias string) (maker string, ok bool) {
	if plainWord(nameOrAlias) {
		// both keys below are the word itself
		m, ok := l.alias[nameOrAlias]
		return m, ok
	}
	k := strings.Join(strings.Fields(strings.ToLower(nameOrAlias)), " ")
	if m, ok := l.alias[k]; ok {
		return m, true
	}
	if m, ok := l.alias[NormMaker(nameOrAlias)]; ok {
		return m, true
	}
	return "", false
}

// Related reports whether two makers (names or aliases, any case) are the
// same company or share a corporate parent: a declared relationship with
// a parent covers its subsidiaries' brands and vice versa.
func (l *Lexicon) Related(makerA, makerB string) bool {
	a, ok := l.CanonicalMaker(makerA)
	if !ok {
		a = NormMaker(makerA)
	}
	b, ok := l.CanonicalMaker(makerB)
	if !ok {
		b = NormMaker(makerB)
	}
	if a == "" || b == "" {
		return false
	}
	for x, i := a, 0; x != "" && i < 4; x, i = l.parent[x], i+1 {
		for y, j := b, 0; y != "" && j < 4; y, j = l.parent[y], j+1 {
			if x == y {
				return true
			}
		}
	}
	return false
}

// MaxPhraseWords returns the largest number of words in a multi-word key
// among cities, hospitals and brands (the phrase-matching window).
func (l *Lexicon) MaxPhraseWords() int { return l.maxPhrase }

func zipNum(s string) (int, bool) {
	if len(s) != 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < 5; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

var corpSuffix = map[string]bool{
	"inc": true, "llc": true, "ltd": true, "corp": true, "corporation": true, "co": true, "company": true, "div": true,
	"labs": true, "lab": true, "laboratories": true, "laboratory": true, "plc": true, "ag": true, "sa": true, "spa": true,
	"gmbh": true, "bv": true, "nv": true, "lp": true, "llp": true, "limited": true, "pvt": true, "pharmaceuticals": true,
	"pharmaceutical": true, "pharms": true, "pharma": true, "pharm": true, "usa": true, "us": true, "americas": true,
	"america": true, "international": true, "intl": true, "holdings": true, "group": true, "the": true, "of": true,
	"north": true, "incorporated": true, "sub": true, "subsidiary": true, "ab": true, "as": true, "kk": true, "srl": true,
	"se": true, "products": true, "a": true, "an": true, "healthcare": true, "health": true, "care": true,
}

// plainWord reports a non-empty string of lower-case ASCII letters,
// digits, ampersands, apostrophes and hyphens: lower-casing, splitting
// into fields and NormMaker leave it as it is.
func plainWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '&' || c == '\'' || c == '-') {
			return false
		}
	}
	return true
}

// NormMaker normalises a company name: lower-case, punctuation other than
// & ' - to spaces, trailing legal/organisational words (Inc, LLC, Labs,
// Pharmaceuticals …) and a leading "the" dropped. cmd/dictgen keys the
// maker files with it, and the lookups here use it.
func NormMaker(s string) string {
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '’':
			return '\''
		case r == '&' || r == '\'' || r == '-':
			return r
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return r
		}
		return ' '
	}, s)
	f := strings.Fields(s)
	for len(f) > 1 && corpSuffix[f[len(f)-1]] {
		f = f[:len(f)-1]
	}
	for len(f) > 1 && f[0] == "the" {
		f = f[1:]
	}
	return strings.Join(f, " ")
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldMarks drops the combining marks of s ("siobhán" gives "siobhan"), so
// that names written with accents find their counts, which the SSA and
// Census lists keep without them.
func foldMarks(s string) string {
	d := norm.NFD.String(s)
	b := make([]byte, 0, len(d))
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b = utf8.AppendRune(b, r)
		}
	}
	return string(b)
}
