package service

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestParseQuiz(t *testing.T) {
	good := "Q: May you post a patient's photo after a verbal OK?\n- Yes\n* No: only with written authorisation\n\nQ: Where do you meet patients online?\n* The professional account\n- Any account\n"
	qs, err := ParseQuiz(good)
	if err != nil || len(qs) != 2 || qs[0].Answer != 1 || qs[1].Answer != 0 || len(qs[1].Choices) != 2 {
		t.Fatalf("%+v %v", qs, err)
	}
	if back, err := ParseQuiz(QuizText(qs)); err != nil || QuizText(back) != QuizText(qs) {
		t.Fatalf("round trip: %v", err)
	}
	cases := map[string]string{
		"":                            "no questions",
		"- orphan":                    "line 1: a choice before the first question",
		"Q: one\n- a\n- b":            "has no right answer",
		"Q: one\n* a\n* b":            "line 3: question 1 has two right answers",
		"Q: one\n* a":                 "needs 2 to 8 choices",
		"Q: one\n* a\n- b\nwhat?":     "line 4: start it with",
		"Q:\n* a\n- b":                "line 1: the question is empty",
		"Q: one\n* a\n- b\nQ: two\n*": "line 5: the choice is empty",
	}
	for in, want := range cases {
		if _, err := ParseQuiz(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

// fakeNow is a settable clock for the service.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeNow) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeNow) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestTrainingAndPublishingGate(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		clock := &fakeNow{t: time.Now()}
		w.svc.now = clock.Now
		quiz, err := ParseQuiz("Q: May you post a patient's photo after a verbal OK?\n- Yes\n* No\nQ: Where do you meet patients online?\n* The professional account\n- Any account\n")
		if err != nil {
			t.Fatal(err)
		}
		doc := chaperone.TrainingDoc{Slug: "social-media", Title: "Social media policy", Markdown: "# Social media\n\nNever post PHI.", Quiz: quiz}
		_, err = w.svc.PublishTraining(ctx, w.clinician, doc)
		wantCode(t, err, chaperone.ErrForbidden)
		bad := doc
		bad.Slug = "Social Media!"
		_, err = w.svc.PublishTraining(ctx, w.comp, bad)
		wantCode(t, err, chaperone.ErrInvalid)
		v1 := must[chaperone.TrainingDoc](t)(w.svc.PublishTraining(ctx, w.comp, doc))
		if v1.Version != 1 || v1.PassScore != DefaultPassScore || len(v1.SHA256) != 64 {
			t.Fatalf("published %+v", v1)
		}

		state := func(u chaperone.User) chaperone.TrainingState {
			t.Helper()
			items := must[[]TrainingItem](t)(w.svc.Training(ctx, u))
			if len(items) != 1 {
				t.Fatalf("%d items", len(items))
			}
			return items[0].State
		}
		if s := state(w.clinician); s != chaperone.TrainingDue {
			t.Fatalf("new document: %s", s)
		}
		// the organisation requires current training before publishing
		must[PolicyView](t)(w.svc.SetOrgPolicy(ctx, w.admin, `[[route]]
name = "training-current"
when = "!training.current"
to = "block"
reason = "Complete your social-media training before publishing."
`))
		clock.Add(31 * 24 * time.Hour)
		if s := state(w.clinician); s != chaperone.TrainingOverdue {
			t.Fatalf("after the grace period: %s", s)
		}
		rep := must[[]OverdueRow](t)(w.svc.TrainingReport(ctx, w.comp))
		if len(rep) == 0 || rep[0].State != chaperone.TrainingOverdue {
			t.Fatalf("report %+v", rep)
		}
		_, err = w.svc.TrainingReport(ctx, w.clinician)
		wantCode(t, err, chaperone.ErrForbidden)

		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Text: "Flu shots are in: book at the front desk."}))
		d, out, err := w.svc.Submit(ctx, w.clinician, d.ID)
		if err != nil || d.Status != chaperone.DraftBlocked || len(out.Matches) != 1 || out.Matches[0].Route != "training-current" {
			t.Fatalf("overdue author's submit: %v %s %+v", err, d.Status, out)
		}

		_, err = w.svc.TakeQuiz(ctx, w.clinician, "social-media", 1, []int{0})
		wantCode(t, err, chaperone.ErrInvalid)
		failed := must[chaperone.Attestation](t)(w.svc.TakeQuiz(ctx, w.clinician, "social-media", 1, []int{0, 0}))
		if failed.Passed || failed.Score != 50 || state(w.clinician) != chaperone.TrainingOverdue {
			t.Fatalf("failed attempt %+v", failed)
		}
		passed := must[chaperone.Attestation](t)(w.svc.TakeQuiz(ctx, w.clinician, "social-media", 1, []int{1, 0}))
		if !passed.Passed || passed.Score != 100 || passed.DocSHA256 != v1.SHA256 || state(w.clinician) != chaperone.TrainingCurrent {
			t.Fatalf("passing attempt %+v", passed)
		}
		d2 := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Text: "Flu shots are in: book at the front desk."}))
		if d2, _, err = w.svc.Submit(ctx, w.clinician, d2.ID); err != nil || d2.Status != chaperone.DraftApproved {
			t.Fatalf("current author's submit: %v %s", err, d2.Status)
		}

		// a new version: the old attestation holds through the grace period
		doc.Markdown += "\n\nAlso: never confirm a reviewer is a patient."
		v2 := must[chaperone.TrainingDoc](t)(w.svc.PublishTraining(ctx, w.comp, doc))
		if v2.Version != 2 || v2.SHA256 == v1.SHA256 {
			t.Fatalf("v2 %+v", v2)
		}
		if s := state(w.clinician); s != chaperone.TrainingDue {
			t.Fatalf("after a new version: %s", s)
		}
		_, err = w.svc.TakeQuiz(ctx, w.clinician, "social-media", 1, []int{1, 0})
		wantCode(t, err, chaperone.ErrConflict)
		// a year on, the attestation to version 1 has expired and version 2 was never attested
		clock.Add(366 * 24 * time.Hour)
		if s := state(w.clinician); s != chaperone.TrainingOverdue {
			t.Fatalf("a year later: %s", s)
		}
	})
}

// FuzzParseQuiz: any text gives questions or an error, never a panic, and
// every question it accepts has a right answer among 2 to 8 choices.
func FuzzParseQuiz(f *testing.F) {
	f.Add("Q: a?\n* yes\n- no\n")
	f.Add("Q: one\n- a\n* b\n\nQ: two\n* c\n- d\n- e\n")
	f.Fuzz(func(t *testing.T, text string) {
		qs, err := ParseQuiz(text)
		if err != nil {
			return
		}
		for i, q := range qs {
			if q.Prompt == "" || len(q.Choices) < 2 || len(q.Choices) > 8 || q.Answer < 0 || q.Answer >= len(q.Choices) {
				t.Fatalf("question %d accepted: %+v", i, q)
			}
		}
		if again, err := ParseQuiz(QuizText(qs)); err != nil || len(again) != len(qs) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
