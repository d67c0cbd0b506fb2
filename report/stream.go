package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"
)

// jsonStream writes one indented JSON document piece by piece, byte for
// byte as a json.Encoder with SetEscapeHTML(false) and SetIndent("", "  ")
// writes it whole, so that a report on a long text (tens of thousands of
// findings and spans, a rewrite of megabytes) never holds its whole
// encoding, twice, in memory. JSON and SARIF use it; the caller writes the
// structure (objects, keys, arrays) and the stream encodes the values.
type jsonStream struct {
	w   *bufio.Writer
	buf bytes.Buffer  // the encoding of one value
	enc *json.Encoder // writes to buf
}

// newJSONStream returns a stream writing to w; the caller must call flush.
func newJSONStream(w io.Writer) *jsonStream {
	s := &jsonStream{w: bufio.NewWriterSize(w, 64<<10)}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	return s
}

// raw writes str as it is.
func (s *jsonStream) raw(str string) { s.w.WriteString(str) }

// indent returns the indentation of a line at nesting depth (at most 8).
func indent(depth int) string { return "                "[:2*depth] }

// key starts the member name of an object at depth (1 for the members of
// the top-level object), after a comma unless it is the first member.
func (s *jsonStream) key(depth int, name string, first bool) {
	if !first {
		s.raw(",")
	}
	s.raw("\n" + indent(depth))
	s.value(depth, name)
	s.raw(": ")
}

// value writes v as it appears at nesting depth: its inner lines are
// indented one level deeper. Pass structs by pointer, which costs no copy.
func (s *jsonStream) value(depth int, v any) error {
	s.buf.Reset()
	s.enc.SetIndent(indent(depth), "  ")
	if err := s.enc.Encode(v); err != nil {
		return err
	}
	b := s.buf.Bytes()
	s.w.Write(b[:len(b)-1]) // without Encode's newline
	return nil
}

// array writes an array of n elements at depth; elem writes element i
// (at depth+1). An empty array is written as [].
func (s *jsonStream) array(depth, n int, elem func(i int) error) error {
	if n == 0 {
		s.raw("[]")
		return nil
	}
	s.raw("[")
	for i := range n {
		if i > 0 {
			s.raw(",")
		}
		s.raw("\n" + indent(depth+1))
		if err := elem(i); err != nil {
			return err
		}
	}
	s.raw("\n" + indent(depth) + "]")
	return nil
}

// stringChunk is how much of a long string text encodes at once.
const stringChunk = 32 << 10

// text writes the JSON string of str in pieces of about stringChunk bytes.
// JSON escapes each rune on its own and an invalid byte as U+FFFD, so
// cutting before a byte that starts a UTF-8 sequence changes nothing.
func (s *jsonStream) text(str string) error {
	s.raw(`"`)
	for len(str) > 0 {
		n := min(len(str), stringChunk)
		for n < len(str) && !utf8.RuneStart(str[n]) {
			n++
		}
		s.buf.Reset()
		s.enc.SetIndent("", "")
		if err := s.enc.Encode(str[:n]); err != nil {
			return err
		}
		b := s.buf.Bytes()
		s.w.Write(b[1 : len(b)-2]) // without the quotes and the newline
		str = str[n:]
	}
	s.raw(`"`)
	return nil
}

// flush writes what is buffered to the underlying writer and returns the
// first write error.
func (s *jsonStream) flush() error { return s.w.Flush() }
