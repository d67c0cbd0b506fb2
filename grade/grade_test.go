package grade

import (
	"strings"
	"testing"
)

// perfect is a clinician whose every part scores full marks.
func perfect() Inputs {
	return Inputs{UserID: 7, Name: "Dr. Ana Ruiz",
		Accounts: []Account{{"mastodon", "@druiz", "professional"}, {"instagram", "ana.r", "personal"}},
		Bio:      &Bio{Status: "published", Checked: true, Disclaimer: true},
		Posts:    10, ConsentNeeded: 2, ConsentCovered: 2,
		Training: Training{Docs: 2, Current: 2}}
}

func TestWeights(t *testing.T) {
	sum := 0
	for _, id := range []string{PartAccounts, PartBio, PartFindings, PartConsent, PartTraining} {
		sum += Weights[id]
	}
	if sum != 85 || Weights[PartClinicians] != sum || sum+Weights[PartReviews] != 100 {
		t.Fatalf("weights: clinician parts %d, clinicians %d, reviews %d", sum, Weights[PartClinicians], Weights[PartReviews])
	}
}

func TestParts(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*Inputs)
		part   string
		score  float64
		status Status
		says   string // in the explanation
		fix    string // in the fix ("" : no fix)
	}{
		{"perfect accounts", func(*Inputs) {}, PartAccounts, 15, StatusOK, "1 professional account", ""},
		{"no accounts", func(in *Inputs) { in.Accounts = nil }, PartAccounts, 6, StatusBad, "No professional account", "Add the professional account"},
		{"personal only", func(in *Inputs) { in.Accounts = in.Accounts[1:] }, PartAccounts, 6, StatusBad, "among your 1 account", "professional account"},
		{"same handle both kinds", func(in *Inputs) {
			in.Accounts = append(in.Accounts, Account{"Instagram", "Ana.R", "professional"})
		}, PartAccounts, 12, StatusWarn, "1 account is recorded as both", "Keep separate accounts"},
		{"clinical on personal", func(in *Inputs) { in.PersonalClinical = 2 }, PartAccounts, 12, StatusWarn, "2 drafts on personal accounts", "Move clinical content"},
		{"everything wrong with accounts", func(in *Inputs) {
			in.Accounts = []Account{{"x", "a", "personal"}}
			in.PersonalClinical = 1
		}, PartAccounts, 3, StatusBad, "1 draft on personal", "Move clinical"},

		{"perfect bio", func(*Inputs) {}, PartBio, 15, StatusOK, "matches your NPPES record", ""},
		{"no bio", func(in *Inputs) { in.Bio = nil }, PartBio, 0, StatusBad, "No bio", `"bio" channel`},
		{"bio unchecked", func(in *Inputs) { in.Bio.Checked = false }, PartBio, 11.3, StatusWarn, "no NPPES record", "Record your NPI"},
		{"bio mismatch", func(in *Inputs) { in.Bio.Mismatches = 2 }, PartBio, 7.5, StatusWarn, "2 claims your NPPES record does not support", "claim only"},
		{"bio without disclaimer", func(in *Inputs) { in.Bio.Disclaimer = false }, PartBio, 7.5, StatusWarn, "no disclaimer", "Add a disclaimer"},
		{"bio mismatch, no disclaimer", func(in *Inputs) { in.Bio.Mismatches, in.Bio.Disclaimer = 1, false }, PartBio, 0, StatusBad, "1 claim", "Add a disclaimer"},

		{"no open findings", func(*Inputs) {}, PartFindings, 25, StatusOK, "0 tasks are open", ""},
		{"one block", func(in *Inputs) { in.OpenBlock = 1 }, PartFindings, 18.8, StatusWarn, "1 task is open: 1 the screen would block", "Close each open task"},
		{"two reviews", func(in *Inputs) { in.OpenReview = 2 }, PartFindings, 20, StatusWarn, "0 the screen would block, 2", "Close"},
		{"block weighs more than review", func(in *Inputs) { in.OpenBlock, in.OpenReview = 2, 1 }, PartFindings, 10, StatusBad, "3 tasks", "Close"},
		{"floored at zero", func(in *Inputs) { in.OpenBlock = 9 }, PartFindings, 0, StatusBad, "9 the screen would block", "Close"},
		{"nothing published", func(in *Inputs) { in.Posts = 0 }, PartFindings, 0, StatusNA, "nothing to check", "Import your platform archive"},

		{"consent covered", func(*Inputs) {}, PartConsent, 15, StatusOK, "2 of 2 published items", ""},
		{"consent half covered", func(in *Inputs) { in.ConsentCovered = 1 }, PartConsent, 7.5, StatusWarn, "1 of 2 published items needing a patient's authorisation is covered", "take the post down"},
		{"consent none covered", func(in *Inputs) { in.ConsentCovered = 0 }, PartConsent, 0, StatusBad, "0 of 2", "takedown"},
		{"no consent needed", func(in *Inputs) { in.ConsentNeeded, in.ConsentCovered = 0, 0 }, PartConsent, 0, StatusNA, "needed a patient's authorisation", ""},

		{"training current", func(*Inputs) {}, PartTraining, 15, StatusOK, "2 current, 0 due", ""},
		{"training due counts half", func(in *Inputs) { in.Training = Training{Docs: 2, Current: 1, Due: 1} }, PartTraining, 11.3, StatusWarn, "1 due", "pass its quiz"},
		{"training overdue", func(in *Inputs) { in.Training = Training{Docs: 1, Overdue: 1, Next: "social-media"} }, PartTraining, 0, StatusBad, "1 overdue", "pass its quiz"},
		{"no training", func(in *Inputs) { in.Training = Training{} }, PartTraining, 0, StatusNA, "no training", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := perfect()
			b := *in.Bio
			in.Bio = &b
			c.edit(&in)
			g := Compute(in)
			p, ok := g.Part(c.part)
			if !ok {
				t.Fatalf("no part %s in %+v", c.part, g.Parts)
			}
			if p.Score != c.score || p.Status != c.status {
				t.Errorf("%s: score %v status %s, want %v %s (%s)", c.part, p.Score, p.Status, c.score, c.status, p.Explanation)
			}
			if !strings.Contains(p.Explanation, c.says) {
				t.Errorf("explanation %q does not say %q", p.Explanation, c.says)
			}
			if (c.fix == "") != (p.Fix == "") || !strings.Contains(p.Fix, c.fix) {
				t.Errorf("fix %q, want one with %q", p.Fix, c.fix)
			}
			if p.Link == "" || !strings.HasPrefix(p.Link, "/") {
				t.Errorf("link %q", p.Link)
			}
			if g.Score < 0 || g.Score > 100 {
				t.Errorf("score %d out of bounds", g.Score)
			}
		})
	}
}

