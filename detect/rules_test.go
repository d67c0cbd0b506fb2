package detect

import (
	"fmt"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

// parseExample strips the [[...]] markers of a match example and returns
// the text with the byte ranges they marked.
func parseExample(s string) (string, [][2]int) {
	var b strings.Builder
	var marks [][2]int
	for {
		i := strings.Index(s, "[[")
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.Index(s[i:], "]]")
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		start := b.Len()
		b.WriteString(s[i+2 : i+j])
		marks = append(marks, [2]int{start, b.Len()})
		s = s[i+j+2:]
	}
	return b.String(), marks
}

// ruleOutput screens an item and returns the spans and findings the given
// rule produced.
func ruleOutput(e *Engine, r *Rule, it chaperone.Item) ([]chaperone.Span, bool) {
	res := e.Screen(it)
	var spans []chaperone.Span
	for _, s := range res.Spans {
		if s.Rule == r.ID {
			spans = append(spans, s)
		}
	}
	found := false
	for _, f := range res.Findings {
		if f.Rule == r.ID || strings.HasPrefix(f.Rule, r.ID+":") {
			found = true
		}
	}
	return spans, found
}

// TestRuleExamples runs every rule's own match and no-match examples, as
// gitleaks does: a rule file is only as good as the examples it carries.
func TestRuleExamples(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	e = e.WithoutModel() // the rules' own examples test the rules
	for _, r := range e.rules.rules {
		isSpan := chaperone.SpanType(r.Type).Valid()
		if len(r.Match)+len(r.Cases) == 0 {
			t.Errorf("rule %s: no examples", r.ID)
		}
		negative := len(r.NoMatch) > 0
		for _, c := range r.Cases {
			negative = negative || !c.Want
		}
		if !negative {
			t.Errorf("rule %s: no no-match example", r.ID)
		}
		for i, ex := range r.Match {
			text, marks := parseExample(ex)
			it := chaperone.Item{ID: fmt.Sprint(i), Text: text, Channel: chaperone.ChannelPost}
			spans, found := ruleOutput(e, r, it)
			if !isSpan {
				if !found {
					t.Errorf("rule %s: match example %d not flagged: %q", r.ID, i+1, text)
				}
				continue
			}
			if len(marks) == 0 {
				t.Errorf("rule %s: match example %d has no [[span]]", r.ID, i+1)
			}
			for _, m := range marks {
				ok := false
				for _, s := range spans {
					if s.Start == m[0] && s.End == m[1] {
						ok = true
					}
				}
				if !ok {
					t.Errorf("rule %s: match example %d: want span %q, got %v in %q", r.ID, i+1, text[m[0]:m[1]], spanTexts(text, spans), text)
				}
			}
		}
		for i, text := range r.NoMatch {
			it := chaperone.Item{ID: fmt.Sprint(i), Text: text, Channel: chaperone.ChannelPost}
			spans, found := ruleOutput(e, r, it)
			if len(spans) > 0 || found {
				t.Errorf("rule %s: no-match example %d flagged %v: %q", r.ID, i+1, spanTexts(text, spans), text)
			}
		}
		for i, c := range r.Cases {
			it := chaperone.Item{ID: fmt.Sprint(i), Text: c.Text, Context: c.Context, Channel: chaperone.Channel(c.Channel),
				Author: chaperone.Author{Account: chaperone.AccountKind(c.Account), Relationships: c.Relationships, Employer: c.Employer}}
			spans, found := ruleOutput(e, r, it)
			got := found || len(spans) > 0
			if got != c.Want {
				t.Errorf("rule %s: case %d: want %v, got %v (spans %v): %q", r.ID, i+1, c.Want, got, spanTexts(c.Text, spans), c.Text)
			}
		}
	}
	for _, c := range e.rules.claims {
		for i, ex := range c.Match {
			if !claimHits(e, ex) {
				t.Errorf("claim %s: match example %d not flagged: %q", c.ID, i+1, ex)
			}
		}
		for i, ex := range c.NoMatch {
			if claimHits(e, ex) {
				t.Errorf("claim %s: no-match example %d flagged: %q", c.ID, i+1, ex)
			}
		}
	}
}

func claimHits(e *Engine, text string) bool {
	res := e.Screen(chaperone.Item{Text: text, Channel: chaperone.ChannelPost})
	return res.Has(chaperone.FindingMisinformation)
}

func spanTexts(text string, spans []chaperone.Span) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = string(s.Type) + ":" + text[s.Start:s.End]
	}
	return out
}

// TestCueNames checks that every cue list the recognizers test by name is
// in the rule files: a misspelt name would silently never match.
func TestCueNames(t *testing.T) {
	e := engine(t)
	for c, name := range cueNames {
		if e.rules.cueOf[c] < 0 {
			t.Errorf("cue list %q is not in the rule files", name)
		}
	}
}
