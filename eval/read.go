package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	chaperone "github.com/chaperone-project/chaperone"
)

// MaxLineBytes is the longest line ReadSet accepts (16 MiB).
const MaxLineBytes = 16 << 20

// ReadSet reads a labelled set: JSON Lines, one Gold item a line, as the
// annotation guideline describes. Blank lines are skipped and a UTF-8 byte
// order mark at the start is ignored.
//
// Every item is validated: it must have an id not used before in the set and
// a decision of allow, review or block; its channel, if given, must be known;
// every span must have a known type and offsets 0 <= start < end <= len(text)
// with text[start:end] == span.text; every finding must be a known type.
// ReadSet stops at the first problem and returns a *chaperone.Error (code
// ErrInvalid, or ErrTooLarge for a line over MaxLineBytes) naming the line
// number and, once the line parses, the item id. Error messages never quote
// the item's text. An input with no item is an error too.
func ReadSet(r io.Reader) ([]Gold, error) {
	sc := bufio.NewScanner(r)
	// Room for a maximal line plus "\r\n", which the scanner must see to
	// end the line; the length check below enforces the limit exactly.
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes+2)
	var (
		set  []Gold
		seen = make(map[string]int)
		line int
	)
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		if len(b) > MaxLineBytes {
			return nil, tooLong(line)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		var g Gold
		if err := json.Unmarshal(b, &g); err != nil {
			return nil, malformed(line, err)
		}
		if err := validate(&g); err != nil {
			if g.ID == "" {
				return nil, chaperone.Errorf(chaperone.ErrInvalid, "line %d: %s", line, err)
			}
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "line %d (id %s): %s", line, label(g.ID), err)
		}
		if prev, dup := seen[g.ID]; dup {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "line %d (id %s): id already used on line %d", line, label(g.ID), prev)
		}
		seen[g.ID] = line
		set = append(set, g)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, tooLong(line + 1)
		}
		return nil, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: fmt.Sprintf("line %d: reading set", line+1), Err: err}
	}
	if len(set) == 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "set has no items")
	}
	return set, nil
}

func tooLong(line int) error {
	return chaperone.Errorf(chaperone.ErrTooLarge, "line %d: longer than %d bytes", line, MaxLineBytes)
}

// malformed describes a JSON error without quoting the line.
func malformed(line int, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return chaperone.Errorf(chaperone.ErrInvalid, "line %d: malformed JSON near byte %d", line, syn.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return chaperone.Errorf(chaperone.ErrInvalid, "line %d: malformed JSON: field %s has the wrong type (want %s)", line, label(typ.Field), typ.Type)
	case errors.As(err, &typ):
		return chaperone.Errorf(chaperone.ErrInvalid, "line %d: malformed JSON: not a labelled item object", line)
	}
	return chaperone.Errorf(chaperone.ErrInvalid, "line %d: malformed JSON", line)
}

// validate checks one item against the guideline's format.
func validate(g *Gold) error {
	if g.ID == "" {
		return errors.New("missing id")
	}
	switch g.Decision {
	case chaperone.Allow, chaperone.Review, chaperone.Block:
	case "":
		return errors.New("missing decision")
	default:
		return fmt.Errorf("decision %s is not allow, review or block", label(string(g.Decision)))
	}
	if g.Channel != "" && !g.Channel.Valid() {
		return fmt.Errorf("unknown channel %s", label(string(g.Channel)))
	}
	for i, s := range g.Spans {
		if !s.Type.Valid() {
			return fmt.Errorf("span %d: unknown type %s", i+1, label(string(s.Type)))
		}
		if s.Start < 0 || s.End <= s.Start || s.End > len(g.Text) {
			return fmt.Errorf("span %d (%s [%d:%d]): offsets out of range for a text of %d bytes (need 0 <= start < end <= length)",
				i+1, s.Type, s.Start, s.End, len(g.Text))
		}
		if g.Text[s.Start:s.End] != s.Text {
			return fmt.Errorf("span %d (%s [%d:%d]): text[start:end] differs from the span's text (offsets are UTF-8 bytes, end exclusive)",
				i+1, s.Type, s.Start, s.End)
		}
	}
	for _, f := range g.Findings {
		if !f.Valid() {
			return fmt.Errorf("unknown finding %s", label(string(f)))
		}
	}
	return nil
}

// label quotes a label or id for an error message, cut to 64 bytes.
func label(s string) string {
	const n = 64
	if len(s) > n {
		return fmt.Sprintf("%q…", s[:n])
	}
	return fmt.Sprintf("%q", s)
}
