package policy

import (
	"errors"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

func result(d chaperone.Decision, types ...chaperone.FindingType) chaperone.Result {
	r := chaperone.Result{Decision: d}
	for _, t := range types {
		r.Findings = append(r.Findings, chaperone.Finding{Type: t, Rule: "x", Score: 0.9})
	}
	return r
}

func TestDefaultPolicy(t *testing.T) {
	p := Default()
	cases := []struct {
		name string
		in   Input
		want chaperone.Decision
		hits []string
	}{
		{"clean post is allowed", Input{Result: result(chaperone.Allow), Channel: "post"}, chaperone.Allow, nil},
		{"review reply goes to review", Input{Result: result(chaperone.Allow), Channel: "review_reply"}, chaperone.Review, []string{"review-replies-read-twice"}},
		{"PHI stays blocked", Input{Result: result(chaperone.Block, chaperone.FindingPHI), Channel: "review_reply"}, chaperone.Block, []string{"review-replies-read-twice"}},
		{"story on a personal account is blocked", Input{Result: result(chaperone.Review, chaperone.FindingPatientStory), Channel: "post",
			Account: Account{Kind: chaperone.AccountPersonal}}, chaperone.Block, []string{"personal-account-patients"}},
		{"author's account kind counts", Input{Result: result(chaperone.Review, chaperone.FindingIndividualAdvice), Channel: "post",
			Author: chaperone.Author{Account: chaperone.AccountPersonal}}, chaperone.Block, []string{"personal-account-patients"}},
		{"story on the professional account is reviewed", Input{Result: result(chaperone.Review, chaperone.FindingPatientStory), Channel: "post",
			Account: Account{Kind: chaperone.AccountProfessional}}, chaperone.Review, nil},
		{"unknown screen decision fails closed", Input{Result: chaperone.Result{Decision: "maybe"}}, chaperone.Review, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := p.Route(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if out.Decision != c.want {
				t.Errorf("decision %s, want %s", out.Decision, c.want)
			}
			var hits []string
			for _, m := range out.Matches {
				hits = append(hits, m.Route)
				if m.Reason == "" {
					t.Errorf("route %s has no reason", m.Route)
				}
			}
			if strings.Join(hits, ",") != strings.Join(c.hits, ",") {
				t.Errorf("routes %v, want %v", hits, c.hits)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, file, want string
	}{
		{"toml syntax", "[[route]\nname=", "policy file:"},
		{"unknown key", "[[route]]\nname='a'\nwhen='true'\nto='review'\nreason='r'\ncolor='red'", `unknown key "route.color"`},
		{"no name", "[[route]]\nwhen='true'\nto='review'\nreason='r'", "route 1: name is required"},
		{"duplicate", "[[route]]\nname='a'\nwhen='true'\nto='review'\nreason='r'\n[[route]]\nname='a'\nwhen='true'\nto='review'\nreason='r'", `route "a": name is used twice`},
		{"loosening", "[[route]]\nname='a'\nwhen='true'\nto='allow'\nreason='r'", `route "a": to must be "review" or "block"`},
		{"syntax error", "[[route]]\nname='a'\nwhen='channel =='\nto='review'\nreason='r'", `route "a": when:`},
		{"undeclared variable", "[[route]]\nname='a'\nwhen='chanel == \"post\"'\nto='review'\nreason='r'", `undeclared reference to 'chanel'`},
		{"not a boolean", "[[route]]\nname='a'\nwhen='channel'\nto='review'\nreason='r'", "must be a true/false expression"},
		{"misspelt field", "[[route]]\nname='a'\nwhen='author.rol == \"x\"'\nto='review'\nreason='r'", "no such key"},
		{"no reason", "[[route]]\nname='a'\nwhen='true'\nto='review'", "reason is required"},
		{"failing match example", "[[route]]\nname='a'\nwhen='channel == \"bio\"'\nto='review'\nreason='r'\nmatch=[{channel='post'}]", `route "a": match example 1: does not match`},
		{"failing no_match example", "[[route]]\nname='a'\nwhen='channel == \"bio\"'\nto='review'\nreason='r'\nno_match=[{channel='bio'}]", `route "a": no_match example 1: matches`},
		{"too large", strings.Repeat("#", MaxFileBytes+1), "the limit is"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.file))
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			var ce *chaperone.Error
			if !errors.As(err, &ce) || ce.Code != chaperone.ErrInvalid {
				t.Errorf("error %v is not an invalid-input error", err)
			}
		})
	}
}

func TestRouteExpressions(t *testing.T) {
	p, err := Parse([]byte(`
[[route]]
name = "residents"
when = "author.role == 'resident'"
to = "review"
reason = "Residents' posts are reviewed by faculty."

[[route]]
name = "misinformation-blocks"
when = "findings.exists(f, f.type == 'MISINFORMATION' && f.score >= 0.8)"
to = "block"
reason = "Health claims against the evidence are not published."

[[route]]
name = "many-names"
when = "size(spans.filter(s, s.type == 'NAME')) >= 2"
to = "block"
reason = "Several names."

[[route]]
name = "training"
when = "!training.current"
to = "block"
reason = "Complete the social-media training before publishing."
match = [{ training = { current = false, overdue = ["social-media"] } }]
no_match = [{ training = { current = true } }]

[[route]]
name = "ties"
when = "'Pfizer' in author.relationships && channel == 'post'"
to = "review"
reason = "Declared ties are checked by compliance."
`))
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Result: result(chaperone.Review, chaperone.FindingMisinformation), Channel: "post",
		Author: chaperone.Author{Role: "resident", Relationships: []string{"Pfizer"}}}
	out, err := p.Route(in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Decision != chaperone.Block || out.Screen != chaperone.Review || len(out.Matches) != 4 {
		t.Fatalf("outcome %+v", out)
	}
	in.Training.Current = true
	in.Result.Spans = []chaperone.Span{{Type: chaperone.SpanName}, {Type: chaperone.SpanName}}
	in.Result.Findings = nil
	in.Author = chaperone.Author{}
	out, _ = p.Route(in)
	if out.Decision != chaperone.Block || len(out.Matches) != 1 || out.Matches[0].Route != "many-names" {
		t.Fatalf("outcome %+v", out)
	}
}

func TestEvaluationFailureFailsClosed(t *testing.T) {
	// a cost-heavy expression trips the evaluation limit at run time
	p, err := New([]Route{{Name: "heavy", To: "block", Reason: "r",
		When: "spans.all(a, spans.all(b, spans.all(c, a.score + b.score + c.score >= 0.0)))"}})
	if err != nil {
		t.Fatal(err)
	}
	var in Input
	in.Result.Decision = chaperone.Allow
	for range 200 {
		in.Result.Spans = append(in.Result.Spans, chaperone.Span{Type: chaperone.SpanDate, Score: 0.1})
	}
	out, err := p.Route(in)
	if err == nil || !strings.Contains(err.Error(), `route "heavy"`) {
		t.Fatalf("error %v, want the route named", err)
	}
	if out.Decision != chaperone.Review {
		t.Errorf("decision %s, want review", out.Decision)
	}
}

func BenchmarkRoute(b *testing.B) {
	p := Default()
	in := Input{Result: result(chaperone.Review, chaperone.FindingPatientStory), Channel: "review_reply", Account: Account{Kind: chaperone.AccountPersonal}}
	for b.Loop() {
		if _, err := p.Route(in); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzParse feeds arbitrary policy files to the parser: it must return a
// policy or an error, never panic, and a parsed policy must route.
func FuzzParse(f *testing.F) {
	f.Add(DefaultFile())
	f.Add([]byte("[[route]]\nname='a'\nwhen='size(spans) > 2'\nto='block'\nreason='r'"))
	f.Add([]byte("[[route]]\nname='a'\nwhen='findings.exists(x, x.score > 0.5)'\nto='review'\nreason='r'\nmatch=[{types=['PHI']}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		var in Input
		in.Result.Decision = "allow"
		in.Result.Spans = make([]chaperone.Span, 50)
		out, _ := p.Route(in)
		if out.Decision.Severity() < 0 {
			t.Fatalf("routed to %q", out.Decision)
		}
	})
}
