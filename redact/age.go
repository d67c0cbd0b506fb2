package redact

import (
	"regexp"
	"strconv"
	"strings"
)

// Renderings of an age over 89 (Safe Harbor's single category "90 or
// older"), chosen to read well where the age was:
//
//	"96", "at 96", "over 100"        -> "90 or older", "at 90 or older", "90 or older"
//	"92-year-old", "94yo", "94 y/o"  -> "90-plus-year-old"
//	"92 years old", "92 yrs"         -> "90 or more years old", "90 or more years"
//	"93 years of age"                -> "90 or more years of age"
//	"late nineties", "her 90s"       -> "90s or older" (the decade alone is too precise)
//	"ninety-two", "a hundred"        -> as the digits would be
//
// A leading "age", "aged", "at", "turned", "turning" or "turns" is kept;
// "over" and "past" are dropped. Each rendering renders to itself, so
// generalising twice changes nothing.
const (
	ageOlder      = "90 or older"
	ageAdjective  = "90-plus-year-old"
	ageMoreYears  = "90 or more years"
	ageDecadeOver = "90s or older"
)

var (
	ageKeepPrefixes = []string{"age", "aged", "at", "turned", "turning", "turns"}
	ageDropPrefixes = []string{"over", "past"}

	ageDecade    = regexp.MustCompile(`^(?:(?:early|mid|late)[- ]?)?(?:nineties|90s|90['’]s)(?: or older)?$`)
	ageNumber    = regexp.MustCompile(`^(?:\d+|ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|(?:one |a )?hundred(?:[- ]and[- ](?:one|two|three|four|five|six|seven|eight|nine|ten))?)`)
	ageAdjUnit   = regexp.MustCompile(`^(?:-plus)?(?:[- ]?(?:years?|yrs?)[- ]old|-years?|-yrs?|[- ]?y/?o|[- ]?y\.o\.?)$`)
	agePluralRE  = regexp.MustCompile(`^(?: or more)? (?:years|yrs)( old| of age)?$`)
	ageDecadeEnd = regexp.MustCompile(`^(?:s|['’]s)(?: or older)?$`)
)

// generalizeAge returns the Safe Harbor rendering of the age span s, or false
// when s does not state an age over 89 (an age of 89 or under is no Safe
// Harbor identifier, and a span that holds one gets the tag instead).
func generalizeAge(s string) (string, bool) {
	lower := asciiLower(s)
	prefix := ""
	for _, p := range ageKeepPrefixes {
		if strings.HasPrefix(lower, p+" ") {
			prefix, s, lower = s[:len(p)+1], s[len(p)+1:], lower[len(p)+1:]
			break
		}
	}
	for _, p := range ageDropPrefixes {
		if strings.HasPrefix(lower, p+" ") {
			s, lower = s[len(p)+1:], lower[len(p)+1:]
			break
		}
	}
	if ageDecade.MatchString(lower) {
		return prefix + ageDecadeOver, true
	}
	if strings.Contains(lower, "centenarian") {
		return prefix + ageOlder, true
	}
	num := ageNumber.FindString(lower)
	if num == "" {
		return "", false
	}
	if n, err := strconv.Atoi(num); err == nil && n < 90 {
		return "", false // digits; words and numbers too long for an int are over 89
	}
	unit := lower[len(num):]
	if m := agePluralRE.FindStringSubmatch(unit); m != nil {
		return prefix + ageMoreYears + m[1], true
	}
	switch {
	case ageDecadeEnd.MatchString(unit):
		return prefix + ageDecadeOver, true
	case ageAdjUnit.MatchString(unit):
		return prefix + ageAdjective, true
	}
	return prefix + ageOlder, true // bare, "or older", "+" or an unknown unit
}

// asciiLower lower-cases the ASCII letters of s only, byte by byte, so that
// byte offsets into the result are offsets into s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