func TestTrainingLinksToTheDocumentDue(t *testing.T) {
	in := perfect()
	in.Training = Training{Docs: 1, Overdue: 1, Next: "social-media"}
	if p, _ := Compute(in).Part(PartTraining); p.Link != "/training/social-media" {
		t.Fatalf("link %q", p.Link)
	}
}

func TestScoreAndRedistribution(t *testing.T) {
	if g := Compute(perfect()); g.Score != 100 {
		t.Fatalf("perfect: %d %+v", g.Score, g.Parts)
	}
	// everything applies: 6 + 0 + 0 + 0 + 0 of 85 = 7 (7.06)
	worst := Inputs{Posts: 1, OpenBlock: 4, ConsentNeeded: 1, Training: Training{Docs: 1, Overdue: 1}}
	if g := Compute(worst); g.Score != 7 {
		t.Fatalf("worst: %d %+v", g.Score, g.Parts)
	}
	// nothing published, no consent needed, no training: only accounts
	// (15) and bio (15) apply, each now counting for 50
	in := perfect()
	in.Posts, in.ConsentNeeded, in.ConsentCovered, in.Training = 0, 0, 0, Training{}
	in.Bio.Disclaimer = false // 7.5 of 15
	g := Compute(in)
	if g.Score != 75 {
		t.Fatalf("redistributed: %d %+v", g.Score, g.Parts)
	}
	for _, p := range g.Parts {
		want := 0.0
		if p.ID == PartAccounts || p.ID == PartBio {
			want = 50
		}
		if p.Counts != want {
			t.Errorf("%s counts %v, want %v", p.ID, p.Counts, want)
		}
		if p.Applies() != (want > 0) {
			t.Errorf("%s applies: %v", p.ID, p.Applies())
		}
	}
	// one part not applicable: findings' 25 shared among the other 60
	in = perfect()
	in.Posts = 0
	in.Training = Training{Docs: 1, Overdue: 1} // 0 of 15
	g = Compute(in)
	if g.Score != 75 { // 45 of 60
		t.Fatalf("findings n/a: %d %+v", g.Score, g.Parts)
	}
	if p, _ := g.Part(PartTraining); p.Counts != 25 {
		t.Errorf("training counts %v, want 25", p.Counts)
	}
	// nothing applies at all is 0, not a division by zero
	if g := total([]Part{notApplicable(PartFindings, "", "", "", "")}); g != 0 {
		t.Fatalf("no part applies: %d", g)
	}
}

