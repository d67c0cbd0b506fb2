package redact

import (
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// at returns the span of the first occurrence of sub in text; it panics when
// sub is missing, which is a mistake in the test.
func at(text, sub string, t chaperone.SpanType) chaperone.Span {
	i := strings.Index(text, sub)
	if i < 0 {
		panic("test text " + text + " lacks " + sub)
	}
	return chaperone.Span{Start: i, End: i + len(sub), Type: t, Score: 0.9}
}

// one redacts the single span sub of type t in text with r.
func one(r *Redactor, text, sub string, t chaperone.SpanType) string {
	return r.Apply(text, []chaperone.Span{at(text, sub, t)})
}

// testYear pins the reference year so that outputs do not change with the
// calendar.
const testYear = 2026
