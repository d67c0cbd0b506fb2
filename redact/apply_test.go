package redact

import (
	"math"
	"testing"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestApplyTag(t *testing.T) {
	const text = "Maria Gonzalez, 94, seen 3/14 at Mercy General 🙏"
	name, age, date, fac := at(text, "Maria Gonzalez", "NAME"), at(text, "94", "AGE"), at(text, "3/14", "DATE"), at(text, "Mercy General", "FACILITY")
	span := func(s, e int, typ chaperone.SpanType, score float64) chaperone.Span {
		return chaperone.Span{Start: s, End: e, Type: typ, Score: score}
	}
	tests := []struct {
		name  string
		spans []chaperone.Span
		want  string
	}{
		{"none", nil, text},
		{"one", []chaperone.Span{name}, "[NAME], 94, seen 3/14 at Mercy General 🙏"},
		{"unsorted", []chaperone.Span{fac, date, name, age}, "[NAME], [AGE], seen [DATE] at [FACILITY] 🙏"},
		{"duplicate", []chaperone.Span{date, date}, "Maria Gonzalez, 94, seen [DATE] at Mercy General 🙏"},
		{"nested: longest wins", []chaperone.Span{span(name.Start, name.Start+5, "LOCATION", 1), name}, "[NAME], 94, seen 3/14 at Mercy General 🙏"},
		{"overlap: union redacted", []chaperone.Span{span(0, 8, "NAME", 0.5), span(6, 16, "LOCATION", 0.5)}, "[LOCATION]94, seen 3/14 at Mercy General 🙏"},
		{"equal length: higher score wins", []chaperone.Span{span(0, 5, "NAME", 0.4), span(0, 5, "LOCATION", 0.8)}, "[LOCATION] Gonzalez, 94, seen 3/14 at Mercy General 🙏"},
		{"equal length and score: first listed type wins", []chaperone.Span{span(0, 5, "LOCATION", 0.8), span(0, 5, "NAME", 0.8)}, "[NAME] Gonzalez, 94, seen 3/14 at Mercy General 🙏"},
		{"NaN score loses", []chaperone.Span{span(0, 5, "NAME", math.NaN()), span(0, 5, "LOCATION", 0.1)}, "[LOCATION] Gonzalez, 94, seen 3/14 at Mercy General 🙏"},
		{"touching spans stay apart", []chaperone.Span{span(0, 5, "NAME", 1), span(5, 14, "LOCATION", 1)}, "[NAME][LOCATION], 94, seen 3/14 at Mercy General 🙏"},
		{"chain of overlaps", []chaperone.Span{span(0, 4, "NAME", 1), span(3, 9, "NAME", 1), span(8, 14, "NAME", 1)}, "[NAME], 94, seen 3/14 at Mercy General 🙏"},
		{"empty span dropped", []chaperone.Span{span(3, 3, "NAME", 1)}, text},
		{"reversed span dropped", []chaperone.Span{span(9, 3, "NAME", 1)}, text},
		{"clipped at end", []chaperone.Span{span(len(text)-4, len(text)+40, "ID", 1)}, "Maria Gonzalez, 94, seen 3/14 at Mercy General [ID]"},
		{"clipped at start", []chaperone.Span{span(-7, 5, "NAME", 1)}, "[NAME] Gonzalez, 94, seen 3/14 at Mercy General 🙏"},
		{"outside the text", []chaperone.Span{span(len(text)+1, len(text)+9, "NAME", 1), span(-9, -1, "NAME", 1)}, text},
		{"inside a rune: widened to it", []chaperone.Span{span(len(text)-2, len(text)-1, "ID", 1)}, "Maria Gonzalez, 94, seen 3/14 at Mercy General [ID]"},
		{"unknown plain type", []chaperone.Span{span(0, 5, "NPI", 1)}, "[NPI] Gonzalez, 94, seen 3/14 at Mercy General 🙏"},
		{"type unsafe to print", []chaperone.Span{span(0, 5, "x]<b>", 1)}, "[REDACTED] Gonzalez, 94, seen 3/14 at Mercy General 🙏"},
		{"empty type", []chaperone.Span{span(0, 5, "", 1)}, "[REDACTED] Gonzalez, 94, seen 3/14 at Mercy General 🙏"},
	}
	r := New(Tag)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]chaperone.Span(nil), tt.spans...)
			if got := r.Apply(text, tt.spans); got != tt.want {
				t.Errorf("Apply =\n%q\nwant\n%q", got, tt.want)
			}
			for i := range in {
				if in[i] != tt.spans[i] && !math.IsNaN(in[i].Score) {
					t.Errorf("Apply changed the caller's span %d: %+v", i, tt.spans[i])
				}
			}
		})
	}
}

