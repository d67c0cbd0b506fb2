package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

// Shorthands for hand-made sets.
const (
	NAME     = chaperone.SpanName
	DATE     = chaperone.SpanDate
	LOCATION = chaperone.SpanLocation
	PHI      = chaperone.FindingPHI
	STORY    = chaperone.FindingPatientStory
	UNPROF   = chaperone.FindingUnprofessional
	allow    = chaperone.Allow
	review   = chaperone.Review
	block    = chaperone.Block
)

// gold builds a labelled item; spans are given as (start, end, type) and
// take their text from text.
func gold(id, text string, d chaperone.Decision, findings []chaperone.FindingType, spans ...GoldSpan) Gold {
	for i := range spans {
		spans[i].Text = text[spans[i].Start:spans[i].End]
	}
	return Gold{Item: chaperone.Item{ID: id, Channel: chaperone.ChannelPost, Text: text},
		Spans: spans, Findings: findings, Decision: d}
}

func gs(start, end int, t chaperone.SpanType) GoldSpan {
	return GoldSpan{Start: start, End: end, Type: t}
}

func ps(start, end int, t chaperone.SpanType) chaperone.Span {
	return chaperone.Span{Start: start, End: end, Type: t, Rule: "test", Score: 1}
}

func result(d chaperone.Decision, findings []chaperone.FindingType, spans ...chaperone.Span) chaperone.Result {
	r := chaperone.Result{Decision: d, Spans: spans}
	for _, f := range findings {
		r.Findings = append(r.Findings, chaperone.Finding{Type: f})
	}
	return r
}

// perfect answers with the gold labels.
func perfect(set []Gold) Screener {
	byID := make(map[string]chaperone.Result, len(set))
	for _, g := range set {
		var spans []chaperone.Span
		for _, s := range g.Spans {
			spans = append(spans, ps(s.Start, s.End, s.Type))
		}
		r := result(g.Decision, g.Findings, spans...)
		r.ID = g.ID
		byID[g.ID] = r
	}
	return func(it chaperone.Item) chaperone.Result { return byID[it.ID] }
}

// fixed answers with the given result for each id, and allow otherwise.
func fixed(answers map[string]chaperone.Result) Screener {
	return func(it chaperone.Item) chaperone.Result {
		if r, ok := answers[it.ID]; ok {
			return r
		}
		return chaperone.Result{ID: it.ID, Decision: allow}
	}
}

func empty(it chaperone.Item) chaperone.Result {
	return chaperone.Result{ID: it.ID, Decision: allow, Findings: []chaperone.Finding{}, Spans: []chaperone.Span{}}
}

// A small set: "Maria Gonzalez was admitted March 3 in Springfield."
//
//	Maria Gonzalez [0:14] NAME, March 3 [28:35] DATE, Springfield [39:50] LOCATION
const mariaText = "Maria Gonzalez was admitted March 3 in Springfield."

