package redact

import (
	"sync"
	"time"
	"unicode/utf8"
)

// DefaultMaskRune is the rune Mask writes unless WithMaskRune says otherwise.
// It is ASCII so that masked text survives every encoding and font.
const DefaultMaskRune = '*'

// Redactor replaces spans of text with one operator. Build it with New (the
// zero Redactor masks with '*'); it is safe for concurrent use by many
// goroutines.
//
// A Surrogate redactor remembers the fakes it has handed out, so that the same
// original always gets the same fake and different originals different fakes.
// It keeps at most maxMemo of them; past that it forgets them all and starts
// again, which keeps the fakes of the same seed (they are derived from the
// seed and the original) but may repeat a fake that had been moved aside to
// avoid a clash. Use one Redactor per document or batch where that matters.
type Redactor struct {
	op       Operator
	seed     string
	mask     rune
	refYear  int // 0: the current year
	dayShift int // Surrogate: days added to dates, 1..365
	monShift int // Surrogate: months added to month-only dates, 1..11

	mu   sync.Mutex
	memo map[string]string // namespace+key -> fake
	used map[string]bool   // namespace+fake -> taken
}

// maxMemo bounds the memory of a Surrogate redactor.
const maxMemo = 1 << 16

// Option configures a Redactor.
type Option func(*Redactor)

// New returns a redactor that applies op. An op that is no Operator acts as
// Tag, the safe default.
func New(op Operator, opts ...Option) *Redactor {
	if !op.valid() {
		op = Tag
	}
	r := &Redactor{op: op, mask: DefaultMaskRune}
	for _, o := range opts {
		o(r)
	}
	h := newStream(r.seed, "shift", "")
	r.dayShift = 1 + int(h.next()%365)
	r.monShift = 1 + int(h.next()%11)
	return r
}

// Operator returns the operator the redactor applies.
func (r *Redactor) Operator() Operator { return r.op }

// WithSeed sets the seed of Surrogate: redactors with the same seed give the
// same fake for the same original text and type, across runs and machines.
// The default seed is empty. Keep a seed secret, and different per
// organisation, so that fakes cannot be linked back by trying originals.
func WithSeed(seed string) Option { return func(r *Redactor) { r.seed = seed } }

// WithMaskRune sets the rune Mask writes; the default is '*'. Zero and values
// that are not valid Unicode scalar values leave the default.
func WithMaskRune(m rune) Option {
	return func(r *Redactor) {
		if m != 0 && utf8.ValidRune(m) {
			r.mask = m
		}
	}
}

// maskRune returns the rune Mask writes.
func (r *Redactor) maskRune() rune {
	if r.mask == 0 {
		return DefaultMaskRune
	}
	return r.mask
}

// WithReferenceYear sets the year from which Generalize counts ages when it
// decides whether a year would reveal an age over 89 (45 CFR
// 164.514(b)(2)(i)(C)): a year at or before reference-90 is withheld. The
// default (or 0) is the current year at each call, the one thing in this
// package that depends on the clock; pass a year for output that must not
// change with the calendar (tests, golden files, audits).
func WithReferenceYear(year int) Option { return func(r *Redactor) { r.refYear = year } }

// referenceYear returns the year ages are counted from.
func (r *Redactor) referenceYear() int {
	if r.refYear == 0 {
		return time.Now().Year()
	}
	return r.refYear
}
