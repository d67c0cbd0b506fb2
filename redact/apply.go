package redact

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

// Apply replaces every span of text with the operator's output and returns
// the new text. Text outside the spans is copied unchanged.
//
// Spans are UTF-8 byte offsets into text, End exclusive, in any order; they
// may overlap or nest. Overlapping spans are merged and their union is
// redacted as one span whose type is that of the longest span (then the
// highest score). Spans that touch without overlapping stay separate. Offsets
// outside the text are clipped to it, offsets inside a rune are widened to the
// whole rune, and empty spans are dropped: Apply never panics.
func (r *Redactor) Apply(text string, spans []chaperone.Span) string {
	out, _ := r.ApplySpans(text, spans)
	return out
}

// ApplySpans is Apply that also returns where the replacements are in the new
// text: one span per merged input span, sorted, not overlapping, with the
// winning type, rule and score. Callers use them to highlight the redactions
// or to map a second pass onto the rewritten text.
func (r *Redactor) ApplySpans(text string, spans []chaperone.Span) (string, []chaperone.Span) {
	merged := mergeSpans(text, spans)
	if len(merged) == 0 {
		return text, nil
	}
	var b strings.Builder
	b.Grow(len(text) + 8*len(merged))
	at := 0
	for i, sp := range merged {
		b.WriteString(text[at:sp.Start])
		start := b.Len()
		r.replace(&b, text, sp)
		at = sp.End
		merged[i].Start, merged[i].End = start, b.Len()
	}
	b.WriteString(text[at:])
	return b.String(), merged
}

// replace writes the operator's output for the span sp of text to b.
func (r *Redactor) replace(b *strings.Builder, text string, sp chaperone.Span) {
	switch r.op {
	case Mask:
		writeMask(b, text[sp.Start:sp.End], r.maskRune())
	case Surrogate:
		b.WriteString(r.surrogate(text, sp))
	case Generalize:
		b.WriteString(r.generalize(text[sp.Start:sp.End], sp.Type))
	default:
		b.WriteString(tagOf(sp.Type))
	}
}

// mergeSpans clips the spans to text, widens them to rune boundaries, drops
// the empty ones and merges the overlapping ones. The result is a new slice,
// sorted by offset, of spans that do not overlap.
func mergeSpans(text string, spans []chaperone.Span) []chaperone.Span {
	if len(spans) == 0 || text == "" {
		return nil
	}
	clipped := make([]chaperone.Span, 0, len(spans))
	for _, sp := range spans {
		sp.Start, sp.End = clipToRunes(text, sp.Start, sp.End)
		if sp.Start < sp.End {
			clipped = append(clipped, sp)
		}
	}
	slices.SortFunc(clipped, func(a, b chaperone.Span) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	out := clipped[:0]
	var win chaperone.Span // the clipped span whose type the last merged span has
	for _, sp := range clipped {
		if n := len(out); n > 0 && sp.Start < out[n-1].End {
			last := &out[n-1]
			start, end := last.Start, max(last.End, sp.End)
			if outranks(sp, win) {
				win = sp
				*last = sp
			}
			last.Start, last.End = start, end
			continue
		}
		win = sp
		out = append(out, sp)
	}
	return out
}

// outranks reports whether span a's type should win over b's when they are
// merged: the longer span wins, then the higher score, then the type listed
// first in chaperone.SpanTypes, then the smaller type and rule strings, so
// that the winner never depends on the order of the input.
func outranks(a, b chaperone.Span) bool {
	if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
		return la > lb
	}
	if sa, sb := score(a.Score), score(b.Score); sa != sb {
		return sa > sb
	}
	if ra, rb := typeRank(a.Type), typeRank(b.Type); ra != rb {
		return ra < rb
	}
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.Rule < b.Rule
}

// score orders scores with NaN lowest.
func score(s float64) float64 {
	if math.IsNaN(s) {
		return math.Inf(-1)
	}
	return s
}

func typeRank(t chaperone.SpanType) int {
	if i := slices.Index(chaperone.SpanTypes, t); i >= 0 {
		return i
	}
	return len(chaperone.SpanTypes)
}

// clipToRunes clips [start,end) to text and widens it to whole runes, so that
// a span that cuts a rune redacts all of it. Runes are what ranging over the
// string gives: a byte that is not part of valid UTF-8 is a rune of its own.
func clipToRunes(text string, start, end int) (int, int) {
	start = min(max(start, 0), len(text))
	end = min(max(end, 0), len(text))
	if start >= end {
		return start, start
	}
	start = runeStart(text, start)
	if p := runeStart(text, end); p < end {
		_, size := utf8.DecodeRuneInString(text[p:])
		end = p + size
	}
	return start, end
}

// runeStart returns the offset of the rune that holds byte i of text.
func runeStart(text string, i int) int {
	if i <= 0 || i >= len(text) || utf8.RuneStart(text[i]) {
		return i
	}
	for p := i - 1; p >= 0 && p > i-utf8.UTFMax; p-- {
		if utf8.RuneStart(text[p]) {
			if _, size := utf8.DecodeRuneInString(text[p:]); p+size > i {
				return p
			}
			return i // an invalid byte: a rune of its own
		}
	}
	return i
}
