// Package eval scores a screener against a labelled set written to the
// annotation guideline (shared/eval/GUIDELINE.md): one JSON object a line,
// the chaperone.Item fields plus the gold spans, findings and decision.
//
// ReadSet reads and validates a set, Run screens every item and Score turns
// the results into a Report, which WriteText prints as a summary table and
// WriteJSON as JSON. The figures are exactly the guideline's:
//
// # Spans
//
// Spans are byte ranges [Start, End) of Item.Text. Two spans overlap when they
// share at least one byte: max(a.Start, b.Start) < min(a.End, b.End). For each
// span type T (SpanScore) and for all types together (Report.All, the micro
// average: counts summed over types, then divided):
//
//   - Exact match: a predicted span with the same Start, End and Type as a
//     gold span. Matching is one to one, so a duplicated prediction matches
//     once. ExactTP counts the matched pairs; exact precision is ExactTP over
//     the predicted spans of type T, exact recall ExactTP over the gold spans
//     of type T.
//   - Overlap recall of T: the share of gold spans of type T that some
//     predicted span of ANY type overlaps. The guideline counts such a
//     detection for recall because the text would be redacted.
//   - Overlap precision of T: the share of predicted spans of type T that
//     overlap some gold span of ANY type. This mirrors the recall rule: a
//     detection that redacts gold text is not a false alarm, whatever type it
//     was given. The type is judged by the exact figures.
//
// The headline span_recall and span_precision are the micro overlap figures
// (All.OverlapR, All.OverlapP); span_recall_exact and span_precision_exact are
// All.ExactR and All.ExactP.
//
// # Decisions
//
//   - Leak rate: the share of items with gold decision block that the
//     screener decides allow (LeakCount / BlockGold).
//   - False-block rate: the share of items with gold decision allow that the
//     screener decides block (FalseBlockCount / AllowGold).
//   - Decision accuracy: the share of items whose decision equals the gold
//     decision, over the three classes allow, review and block. A decision
//     outside the three is wrong, and is neither a leak nor a false block; it
//     shows in the confusion matrix under its own name.
//
// # Findings
//
// Findings are scored per finding type by item-level presence: for each item
// and type F, gold has F when the item's findings list holds it, and the
// screener has F when chaperone.Result.FindingTypeSet holds it (PHI is a
// finding type like any other). An item with F in both is a true positive,
// only in the result a false positive, only in gold a false negative. P, R
// and F1 follow from the counts per type; FindingsMicro sums the counts over
// all types, unknown types a screener reports included (as false positives).
//
// # Undefined ratios
//
// A ratio whose denominator is zero (precision with no predictions, recall
// with no gold, a leak rate with no block items) is reported as 0 in the
// Report and in JSON, and as "n/a" by WriteText; the counts beside each ratio
// tell the two cases apart.
package eval

import (
	"cmp"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	chaperone "github.com/chaperone-project/chaperone"
)

// Gold is one labelled item: the chaperone.Item fields plus the gold labels.
type Gold struct {
	chaperone.Item
	Spans    []GoldSpan              `json:"spans"`
	Findings []chaperone.FindingType `json:"findings"`
	Decision chaperone.Decision      `json:"decision"`
	Why      string                  `json:"why,omitempty"`
}

// GoldSpan is a labelled identifier: UTF-8 byte offsets into the item's Text,
// End exclusive, and Text == Item.Text[Start:End].
type GoldSpan struct {
	Start int                `json:"start"`
	End   int                `json:"end"`
	Type  chaperone.SpanType `json:"type"`
	Text  string             `json:"text"`
}

// Screener screens one item. Run calls it from many goroutines at once.
type Screener func(chaperone.Item) chaperone.Result

