package redact

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

// The fuzz targets check, for random text and random spans:
//
//   - no panic, and valid UTF-8 out for valid UTF-8 in;
//   - text outside the spans is copied unchanged, and the output spans that
//     ApplySpans reports are sorted, disjoint and inside the output;
//   - no leak (Mask, Tag, Generalize): a span's text of 3 bytes or more does
//     not occur in the output, unless it occurs in the text outside the spans
//     or could be spelt by the operator's own output (it shares a rune with
//     what the operator writes: see inAlphabet);
//   - redaction is a fixed point (Mask, Tag, Generalize): redacting the
//     output again at the reported output spans changes nothing, so a
//     rewritten text that is screened and redacted again stays as it is;
//   - the same input gives the same output, across redactors of one seed;
//   - Surrogate never states an age over 89.

// fuzzTypes are the span types fuzzing draws from: all known ones and a few
// that are not.
var fuzzTypes = append(append([]chaperone.SpanType(nil), chaperone.SpanTypes...), "", "NPI", "x]<y>", "name")

// fuzzSpans decodes spans from raw, 5 bytes a span: a 2-byte start that may
// fall before or after the text, a length that may be negative, a type and
// a score (255 is NaN).
func fuzzSpans(text string, raw []byte) []chaperone.Span {
	var spans []chaperone.Span
	for ; len(raw) >= 5 && len(spans) < 64; raw = raw[5:] {
		start := int(binary.BigEndian.Uint16(raw))%(len(text)+17) - 8
		end := start + int(raw[2])%48 - 4
		score := float64(raw[4]) / 254
		if raw[4] == 255 {
			score = math.NaN()
		}
		spans = append(spans, chaperone.Span{Start: start, End: end, Type: fuzzTypes[int(raw[3])%len(fuzzTypes)], Score: score})
	}
	return spans
}

// addSeeds gives a fuzz target realistic texts with their spans.
func addSeeds(f *testing.F, extra ...any) {
	for _, c := range goldenCases {
		it, res := c.item()
		var raw []byte
		for _, sp := range res.Spans {
			ti := 0
			for i, t := range fuzzTypes {
				if t == sp.Type {
					ti = i
				}
			}
			raw = binary.BigEndian.AppendUint16(raw, uint16(sp.Start+8))
			raw = append(raw, byte(sp.End-sp.Start+4), byte(ti), 200)
		}
		f.Add(append([]any{it.Text, raw}, extra...)...)
	}
	f.Add(append([]any{"", []byte{0, 0, 3, 0, 0}}, extra...)...)
	f.Add(append([]any{"a\xffb\xe4\xb8c 96 02138", []byte{0, 9, 4, 3, 9, 0, 12, 9, 4, 1, 0, 17, 9, 3, 255}}, extra...)...)
}

func FuzzApply(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, text string, raw []byte) {
		spans := fuzzSpans(text, raw)
		merged := mergeSpans(text, spans)
		valid := utf8.ValidString(text)
		for _, op := range []Operator{Mask, Tag, Surrogate, Generalize} {
			r := New(op, WithSeed("fuzz"), WithReferenceYear(testYear))
			out, where := r.ApplySpans(text, spans)
			if valid && !utf8.ValidString(out) {
				t.Fatalf("%v: invalid UTF-8 out of %q: %q", op, text, out)
			}
			checkKept(t, op, text, out, merged, where)
			if again := New(op, WithSeed("fuzz"), WithReferenceYear(testYear)).Apply(text, spans); again != out {
				t.Fatalf("%v: not deterministic:\n%q\n%q", op, out, again)
			}
			if op == Surrogate {
				checkNoOldAge(t, out, where)
				continue
			}
			if fixed := r.Apply(out, where); fixed != out {
				t.Fatalf("%v: not a fixed point:\n%q\n-> %q", op, out, fixed)
			}
			if op == Mask && valid && utf8.RuneCountInString(out) != utf8.RuneCountInString(text) {
				t.Fatalf("mask changed the rune count: %q -> %q", text, out)
			}
			if valid {
				checkNoLeak(t, op, text, out, spans, merged)
			}
		}
	})
}

// checkNoOldAge checks that no age span of out states an age over 89 other
// than the category "90 or older".
func checkNoOldAge(t *testing.T, out string, where []chaperone.Span) {
	t.Helper()
	for _, w := range where {
		if w.Type != chaperone.SpanAge {
			continue
		}
		for _, run := range digitRuns(out[w.Start:w.End]) {
			if run != "90" && (len(run) > 2 || run >= "90") {
				t.Fatalf("surrogate age %q states an age over 89", out[w.Start:w.End])
			}
		}
	}
}

