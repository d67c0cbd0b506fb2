package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

// ANSI escape sequences used when Text writes in colour.
const (
	ansiReset     = "\x1b[0m"
	ansiHighlight = "\x1b[7;31m" // reverse video, red
	ansiDim       = "\x1b[2m"
	ansiBold      = "\x1b[1m"
	ansiRed       = "\x1b[1;31m"
	ansiYellow    = "\x1b[1;33m"
	ansiGreen     = "\x1b[1;32m"
)

// Text writes the human report of one screened item to w: the text with
// every span highlighted ("(empty text)" for an empty one), one line per finding (rule, finding type, span
// type, line:col, score, reason, cite), the decision, and, when the item is
// blocked and rewrite is not empty, the suggested rewrite.
//
// With color, spans are shown in reverse red video followed by a dim type
// label; without, as [[...]]{TYPE}. Control characters of the text are
// shown escaped so that a text cannot drive the terminal. The matched text
// appears only inside the highlighted copy of the text.
func Text(w io.Writer, it chaperone.Item, res chaperone.Result, rewrite string, color bool) error {
	bw := bufio.NewWriter(w)
	writeHighlighted(bw, it.Text, res.Spans, color)
	if it.Text == "" {
		bw.WriteString("(empty text)")
	}
	if !strings.HasSuffix(it.Text, "\n") {
		bw.WriteString("\n")
	}
	bw.WriteString("\n")

	if len(res.Findings) == 0 {
		bw.WriteString("No findings.\n")
	} else {
		heading(bw, "Findings:", color)
		bw.WriteString("\n")
		writeFindings(bw, it.Text, res.Findings)
	}

	bw.WriteString("\n")
	heading(bw, "Decision: ", color)
	bw.WriteString(paintDecision(res.Decision, color))
	bw.WriteString("\n")

	if res.Decision == chaperone.Block && rewrite != "" {
		bw.WriteString("\n")
		heading(bw, "Suggested rewrite:", color)
		bw.WriteString("\n")
		bw.WriteString(displayText(rewrite))
		if !strings.HasSuffix(rewrite, "\n") {
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

// heading writes s, in bold when color is on.
func heading(w *bufio.Writer, s string, color bool) {
	if color {
		w.WriteString(ansiBold + s + ansiReset)
		return
	}
	w.WriteString(s)
}

// paintDecision returns the decision word, coloured by severity when color
// is on.
func paintDecision(d chaperone.Decision, color bool) string {
	s := string(d)
	if s == "" {
		s = "(none)"
	}
	if !color {
		return s
	}
	switch d {
	case chaperone.Block:
		return ansiRed + s + ansiReset
	case chaperone.Review:
		return ansiYellow + s + ansiReset
	case chaperone.Allow:
		return ansiGreen + s + ansiReset
	}
	return s
}

// findingsHeader is the header row of the findings table.
var findingsHeader = findingsRow{"  RULE", "TYPE", "SPAN", "AT", "SCORE", "REASON", "CITE"}

// findingsRow is one row of the findings table, cell by cell.
type findingsRow [7]string

// writeFindings writes the findings as an aligned table, one line each:
// each column but the last as wide as its widest cell and two spaces, as
// text/tabwriter aligns it. The table is measured in a first pass and
// written row by row in a second, so that the findings of a long text are
// never all held as text at once (tabwriter buffered the whole table).
func writeFindings(w *bufio.Writer, text string, findings []chaperone.Finding) {
	lines := NewLines(text)
	var widths [len(findingsRow{}) - 1]int
	measure := func(row *findingsRow) {
		for j := range widths {
			widths[j] = max(widths[j], utf8.RuneCountInString(row[j])+2)
		}
	}
	write := func(row *findingsRow) {
		for j, c := range row {
			w.WriteString(c)
			if j < len(widths) {
				for n := widths[j] - utf8.RuneCountInString(c); n > 0; n-- {
					w.WriteByte(' ')
				}
			}
		}
		w.WriteByte('\n')
	}
	var row findingsRow
	measure(&findingsHeader)
	for i := range findings {
		findingCells(&row, lines, text, &findings[i])
		measure(&row)
	}
	write(&findingsHeader)
	for i := range findings {
		findingCells(&row, lines, text, &findings[i])
		write(&row)
	}
}

// findingCells fills row with the cells of finding f of text.
func findingCells(row *findingsRow, lines *Lines, text string, f *chaperone.Finding) {
	span, at := "-", "-"
	if f.HasSpan() {
		span = string(f.SpanType)
	}
	if spanFinding(*f, text) {
		p := lines.Position(f.Start)
		at = strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
	}
	*row = findingsRow{"  " + cell(f.Rule), cell(string(f.Type)), cell(span), at, fmt.Sprintf("%.2f", f.Score), cell(f.Reason), cell(f.Cite)}
}

// cell makes s fit one table cell: no tabs, newlines or control characters.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) || r == '\t' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}

// region is a byte range of the text to highlight, with the span types
// that cover it.
type region struct {
	start, end int
	types      []string
}

// mergeSpans returns the valid spans of a text of n bytes as sorted,
// non-overlapping regions; overlapping spans merge into one region.
func mergeSpans(spans []chaperone.Span, n int) []region {
	rs := make([]region, 0, len(spans))
	for _, s := range spans {
		if validRange(s.Start, s.End, n) && s.Start < s.End {
			rs = append(rs, region{start: s.Start, end: s.End, types: []string{string(s.Type)}})
		}
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].start != rs[j].start {
			return rs[i].start < rs[j].start
		}
		return rs[i].end < rs[j].end
	})
	out := rs[:0] // merged in place
	for _, r := range rs {
		if k := len(out) - 1; k >= 0 && r.start < out[k].end {
			out[k].end = max(out[k].end, r.end)
			for _, t := range r.types {
				if !containsString(out[k].types, t) {
					out[k].types = append(out[k].types, t)
				}
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// writeHighlighted writes text with the spans marked.
func writeHighlighted(w *bufio.Writer, text string, spans []chaperone.Span, color bool) {
	at := 0
	for _, r := range mergeSpans(spans, len(text)) {
		w.WriteString(displayText(text[at:r.start]))
		label := strings.Join(r.types, "|")
		// piece by piece: one string per span would be as much garbage
		// as the text
		if color {
			w.WriteString(ansiHighlight)
			w.WriteString(displayText(text[r.start:r.end]))
			w.WriteString(ansiReset + ansiDim + "{")
			w.WriteString(label)
			w.WriteString("}" + ansiReset)
		} else {
			w.WriteString("[[")
			w.WriteString(displayText(text[r.start:r.end]))
			w.WriteString("]]{")
			w.WriteString(label)
			w.WriteString("}")
		}
		at = r.end
	}
	w.WriteString(displayText(text[at:]))
}

// displayText returns s with "\r\n" shown as "\n" and other control
// characters (C0 but tab and newline, DEL, C1, bidirectional overrides)
// and invalid UTF-8 bytes shown as escapes, so that printing it cannot
// move the cursor, recolour or reorder the terminal.
func displayText(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (isControl(r) && r != '\n' && r != '\t') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			// drop: the '\n' follows
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case isControl(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isControl reports whether r could drive a terminal or reorder text:
// C0 and C1 controls, DEL, and the Unicode bidirectional controls.
func isControl(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
		return true
	}
	return false
}