// Report holds the scores of one run. The package documentation defines
// every figure.
type Report struct {
	// Items is the number of items scored.
	Items int `json:"items"`

	// PerType scores the spans of each type: every type of
	// chaperone.SpanTypes, plus any other type the screener predicted.
	PerType map[chaperone.SpanType]*SpanScore `json:"per_type"`
	// All is the micro average over all span types ("ALL").
	All SpanScore `json:"all"`

	// LeakRate is LeakCount / BlockGold: gold block items decided allow.
	LeakRate float64 `json:"leak_rate"`
	// FalseBlockRate is FalseBlockCount / AllowGold: gold allow items
	// decided block.
	FalseBlockRate float64 `json:"false_block_rate"`
	// DecisionAccuracy is DecisionCorrect / Items.
	DecisionAccuracy float64 `json:"decision_accuracy"`
	LeakCount        int     `json:"leak_count"`
	BlockGold        int     `json:"block_gold"`
	FalseBlockCount  int     `json:"false_block_count"`
	AllowGold        int     `json:"allow_gold"`
	DecisionCorrect  int     `json:"decision_correct"`

	// Confusion counts items by gold decision, then predicted decision.
	// The three decisions are always present, as rows and as columns.
	Confusion map[chaperone.Decision]map[chaperone.Decision]int `json:"confusion"`

	// Findings scores each finding type by item-level presence: every type
	// of chaperone.FindingTypes, plus any other type the screener reported.
	Findings map[chaperone.FindingType]*PRF `json:"findings"`
	// FindingsMicro sums the finding counts over all types.
	FindingsMicro PRF `json:"findings_micro"`

	// Misses lists, in input order, every item whose decision is wrong, or
	// that has a missed, spurious or inexact span, or a missed or spurious
	// finding.
	Misses []Miss `json:"misses"`
}

// SpanScore scores the spans of one type (or of all types, in Report.All).
type SpanScore struct {
	// Gold and Pred count the gold and the predicted spans of the type.
	Gold int `json:"gold"`
	Pred int `json:"pred"`
	// ExactTP counts one-to-one exact matches (same start, end and type).
	ExactTP int `json:"exact_tp"`
	// OverlapTPGold counts gold spans of the type overlapped by a predicted
	// span of any type; OverlapTPPred counts predicted spans of the type
	// that overlap a gold span of any type.
	OverlapTPGold int `json:"overlap_tp_gold"`
	OverlapTPPred int `json:"overlap_tp_pred"`
	// ExactP = ExactTP/Pred, ExactR = ExactTP/Gold,
	// OverlapP = OverlapTPPred/Pred, OverlapR = OverlapTPGold/Gold;
	// 0 when the denominator is 0.
	ExactP   float64 `json:"exact_precision"`
	ExactR   float64 `json:"exact_recall"`
	OverlapP float64 `json:"overlap_precision"`
	OverlapR float64 `json:"overlap_recall"`
}

// PRF holds item-level counts of one finding type (or of all) and the
// precision TP/(TP+FP), recall TP/(TP+FN) and F1 2TP/(2TP+FP+FN) they give;
// 0 when the denominator is 0.
type PRF struct {
	TP int     `json:"tp"`
	FP int     `json:"fp"`
	FN int     `json:"fn"`
	P  float64 `json:"precision"`
	R  float64 `json:"recall"`
	F1 float64 `json:"f1"`
}

// Miss describes what the screener got wrong on one item.
type Miss struct {
	ID           string             `json:"id"`
	GoldDecision chaperone.Decision `json:"gold_decision"`
	Decision     chaperone.Decision `json:"decision"`
	// MissedSpans are gold spans that no predicted span overlaps: their
	// text would be published.
	MissedSpans []GoldSpan `json:"missed_spans,omitempty"`
	// SpuriousSpans are predicted spans that overlap no gold span.
	SpuriousSpans []chaperone.Span `json:"spurious_spans,omitempty"`
	// InexactGold are gold spans that a prediction overlaps but none matches
	// exactly; InexactSpans are predicted spans that overlap a gold span but
	// match none exactly (boundaries or type differ, or a duplicate).
	InexactGold  []GoldSpan       `json:"inexact_gold,omitempty"`
	InexactSpans []chaperone.Span `json:"inexact_spans,omitempty"`
	// MissedFindings are gold finding types the result lacks;
	// SpuriousFindings are finding types of the result that gold lacks.
	MissedFindings   []chaperone.FindingType `json:"missed_findings,omitempty"`
	SpuriousFindings []chaperone.FindingType `json:"spurious_findings,omitempty"`
	// Text is the item's text, so that predicted spans can be shown.
	Text string `json:"text"`
}

// Run screens every item, on as many goroutines as GOMAXPROCS allows, keeps
// the results in input order and scores them with Score. If the screener
// panics, Run panics in the caller's goroutine, naming the item.
func Run(set []Gold, screen Screener) *Report {
	return Score(set, ScreenAll(set, screen))
}

