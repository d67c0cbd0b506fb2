package service

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
	"github.com/chaperone-project/chaperone/store"
)

func importFile(t *testing.T, svc *Service, u chaperone.User, name string) ImportResult {
	t.Helper()
	f, err := os.Open("../review/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := svc.ImportReviews(context.Background(), u, f, "")
	if err != nil {
		t.Fatalf("importing %s: %v", name, err)
	}
	return res
}

// endless is an endless reader of one byte, for oversized imports.
type endless byte

func (b endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// TestReviewImportAlertsAndReplies: the three sites' exports import,
// again add nothing, malformed files import nothing and name the line, a
// low rating raises an alert until acknowledged, a reply from a template
// is allowed by the screen, and a reply edited to confirm the reviewer's
// care is blocked.
func TestReviewImportAlertsAndReplies(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		count := func() int {
			t.Helper()
			rs, err := w.st.ListPatientReviews(ctx, store.ReviewFilter{OrgID: w.clinician.OrgID})
			if err != nil {
				t.Fatal(err)
			}
			return len(rs)
		}
		for name, want := range map[string]ImportResult{"google.json": {2, 0}, "yelp.json": {1, 0}, "healthgrades.csv": {2, 0}} {
			if got := importFile(t, w.svc, w.clinician, name); got != want {
				t.Fatalf("%s: %+v, want %+v", name, got, want)
			}
		}
		if got := importFile(t, w.svc, w.comp, "healthgrades.csv"); got != (ImportResult{0, 2}) {
			t.Fatalf("re-import: %+v", got)
		}
		if got := importFile(t, w.svc, w.admin, "google.json"); got != (ImportResult{0, 2}) {
			t.Fatalf("re-import: %+v", got)
		}
		_, err := w.svc.ImportReviews(ctx, w.reviewer, strings.NewReader("id,rating,date\nr1,5,2026-01-01\n"), "yelp")
		wantCode(t, err, chaperone.ErrForbidden)

		// malformed files: nothing imported, the line and the reason, no text
		bad := []struct {
			name, data, site, want string
			code                   chaperone.ErrorCode
		}{
			{"bad rating", "id,rating,date,text\nn1,5,2026-01-01,Walter Pruitt was seen for his knee\nn2,lots,2026-01-02,Great care for my knee\n", "yelp", "line 3: the rating", chaperone.ErrInvalid},
			{"wrong columns", "Name,Comment\nWalter,Knee\n", "yelp", "line 1: no id column", chaperone.ErrInvalid},
			{"bad encoding", "id,rating,date,text\nn1,5,2026-01-01,Walter\nn2,4,2026-01-01,caf\xe9\n", "yelp", "line 3: the export is not valid UTF-8", chaperone.ErrInvalid},
			{"broken JSON", "{\"reviews\": [\n {\"reviewId\": \"n1\", \"starRating\": \"FIVE\", \"comment\": \"Walter's knee\", \"createTime\": \"2026-01-01T00:00:00Z\"},\n {\"reviewId\": \"n2\" \"starRating\": \"ONE\"}\n]}", "", "line 3: JSON syntax error", chaperone.ErrInvalid},
			{"bad site", "id,rating,date\nn1,5,2026-01-01\n", "Yelp!; DROP", "short name", chaperone.ErrInvalid},
		}
		for _, c := range bad {
			_, err := w.svc.ImportReviews(ctx, w.clinician, strings.NewReader(c.data), c.site)
			wantCode(t, err, c.code)
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %q, want %q", c.name, err, c.want)
			}
			if strings.Contains(err.Error(), "Walter") || strings.Contains(err.Error(), "knee") {
				t.Errorf("%s: the error quotes the export: %q", c.name, err)
			}
		}
		_, err = w.svc.ImportReviews(ctx, w.clinician, io.MultiReader(strings.NewReader("id,rating,date\n"), io.LimitReader(endless('a'), review.MaxBytes+10)), "yelp")
		wantCode(t, err, chaperone.ErrTooLarge)
		if n := count(); n != 5 {
			t.Fatalf("%d reviews after refused imports, want 5", n)
		}

		// listing is a view; reviewers and other orgs see nothing
		rs := must[[]chaperone.PatientReview](t)(w.svc.Reviews(ctx, w.clinician, store.ReviewFilter{MaxRating: 2}))
		if len(rs) != 2 || rs[0].Text != "Billing sent my bill to collections, twice." || rs[1].Reviewer != "Jessica M." {
			t.Fatalf("low reviews %+v", rs)
		}
		if evs := actions(t, w.st); evs[len(evs)-1] != chaperone.ActionPHIView {
			t.Fatalf("listing reviews was not recorded as a view: %v", evs[len(evs)-1])
		}
		_, err = w.svc.Reviews(ctx, w.reviewer, store.ReviewFilter{})
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.Reviews(ctx, w.clinician, store.ReviewFilter{MinRating: 4, MaxRating: 2})
		wantCode(t, err, chaperone.ErrInvalid)
		if rs, err := w.svc.Reviews(ctx, w.outsider, store.ReviewFilter{}); err != nil || len(rs) != 0 {
			t.Fatalf("another org sees %d reviews (%v)", len(rs), err)
		}

		// alerts: the 2-star Google and the 1-star Healthgrades reviews, without text
		alerts := must[[]chaperone.PatientReview](t)(w.svc.LowRatingAlerts(ctx, w.clinician))
		if len(alerts) != 2 || alerts[0].Rating != 1 || alerts[1].Rating != 2 || alerts[0].Text != "" || alerts[1].Reviewer != "" {
			t.Fatalf("alerts %+v", alerts)
		}
		_, err = w.svc.LowRatingAlerts(ctx, w.reviewer)
		wantCode(t, err, chaperone.ErrForbidden)
		wantCode(t, w.svc.Acknowledge(ctx, w.outsider, alerts[1].ID), chaperone.ErrNotFound)
		if err := w.svc.Acknowledge(ctx, w.comp, alerts[1].ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Acknowledge(ctx, w.clinician, alerts[1].ID); err != nil {
			t.Fatal(err)
		}
		after := must[[]chaperone.PatientReview](t)(w.svc.LowRatingAlerts(ctx, w.clinician))
		if len(after) != 1 || after[0].ID != alerts[0].ID {
			t.Fatalf("alerts after acknowledging %+v", after)
		}

		// a reply from a template is allowed; it acknowledges the review
		d := must[chaperone.Draft](t)(w.svc.ReplyDraft(ctx, w.clinician, alerts[0].ID, "concern"))
		v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID))
		if d.Channel != chaperone.ChannelReviewReply || v.Screen.Decision != chaperone.Allow ||
			v.Version.Context != "Billing sent my bill to collections, twice.\n— Anonymous" || !strings.Contains(v.Version.Text, "privacy laws") {
			t.Fatalf("reply %+v %q %q %s %+v", d, v.Version.Text, v.Version.Context, v.Screen.Decision, v.Screen.Result.Findings)
		}
		if rv, _ := w.st.GetPatientReview(ctx, alerts[0].ID); rv.ReplyDraftID != d.ID || !rv.Acknowledged() {
			t.Fatalf("review after the reply %+v", rv)
		}
		if a := must[[]chaperone.PatientReview](t)(w.svc.LowRatingAlerts(ctx, w.clinician)); len(a) != 0 {
			t.Fatalf("alerts after replying %+v", a)
		}
		_, err = w.svc.ReplyDraft(ctx, w.clinician2, alerts[0].ID, "")
		wantCode(t, err, chaperone.ErrConflict)
		_, err = w.svc.ReplyDraft(ctx, w.clinician, alerts[1].ID, "gushing")
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = w.svc.ReplyDraft(ctx, w.reviewer, alerts[1].ID, "")
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.ReplyDraft(ctx, w.outsider, alerts[1].ID, "")
		wantCode(t, err, chaperone.ErrNotFound)

		// the suggested template, with the practice's name and phone
		withPhone := New(w.st, engine(t), Config{PracticePhone: "(617) 555-0142"})
		five := must[[]chaperone.PatientReview](t)(w.svc.Reviews(ctx, w.clinician, store.ReviewFilter{Site: "google", MinRating: 5}))
		d5 := must[chaperone.Draft](t)(withPhone.ReplyDraft(ctx, w.clinician, five[0].ID, ""))
		v5 := must[DraftView](t)(withPhone.View(ctx, w.clinician, d5.ID))
		if !strings.Contains(v5.Version.Text, "Everyone at Harbor Family Medicine") || v5.Screen.Decision != chaperone.Allow {
			t.Fatalf("thanks reply %q %s", v5.Version.Text, v5.Screen.Decision)
		}
		yelp := must[[]chaperone.PatientReview](t)(w.svc.Reviews(ctx, w.clinician, store.ReviewFilter{Site: "yelp"}))
		dy := must[chaperone.Draft](t)(withPhone.ReplyDraft(ctx, w.clinician, yelp[0].ID, "neutral"))
		vy := must[DraftView](t)(withPhone.View(ctx, w.clinician, dy.ID))
		if !strings.Contains(vy.Version.Text, "(617) 555-0142") || vy.Screen.Decision != chaperone.Allow {
			t.Fatalf("neutral reply %q %s %+v", vy.Version.Text, vy.Screen.Decision, vy.Screen.Result.Findings)
		}

		// a reply edited to thank the reviewer by name for their care is blocked
		walter := `[{"site":"google","id":"w-1","reviewer":"Walter P.","rating":2,"date":"2026-10-20","text":"Knee surgery went fine but billing was a mess."}]`
		if got := must[ImportResult](t)(w.svc.ImportReviews(ctx, w.clinician, strings.NewReader(walter), "")); got != (ImportResult{1, 0}) {
			t.Fatalf("walter: %+v", got)
		}
		wr := must[[]chaperone.PatientReview](t)(w.svc.LowRatingAlerts(ctx, w.clinician))
		if len(wr) != 1 {
			t.Fatalf("alerts %+v", wr)
		}
		dw := must[chaperone.Draft](t)(w.svc.ReplyDraft(ctx, w.clinician, wr[0].ID, ""))
		if v := must[DraftView](t)(w.svc.View(ctx, w.clinician, dw.ID)); v.Screen.Decision != chaperone.Allow {
			t.Fatalf("template reply to Walter: %s %+v", v.Screen.Decision, v.Screen.Result.Findings)
		}
		must[chaperone.Draft](t)(w.svc.Edit(ctx, w.clinician, dw.ID, "Thanks Walter, glad your knee surgery went well", "Knee surgery went fine but billing was a mess.\n— Walter P."))
		ve := must[DraftView](t)(w.svc.View(ctx, w.clinician, dw.ID))
		if ve.Screen.Decision != chaperone.Block || !ve.Screen.Result.Has(chaperone.FindingRelationshipConfirmed) {
			t.Fatalf("edited reply: %s %+v", ve.Screen.Decision, ve.Screen.Result.Findings)
		}
		if d, _, err := w.svc.Submit(ctx, w.clinician, dw.ID); err != nil || d.Status != chaperone.DraftBlocked {
			t.Fatalf("submitting the edited reply: %v %s", err, d.Status)
		}

		// the audit log: every step, and no review text or names in it
		evs, err := w.st.ListAudit(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			for _, phi := range []string{"Jessica", "Walter", "collections", "knee"} {
				if strings.Contains(string(ev.Details), phi) || strings.Contains(ev.SubjectID, phi) {
					t.Fatalf("audit event %s holds %q: %s", ev.Action, phi, ev.Details)
				}
			}
		}
		if !hasAll(actions(t, w.st), chaperone.ActionReviewImport, chaperone.ActionReviewAck, chaperone.ActionReviewReply, chaperone.ActionPHIView) {
			t.Error("missing review events")
		}
	})
}
