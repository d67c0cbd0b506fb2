package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"strings"
	"unicode"

	chaperone "github.com/chaperone-project/chaperone"
)

// surrogate returns a realistic fake for the span sp of text, of the same
// type and shape; see the surrogate* files for each type. Types with no fake
// (unknown ones) get the tag. White space around the span is kept.
func (r *Redactor) surrogate(text string, sp chaperone.Span) string {
	s := text[sp.Start:sp.End]
	core, lead, trail := trimSpace(s)
	if core == "" {
		return s
	}
	var f string
	switch sp.Type {
	case chaperone.SpanName:
		f = r.fakeName(text[:sp.Start+len(lead)], core)
	case chaperone.SpanHandle:
		f = r.fakeHandle(core)
	case chaperone.SpanDate:
		f = r.fakeDate(core)
	case chaperone.SpanAge:
		f = r.fakeAge(core)
	case chaperone.SpanLocation:
		f = r.fakeLocation(core)
	case chaperone.SpanFacility:
		f = r.fakeFacility(core)
	case chaperone.SpanPhone, chaperone.SpanFax:
		f = r.fakePhone(core)
	case chaperone.SpanEmail:
		f = r.fakeEmail(core)
	case chaperone.SpanURL:
		f = r.fakeURL(core)
	case chaperone.SpanIP:
		f = r.fakeIP(core)
	case chaperone.SpanSSN:
		f = r.fakeSSN(core)
	case chaperone.SpanMRN, chaperone.SpanHealthPlan, chaperone.SpanAccount, chaperone.SpanLicense,
		chaperone.SpanVehicle, chaperone.SpanDevice, chaperone.SpanID:
		f = r.fakeID(sp.Type, core)
	default:
		return tagOf(sp.Type)
	}
	return lead + f + trail
}

// maxAttempts bounds the search for a fake that is not the original and not
// handed out yet.
const maxAttempts = 64

// fake returns the fake for key in namespace ns: the one handed out before,
// or the first value gen makes that differs from orig (ignoring case) and
// has not been handed out in ns. gen draws from a stream derived from the
// seed, ns and key, so the fake of a key depends only on them unless it had
// to step aside for an earlier one. When every attempt clashes, a fake that
// differs from orig wins over one that is merely new.
func (r *Redactor) fake(ns, key, orig string, gen func(h *stream, attempt int) string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	mk := ns + "\x00" + key
	if f, ok := r.memo[mk]; ok {
		return f
	}
	if r.memo == nil || len(r.memo) >= maxMemo {
		r.memo, r.used = make(map[string]string), make(map[string]bool)
	}
	h := newStream(r.seed, ns, key)
	var f, spare string
	for a := range maxAttempts {
		c := gen(h, a)
		if strings.EqualFold(c, orig) {
			continue
		}
		if !r.used[ns+"\x00"+c] {
			f = c
			break
		}
		if spare == "" {
			spare = c
		}
	}
	if f == "" {
		f = spare
	}
	if f == "" { // every attempt gave the original back
		f = gen(h, maxAttempts)
	}
	r.memo[mk] = f
	r.used[ns+"\x00"+f] = true
	return f
}

// stream is a deterministic source of pseudo-random numbers: HMAC-SHA256,
// keyed by the seed, of a namespace, a key and a block counter. Without the
// seed, a fake cannot be traced back to its original by trying candidates.
type stream struct {
	mac   hash.Hash
	msg   []byte // ns 0 key 0, then the counter
	block uint64
	sum   [sha256.Size]byte
	off   int // next unread byte of sum
}

func newStream(seed, ns, key string) *stream {
	msg := make([]byte, 0, len(ns)+len(key)+10)
	msg = append(append(append(append(msg, ns...), 0), key...), 0)
	return &stream{mac: hmac.New(sha256.New, []byte(seed)), msg: msg, off: sha256.Size}
}

// next returns the next 64 pseudo-random bits.
func (s *stream) next() uint64 {
	if s.off+8 > len(s.sum) {
		s.mac.Reset()
		s.mac.Write(binary.BigEndian.AppendUint64(s.msg, s.block))
		s.mac.Sum(s.sum[:0])
		s.block++
		s.off = 0
	}
	v := binary.BigEndian.Uint64(s.sum[s.off:])
	s.off += 8
	return v
}

// intn returns a number in [0, n); n must be positive.
func (s *stream) intn(n int) int { return int(s.next() % uint64(n)) }

// pick returns one element of list.
func pick(h *stream, list []string) string { return list[h.intn(len(list))] }

// digits returns n pseudo-random decimal digits.
func digits(h *stream, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + h.intn(10))
	}
	return string(b)
}

// shapeCase gives fake the letter case of orig: all upper when orig has more
// than one cased letter and all are upper ("MARIA"), all lower when all are
// lower ("maria"), and fake as it is otherwise ("Maria", "McKay", "王小明").
func shapeCase(fake, orig string) string {
	upper, lower := 0, 0
	for _, c := range orig {
		switch {
		case unicode.IsUpper(c):
			upper++
		case unicode.IsLower(c):
			lower++
		}
	}
	switch {
	case upper > 1 && lower == 0:
		return strings.ToUpper(fake)
	case lower > 0 && upper == 0:
		return strings.ToLower(fake)
	}
	return fake
}
