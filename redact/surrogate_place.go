package redact

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	zipCode    = regexp.MustCompile(`^\d{5}(?:-\d{4})?$`)
	streetAddr = regexp.MustCompile(`^(?:(\d+[A-Za-z]?)\s+)?(.+?)\s+((?i:st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|way|ct|court|pl|place|pkwy|parkway|ter|terrace|cir|circle|sq|square|trl|trail|hwy|highway)\.?)$`)
	saintName  = regexp.MustCompile(`^((?i:st\.?|saint)\s+)([^\s'’]+)(['’]s)?$`)
)

// fakeLocation returns a fictional place of the shape of s: a ZIP code
// becomes "000xx" (no ZIP starts with 000), a street address a fictional
// street with the same suffix and a house number of as many digits, anything
// else a fictional town.
func (r *Redactor) fakeLocation(s string) string {
	if zipCode.MatchString(s) {
		return r.fake("zip", s, s, func(h *stream, _ int) string {
			z := "000" + digits(h, 2)
			if len(s) > 5 {
				z += "-" + digits(h, 4)
			}
			return z
		})
	}
	if m := streetAddr.FindStringSubmatch(s); m != nil {
		name := r.fake("street", strings.ToLower(m[2]), m[2], func(h *stream, _ int) string {
			return pick(h, streetNames)
		})
		out := shapeCase(name, m[2]) + " " + m[3]
		if m[1] != "" {
			num := r.fake("house", strings.ToLower(s), m[1], func(h *stream, _ int) string {
				return reshape(m[1], string(rune('1'+h.intn(9)))+digits(h, len(m[1])), h) // no leading zero
			})
			out = num + " " + out
		}
		return out
	}
	return shapeCase(r.fake("place", strings.ToLower(s), s, func(h *stream, attempt int) string {
		if attempt < maxAttempts/2 {
			return pick(h, towns)
		}
		return pick(h, towns) + " " + pick(h, []string{"Heights", "Springs", "Landing", "Corners"})
	}), s)
}

// fakeFacility returns a fictional facility: the distinctive words of s are
// replaced by an invented name and the generic words at its end
// ("General", "Hospital", "plant", "Manor") stay, so "Mercy General" becomes
// "Wrenfield General" and a later "Mercy" becomes "Wrenfield". A saint's name
// stays a saint's name ("St. Mary's" -> "St. Hilda's").
func (r *Redactor) fakeFacility(s string) string {
	words := strings.FieldsFunc(s, unicode.IsSpace)
	n := len(words) // words[:n] are distinctive
	for n > 1 && facilityWords[strings.ToLower(words[n-1])] {
		n--
	}
	distinct := strings.Join(words[:n], " ")
	var name string
	if m := saintName.FindStringSubmatch(distinct); m != nil {
		name = m[1] + r.fake("saint", strings.ToLower(m[2]), m[2], func(h *stream, _ int) string {
			return pick(h, saints)
		}) + m[3]
	} else {
		name = shapeCase(r.fake("facility", strings.ToLower(distinct), distinct, func(h *stream, attempt int) string {
			if attempt < maxAttempts/2 {
				return pick(h, facilityStems)
			}
			return pick(h, facilityStems) + " " + pick(h, []string{"Valley", "Park", "Point", "Crossing"})
		}), distinct)
	}
	return strings.Join(append([]string{name}, words[n:]...), " ")
}
