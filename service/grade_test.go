package service

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/grade"
	"github.com/chaperone-project/chaperone/report"
	"github.com/chaperone-project/chaperone/store"
)

// testClock is a clock tests move by hand.
type testClock struct{ t atomic.Pointer[time.Time] }

func newClock(t time.Time) *testClock {
	c := &testClock{}
	c.set(t)
	return c
}

func (c *testClock) now() time.Time  { return *c.t.Load() }
func (c *testClock) set(t time.Time) { c.t.Store(&t) }

// partScores is a grade's parts as id → score, -1 when not applicable.
func partScores(g grade.Grade) map[string]float64 {
	out := map[string]float64{}
	for _, p := range g.Parts {
		out[p.ID] = p.Score
		if !p.Applies() {
			out[p.ID] = -1
		}
	}
	return out
}

func wantParts(t *testing.T, g grade.Grade, score int, parts map[string]float64) {
	t.Helper()
	got := partScores(g)
	for id, want := range parts {
		if got[id] != want {
			t.Errorf("%s: part %s scores %v, want %v (%+v)", g.Name, id, got[id], want, g.Parts)
		}
	}
	if g.Score != score {
		t.Errorf("%s: grade %d, want %d (%+v)", g.Name, g.Score, score, g.Parts)
	}
}