// ScreenAll screens every item concurrently and returns the results in
// input order: results[i] is the screener's answer for set[i]. If the
// screener panics, ScreenAll panics in the caller's goroutine, naming the
// item.
func ScreenAll(set []Gold, screen Screener) []chaperone.Result {
	results := make([]chaperone.Result, len(set))
	workers := min(runtime.GOMAXPROCS(0), len(set))
	var (
		next     atomic.Int64
		failure  atomic.Pointer[string]
		wg       sync.WaitGroup
		screenAt = func(i int) {
			defer func() {
				if v := recover(); v != nil {
					msg := fmt.Sprintf("eval: screener panicked on item %d (id %s): %v\n%s",
						i, label(set[i].ID), v, debug.Stack())
					failure.CompareAndSwap(nil, &msg)
				}
			}()
			results[i] = screen(set[i].Item)
		}
	)
	for range workers {
		wg.Go(func() {
			for failure.Load() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(set) {
					return
				}
				screenAt(i)
			}
		})
	}
	wg.Wait()
	if msg := failure.Load(); msg != nil {
		panic(*msg)
	}
	return results
}

// Score scores results against the set: results[i] is the screener's answer
// for set[i] (Result.ID is not consulted). It panics if the lengths differ.
func Score(set []Gold, results []chaperone.Result) *Report {
	if len(set) != len(results) {
		panic(fmt.Sprintf("eval.Score: %d items but %d results", len(set), len(results)))
	}
	r := &Report{
		Items:     len(set),
		PerType:   make(map[chaperone.SpanType]*SpanScore, len(chaperone.SpanTypes)),
		Confusion: make(map[chaperone.Decision]map[chaperone.Decision]int, 3),
		Findings:  make(map[chaperone.FindingType]*PRF, len(chaperone.FindingTypes)),
		Misses:    []Miss{},
	}
	for _, t := range chaperone.SpanTypes {
		r.PerType[t] = &SpanScore{}
	}
	for _, t := range chaperone.FindingTypes {
		r.Findings[t] = &PRF{}
	}
	for _, g := range decisions {
		r.Confusion[g] = make(map[chaperone.Decision]int, 3)
		for _, p := range decisions {
			r.Confusion[g][p] = 0
		}
	}
	for i := range set {
		r.add(&set[i], &results[i])
	}
	r.finish()
	return r
}

var decisions = []chaperone.Decision{chaperone.Allow, chaperone.Review, chaperone.Block}

type spanKey struct {
	start, end int
	typ        chaperone.SpanType
}

// overlaps reports whether [a0, a1) and [b0, b1) share at least one byte.
func overlaps(a0, a1, b0, b1 int) bool { return max(a0, b0) < min(a1, b1) }

func (r *Report) spanScore(t chaperone.SpanType) *SpanScore {
	s := r.PerType[t]
	if s == nil {
		s = &SpanScore{}
		r.PerType[t] = s
	}
	return s
}

func (r *Report) prf(t chaperone.FindingType) *PRF {
	p := r.Findings[t]
	if p == nil {
		p = &PRF{}
		r.Findings[t] = p
	}
	return p
}