func TestBounds(t *testing.T) {
	for _, in := range []Inputs{
		{}, perfect(), {Posts: 1000, OpenBlock: 1000, OpenReview: 1000, PersonalClinical: 50},
		{ConsentNeeded: 3, ConsentCovered: 5, Training: Training{Docs: 1, Current: 3}},
	} {
		g := Compute(in)
		if g.Score < 0 || g.Score > 100 {
			t.Errorf("score %d for %+v", g.Score, in)
		}
		for _, p := range g.Parts {
			if p.Score < 0 || p.Score > float64(p.Weight) || p.Percent() < 0 || p.Percent() > 100 {
				t.Errorf("%s: %v of %d", p.ID, p.Score, p.Weight)
			}
		}
	}
}

func TestHasDisclaimer(t *testing.T) {
	for bio, want := range map[string]bool{
		"Internist in Boston. Views are my own.":                    true,
		"Dermatologist | NOT medical advice":                        true,
		"Posts are for  educational\npurposes only.":                true,
		"Tweets ≠ medical advice. Opinions my own.":                 true,
		"No doctor patient relationship is formed by following me.": true,
		"Board-certified internist. Dad. Runner.":                   false,
		"Medical advice for all your questions!":                    false,
	} {
		if got := HasDisclaimer(bio); got != want {
			t.Errorf("HasDisclaimer(%q) = %v", bio, got)
		}
	}
}

func TestComputeOrg(t *testing.T) {
	a := Grade{UserID: 1, Name: "Dr. A", Score: 90}
	b := Grade{UserID: 2, Name: "Dr. B", Score: 40}
	// clinicians' mean 65 → 55.25 of 85; reviews: 3 of 4 replied, 1 of 2
	// replies unsafe → 0.5·0.75 + 0.5·0.5 = 0.625 → 9.4 of 15
	g := ComputeOrg(OrgInputs{Name: "Harbor", Clinicians: []Grade{a, b}, Reviews: Reviews{Total: 4, Replied: 3, Replies: 2, Unsafe: 1}})
	cl, _ := g.Part(PartClinicians)
	rv, _ := g.Part(PartReviews)
	if cl.Score != 55.3 || cl.Status != StatusWarn || !strings.Contains(cl.Explanation, "lowest: Dr. B, 40") || cl.Link != "/grade?user=2" {
		t.Errorf("clinicians: %+v", cl)
	}
	if rv.Score != 9.4 || !strings.Contains(rv.Explanation, "3 of 4 reviews replied (75 %); 1 of 2 reply drafts unsafe") ||
		!strings.Contains(rv.Fix, "unreplied") || !strings.Contains(rv.Fix, "unsafe replies") {
		t.Errorf("reviews: %+v", rv)
	}
	if g.Score != 65 { // 55.3 + 9.4 = 64.7
		t.Errorf("org score %d", g.Score)
	}
	// no reviews: the org's score is the clinicians' mean
	g = ComputeOrg(OrgInputs{Clinicians: []Grade{a, b}})
	if rv, _ := g.Part(PartReviews); rv.Applies() || g.Score != 65 {
		t.Errorf("no reviews: %d %+v", g.Score, g.Parts)
	}
	// no replies: safety is vacuous, the rate is 0
	g = ComputeOrg(OrgInputs{Clinicians: []Grade{a}, Reviews: Reviews{Total: 2}})
	if rv, _ := g.Part(PartReviews); rv.Score != 7.5 {
		t.Errorf("unreplied reviews: %+v", rv)
	}
	// no clinicians, no reviews
	if g := ComputeOrg(OrgInputs{}); g.Score != 0 || g.Parts[0].Applies() {
		t.Errorf("empty org: %+v", g)
	}
}

func TestWeekly(t *testing.T) {
	got := Weekly([]Point{{"2026-11-09", 1}, {"2026-11-15", 2}, {"2026-11-16", 3}, {"bad", 9}, {"2026-12-01", 4}})
	want := []Point{{"2026-11-15", 2}, {"2026-11-16", 3}, {"2026-12-01", 4}}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v, want %v", got, want)
		}
	}
}
