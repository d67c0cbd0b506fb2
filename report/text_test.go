package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestTextGolden(t *testing.T) {
	fx := newFixture()
	allow := chaperone.Result{ID: "t-2", Decision: chaperone.Allow}
	review := chaperone.Result{ID: "t-3", Decision: chaperone.Review, Findings: fx.res.Findings[2:]}
	tests := []struct {
		golden  string
		item    chaperone.Item
		res     chaperone.Result
		rewrite string
		color   bool
	}{
		{"text_block.golden", fx.item, fx.res, fx.rewrite, false},
		{"text_block_color.golden", fx.item, fx.res, fx.rewrite, true},
		{"text_allow.golden", chaperone.Item{Text: "Flu shots are in. Book at the front desk!"}, allow, "", false},
		{"text_review.golden", chaperone.Item{Text: "Saw a kid today with a bead up his nose."}, review, "unused", false},
		{"text_empty.golden", chaperone.Item{}, allow, "", false},
		{"text_controls.golden", chaperone.Item{Text: "bell\a esc\x1b[2J bidi\u202e bad\xff end"}, allow, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Text(&buf, tt.item, tt.res, tt.rewrite, tt.color); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, buf.Bytes())
		})
	}
}

// TestTextMatchedTextOnlyHighlighted checks that the matched text appears
// once, inside its highlight, and nowhere in the findings.
func TestTextMatchedTextOnlyHighlighted(t *testing.T) {
	fx := newFixture()
	for _, color := range []bool{false, true} {
		var buf bytes.Buffer
		if err := Text(&buf, fx.item, fx.res, fx.rewrite, color); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, s := range fx.res.Spans {
			m := fx.item.Text[s.Start:s.End]
			if n := strings.Count(out, m); n != 1 {
				t.Errorf("color=%v: %q appears %d times, want 1", color, m, n)
			}
			marked := "[[" + m + "]]{" + string(s.Type) + "}"
			if color {
				marked = ansiHighlight + m + ansiReset
			}
			if !strings.Contains(out, marked) {
				t.Errorf("color=%v: %q is not highlighted", color, m)
			}
		}
		if !color && strings.Contains(out, "\x1b") {
			t.Error("escape sequence in uncoloured output")
		}
	}
}

func TestMergeSpans(t *testing.T) {
	tests := []struct {
		name  string
		spans []chaperone.Span
		n     int
		want  []region
	}{
		{"none", nil, 10, nil},
		{"sorted", []chaperone.Span{{Start: 5, End: 7, Type: "DATE"}, {Start: 0, End: 2, Type: "NAME"}}, 10,
			[]region{{0, 2, []string{"NAME"}}, {5, 7, []string{"DATE"}}}},
		{"overlap merges", []chaperone.Span{{Start: 0, End: 4, Type: "NAME"}, {Start: 2, End: 6, Type: "FACILITY"}, {Start: 3, End: 5, Type: "NAME"}}, 10,
			[]region{{0, 6, []string{"NAME", "FACILITY"}}}},
		{"adjacent stay apart", []chaperone.Span{{Start: 0, End: 2, Type: "NAME"}, {Start: 2, End: 4, Type: "NAME"}}, 10,
			[]region{{0, 2, []string{"NAME"}}, {2, 4, []string{"NAME"}}}},
		{"invalid dropped", []chaperone.Span{{Start: -1, End: 2}, {Start: 3, End: 2}, {Start: 8, End: 11}, {Start: 4, End: 4}}, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergeSpans(tt.spans, tt.n)
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i].start != tt.want[i].start || got[i].end != tt.want[i].end ||
					strings.Join(got[i].types, "|") != strings.Join(tt.want[i].types, "|") {
					t.Errorf("region %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestDisplayText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain é 🚑\n\ttab", "plain é 🚑\n\ttab"},
		{"a\r\nb", "a\nb"},
		{"a\rb", `a\x0db`},
		{"\x1b[31m", `\x1b[31m`},
		{"x\u202ey", `x\u202ey`},
		{"\xff", `\xff`},
		{"\u0085", `\x85`},
		{"\ufffd", "\ufffd"},
	}
	for _, tt := range tests {
		if got := displayText(tt.in); got != tt.want {
			t.Errorf("displayText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkText(b *testing.B) {
	fx := newFixture()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Text(&buf, fx.item, fx.res, fx.rewrite, false); err != nil {
			b.Fatal(err)
		}
	}
}

// tabwriterFindings is how writeFindings wrote the table before it
// streamed: every row through text/tabwriter.
func tabwriterFindings(w io.Writer, text string, findings []chaperone.Finding) {
	lines := NewLines(text)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  RULE\tTYPE\tSPAN\tAT\tSCORE\tREASON\tCITE")
	for _, f := range findings {
		span, at := "-", "-"
		if f.HasSpan() {
			span = string(f.SpanType)
		}
		if spanFinding(f, text) {
			p := lines.Position(f.Start)
			at = strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%.2f\t%s\t%s\n",
			cell(f.Rule), cell(string(f.Type)), cell(span), at, f.Score, cell(f.Reason), cell(f.Cite))
	}
	tw.Flush()
}

func TestFindingsTableAsTabwriter(t *testing.T) {
	fx := newFixture()
	long, _ := longResult(300, 0)
	text := strings.Repeat(fx.item.Text+"\n", 40)
	odd := []chaperone.Finding{
		{Rule: "", Type: "", Reason: "", Cite: ""},
		{Rule: "tab\there", Type: chaperone.FindingPHI, SpanType: chaperone.SpanDate, Start: 3, End: 9, Score: 1,
			Reason: "new\nline \x1b[2J \u202e bidi \xff bad ünïcödé 🚑🚑🚑", Cite: "\f\v\r"},
		{Rule: "a-very-long-rule-name-that-widens-the-first-column", Type: chaperone.FindingMisinformation, Score: 0.005,
			Reason: "short", Cite: "c"},
		{Rule: "out-of-range", Type: chaperone.FindingPHI, SpanType: chaperone.SpanName, Start: 5, End: 1 << 30, Score: -0.5},
	}
	for _, findings := range [][]chaperone.Finding{nil, fx.res.Findings, odd, long.Findings} {
		var got bytes.Buffer
		bw := bufio.NewWriter(&got)
		writeFindings(bw, text, findings)
		bw.Flush()
		var want bytes.Buffer
		tabwriterFindings(&want, text, findings)
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("writeFindings wrote\n%.3000s\nwant\n%.3000s", got.Bytes(), want.Bytes())
		}
	}
}