// add scores one item into the counts and records its miss, if any.
func (r *Report) add(g *Gold, res *chaperone.Result) {
	m := Miss{ID: g.ID, GoldDecision: g.Decision, Decision: res.Decision, Text: g.Text}

	// Spans: exact matches one to one, via a multiset of gold keys.
	unmatched := make(map[spanKey]int, len(g.Spans))
	for _, s := range g.Spans {
		r.spanScore(s.Type).Gold++
		unmatched[spanKey{s.Start, s.End, s.Type}]++
	}
	predExact := make([]bool, len(res.Spans))
	for j, p := range res.Spans {
		r.spanScore(p.Type).Pred++
		k := spanKey{p.Start, p.End, p.Type}
		if unmatched[k] > 0 {
			unmatched[k]--
			predExact[j] = true
			r.spanScore(p.Type).ExactTP++
		}
	}
	for _, s := range g.Spans {
		hit := false
		for _, p := range res.Spans {
			if overlaps(s.Start, s.End, p.Start, p.End) {
				hit = true
				break
			}
		}
		k := spanKey{s.Start, s.End, s.Type}
		switch {
		case !hit:
			m.MissedSpans = append(m.MissedSpans, s)
		case unmatched[k] > 0:
			// Overlapped, but not (or, for duplicated gold, not every
			// copy) matched exactly.
			unmatched[k]--
			r.spanScore(s.Type).OverlapTPGold++
			m.InexactGold = append(m.InexactGold, s)
		default:
			r.spanScore(s.Type).OverlapTPGold++
		}
	}
	for j, p := range res.Spans {
		hit := false
		for _, s := range g.Spans {
			if overlaps(s.Start, s.End, p.Start, p.End) {
				hit = true
				break
			}
		}
		switch {
		case !hit:
			m.SpuriousSpans = append(m.SpuriousSpans, p)
		case !predExact[j]:
			r.spanScore(p.Type).OverlapTPPred++
			m.InexactSpans = append(m.InexactSpans, p)
		default:
			r.spanScore(p.Type).OverlapTPPred++
		}
	}

	// Decisions.
	row := r.Confusion[g.Decision]
	if row == nil {
		row = make(map[chaperone.Decision]int)
		r.Confusion[g.Decision] = row
	}
	row[res.Decision]++
	if res.Decision == g.Decision {
		r.DecisionCorrect++
	}
	switch g.Decision {
	case chaperone.Block:
		r.BlockGold++
		if res.Decision == chaperone.Allow {
			r.LeakCount++
		}
	case chaperone.Allow:
		r.AllowGold++
		if res.Decision == chaperone.Block {
			r.FalseBlockCount++
		}
	}

	// Findings: item-level presence of each type.
	gold := make(map[chaperone.FindingType]bool, len(g.Findings))
	for _, f := range g.Findings {
		gold[f] = true
	}
	pred := res.FindingTypeSet()
	for f := range gold {
		if pred[f] {
			r.prf(f).TP++
		} else {
			r.prf(f).FN++
			m.MissedFindings = append(m.MissedFindings, f)
		}
	}
	for f := range pred {
		if !gold[f] {
			r.prf(f).FP++
			m.SpuriousFindings = append(m.SpuriousFindings, f)
		}
	}
	slices.SortFunc(m.MissedFindings, compareFindingTypes)
	slices.SortFunc(m.SpuriousFindings, compareFindingTypes)

	if res.Decision != g.Decision || len(m.MissedSpans)+len(m.SpuriousSpans)+len(m.InexactGold)+
		len(m.InexactSpans)+len(m.MissedFindings)+len(m.SpuriousFindings) > 0 {
		r.Misses = append(r.Misses, m)
	}
}

// finish sums the micro averages and computes every ratio.
func (r *Report) finish() {
	r.All = SpanScore{}
	for _, s := range r.PerType {
		s.ratios()
		r.All.Gold += s.Gold
		r.All.Pred += s.Pred
		r.All.ExactTP += s.ExactTP
		r.All.OverlapTPGold += s.OverlapTPGold
		r.All.OverlapTPPred += s.OverlapTPPred
	}
	r.All.ratios()
	r.FindingsMicro = PRF{}
	for _, p := range r.Findings {
		p.ratios()
		r.FindingsMicro.TP += p.TP
		r.FindingsMicro.FP += p.FP
		r.FindingsMicro.FN += p.FN
	}
	r.FindingsMicro.ratios()
	r.LeakRate = ratio(r.LeakCount, r.BlockGold)
	r.FalseBlockRate = ratio(r.FalseBlockCount, r.AllowGold)
	r.DecisionAccuracy = ratio(r.DecisionCorrect, r.Items)
}

func (s *SpanScore) ratios() {
	s.ExactP = ratio(s.ExactTP, s.Pred)
	s.ExactR = ratio(s.ExactTP, s.Gold)
	s.OverlapP = ratio(s.OverlapTPPred, s.Pred)
	s.OverlapR = ratio(s.OverlapTPGold, s.Gold)
}

func (p *PRF) ratios() {
	p.P = ratio(p.TP, p.TP+p.FP)
	p.R = ratio(p.TP, p.TP+p.FN)
	p.F1 = ratio(2*p.TP, 2*p.TP+p.FP+p.FN)
}

// ratio is n/d, or 0 when d is 0.
func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// rank orders known values by their position in list, unknown ones after.
func rank[T comparable](list []T, v T) int {
	if i := slices.Index(list, v); i >= 0 {
		return i
	}
	return len(list)
}

func compareFindingTypes(a, b chaperone.FindingType) int {
	return cmp.Or(cmp.Compare(rank(chaperone.FindingTypes, a), rank(chaperone.FindingTypes, b)), cmp.Compare(a, b))
}

func compareSpanTypes(a, b chaperone.SpanType) int {
	return cmp.Or(cmp.Compare(rank(chaperone.SpanTypes, a), rank(chaperone.SpanTypes, b)), cmp.Compare(a, b))
}

func compareDecisions(a, b chaperone.Decision) int {
	return cmp.Or(cmp.Compare(rank(decisions, a), rank(decisions, b)), cmp.Compare(a, b))
}
