package report

import (
	"io"

	chaperone "github.com/chaperone-project/chaperone"
)

// JSON writes res to w as one indented JSON object: the fields of
// chaperone.Result (id, decision, findings, spans, with UTF-8 byte offsets)
// plus "rewrite", the suggested safe rewrite ("" when there is none).
// Empty findings and spans are written as [], never null.
//
// The object is written as it is encoded, finding by finding, so that a
// long text's report costs little memory beyond the result itself; on an
// encoding error (a score that is not a number) w may hold the start of it.
func JSON(w io.Writer, res chaperone.Result, rewrite string) error {
	res = normalize(res)
	s := newJSONStream(w)
	s.raw("{")
	s.key(1, "id", true)
	s.value(1, res.ID)
	s.key(1, "decision", false)
	s.value(1, res.Decision)
	s.key(1, "findings", false)
	if err := s.array(1, len(res.Findings), func(i int) error { return s.value(2, &res.Findings[i]) }); err != nil {
		return err
	}
	s.key(1, "spans", false)
	if err := s.array(1, len(res.Spans), func(i int) error { return s.value(2, &res.Spans[i]) }); err != nil {
		return err
	}
	s.key(1, "rewrite", false)
	s.text(rewrite)
	s.raw("\n}\n")
	return s.flush()
}
