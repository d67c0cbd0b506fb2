package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
)

// outLine is one line of scan --format jsonl's output: a result or an error.
type outLine struct {
	ID       string              `json:"id"`
	Decision chaperone.Decision  `json:"decision"`
	Findings []chaperone.Finding `json:"findings"`
	Spans    []chaperone.Span    `json:"spans"`
	Line     int                 `json:"line"`
	Error    string              `json:"error"`
}

// readOut parses jsonl output, failing t on a line that is not JSON.
func readOut(t testing.TB, out string) []outLine {
	t.Helper()
	var lines []outLine
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l outLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("output line %d is not JSON: %v: %s", len(lines)+1, err, sc.Text())
		}
		lines = append(lines, l)
	}
	return lines
}

// itemLine returns an input line for an item.
func itemLine(id, text string) string {
	b, _ := json.Marshal(map[string]any{
		"id": id, "channel": "post", "text": text,
		"author": map[string]any{"role": "physician", "account": "professional"},
		// gold fields, ignored
		"spans": []any{}, "findings": []string{}, "decision": "allow", "why": "test",
	})
	return string(b)
}

// TestBatchOrder screens 1000 lines with broken lines in the middle: every
// item gets its line, in input order, and the run goes on past the errors.
func TestBatchOrder(t *testing.T) {
	const n = 1000
	broken := map[int]string{ // line number -> bad line
		300: `{"id":"bad-json", "text": `,
		500: `{"id":"no-text","channel":"post"}`,
		700: `{"id":"bad-utf8","text":"abc` + "\xff" + `"}`,
	}
	var in strings.Builder
	for i := 1; i <= n; i++ {
		if bad, ok := broken[i]; ok {
			in.WriteString(bad + "\n")
			continue
		}
		fmt.Fprintf(&in, "%s\n", itemLine(fmt.Sprintf("item-%04d", i), fmt.Sprintf("Post number %d: wash your hands, 🧼 and all.", i)))
	}
	r := runCLI(t, []byte(in.String()), "scan", "--format", "jsonl")
	if r.code != 3 {
		t.Errorf("exit %d, want 3 (a line failed); stderr %q", r.code, r.stderr)
	}
	lines := readOut(t, r.stdout)
	if len(lines) != n {
		t.Fatalf("%d output lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		num := i + 1
		if _, bad := broken[num]; bad {
			if l.Error == "" || l.Line != num {
				t.Errorf("line %d: want an error line, got %+v", num, l)
			}
			if strings.Contains(l.Error, "abc") {
				t.Errorf("line %d: error quotes the text: %q", num, l.Error)
			}
			continue
		}
		if want := fmt.Sprintf("item-%04d", num); l.ID != want || l.Error != "" || l.Decision == "" {
			t.Fatalf("output line %d = %+v, want the result of %s", num, l, want)
		}
	}
	if id := lines[499].ID; id != "no-text" {
		t.Errorf("error line for a parsed item has id %q, want no-text", id)
	}
	if off := fmt.Sprintf("byte offset %d", strings.Index(broken[700], "\xff")); !strings.Contains(lines[699].Error, off) {
		t.Errorf("invalid UTF-8 error %q does not name the offset", lines[699].Error)
	}
}

// TestBatchLongLine puts a line over 10 MiB between two good ones.
func TestBatchLongLine(t *testing.T) {
	long := `{"id":"long","text":"` + strings.Repeat("a", maxInput) + `"}`
	in := itemLine("first", "hello") + "\n" + long + "\n" + itemLine("last", "bye") + "\n"
	r := runCLI(t, []byte(in), "scan", "--format", "jsonl")
	lines := readOut(t, r.stdout)
	if r.code != 3 || len(lines) != 3 {
		t.Fatalf("exit %d, %d lines; want 3 and 3", r.code, len(lines))
	}
	if lines[0].ID != "first" || lines[1].Line != 2 || !strings.Contains(lines[1].Error, "longer than") || lines[2].ID != "last" {
		t.Errorf("got %+v", lines)
	}
}

func TestBatchDecisions(t *testing.T) {
	needEngine(t)
	in := itemLine("ok", "Flu shots are in at the clinic this week.") + "\n" + itemLine("ssn", secret) + "\n"
	r := runCLI(t, []byte(in), "scan", "--format", "jsonl")
	lines := readOut(t, r.stdout)
	if r.code != 2 || len(lines) != 2 {
		t.Fatalf("exit %d, %d lines; want 2 and 2", r.code, len(lines))
	}
	if lines[1].Decision != chaperone.Block || len(lines[1].Spans) == 0 {
		t.Errorf("SSN item: %+v", lines[1])
	}
	for _, s := range lines[1].Spans {
		if s.Start < 0 || s.End > len(secret) || s.Start >= s.End {
			t.Errorf("span %+v outside the text", s)
		}
	}
}

func TestBatchFlagDefaults(t *testing.T) {
	var got []chaperone.Item
	f := &itemFlags{channel: chaperone.ChannelReply, account: chaperone.AccountPersonal, employer: "Mercy",
		set: map[string]bool{"account": true, "employer": true}}
	b := &batch{workers: 1, prepare: f.fill, screen: func(it chaperone.Item) (chaperone.Result, error) {
		got = append(got, it)
		return chaperone.Result{ID: it.ID, Decision: chaperone.Allow}, nil
	}}
	in := `{"id":"a","text":"x"}` + "\n" + `{"id":"b","text":"x","channel":"bio","author":{"account":"professional","employer":"Own"}}` + "\n"
	if _, err := b.run(strings.NewReader(in), io.Discard); err != nil {
		t.Fatal(err)
	}
	want := []chaperone.Item{
		{ID: "a", Text: "x", Channel: chaperone.ChannelReply, Author: chaperone.Author{Account: chaperone.AccountPersonal, Employer: "Mercy"}},
		{ID: "b", Text: "x", Channel: chaperone.ChannelBio, Author: chaperone.Author{Account: chaperone.AccountProfessional, Employer: "Own"}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("items\n got %+v\nwant %+v", got, want)
	}
}

// TestBatchReorders screens with random delays on many workers: the output
// must still follow the input.
func TestBatchReorders(t *testing.T) {
	const n = 500
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, `{"id":"%d","text":"t"}`+"\n", i)
	}
	b := &batch{workers: 8, screen: func(it chaperone.Item) (chaperone.Result, error) {
		time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
		return chaperone.Result{ID: it.ID, Decision: chaperone.Review}, nil
	}}
	var out bytes.Buffer
	code, err := b.run(strings.NewReader(in.String()), &out)
	if err != nil || code != 1 {
		t.Fatalf("code %d err %v, want 1 nil", code, err)
	}
	for i, l := range readOut(t, out.String()) {
		if l.ID != fmt.Sprint(i) {
			t.Fatalf("output line %d has id %s", i, l.ID)
		}
	}
}

