package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

// awkward holds what JSON escapes or must not: HTML, quotes, control
// characters, U+2028, invalid UTF-8 and multi-byte runes.
const awkward = "<a href=\"x\">&amp;</a> \\ \x00\x1f\t\n \u2028\u2029 \xff\xe2\x80 Café 🚑"

// longResult returns a result with n findings and spans of awkward text
// and a rewrite of about size bytes, cut by stringChunk inside runes.
func longResult(n, size int) (chaperone.Result, string) {
	res := chaperone.Result{ID: "long " + awkward, Decision: chaperone.Block}
	for i := range n {
		res.Findings = append(res.Findings, chaperone.Finding{Rule: "r" + awkward, Type: chaperone.FindingPHI,
			SpanType: chaperone.SpanName, Start: i, End: i + 3, Score: float64(i%100) / 100,
			Reason: fmt.Sprint("reason ", i, awkward), Cite: "cite"})
		res.Spans = append(res.Spans, chaperone.Span{Start: i, End: i + 3, Type: chaperone.SpanName, Rule: "r", Score: 0.5})
	}
	res.Findings = append(res.Findings, chaperone.Finding{Rule: "story", Type: chaperone.FindingPatientStory, Score: 1})
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(awkward[:b.Len()%len(awkward)])
		b.WriteString("é🚑x")
	}
	return res, b.String()
}

// encoderJSON is what JSON wrote before it streamed: the whole object
// through one json.Encoder.
func encoderJSON(t *testing.T, res chaperone.Result, rewrite string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(struct {
		chaperone.Result
		Rewrite string `json:"rewrite"`
	}{normalize(res), rewrite})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestJSONWritesAsEncoder(t *testing.T) {
	fx := newFixture()
	long, rewrite := longResult(50, 5*stringChunk+7)
	tests := []struct {
		name    string
		res     chaperone.Result
		rewrite string
	}{
		{"fixture", fx.res, fx.rewrite},
		{"empty", chaperone.Result{}, ""},
		{"no spans", chaperone.Result{ID: awkward, Decision: chaperone.Review, Findings: fx.res.Findings[2:]}, awkward},
		{"long", long, rewrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, tt.res, tt.rewrite); err != nil {
				t.Fatal(err)
			}
			if want := encoderJSON(t, tt.res, tt.rewrite); !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("JSON wrote\n%.2000s\nwant\n%.2000s", buf.Bytes(), want)
			}
		})
	}
}

func TestSARIFWritesAsEncoder(t *testing.T) {
	fx := newFixture()
	long, _ := longResult(50, 0)
	results := []chaperone.Result{{ID: "none", Decision: chaperone.Allow}, fx.res, {}, long, {Decision: chaperone.Review}}
	for _, rules := range [][]chaperone.RuleInfo{nil, fx.rules} {
		var buf bytes.Buffer
		if err := SARIF(&buf, rules, "a <b>.txt", fx.item.Text, results); err != nil {
			t.Fatal(err)
		}
		// the log is laid out as json.Encoder lays it out
		var compact, want bytes.Buffer
		if err := json.Compact(&compact, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
		json.Indent(&want, compact.Bytes(), "", "  ")
		want.WriteByte('\n')
		if !bytes.Equal(buf.Bytes(), want.Bytes()) {
			t.Errorf("SARIF wrote\n%.2000s\nwant\n%.2000s", buf.Bytes(), want.Bytes())
		}
		var doc sarifDoc
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if got, want := len(doc.Runs[0].Results), len(fx.res.Findings)+len(long.Findings); got != want {
			t.Errorf("%d results, want %d", got, want)
		}
	}
}

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// allocated returns the bytes the heap allocated while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// The report of a long text is written as it is encoded. JSON and SARIF
// once encoded the whole report at once and allocated seven to nine times
// what they wrote (the encoding, grown by doubling, and its indented copy;
// SARIF also every result first), which made them the peak of a 9 MB
// scan. Now JSON allocates a few per cent of what it writes and SARIF
// about as much as it writes, one result's garbage at a time (twice that
// with -race, whose sync.Pool drops entries). Allocation counts are
// exact, so the bound of four times is not flaky.
func TestReportsStream(t *testing.T) {
	res, rewrite := longResult(20000, 4<<20)
	var w countingWriter
	n := allocated(func() {
		if err := JSON(&w, res, rewrite); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("JSON: %d bytes written, %d allocated", w.n, n)
	if n > 4*uint64(w.n) {
		t.Errorf("JSON allocated %d bytes to write %d; it should stream", n, w.n)
	}
	w = countingWriter{}
	n = allocated(func() {
		if err := SARIF(&w, nil, "f.txt", rewrite, []chaperone.Result{res}); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("SARIF: %d bytes written, %d allocated", w.n, n)
	if n > 4*uint64(w.n) {
		t.Errorf("SARIF allocated %d bytes to write %d; it should stream", n, w.n)
	}
}
