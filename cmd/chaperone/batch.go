package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

// batch screens a JSON Lines stream of items (scan --format jsonl) on many
// goroutines and writes one result line per item in input order. At most
// window items are in flight between the reader and the writer, so memory
// stays bounded however long the input is.
type batch struct {
	workers int
	// prepare completes and checks an item read from a line (defaults
	// from the flags); its error becomes the line's error.
	prepare func(*chaperone.Item) error
	// screen screens one item; its error becomes the line's error.
	screen func(chaperone.Item) (chaperone.Result, error)
}

// job is one line handed from the reader to the workers.
type job struct {
	seq     int // position among the items, 0-based
	line    int // line number, 1-based
	data    []byte
	tooLong bool
}

// outcome is one worker's output line and its exit code.
type outcome struct {
	seq  int
	out  []byte
	code int
}

// run reads r, screens every non-blank line and writes the result lines to
// w. It returns the highest exit code of the lines (the decision's, or 3
// for a line that failed, 4 for an engine failure), and an error when
// reading or writing fails.
func (b *batch) run(r io.Reader, w io.Writer) (int, error) {
	workers := max(b.workers, 1)
	window := 4 * workers
	var (
		jobs     = make(chan job, window)
		outcomes = make(chan outcome, window)
		tokens   = make(chan struct{}, window) // one per item in flight
		stop     = make(chan struct{})         // closed when writing fails
		readErr  error
	)

	// Reader: one goroutine, in order.
	go func() {
		defer close(jobs)
		lr := newLineReader(r, maxInput)
		for seq := 0; ; {
			data, num, tooLong, err := lr.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = &chaperone.Error{Code: chaperone.ErrInvalid, Msg: fmt.Sprintf("reading input at line %d", num), Err: err}
				return
			}
			if !tooLong && len(bytes.TrimSpace(data)) == 0 {
				continue // blank lines are not items
			}
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return
			}
			jobs <- job{seq: seq, line: num, data: data, tooLong: tooLong}
			seq++
		}
	}()

	// Workers.
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			out := newLineEncoder()
			for j := range jobs {
				outcomes <- b.process(j, out)
			}
		})
	}
	go func() {
		wg.Wait()
		close(outcomes)
	}()

	// Writer: this goroutine, reordering through a ring of window slots.
	var (
		bw      = bufio.NewWriterSize(w, 64<<10)
		ring    = make([]*outcome, window)
		next    int
		code    int
		writeEr error
	)
	for o := range outcomes {
		ring[o.seq%window] = &o
		for p := ring[next%window]; p != nil && p.seq == next; p = ring[next%window] {
			ring[next%window] = nil
			next++
			<-tokens
			code = max(code, p.code)
			if writeEr == nil {
				if _, err := bw.Write(p.out); err != nil {
					writeEr = err
					close(stop)
				}
			}
		}
		// Flush when no result is waiting, so that a slow producer (a
		// pipe fed line by line) sees its results at once.
		if writeEr == nil && len(outcomes) == 0 {
			if err := bw.Flush(); err != nil {
				writeEr = err
				close(stop)
			}
		}
	}
	if writeEr == nil {
		writeEr = bw.Flush()
	}
	if writeEr != nil {
		return exitInternal, internalError("writing results", writeEr)
	}
	if readErr != nil {
		return max(code, exitUsage), readErr
	}
	return code, nil
}

// process turns one line into its output line: the result, or an error
// line naming the line number (and the id when it is known). Error
// messages never quote the line.
func (b *batch) process(j job, out *lineEncoder) outcome {
	fail := func(id, msg string, code int) outcome {
		return outcome{seq: j.seq, out: out.encode(batchError{ID: id, Line: j.line, Error: msg}), code: code}
	}
	if j.tooLong {
		return fail("", fmt.Sprintf("line longer than %d bytes (10 MiB)", maxInput), exitUsage)
	}
	if off := invalidUTF8(j.data); off >= 0 {
		return fail(peekID(j.data), fmt.Sprintf("invalid UTF-8 at byte offset %d of the line", off), exitUsage)
	}
	var li lineItem
	if err := json.Unmarshal(j.data, &li); err != nil {
		return fail(peekID(j.data), jsonError(err), exitUsage)
	}
	if li.Text == nil {
		return fail(li.ID, `missing "text"`, exitUsage)
	}
	it := li.Item
	it.Text = *li.Text
	if b.prepare != nil {
		if err := b.prepare(&it); err != nil {
			return fail(it.ID, err.Error(), exitUsage)
		}
	}
	res, err := b.screen(it)
	if err != nil {
		return fail(it.ID, err.Error(), exitCode(err))
	}
	line := out.encode(batchResult{ID: it.ID, Decision: res.Decision, Findings: res.Findings, Spans: res.Spans})
	if line == nil {
		return fail(it.ID, "cannot encode the result", exitInternal)
	}
	return outcome{seq: j.seq, out: line, code: res.Decision.ExitCode()}
}

// lineEncoder encodes output lines, reusing one buffer; each worker owns one.
type lineEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newLineEncoder() *lineEncoder {
	e := &lineEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

// keptLine is the largest buffer a lineEncoder keeps between lines.
const keptLine = 64 << 10

// encode returns v as one JSON line in a new slice, or nil if v cannot be
// encoded (a NaN score). A long line (a long text's spans) is returned in
// the buffer itself, which the encoder gives up, rather than copied: the
// worker would otherwise hold a buffer of that size to the end of the
// batch.
func (e *lineEncoder) encode(v any) []byte {
	e.buf.Reset()
	if e.enc.Encode(v) != nil {
		return nil
	}
	if e.buf.Cap() > keptLine {
		line := e.buf.Bytes()
		e.buf = bytes.Buffer{} // enc writes to &e.buf, now empty
		return line
	}
	return bytes.Clone(e.buf.Bytes())
}

// lineItem is an input line: an item shaped as in the annotation
// guideline. Text is a pointer to tell a missing text from an empty one;
// gold fields (spans, findings, decision, why) are ignored.
type lineItem struct {
	chaperone.Item
	Text *string `json:"text"`
}

// batchResult is an output line for a screened item; offsets are UTF-8
// byte offsets into the item's text.
type batchResult struct {
	ID       string              `json:"id"`
	Decision chaperone.Decision  `json:"decision"`
	Findings []chaperone.Finding `json:"findings"`
	Spans    []chaperone.Span    `json:"spans"`
}

// batchError is an output line for a line that could not be screened.
type batchError struct {
	ID    string `json:"id,omitempty"`
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// peekID returns the "id" of a line that may not parse as an item, or "".
func peekID(data []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(data, &v) != nil || !utf8.ValidString(v.ID) {
		return ""
	}
	return v.ID
}

// jsonError describes a JSON decoding error without quoting the line.
func jsonError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON near byte %d", syn.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("invalid JSON: field %q must be a %s", typ.Field, typ.Type)
	case errors.As(err, &typ):
		return "invalid JSON: not an item object"
	}
	return "invalid JSON"
}