// endlessItems is an input of items that never ends.
type endlessItems struct{ pending []byte }

func (r *endlessItems) Read(p []byte) (int, error) {
	if len(r.pending) == 0 {
		r.pending = []byte(`{"id":"x","text":"endless"}` + "\n")
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// stuckWriter blocks every write until release is closed, then fails.
type stuckWriter struct{ release chan struct{} }

func (w stuckWriter) Write([]byte) (int, error) {
	<-w.release
	return 0, errors.New("broken pipe")
}

// TestBatchBounded checks that a stalled writer stops the reader after a
// bounded number of items (the in-flight window plus what fits in the
// output buffer), and that a write error ends an endless run.
func TestBatchBounded(t *testing.T) {
	const workers = 2
	var screened atomic.Int64
	b := &batch{workers: workers, screen: func(it chaperone.Item) (chaperone.Result, error) {
		screened.Add(1)
		return chaperone.Result{ID: it.ID, Decision: chaperone.Allow}, nil
	}}
	w := stuckWriter{release: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := b.run(&endlessItems{}, w)
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	n1 := screened.Load()
	time.Sleep(100 * time.Millisecond)
	n2 := screened.Load()
	outLen := len(`{"id":"x","decision":"allow","findings":[],"spans":[]}` + "\n")
	if limit := int64(4*workers + 64<<10/outLen + 2); n2 != n1 || n2 > limit {
		t.Errorf("%d then %d items screened while the writer was stuck, want a steady count of at most %d", n1, n2, limit)
	}
	close(w.release)
	select {
	case err := <-done:
		if err == nil || exitCode(err) != exitInternal {
			t.Errorf("err = %v, want an internal write error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after the write error")
	}
}

// BenchmarkBatch measures scan --format jsonl's throughput in posts/s on a
// generated 100k-line file with the current detect engine, all cores.
func BenchmarkBatch(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "posts.jsonl")
	texts := []string{
		"Flu shots are in at the clinic this week. Ask your doctor if one is right for you.",
		"Long night in the ED. Remember: wear your seatbelt, it saves lives. 🚑",
		"my pt last night was a sweet old man with dementia who kept asking me to dance",
		"Proud of our team at Mercy General for the new stroke certification!",
		"SSN 519-04-7732 for my pt, call her daughter at 314-555-0199",
	}
	var in bytes.Buffer
	for i := range n {
		in.WriteString(itemLine(fmt.Sprintf("gen-%06d", i), texts[i%len(texts)]))
		in.WriteByte('\n')
	}
	if err := os.WriteFile(path, in.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	eng, err := detect.New()
	if err != nil {
		b.Fatal(err)
	}
	f := &itemFlags{channel: chaperone.ChannelPost}
	bt := &batch{
		workers: runtime.GOMAXPROCS(0),
		prepare: f.fill,
		screen:  func(it chaperone.Item) (chaperone.Result, error) { return screen(eng, it) },
	}
	b.SetBytes(int64(in.Len()))
	start := time.Now()
	for b.Loop() {
		file, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bt.run(file, io.Discard); err != nil {
			b.Fatal(err)
		}
		file.Close()
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "posts/s")
}

// FuzzBatchLine feeds arbitrary lines to the batch reader's line handler:
// every line gives exactly one line of JSON, an item's result or an error
// naming the line, and an error never quotes the line.
func FuzzBatchLine(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","text":"Pt John Okafor, DOB 3/14/1931"}`, `{"id":"2"}`, `{"text":5}`, `not json`, `{"id":"\u0000","text":""}`,
		`[[[[[[[[[[]]]]]]]]]]`, `{"id":"x","channel":"bogus","text":"hi"}`, "{\"text\":\"\xff\"}", `{"text":"a","author":{"relationships":[1]}}`,
	} {
		f.Add([]byte(s))
	}
	b := &batch{screen: func(it chaperone.Item) (chaperone.Result, error) {
		return chaperone.Result{ID: it.ID, Decision: chaperone.Allow, Findings: []chaperone.Finding{}, Spans: []chaperone.Span{}}, nil
	}}
	f.Fuzz(func(t *testing.T, line []byte) {
		out := b.process(job{seq: 0, line: 7, data: line}, newLineEncoder())
		if len(out.out) == 0 || out.out[len(out.out)-1] != '\n' || bytes.Count(out.out, []byte("\n")) != 1 {
			t.Fatalf("output %q is not one line", out.out)
		}
		var v map[string]any
		if err := json.Unmarshal(out.out, &v); err != nil {
			t.Fatalf("output %q is not JSON: %v", out.out, err)
		}
		if msg, ok := v["error"].(string); ok {
			if v["line"] != float64(7) {
				t.Errorf("error line %q does not name the line", out.out)
			}
			if len(line) >= 8 && strings.Contains(msg, string(line)) {
				t.Errorf("error %q quotes the line", msg)
			}
		}
	})
}
