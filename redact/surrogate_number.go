package redact

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	chaperone "github.com/chaperone-project/chaperone"
)

// Identifiers made of digits and letters keep their shape: each digit
// becomes a digit, each letter a letter of the same case, separators and
// labels ("bed", "Room", "SN") stay. The fakes are fictional where a
// fictional range exists: phones 555-01xx, SSNs in area 000 (never issued),
// IPs in the documentation ranges, emails and URLs at example.com and
// example.org.

// fakePhone returns a number in 555-0100..555-0199 in the format of s: a
// 10-digit number gets an area code from areaCodes, a leading country code 1
// stays. Two spellings of one number get the same fake.
func (r *Redactor) fakePhone(s string) string {
	ds := digitsOf(s)
	if ds == "" {
		return tagOf(chaperone.SpanPhone)
	}
	key := ds
	if len(key) > 10 {
		key = key[len(key)-10:]
	}
	f := r.fake("phone", key, ds, func(h *stream, _ int) string {
		n := len(ds)
		b := []byte(digits(h, n))
		if n == 11 && ds[0] == '1' {
			b[0] = '1'
		}
		if n >= 7 {
			copy(b[n-7:], "55501")
		}
		if n == 10 || n == 11 && ds[0] == '1' {
			copy(b[n-10:], pick(h, areaCodes))
		}
		return string(b)
	})
	return reshape(s, f, newStream(r.seed, "phone-letters", s))
}

// fakeSSN returns a number of the shape of s: a full SSN gets area 000, which
// is never issued; a partial one ("***-**-4471") gets other digits.
func (r *Redactor) fakeSSN(s string) string {
	ds := digitsOf(s)
	if ds == "" {
		return tagOf(chaperone.SpanSSN)
	}
	f := r.fake("ssn", ds, ds, func(h *stream, _ int) string {
		f := digits(h, len(ds))
		if len(ds) == 9 {
			f = "000" + f[3:]
		}
		return f
	})
	return reshape(s, f, newStream(r.seed, "ssn-letters", s))
}

// fakeID returns an identifier of the shape of s for the span types MRN,
// HEALTH_PLAN, ACCOUNT, LICENSE, VEHICLE, DEVICE and ID.
func (r *Redactor) fakeID(t chaperone.SpanType, s string) string {
	return r.fake("id:"+string(t), strings.ToUpper(s), s, func(h *stream, _ int) string {
		return reshape(s, digits(h, len(digitsOf(s))), h)
	})
}

// reshape returns s with new content in its shape: each digit, of any
// script, becomes the next ASCII digit of ds (0 once ds runs out), each
// letter a letter from h of the same case (A-Z without I, O and Q, which VINs
// never use), except whole words of idLabels; other characters stay.
func reshape(s, ds string, h *stream) string {
	const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
	var b strings.Builder
	b.Grow(len(s))
	k := 0
	for _, tok := range idTokens(s) {
		if isLetters(tok) && idLabels[strings.ToLower(tok)] {
			b.WriteString(tok)
			continue
		}
		for _, c := range tok {
			switch {
			case unicode.IsDigit(c):
				d := byte('0')
				if k < len(ds) {
					d = ds[k]
					k++
				}
				b.WriteByte(d)
			case unicode.IsLetter(c):
				l := letters[h.intn(len(letters))]
				if unicode.IsLower(c) {
					l += 'a' - 'A'
				}
				b.WriteByte(l)
			default:
				b.WriteRune(c)
			}
		}
	}
	return b.String()
}

// idTokens splits s into runs of letters and digits and runs of other
// characters, so that a label word ("bed") is a token of its own but "512B"
// is one token.
func idTokens(s string) []string {
	var toks []string
	start, kind := 0, -1
	for i, c := range s {
		k := 0 // separator
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			k = 1
		}
		if k != kind && i > 0 {
			toks = append(toks, s[start:i])
			start = i
		}
		kind = k
	}
	return append(toks, s[start:])
}

func isLetters(s string) bool {
	for _, c := range s {
		if !unicode.IsLetter(c) {
			return false
		}
	}
	return s != ""
}

