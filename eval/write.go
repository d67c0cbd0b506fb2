package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	chaperone "github.com/chaperone-project/chaperone"
)

// WriteJSON writes the report as one indented JSON object, field names in
// snake_case as tagged on Report. Ratios with a zero denominator are 0.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes a human summary:
//
//   - a table of spans per type (rows with gold or predicted spans, then
//     ALL): gold and predicted counts, exact precision and recall, overlap
//     precision and recall;
//   - one line per headline figure, the name first and the value second, so
//     that grep and awk find them: span_recall and span_precision (micro,
//     overlap), span_recall_exact and span_precision_exact (micro, exact),
//     leak_rate, false_block_rate, decision_accuracy and findings_micro_f1;
//   - the decision confusion matrix (rows gold, columns predicted);
//   - a table of findings per type: TP, FP, FN, precision, recall, F1;
//   - the number of misses and, if listMisses, each miss: id, gold and
//     predicted decision, missed, spurious and inexact spans with their
//     text, missed and spurious findings.
//
// A ratio with a zero denominator prints as n/a.
func (r *Report) WriteText(w io.Writer, listMisses bool) error {
	p := &printer{w: w}
	p.printf("chaperone eval: %d items\n\n", r.Items)

	types := slices.SortedFunc(maps.Keys(r.PerType), compareSpanTypes)
	width := len("ALL")
	for _, t := range types {
		width = max(width, len(t))
	}
	p.printf("%-*s  %6s  %6s  %7s  %7s  %9s  %9s\n", width, "span", "gold", "pred", "exact_P", "exact_R", "overlap_P", "overlap_R")
	row := func(name string, s *SpanScore) {
		p.printf("%-*s  %6d  %6d  %7s  %7s  %9s  %9s\n", width, name, s.Gold, s.Pred,
			num(s.ExactP, s.Pred), num(s.ExactR, s.Gold), num(s.OverlapP, s.Pred), num(s.OverlapR, s.Gold))
	}
	for _, t := range types {
		if s := r.PerType[t]; s.Gold+s.Pred > 0 {
			row(string(t), s)
		}
	}
	row("ALL", &r.All)
	p.printf("\n")

	a := &r.All
	p.printf("span_recall           %-6s  (%d/%d gold spans overlapped by a detection of any type)\n", num(a.OverlapR, a.Gold), a.OverlapTPGold, a.Gold)
	p.printf("span_precision        %-6s  (%d/%d detections overlap a gold span of any type)\n", num(a.OverlapP, a.Pred), a.OverlapTPPred, a.Pred)
	p.printf("span_recall_exact     %-6s  (%d/%d gold spans matched exactly: start, end, type)\n", num(a.ExactR, a.Gold), a.ExactTP, a.Gold)
	p.printf("span_precision_exact  %-6s  (%d/%d detections match a gold span exactly)\n", num(a.ExactP, a.Pred), a.ExactTP, a.Pred)
	p.printf("leak_rate             %-6s  (%d/%d gold block items allowed)\n", num(r.LeakRate, r.BlockGold), r.LeakCount, r.BlockGold)
	p.printf("false_block_rate      %-6s  (%d/%d gold allow items blocked)\n", num(r.FalseBlockRate, r.AllowGold), r.FalseBlockCount, r.AllowGold)
	p.printf("decision_accuracy     %-6s  (%d/%d items)\n", num(r.DecisionAccuracy, r.Items), r.DecisionCorrect, r.Items)
	fm := &r.FindingsMicro
	p.printf("findings_micro_f1     %-6s  (tp %d, fp %d, fn %d)\n\n", num(fm.F1, 2*fm.TP+fm.FP+fm.FN), fm.TP, fm.FP, fm.FN)

	// Confusion matrix: the three decisions, then any other value seen.
	golds := slices.SortedFunc(maps.Keys(r.Confusion), compareDecisions)
	predSet := make(map[chaperone.Decision]bool)
	for _, g := range golds {
		for d := range r.Confusion[g] {
			predSet[d] = true
		}
	}
	preds := slices.SortedFunc(maps.Keys(predSet), compareDecisions)
	width = len(`gold\pred`)
	for _, d := range golds {
		width = max(width, len(decisionName(d)))
	}
	p.printf("decisions (rows gold, columns predicted)\n%-*s", width, `gold\pred`)
	for _, d := range preds {
		p.printf("  %7s", decisionName(d))
	}
	p.printf("\n")
	for _, g := range golds {
		p.printf("%-*s", width, decisionName(g))
		for _, d := range preds {
			p.printf("  %7d", r.Confusion[g][d])
		}
		p.printf("\n")
	}
	p.printf("\n")

	ftypes := slices.SortedFunc(maps.Keys(r.Findings), compareFindingTypes)
	width = len("ALL (micro)")
	for _, f := range ftypes {
		width = max(width, len(f))
	}
	p.printf("%-*s  %5s  %5s  %5s  %9s  %6s  %6s\n", width, "finding", "tp", "fp", "fn", "precision", "recall", "f1")
	frow := func(name string, f *PRF) {
		p.printf("%-*s  %5d  %5d  %5d  %9s  %6s  %6s\n", width, name, f.TP, f.FP, f.FN,
			num(f.P, f.TP+f.FP), num(f.R, f.TP+f.FN), num(f.F1, 2*f.TP+f.FP+f.FN))
	}
	for _, f := range ftypes {
		frow(string(f), r.Findings[f])
	}
	frow("ALL (micro)", fm)
	p.printf("\n")

	p.printf("misses: %d items\n", len(r.Misses))
	if listMisses {
		for i := range r.Misses {
			p.miss(&r.Misses[i])
		}
	}
	return p.err
}

// miss prints one miss, with the text of each span.
func (p *printer) miss(m *Miss) {
	mark := ""
	if m.Decision != m.GoldDecision {
		mark = "  (wrong decision)"
	}
	p.printf("\n%s  gold %s, got %s%s\n", m.ID, decisionName(m.GoldDecision), decisionName(m.Decision), mark)
	for _, s := range m.MissedSpans {
		p.printf("  missed span       %s [%d:%d] %q\n", s.Type, s.Start, s.End, s.Text)
	}
	for _, s := range m.SpuriousSpans {
		p.printf("  spurious span     %s [%d:%d] %q\n", s.Type, s.Start, s.End, slice(m.Text, s.Start, s.End))
	}
	for _, s := range m.InexactGold {
		p.printf("  inexact gold      %s [%d:%d] %q\n", s.Type, s.Start, s.End, s.Text)
	}
	for _, s := range m.InexactSpans {
		p.printf("  inexact span      %s [%d:%d] %q\n", s.Type, s.Start, s.End, slice(m.Text, s.Start, s.End))
	}
	for _, f := range m.MissedFindings {
		p.printf("  missed finding    %s\n", f)
	}
	for _, f := range m.SpuriousFindings {
		p.printf("  spurious finding  %s\n", f)
	}
}

// printer writes formatted text and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// num formats a ratio to four decimals, or n/a when its denominator is 0.
func num(v float64, den int) string {
	if den == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.4f", v)
}

func decisionName(d chaperone.Decision) string {
	if d == "" {
		return `""`
	}
	return string(d)
}

// slice returns text[start:end] with the offsets clamped to the text, for
// predicted spans that may be out of range.
func slice(text string, start, end int) string {
	start = min(max(start, 0), len(text))
	end = min(max(end, start), len(text))
	return text[start:end]
}