func TestApplyMask(t *testing.T) {
	tests := []struct {
		text, sub string
		opts      []Option
		want      string
	}{
		{"hi Maria Gonzalez!", "Maria Gonzalez", nil, "hi ***** ********!"},
		{"José Peña ok", "José Peña", nil, "**** **** ok"},
		{"née 李小龙 😀", "李小龙", nil, "née *** 😀"},
		{"tab\there", "tab\there", nil, "***\t****"},
		{"hi Maria", "Maria", []Option{WithMaskRune('█')}, "hi █████"},
		{"hi Maria", "Maria", []Option{WithMaskRune('x')}, "hi xxxxx"},
		{"hi Maria", "Maria", []Option{WithMaskRune(-1)}, "hi *****"},
		{"hi Maria", "Maria", []Option{WithMaskRune(0xD800)}, "hi *****"},
		{"hi Maria", "Maria", []Option{WithMaskRune(0)}, "hi *****"},
	}
	for _, tt := range tests {
		got := one(New(Mask, tt.opts...), tt.text, tt.sub, chaperone.SpanName)
		if got != tt.want {
			t.Errorf("mask %q in %q = %q, want %q", tt.sub, tt.text, got, tt.want)
		}
		if utf8.RuneCountInString(got) != utf8.RuneCountInString(tt.text) {
			t.Errorf("mask changed the rune count: %q", got)
		}
	}
	// An invalid byte is one rune, masked like the others.
	if got := New(Mask).Apply("a\xffb", []chaperone.Span{{Start: 0, End: 3, Type: "NAME"}}); got != "***" {
		t.Errorf("mask of invalid UTF-8 = %q", got)
	}
}

func TestApplySpans(t *testing.T) {
	const text = "Ana (bed 4) 📞 555-123-4567"
	spans := []chaperone.Span{at(text, "555-123-4567", "PHONE"), at(text, "Ana", "NAME"), at(text, "bed 4", "ID")}
	for _, op := range []Operator{Mask, Tag, Surrogate, Generalize} {
		out, where := New(op, WithSeed("s")).ApplySpans(text, spans)
		if len(where) != 3 {
			t.Fatalf("%v: %d output spans, want 3", op, len(where))
		}
		wantTypes := []chaperone.SpanType{"NAME", "ID", "PHONE"}
		prev := 0
		for i, w := range where {
			if w.Type != wantTypes[i] || w.Start < prev || w.End <= w.Start || w.End > len(out) || w.Score != 0.9 {
				t.Errorf("%v: output span %d = %+v in %q", op, i, w, out)
			}
			prev = w.End
		}
		if got := out[where[0].End:where[1].Start]; got != " (" {
			t.Errorf("%v: text between the first two spans = %q", op, got)
		}
		if got := out[where[2].End:]; got != "" {
			t.Errorf("%v: text after the last span = %q", op, got)
		}
	}
}

func TestClipToRunes(t *testing.T) {
	tests := []struct {
		text             string
		start, end       int
		wantStart, wantE int
	}{
		{"abc", -5, 99, 0, 3},
		{"abc", 2, 1, 2, 2},
		{"abc", 9, 12, 3, 3},
		{"a中b", 2, 3, 1, 4}, // both ends inside 中 (bytes 1-3)
		{"a中b", 1, 2, 1, 4},
		{"a中b", 3, 5, 1, 5},
		{"😀", 1, 1, 1, 1}, // empty stays empty
		{"😀x", 3, 5, 0, 5},
		{"a\x81\x81b", 2, 3, 2, 3},           // stray continuation bytes are runes of their own
		{"a\xe4\xb8b", 2, 3, 2, 3},           // a truncated sequence too
		{"0\x81\x81\x81\x810", 3, 4, 3, 4},   // and a long run of them
		{"\xe4\xb8\xad\x81", 1, 4, 0, 4},     // valid rune, then a stray byte
		{"\xf0\x9f\x98\x80\x80", 4, 5, 4, 5}, // 😀 then a stray byte
		{"\xf0\x9f\x98\x80\x80", 2, 5, 0, 5}, // inside 😀
		{"\xf0\x9f\x98\x80\x80\x80\x80", 5, 6, 5, 6},
	}
	for _, tt := range tests {
		s, e := clipToRunes(tt.text, tt.start, tt.end)
		if s != tt.wantStart || e != tt.wantE {
			t.Errorf("clipToRunes(%q, %d, %d) = %d, %d; want %d, %d", tt.text, tt.start, tt.end, s, e, tt.wantStart, tt.wantE)
		}
	}
}

func TestZeroRedactor(t *testing.T) {
	var r Redactor
	if got := one(&r, "hi Maria", "Maria", chaperone.SpanName); got != "hi *****" {
		t.Errorf("zero Redactor: %q", got)
	}
}