// TestPresenceGrade gathers a clinician's inputs from the store step by
// step, each step moving one part by a known amount, then the org's.
func TestPresenceGrade(t *testing.T) {
	nppes, err := os.ReadFile("../npi/testdata/npidata_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	clock := newClock(time.Now().UTC())
	backendsWith(t, Config{Now: clock.now}, func(t *testing.T, w *world) {
		clock.set(time.Now().UTC())
		ctx := context.Background()
		g := must[grade.Grade](t)(w.svc.Grade(ctx, w.clinician, 0))
		// a professional and a personal account, nothing else: accounts
		// and bio apply, 15 + 0 of 30
		wantParts(t, g, 50, map[string]float64{grade.PartAccounts: 15, grade.PartBio: 0, grade.PartFindings: -1, grade.PartConsent: -1, grade.PartTraining: -1})
		if len(g.Trend) != 1 || g.Trend[0].Score != 50 || g.Trend[0].Day != day(clock.now()) {
			t.Fatalf("trend after the first view: %+v", g.Trend)
		}

		// clinical content drafted on the personal account
		must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{AccountID: w.personalAccount.ID,
			Text: "ugh 3 codes this shift, going to bed with a bottle of wine"}))
		// an overclaiming bio without a disclaimer, checked against NPPES
		if err := w.svc.SetNPI(ctx, w.clinician, "1234567893"); err != nil {
			t.Fatal(err)
		}
		must[IdentityImport](t)(w.svc.ImportNPPES(ctx, w.comp, strings.NewReader(string(nppes))))
		must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Channel: chaperone.ChannelBio, Text: "Ana Ruiz, MD. Board-certified dermatologist in Boston."}))
		g = must[grade.Grade](t)(w.svc.Grade(ctx, w.clinician, 0))
		wantParts(t, g, 40, map[string]float64{grade.PartAccounts: 12, grade.PartBio: 0})
		if p, _ := g.Part(grade.PartBio); !strings.Contains(p.Explanation, "does not support") || !strings.Contains(p.Explanation, "no disclaimer") {
			t.Errorf("bio: %+v", p)
		}
		// a true bio with a disclaimer, newer, is the one graded
		must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Channel: chaperone.ChannelBio,
			Text: "Ana Ruiz, MD. Internist and cardiologist in Boston. Views my own."}))
		// published posts: one the screen blocks, one clear
		if _, err := w.svc.ImportPosts(ctx, w.clinician, 0, func(fn func(chaperone.Post) error) error {
			for i, text := range []string{phiPost, "Flu shots are in at the front desk."} {
				if err := fn(chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: string(rune('a' + i)), Text: text}); err != nil {
					return err
				}
			}
			return nil
		}, nil); err != nil {
			t.Fatal(err)
		}
		// a caption that needed consent, published under it
		cap := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Channel: chaperone.ChannelImageCaption,
			Text: "Before and after photos of my patient's knee replacement, one year on! Amazing recovery."}))
		must[chaperone.Draft](t)(func() (chaperone.Draft, error) { d, _, err := w.svc.Submit(ctx, w.clinician, cap.ID); return d, err }())
		must[chaperone.Draft](t)(w.svc.Review(ctx, w.reviewer, cap.ID, chaperone.ReviewApprove, ""))
		c := must[chaperone.Consent](t)(w.svc.RecordConsent(ctx, w.clinician, consentFor(time.Now()), signedPDF))
		if err := w.svc.LinkConsent(ctx, w.clinician, cap.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		must[chaperone.ArchiveItem](t)(w.svc.Publish(ctx, w.clinician, cap.ID, "https://instagram.com/p/knee"))
		// training published: due, within its grace period
		must[chaperone.TrainingDoc](t)(w.svc.PublishTraining(ctx, w.comp, chaperone.TrainingDoc{Slug: "social-media", Title: "Social media",
			Markdown: "Never post PHI.", Quiz: []chaperone.Question{{Prompt: "Post PHI?", Choices: []string{"No", "Yes"}, Answer: 0}}}))
		g = must[grade.Grade](t)(w.svc.Grade(ctx, w.clinician, 0))
		// 12 + 15 + 18.8 + 15 + 7.5 = 68.3 of 85
		wantParts(t, g, 80, map[string]float64{grade.PartAccounts: 12, grade.PartBio: 15, grade.PartFindings: 18.8, grade.PartConsent: 15, grade.PartTraining: 7.5})
		if p, _ := g.Part(grade.PartTraining); p.Link != "/training/social-media" {
			t.Errorf("training link %q", p.Link)
		}

		// the patient revokes: the post is not covered until it comes down
		tasks := must[[]chaperone.TakedownTask](t)(w.svc.RevokeConsent(ctx, w.comp, c.ID, "Patient called to withdraw"))
		clock.set(time.Now().UTC()) // the store stamps the revocation by the real clock
		g = must[grade.Grade](t)(w.svc.Grade(ctx, w.clinician, 0))
		wantParts(t, g, 63, map[string]float64{grade.PartConsent: 0}) // 53.3 of 85
		if err := w.svc.CompleteTakedown(ctx, w.clinician, tasks[0].ID); err != nil {
			t.Fatal(err)
		}
		must[chaperone.Attestation](t)(w.svc.TakeQuiz(ctx, w.clinician, "social-media", 1, []int{0}))
		g = must[grade.Grade](t)(w.svc.Grade(ctx, w.clinician, 0))
		wantParts(t, g, 89, map[string]float64{grade.PartConsent: 15, grade.PartTraining: 15}) // 75.8 of 85

		// the first snapshot of the day stands; the next day's is new
		if len(g.Trend) != 1 || g.Trend[0].Score != 50 {
			t.Fatalf("trend the same day: %+v", g.Trend)
		}
		clock.set(clock.now().AddDate(0, 0, 1))
		g = must[grade.Grade](t)(w.svc.Grade(ctx, w.clinician, 0))
		if len(g.Trend) != 2 || g.Trend[1].Score != 89 {
			t.Fatalf("trend the next day: %+v", g.Trend)
		}

		// who sees whose
		_, err := w.svc.Grade(ctx, w.clinician2, w.clinician.ID)
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.Grade(ctx, w.outsider, w.clinician.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		if g := must[grade.Grade](t)(w.svc.Grade(ctx, w.comp, w.clinician.ID)); g.Score != 89 || g.UserID != w.clinician.ID {
			t.Fatalf("compliance reads %d of user %d", g.Score, g.UserID)
		}
		_, err = w.svc.OrgPresence(ctx, w.clinician)
		wantCode(t, err, chaperone.ErrForbidden)

		// the org: the clinicians' mean, and patient reviews
		must[ImportResult](t)(w.svc.ImportReviews(ctx, w.clinician, strings.NewReader(
			"id,reviewer,rating,date,text\nr1,Walter Pruitt,1,2026-10-12,Waited an hour for my knee.\nr2,Jo Bell,5,2026-10-13,Great.\n"), "healthgrades"))
		og := must[OrgGrade](t)(w.svc.OrgPresence(ctx, w.comp))
		if len(og.Clinicians) != 2 || og.Clinicians[0].UserID != w.clinician2.ID || og.Clinicians[1].Score != 89 {
			t.Fatalf("clinicians, lowest first: %+v", og.Clinicians)
		}
		// Dr. Ode: no accounts (6 of 15), no bio (0), training due (7.5):
		// 13.5 of 45 = 30
		wantParts(t, og.Clinicians[0], 30, map[string]float64{grade.PartAccounts: 6, grade.PartBio: 0, grade.PartTraining: 7.5})
		// mean 59.5 → 50.6 of 85; reviews: none replied (0 %), none
		// unsafe (no reply): 7.5 of 15 → 58
		wantParts(t, og.Org, 58, map[string]float64{grade.PartClinicians: 50.6, grade.PartReviews: 7.5})
		reviews := must[[]chaperone.PatientReview](t)(w.svc.Reviews(ctx, w.clinician, store.ReviewFilter{MaxRating: 1}))
		reply := must[chaperone.Draft](t)(w.svc.ReplyDraft(ctx, w.clinician, reviews[0].ID, ""))
		og = must[OrgGrade](t)(w.svc.OrgPresence(ctx, w.comp))
		wantParts(t, og.Org, 62, map[string]float64{grade.PartReviews: 11.3}) // 50.6 + 11.3
		// the reply edited to confirm the reviewer's care is unsafe
		v := must[DraftView](t)(w.svc.View(ctx, w.clinician, reply.ID))
		must[chaperone.Draft](t)(w.svc.Edit(ctx, w.clinician, reply.ID, "Thanks Walter, glad your knee surgery went well!", v.Version.Context))
		og = must[OrgGrade](t)(w.svc.OrgPresence(ctx, w.comp))
		wantParts(t, og.Org, 54, map[string]float64{grade.PartReviews: 3.8}) // 50.6 + 3.8
		if p, _ := og.Org.Part(grade.PartReviews); !strings.Contains(p.Explanation, "1 of 1 reply draft unsafe") {
			t.Errorf("reviews: %+v", p)
		}
		if len(og.Org.Trend) != 1 || og.Org.Trend[0].Score != 58 {
			t.Errorf("org trend: %+v", og.Org.Trend)
		}

		// the audit report carries the subject's grade and its trend
		a := must[report.Audit](t)(w.svc.AuditReport(ctx, w.comp, w.clinician.ID, false, clock.now().AddDate(0, 0, -30), clock.now().AddDate(0, 0, 1)))
		if a.Grade == nil || a.Grade.Score != 89 || len(a.Grade.Trend) != 2 {
			t.Fatalf("audit report's grade: %+v", a.Grade)
		}
		a = must[report.Audit](t)(w.svc.AuditReport(ctx, w.comp, 0, true, clock.now().AddDate(0, 0, -30), clock.now().AddDate(0, 0, 1)))
		if a.Grade == nil || a.Grade.Score != 54 || a.Grade.UserID != 0 {
			t.Fatalf("org audit report's grade: %+v", a.Grade)
		}
	})
}