// fakeHandle returns "@user_" and four digits (five once those run out),
// without the "@" if s has none.
func (r *Redactor) fakeHandle(s string) string {
	at := ""
	if strings.HasPrefix(s, "@") {
		at = "@"
	}
	return at + r.fake("handle", strings.ToLower(strings.TrimPrefix(s, "@")), strings.TrimPrefix(s, "@"),
		func(h *stream, attempt int) string {
			if attempt < maxAttempts/2 {
				return "user_" + digits(h, 4)
			}
			return "user_" + digits(h, 5)
		})
}

// fakeEmail returns "user" and three or four digits at example.com.
func (r *Redactor) fakeEmail(s string) string {
	return r.fake("email", strings.ToLower(s), s, func(h *stream, attempt int) string {
		return "user" + strconv.Itoa(100+h.intn(9900)) + "@example.com"
	})
}

// fakeURL returns a page on example.org, with "https://" if s has a scheme
// and "www." if s starts with it.
func (r *Redactor) fakeURL(s string) string {
	ls := strings.ToLower(s)
	prefix := ""
	switch {
	case strings.HasPrefix(ls, "http://"), strings.HasPrefix(ls, "https://"):
		prefix = "https://"
	case strings.HasPrefix(ls, "www."):
		prefix = "www."
	}
	return prefix + r.fake("url", ls, s, func(h *stream, _ int) string {
		const alnum = "abcdefghijkmnpqrstuvwxyz23456789"
		b := []byte("example.org/p/00000000")
		for i := len(b) - 8; i < len(b); i++ {
			b[i] = alnum[h.intn(len(alnum))]
		}
		return string(b)
	})
}

// fakeIP returns an address from the documentation ranges: 192.0.2.0/24,
// 198.51.100.0/24 and 203.0.113.0/24 (RFC 5737) for IPv4, 2001:db8::/32
// (RFC 3849) for anything with a colon.
func (r *Redactor) fakeIP(s string) string {
	v6 := strings.Contains(s, ":")
	return r.fake("ip", strings.ToLower(s), s, func(h *stream, _ int) string {
		if v6 {
			return "2001:db8::" + strconv.FormatInt(int64(1+h.intn(0xfffe)), 16)
		}
		nets := []string{"192.0.2.", "198.51.100.", "203.0.113."}
		return pick(h, nets) + strconv.Itoa(1+h.intn(254))
	})
}

// fakeAge never writes a specific age over 89: such an age gets the
// Generalize rendering ("90 or older"). A younger age ("45", "aged 7",
// "45-year-old") gets another number in the same band (1-17 or 18-89),
// keeping its prefix word and unit; any other age span gets the tag.
func (r *Redactor) fakeAge(s string) string {
	if g, ok := generalizeAge(s); ok {
		return g
	}
	m := youngAge.FindStringSubmatch(s)
	if m == nil {
		return tagOf(chaperone.SpanAge)
	}
	n, _ := strconv.Atoi(m[2])
	lo, hi := 1, 17
	if n >= 18 {
		lo, hi = 18, 89
	}
	f := r.fake("age", m[2], m[2], func(h *stream, _ int) string {
		return strconv.Itoa(lo + h.intn(hi-lo+1))
	})
	unit := asciiLower(m[3])
	if unit != "" && !ageAdjUnit.MatchString(unit) && !agePluralRE.MatchString(unit) {
		m[3] = "" // not a unit: it might say anything
	}
	return m[1] + f + m[3]
}

var youngAge = regexp.MustCompile(`^((?i:age|aged|at|turned|turning|turns|about|around|almost|nearly) )?(\d{1,2})(.*)$`)

// digitsOf returns the decimal digits of s, of any script, as ASCII digits.
func digitsOf(s string) string {
	b := make([]byte, 0, len(s))
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b = append(b, byte(c))
		case unicode.IsDigit(c):
			b = append(b, digitValue(c))
		}
	}
	return string(b)
}

// digitValue returns the ASCII digit of the decimal digit c of any script:
// Unicode encodes decimal digits in runs of ten from zero, and runs may
// follow one another.
func digitValue(c rune) byte {
	z := c
	for unicode.IsDigit(z - 1) {
		z--
	}
	return byte('0' + (c-z)%10)
}
