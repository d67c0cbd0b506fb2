package redact

import (
	"testing"
)

// BenchmarkApply redacts a 328-byte note with 13 spans of 11 types with each
// operator.
func BenchmarkApply(b *testing.B) {
	c := goldenCases[2] // intake_note
	it, res := c.item()
	for _, op := range []Operator{Mask, Tag, Surrogate, Generalize} {
		b.Run(op.String(), func(b *testing.B) {
			r := New(op, WithSeed("bench"), WithReferenceYear(testYear))
			b.SetBytes(int64(len(it.Text)))
			b.ReportAllocs()
			for b.Loop() {
				r.Apply(it.Text, res.Spans)
			}
		})
	}
}

// BenchmarkSurrogateFresh measures Surrogate on originals it has not seen
// yet (a new redactor each time), the cost of a first document.
func BenchmarkSurrogateFresh(b *testing.B) {
	it, res := goldenCases[2].item()
	b.SetBytes(int64(len(it.Text)))
	b.ReportAllocs()
	for b.Loop() {
		New(Surrogate, WithSeed("bench")).Apply(it.Text, res.Spans)
	}
}

// BenchmarkRewrite rewrites a confirming review reply (the template path)
// and a post (the redaction path).
func BenchmarkRewrite(b *testing.B) {
	r := New(Generalize, WithReferenceYear(testYear))
	for _, c := range []goldenCase{goldenCases[1], goldenCases[0]} {
		it, res := c.item()
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.Rewrite(it, res)
			}
		})
	}
}