// TestSnapshotGrades: the daily job writes a snapshot per clinician and
// per org once a day, with one audit event per org.
func TestSnapshotGrades(t *testing.T) {
	clock := newClock(time.Now().UTC())
	backendsWith(t, Config{Now: clock.now}, func(t *testing.T, w *world) {
		clock.set(time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC))
		ctx := context.Background()
		// two orgs: clinic (2 clinicians + the org), other (the org)
		if n := must[int](t)(w.svc.SnapshotAllGrades(ctx)); n != 4 {
			t.Fatalf("first run wrote %d", n)
		}
		if n := must[int](t)(w.svc.SnapshotAllGrades(ctx)); n != 0 {
			t.Fatalf("second run the same day wrote %d", n)
		}
		clock.set(clock.now().AddDate(0, 0, 1))
		if n := must[int](t)(w.svc.SnapshotAllGrades(ctx)); n != 4 {
			t.Fatalf("next day wrote %d", n)
		}
		snaps := must[[]store.GradeSnapshot](t)(w.st.GradeSnapshots(ctx, w.clinician.OrgID, 0, "2026-11-01", "2026-11-30"))
		if len(snaps) != 2 || snaps[0].Day != "2026-11-02" || snaps[1].Day != "2026-11-03" || !strings.Contains(string(snaps[0].Parts), `"id":"clinicians"`) {
			t.Fatalf("org snapshots: %+v", snaps)
		}
		events := 0
		for _, a := range actions(t, w.st) {
			if a == chaperone.ActionGradeSnapshot {
				events++
			}
		}
		if events != 4 { // 2 orgs × 2 days
			t.Fatalf("%d grade.snapshot events", events)
		}
	})
}