func smallSet() []Gold {
	return []Gold{
		gold("b1", mariaText, block, []chaperone.FindingType{PHI, STORY},
			gs(0, 14, NAME), gs(28, 35, DATE), gs(39, 50, LOCATION)),
		gold("b2", "Saw Jim today.", block, []chaperone.FindingType{PHI, STORY}, gs(4, 7, NAME)),
		gold("r1", "The 34yo teacher I saw tonight.", review, []chaperone.FindingType{STORY}),
		gold("a1", "Get your flu shot.", allow, nil),
		gold("a2", "Happy Doctors' Day to Dr. Okafor!", allow, []chaperone.FindingType{}),
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// want is a set of expected overall figures.
type want struct {
	exactP, exactR, overlapP, overlapR float64
	leak, falseBlock, accuracy         float64
	findingsP, findingsR, findingsF1   float64
	misses                             int
}

func TestScore(t *testing.T) {
	set := smallSet()
	tests := []struct {
		name   string
		set    []Gold
		screen Screener
		want   want
		check  func(t *testing.T, r *Report)
	}{
		{
			name:   "perfect screener",
			set:    set,
			screen: perfect(set),
			want:   want{1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0},
			check: func(t *testing.T, r *Report) {
				for _, ty := range []chaperone.SpanType{NAME, DATE, LOCATION} {
					s := r.PerType[ty]
					if s.ExactP != 1 || s.ExactR != 1 || s.OverlapP != 1 || s.OverlapR != 1 {
						t.Errorf("%s: %+v, want all 1", ty, *s)
					}
				}
				if r.PerType[NAME].Gold != 2 || r.All.Gold != 4 || r.All.Pred != 4 {
					t.Errorf("counts: NAME gold %d, ALL gold %d pred %d; want 2, 4, 4", r.PerType[NAME].Gold, r.All.Gold, r.All.Pred)
				}
				for _, d := range decisions {
					for _, p := range decisions {
						wantN := 0
						if d == p {
							wantN = map[chaperone.Decision]int{allow: 2, review: 1, block: 2}[d]
						}
						if got := r.Confusion[d][p]; got != wantN {
							t.Errorf("confusion[%s][%s] = %d, want %d", d, p, got, wantN)
						}
					}
				}
			},
		},
		{
			name:   "empty screener",
			set:    set,
			screen: empty,
			// Precision has no predictions: 0. Leak rate 1: both block
			// items allowed. Accuracy: the two allow items.
			want: want{0, 0, 0, 0, 1, 0, 2.0 / 5, 0, 0, 0, 3},
			check: func(t *testing.T, r *Report) {
				if r.All.Pred != 0 || r.All.Gold != 4 || r.LeakCount != 2 || r.BlockGold != 2 {
					t.Errorf("pred %d gold %d leaks %d/%d; want 0, 4, 2/2", r.All.Pred, r.All.Gold, r.LeakCount, r.BlockGold)
				}
				if got := len(r.Misses[0].MissedSpans); got != 3 {
					t.Errorf("b1 missed spans = %d, want 3", got)
				}
				if got := r.Misses[0].MissedFindings; !equal(got, []chaperone.FindingType{PHI, STORY}) {
					t.Errorf("b1 missed findings = %v, want [PHI PATIENT_STORY]", got)
				}
				if r.FindingsMicro.FN != 5 || r.FindingsMicro.TP != 0 {
					t.Errorf("findings micro %+v, want fn 5, tp 0", r.FindingsMicro)
				}
			},
		},
		{
			name: "partial overlap counts for overlap, not exact",
			set:  set[:1],
			screen: fixed(map[string]chaperone.Result{"b1": result(block, []chaperone.FindingType{PHI, STORY},
				ps(0, 5, NAME),   // "Maria": inside Maria Gonzalez
				ps(25, 30, DATE), // "ed Ma": straddles March 3's start
				ps(39, 50, LOCATION))}),
			want: want{1.0 / 3, 1.0 / 3, 1, 1, 0, 0, 1, 1, 1, 1, 1},
			check: func(t *testing.T, r *Report) {
				if s := r.PerType[NAME]; s.ExactTP != 0 || s.OverlapTPGold != 1 || s.OverlapTPPred != 1 {
					t.Errorf("NAME %+v, want exact 0, overlap 1/1", *s)
				}
				m := r.Misses[0]
				if len(m.InexactGold) != 2 || len(m.InexactSpans) != 2 || len(m.MissedSpans)+len(m.SpuriousSpans) != 0 {
					t.Errorf("miss %+v, want 2 inexact gold, 2 inexact spans, nothing missed or spurious", m)
				}
			},
		},
		{
			name: "another type overlapping counts for recall and precision",
			set:  set[:1],
			screen: fixed(map[string]chaperone.Result{"b1": result(block, []chaperone.FindingType{PHI, STORY},
				ps(0, 14, LOCATION), // Maria Gonzalez, typed LOCATION
				ps(28, 35, NAME),    // March 3, typed NAME
				ps(39, 50, LOCATION))}),
			want: want{1.0 / 3, 1.0 / 3, 1, 1, 0, 0, 1, 1, 1, 1, 1},
			check: func(t *testing.T, r *Report) {
				n, d, l := r.PerType[NAME], r.PerType[DATE], r.PerType[LOCATION]
				if n.OverlapR != 1 || n.ExactR != 0 || n.Gold != 1 || n.Pred != 1 || n.OverlapP != 1 || n.ExactP != 0 {
					t.Errorf("NAME %+v: want gold 1 pred 1, overlap P/R 1, exact P/R 0", *n)
				}
				if d.OverlapR != 1 || d.ExactR != 0 || d.Pred != 0 {
					t.Errorf("DATE %+v: want overlap R 1, exact R 0, pred 0", *d)
				}
				if l.Gold != 1 || l.Pred != 2 || l.ExactTP != 1 || l.ExactP != 0.5 || l.ExactR != 1 || l.OverlapP != 1 {
					t.Errorf("LOCATION %+v: want gold 1 pred 2 exact 1 (P .5, R 1), overlap P 1", *l)
				}
			},
		},
		{
			name: "spurious, adjacent and duplicate spans",
			set:  set[1:2], // "Saw Jim today." Jim [4:7]
			screen: fixed(map[string]chaperone.Result{"b2": result(block, []chaperone.FindingType{PHI, STORY},
				ps(4, 7, NAME), ps(4, 7, NAME), // exact, twice
				ps(0, 4, NAME),     // "Saw ": touches Jim, no shared byte
				ps(7, 7, DATE),     // empty span at Jim's end
				ps(8, 13, DATE))}), // "today"
			// Pred 5: exact TP 1 (one to one), overlapping 2 (both copies).
			want: want{1.0 / 5, 1, 2.0 / 5, 1, 0, 0, 1, 1, 1, 1, 1},
			check: func(t *testing.T, r *Report) {
				m := r.Misses[0]
				if len(m.SpuriousSpans) != 3 || len(m.InexactSpans) != 1 || len(m.MissedSpans) != 0 {
					t.Errorf("miss %+v: want 3 spurious, 1 inexact (the duplicate)", m)
				}
			},
		},
		{
			name: "decisions: leaks, false blocks, review mistakes, bad values",
			set:  set,
			screen: fixed(map[string]chaperone.Result{
				"b1": result(review, []chaperone.FindingType{PHI, STORY}, ps(0, 14, NAME), ps(28, 35, DATE), ps(39, 50, LOCATION)),
				"b2": result(allow, []chaperone.FindingType{PHI, STORY}, ps(4, 7, NAME)),
				"r1": result(allow, []chaperone.FindingType{STORY}),
				"a1": result(block, nil),
				"a2": result("", nil),
			}),
			// Only b2 leaks (b1 is review); only a1 is a false block (a2's
			// "" is wrong but not block); nothing is right.
			want: want{1, 1, 1, 1, 1.0 / 2, 1.0 / 2, 0, 1, 1, 1, 5},
			check: func(t *testing.T, r *Report) {
				if r.Confusion[allow][""] != 1 || r.Confusion[block][review] != 1 || r.Confusion[review][allow] != 1 {
					t.Errorf("confusion %v", r.Confusion)
				}
				if r.Misses[4].Decision != "" || r.Misses[4].GoldDecision != allow {
					t.Errorf("miss a2 %+v", r.Misses[4])
				}
			},
		},
		{
			name: "findings by item-level presence",
			set:  set[:3],
			screen: fixed(map[string]chaperone.Result{
				// PHI right, PATIENT_STORY missed, UNPROFESSIONAL spurious
				// (twice in the result, once by presence).
				"b1": result(block, []chaperone.FindingType{PHI, UNPROF, UNPROF}, ps(0, 14, NAME), ps(28, 35, DATE), ps(39, 50, LOCATION)),
				"b2": result(block, []chaperone.FindingType{PHI, STORY}, ps(4, 7, NAME)),
				"r1": result(review, []chaperone.FindingType{STORY, "UNKNOWN"}),
			}),
			// TP: PHI x2, STORY x2; FP: UNPROF, UNKNOWN; FN: STORY (b1).
			want: want{1, 1, 1, 1, 0, 0, 1, 4.0 / 6, 4.0 / 5, 8.0 / 11, 2},
			check: func(t *testing.T, r *Report) {
				if f := r.Findings[STORY]; f.TP != 2 || f.FN != 1 || f.FP != 0 || !near(f.R, 2.0/3) || !near(f.F1, 0.8) {
					t.Errorf("PATIENT_STORY %+v", *f)
				}
				if f := r.Findings[UNPROF]; f.FP != 1 || f.P != 0 || f.F1 != 0 {
					t.Errorf("UNPROFESSIONAL %+v", *f)
				}
				if f := r.Findings["UNKNOWN"]; f == nil || f.FP != 1 {
					t.Errorf("UNKNOWN %v", f)
				}
				if f := r.Findings[chaperone.FindingMisinformation]; f == nil || *f != (PRF{}) {
					t.Errorf("MISINFORMATION %v, want present and zero", f)
				}
				m := r.Misses[0]
				if !equal(m.MissedFindings, []chaperone.FindingType{STORY}) || !equal(m.SpuriousFindings, []chaperone.FindingType{UNPROF}) {
					t.Errorf("b1 findings missed %v spurious %v", m.MissedFindings, m.SpuriousFindings)
				}
			},
		},
		{
			name:   "no items",
			set:    nil,
			screen: empty,
			want:   want{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Run(tc.set, tc.screen)
			if r.Items != len(tc.set) {
				t.Errorf("Items = %d, want %d", r.Items, len(tc.set))
			}
			w := tc.want
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"ALL exact P", r.All.ExactP, w.exactP},
				{"ALL exact R", r.All.ExactR, w.exactR},
				{"ALL overlap P", r.All.OverlapP, w.overlapP},
				{"ALL overlap R", r.All.OverlapR, w.overlapR},
				{"leak rate", r.LeakRate, w.leak},
				{"false-block rate", r.FalseBlockRate, w.falseBlock},
				{"decision accuracy", r.DecisionAccuracy, w.accuracy},
				{"findings micro P", r.FindingsMicro.P, w.findingsP},
				{"findings micro R", r.FindingsMicro.R, w.findingsR},
				{"findings micro F1", r.FindingsMicro.F1, w.findingsF1},
			} {
				if !near(c.got, c.want) {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
			if len(r.Misses) != w.misses {
				t.Errorf("misses = %d, want %d: %+v", len(r.Misses), w.misses, r.Misses)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
			// Every report must write.
			var buf bytes.Buffer
			if err := r.WriteText(&buf, true); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestScreenAllKeepsOrder(t *testing.T) {
	set := make([]Gold, 2000)
	for i := range set {
		set[i] = gold("id-"+strconv.Itoa(i), "t", allow, nil)
	}
	results := ScreenAll(set, func(it chaperone.Item) chaperone.Result {
		return chaperone.Result{ID: it.ID, Decision: allow}
	})
	for i := range set {
		if results[i].ID != set[i].ID {
			t.Fatalf("results[%d] is for %q, want %q", i, results[i].ID, set[i].ID)
		}
	}
}

func TestRunScreenerPanicNamesItem(t *testing.T) {
	set := smallSet()
	defer func() {
		v := recover()
		s, _ := v.(string)
		if !strings.Contains(s, `"r1"`) || !strings.Contains(s, "boom") {
			t.Errorf("panic %v, want one naming item r1 and the cause", v)
		}
	}()
	Run(set, func(it chaperone.Item) chaperone.Result {
		if it.ID == "r1" {
			panic("boom")
		}
		return empty(it)
	})
	t.Error("Run did not panic")
}

func TestScoreLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Score did not panic")
		}
	}()
	Score(smallSet(), nil)
}

func TestWriteText(t *testing.T) {
	set := smallSet()
	r := Run(set, fixed(map[string]chaperone.Result{
		"b1": result(block, []chaperone.FindingType{PHI, STORY}, ps(0, 5, NAME), ps(28, 35, DATE), ps(15, 18, LOCATION)),
		"b2": result(allow, nil),
		"r1": result(review, []chaperone.FindingType{STORY}),
		"a1": result(allow, nil),
		"a2": result(allow, nil),
	}))
	var buf bytes.Buffer
	if err := r.WriteText(&buf, true); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// Gold 4 spans: Maria Gonzalez (overlapped), March 3 (exact),
	// Springfield (missed), Jim (missed). Pred 3: "Maria" inexact, March 3
	// exact, "was" spurious.
	for _, re := range []string{
		`(?m)^span_recall\s+0\.5000\s`,
		`(?m)^span_precision\s+0\.6667\s`,
		`(?m)^span_recall_exact\s+0\.2500\s`,
		`(?m)^span_precision_exact\s+0\.3333\s`,
		`(?m)^leak_rate\s+0\.5000\s+\(1/2 `,
		`(?m)^false_block_rate\s+0\.0000\s+\(0/2 `,
		`(?m)^decision_accuracy\s+0\.8000\s+\(4/5 `,
		`(?m)^findings_micro_f1\s+0\.\d{4}\s`,
		`(?m)^NAME\s+2\s+1\s+0\.0000\s+0\.0000\s+1\.0000\s+0\.5000$`,
		`(?m)^LOCATION\s+1\s+1\s+0\.0000\s+0\.0000\s+0\.0000\s+0\.0000$`,
		`(?m)^DATE\s+1\s+1\s+1\.0000\s+1\.0000\s+1\.0000\s+1\.0000$`,
		`(?m)^ALL\s+4\s+3\s+0\.3333\s+0\.2500\s+0\.6667\s+0\.5000$`,
		`(?m)^block\s+1\s+0\s+1$`,
		`(?m)^MISINFORMATION\s+0\s+0\s+0\s+n/a\s+n/a\s+n/a$`,
		`(?m)^misses: 2 items$`,
		`(?m)^b1 .*\n(  .*\n)*  missed span +LOCATION \[39:50\] "Springfield"`,
		`(?m)^b1 .*\n(  .*\n)*  spurious span +LOCATION \[15:18\] "was"`,
		`(?m)^b1 .*\n(  .*\n)*  inexact span +NAME \[0:5\] "Maria"`,
		`(?m)^b2  gold block, got allow  \(wrong decision\)\n  missed span +NAME \[4:7\] "Jim"`,
		`(?m)^  missed finding +PATIENT_STORY$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("output lacks %s:\n%s", re, out)
		}
	}

	buf.Reset()
	if err := r.WriteText(&buf, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Springfield") || !strings.Contains(buf.String(), "misses: 2 items") {
		t.Errorf("listMisses=false still lists misses or drops the count:\n%s", buf.String())
	}

	if err := r.WriteText(failWriter{}, true); err == nil {
		t.Error("WriteText to a failing writer returned nil")
	}
}

func TestWriteTextNA(t *testing.T) {
	r := Run(smallSet()[3:], empty) // allow items only: no spans, no block
	var buf bytes.Buffer
	if err := r.WriteText(&buf, true); err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{`(?m)^span_recall\s+n/a\s`, `(?m)^leak_rate\s+n/a\s`, `(?m)^decision_accuracy\s+1\.0000\s`} {
		if !regexp.MustCompile(re).MatchString(buf.String()) {
			t.Errorf("output lacks %s:\n%s", re, buf.String())
		}
	}
}

// TestWriteTextPredictedOnly shows a row for a type only the screener
// used, unknown types after the guideline's.
func TestWriteTextPredictedOnly(t *testing.T) {
	r := Run(smallSet()[3:4], fixed(map[string]chaperone.Result{
		"a1": result(allow, nil, ps(0, 3, chaperone.SpanPhone), ps(4, 8, "ZZ_CUSTOM")),
	}))
	var buf bytes.Buffer
	if err := r.WriteText(&buf, true); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, re := range []string{
		`(?m)^PHONE\s+0\s+1\s+0\.0000\s+n/a\s+0\.0000\s+n/a\n`,
		`(?m)^ZZ_CUSTOM\s+0\s+1\s+0\.0000\s+n/a\s+0\.0000\s+n/a\nALL\s+0\s+2\s`,
		`(?m)^  spurious span +PHONE \[0:3\] "Get"\n  spurious span +ZZ_CUSTOM \[4:8\] "your"$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("output lacks %s:\n%s", re, out)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteJSON(t *testing.T) {
	set := smallSet()
	r := Run(set, empty)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("JSON does not decode: %v\n%s", err, buf.String())
	}
	if back.LeakRate != 1 || back.Items != 5 || back.All.Gold != 4 || len(back.Misses) != 3 ||
		back.Confusion[block][allow] != 2 || back.PerType[NAME].Gold != 2 || back.Findings[PHI].FN != 2 {
		t.Errorf("round trip lost figures: %+v", back)
	}
	var raw map[string]any
	_ = json.Unmarshal(buf.Bytes(), &raw)
	for _, k := range []string{"leak_rate", "false_block_rate", "decision_accuracy", "all", "per_type", "confusion", "findings", "findings_micro", "misses"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
}

// TestSample scores the 20-item sample of the dev set: it parses, and the
// gold answers score perfectly.
func TestSample(t *testing.T) {
	set := readFile(t, "testdata/sample.jsonl")
	if len(set) != 20 {
		t.Fatalf("sample has %d items, want 20", len(set))
	}
	checkPerfect(t, set)
	// Byte offsets: the sample holds spans after multi-byte characters.
	multibyte := false
	for _, g := range set {
		for _, s := range g.Spans {
			if strings.ContainsFunc(g.Text[:s.Start], func(r rune) bool { return r > 127 }) {
				multibyte = true
			}
		}
	}
	if !multibyte {
		t.Error("sample has no span after a multi-byte character")
	}
}

// TestDevSet checks the full dev set, when the shared tree is present.
func TestDevSet(t *testing.T) {
	const path = "../../shared/eval/dev.jsonl"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no dev set: %v", err)
	}
	set := readFile(t, path)
	if len(set) != 300 {
		t.Errorf("dev set has %d items, want 300", len(set))
	}
	checkPerfect(t, set)
	r := Run(set, empty)
	if r.LeakRate != 1 || r.All.OverlapR != 0 {
		t.Errorf("empty screener on dev: leak rate %v, recall %v; want 1, 0", r.LeakRate, r.All.OverlapR)
	}
}

func readFile(t *testing.T, path string) []Gold {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ReadSet(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return set
}

func checkPerfect(t *testing.T, set []Gold) {
	t.Helper()
	r := Run(set, perfect(set))
	if r.All.ExactP != 1 || r.All.ExactR != 1 || r.All.OverlapP != 1 || r.All.OverlapR != 1 ||
		r.DecisionAccuracy != 1 || r.LeakRate != 0 || r.FalseBlockRate != 0 || r.FindingsMicro.F1 != 1 || len(r.Misses) != 0 {
		t.Errorf("perfect screener: all %+v, accuracy %v, leak %v, false block %v, findings %+v, misses %d",
			r.All, r.DecisionAccuracy, r.LeakRate, r.FalseBlockRate, r.FindingsMicro, len(r.Misses))
	}
	if r.BlockGold == 0 || r.AllowGold == 0 || r.All.Gold == 0 {
		t.Errorf("set lacks block items, allow items or spans")
	}
}

func BenchmarkRun(b *testing.B) {
	f, err := os.Open("testdata/sample.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	sample, err := ReadSet(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	var set []Gold
	for range 50 {
		set = append(set, sample...)
	}
	// Ids repeat; the screener answers by id, which is fine here.
	screen := perfect(sample)
	b.ReportAllocs()
	for b.Loop() {
		Run(set, screen)
	}
}
