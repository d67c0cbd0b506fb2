package redact

import (
	"strings"
	"unicode"

	chaperone "github.com/chaperone-project/chaperone"
)

// writeMask writes s to b with every rune but white space replaced by m, so
// the result has as many runes as s (an invalid byte counts as one rune) and
// keeps its line and word breaks. Keeping white space shows how many words a
// name had; the length, which any mask shows, says about as much.
func writeMask(b *strings.Builder, s string, m rune) {
	for _, c := range s {
		if unicode.IsSpace(c) {
			b.WriteRune(c)
		} else {
			b.WriteRune(m)
		}
	}
}

// tags holds the tag of every known span type, built once.
var tags = func() map[chaperone.SpanType]string {
	m := make(map[chaperone.SpanType]string, len(chaperone.SpanTypes))
	for _, t := range chaperone.SpanTypes {
		m[t] = "[" + string(t) + "]"
	}
	return m
}()

// unknownTag is the tag of a span whose type is not a plain upper-case word.
const unknownTag = "[REDACTED]"

// tagOf returns "[TYPE]" for the span type t. A type that is not 1 to 32
// upper-case letters, digits and underscores, starting with a letter, cannot
// be written safely into text and gives "[REDACTED]".
func tagOf(t chaperone.SpanType) string {
	if s, ok := tags[t]; ok {
		return s
	}
	if !plainType(string(t)) {
		return unknownTag
	}
	return "[" + string(t) + "]"
}

func plainType(t string) bool {
	if t == "" || len(t) > 32 || t[0] < 'A' || t[0] > 'Z' {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
