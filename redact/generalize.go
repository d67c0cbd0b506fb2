package redact

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	chaperone "github.com/chaperone-project/chaperone"
)

// RestrictedZIP3 holds the 3-digit ZIP prefixes that Generalize writes as
// "000" because fewer than 20,000 people live in them (45 CFR
// 164.514(b)(2)(i)(B)). The default is the list of HHS's 2012 de-identification
// guidance (2000 Census). A program may replace it, e.g. with a list from
// current Census data, before any Redactor is in use; it is read, never
// written, by this package.
var RestrictedZIP3 = map[string]bool{
	"036": true, "059": true, "063": true, "102": true, "203": true, "556": true,
	"692": true, "790": true, "821": true, "823": true, "830": true, "831": true,
	"878": true, "879": true, "884": true, "890": true, "893": true,
}

// generalize returns the Safe Harbor generalisation of span text s of type t:
// an age over 89 becomes "90 or older" (see generalizeAge), a date its year
// (see generalizeDate), a ZIP code its 3-digit prefix (see generalizeZIP).
// Spans with no generalisation get the tag. Whitespace around s is kept.
func (r *Redactor) generalize(s string, t chaperone.SpanType) string {
	core, lead, trail := trimSpace(s)
	var g string
	ok := false
	switch t {
	case chaperone.SpanAge:
		g, ok = generalizeAge(core)
	case chaperone.SpanDate:
		g, ok = generalizeDate(core, r.referenceYear())
	case chaperone.SpanLocation:
		g, ok = generalizeZIP(core)
	}
	if !ok {
		return tagOf(t)
	}
	return lead + g + trail
}

// trimSpace splits s into its core and the white space before and after it.
func trimSpace(s string) (core, lead, trail string) {
	core = strings.TrimLeftFunc(s, unicode.IsSpace)
	lead = s[:len(s)-len(core)]
	n := len(core)
	core = strings.TrimRightFunc(core, unicode.IsSpace)
	trail = s[len(lead)+len(core) : len(lead)+n]
	return core, lead, trail
}

// generalizeZIP returns the 3-digit prefix of a ZIP or ZIP+4 code, or "000"
// when the prefix is restricted. A bare 3-digit prefix (an earlier
// generalisation) is treated the same, so generalising twice changes nothing.
func generalizeZIP(s string) (string, bool) {
	switch {
	case len(s) == 3 && allDigits(s),
		len(s) == 5 && allDigits(s),
		len(s) == 10 && allDigits(s[:5]) && s[5] == '-' && allDigits(s[6:]):
	default:
		return "", false
	}
	if RestrictedZIP3[s[:3]] {
		return "000", true
	}
	return s[:3], true
}

// generalizeDate returns the year of a date span, the only date element Safe
// Harbor keeps: a 4-digit year (1000-2999) anywhere in the span, or the
// 2-digit year of a numeric date ("3/14/24") or an abbreviated year
// ("Christmas '24") read as 1969-2068, like POSIX strptime. A year that
// could reveal an age over 89 (at or before refYear-90), a span with no year
// and a span with several different years get no year.
func generalizeDate(s string, refYear int) (string, bool) {
	year := 0
	for _, y := range digitRuns(s) {
		if len(y) != 4 || y[0] < '1' || y[0] > '2' {
			continue
		}
		n, _ := strconv.Atoi(y)
		if year != 0 && n != year {
			return "", false
		}
		year = n
	}
	if year == 0 {
		year = shortYear(s)
	}
	if year == 0 || year <= refYear-90 {
		return "", false
	}
	return strconv.Itoa(year), true
}

var (
	numericShortYear = regexp.MustCompile(`^\d{1,2}[/.-]\d{1,2}[/.-](\d{2})$`)
	apostropheYear   = regexp.MustCompile(`['’](\d{2})$`)
)

// shortYear returns the year of "M/D/YY" (with / . or - between) or of a
// text ending in "'YY", or 0.
func shortYear(s string) int {
	m := numericShortYear.FindStringSubmatch(s)
	if m == nil {
		m = apostropheYear.FindStringSubmatch(s)
	}
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return pivotYear(n)
}

// digitRuns returns the maximal runs of ASCII digits of s.
func digitRuns(s string) []string {
	var runs []string
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		runs = append(runs, s[i:j])
		i = j
	}
	return runs
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