// checkKept checks that out is text with each merged span replaced at the
// output span where reports, and nothing else changed.
func checkKept(t *testing.T, op Operator, text, out string, merged, where []chaperone.Span) {
	t.Helper()
	if len(where) != len(merged) {
		t.Fatalf("%v: %d output spans for %d merged spans", op, len(where), len(merged))
	}
	inAt, outAt := 0, 0
	for i, w := range where {
		m := merged[i]
		if w.Start < outAt || w.End <= w.Start || w.End > len(out) || w.Type != m.Type {
			t.Fatalf("%v: bad output span %d %+v (merged %+v) in %q", op, i, w, m, out)
		}
		if text[inAt:m.Start] != out[outAt:w.Start] {
			t.Fatalf("%v: text between spans changed: %q -> %q", op, text[inAt:m.Start], out[outAt:w.Start])
		}
		inAt, outAt = m.End, w.End
	}
	if text[inAt:] != out[outAt:] {
		t.Fatalf("%v: text after the spans changed: %q -> %q", op, text[inAt:], out[outAt:])
	}
}

// checkNoLeak checks that no span text survives, as described above.
func checkNoLeak(t *testing.T, op Operator, text, out string, spans, merged []chaperone.Span) {
	t.Helper()
	var kept []string
	at := 0
	for _, m := range merged {
		kept = append(kept, text[at:m.Start])
		at = m.End
	}
	kept = append(kept, text[at:])
	check := func(s chaperone.Span) {
		secret := text[s.Start:s.End]
		if len(secret) < 3 || strings.ContainsFunc(secret, func(c rune) bool { return inAlphabet(op, c) }) {
			return
		}
		for _, k := range kept {
			if strings.Contains(k, secret) {
				return
			}
		}
		if strings.Contains(out, secret) {
			t.Fatalf("%v: span text %q survives in %q", op, secret, out)
		}
	}
	for _, m := range merged {
		check(m)
	}
	for _, s := range spans {
		s.Start, s.End = clipToRunes(text, s.Start, s.End)
		check(s)
	}
}

// inAlphabet reports whether the operator may write c: a span text made of
// other runes cannot be spelt by the operator's output.
func inAlphabet(op Operator, c rune) bool {
	tag := c == '[' || c == ']' || c == '_' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	switch op {
	case Mask:
		return c == DefaultMaskRune || unicode.IsSpace(c)
	case Tag:
		return tag
	case Generalize:
		// Renderings of ages, kept age prefixes (any case), years, ZIP
		// prefixes, the white space around a span.
		words := ageOlder + ageAdjective + ageMoreYears + ageDecadeOver + " old of age" + strings.Join(ageKeepPrefixes, "")
		return tag || unicode.IsSpace(c) || strings.ContainsRune(words, unicode.ToLower(c))
	}
	return true
}

func FuzzRewrite(f *testing.F) {
	addSeeds(f, true, "555-201-8890")
	addSeeds(f, false, "")
	f.Add("Call us at (555) 201-8890! Lauren's 555-771-2093", []byte{0, 8 + 35, 12 + 4, 6, 0}, true, "")
	f.Fuzz(func(t *testing.T, text string, raw []byte, confirmed bool, contact string) {
		half := len(raw) / 2
		res := chaperone.Result{Spans: fuzzSpans(text, raw[:half])}
		for _, s := range fuzzSpans(text, raw[half:]) {
			res.Findings = append(res.Findings, chaperone.Finding{Type: chaperone.FindingPHI, SpanType: s.Type, Start: s.Start, End: s.End})
		}
		if confirmed {
			res.Findings = append(res.Findings, chaperone.Finding{Type: chaperone.FindingRelationshipConfirmed})
		}
		it := chaperone.Item{Channel: chaperone.ChannelReviewReply, Text: text, Author: chaperone.Author{ClinicContacts: []string{contact}}}
		all := resultSpans(res)
		merged := mergeSpans(text, all)
		for _, op := range []Operator{Mask, Tag, Surrogate, Generalize} {
			r := New(op, WithSeed("fuzz"), WithReferenceYear(testYear))
			got := r.Rewrite(it, res)
			if utf8.ValidString(text) && !utf8.ValidString(got) {
				t.Fatalf("%v: invalid UTF-8 out of %q: %q", op, text, got)
			}
			if !confirmed {
				if want := New(op, WithSeed("fuzz"), WithReferenceYear(testYear)).Apply(text, all); got != want {
					t.Fatalf("%v: Rewrite = %q, Apply = %q", op, got, want)
				}
				continue
			}
			if got == ReplyTemplate {
				continue
			}
			phone, ok := strings.CutPrefix(got, replyCall)
			if phone, ok = strings.CutSuffix(phone, replyEnd); !ok || !phoneNumber.MatchString(phone) {
				t.Fatalf("%v: Rewrite of a confirmed reply = %q", op, got)
			}
			found := false
			for i := 0; !found; i++ {
				j := strings.Index(text[i:], phone)
				if j < 0 {
					break
				}
				found = !overlapsAny(merged, i+j, i+j+len(phone))
				i += j
			}
			if !found {
				t.Fatalf("%v: kept phone %q is not in the text outside the spans: %q", op, phone, text)
			}
		}
	})
}
