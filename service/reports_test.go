package service

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
	"github.com/chaperone-project/chaperone/store/storetest"
)

// clock is a settable clock for store.Options.Now and Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// clockedBackends is backends with the store and the service on one
// settable clock, starting at start.
func clockedBackends(t *testing.T, start time.Time, fn func(t *testing.T, w *world, clk *clock)) {
	for _, b := range storetest.Backends {
		t.Run(b, func(t *testing.T) {
			clk := &clock{t: start}
			key := make([]byte, store.KeySize)
			rand.Read(key)
			st, err := store.Open(context.Background(), storetest.DSN(t, b), store.Options{Key: key, Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			fn(t, newWorld(t, st, New(st, engine(t), Config{Now: clk.Now})), clk)
		})
	}
}

// pngScreenshot is enough of a PNG for content sniffing.
var pngScreenshot = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

const reportedPost = "Dr. Ben Ode posted a photo of Mrs. Siobhan O'Connell's chart with her MRN 0048-2913 visible."

// TestColleagueReportTwoSteps: the colleague is told with a 7-day
// deadline; a report answered in time is resolved and never escalates,
// one left unanswered escalates at the deadline to compliance, who
// records the outcome.
func TestColleagueReportTwoSteps(t *testing.T) {
	start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	clockedBackends(t, start, func(t *testing.T, w *world, clk *clock) {
		ctx := context.Background()
		answered := must[chaperone.ColleagueReport](t)(w.svc.Report(ctx, w.clinician, w.clinician2.ID, reportedPost, "https://x.com/benode/status/1", pngScreenshot, true))
		ignored := must[chaperone.ColleagueReport](t)(w.svc.Report(ctx, w.reviewer, w.clinician2.ID, "Jokes about a patient in bed 12", "", nil, false))
		if !answered.Deadline.Equal(start.Add(7*24*time.Hour)) || answered.Status != chaperone.ReportOpen || answered.ScreenshotType != "image/png" {
			t.Fatalf("report %+v", answered)
		}

		// refused: oneself, outsiders, bad screenshots, no description, bad links
		_, err := w.svc.Report(ctx, w.clinician, w.clinician.ID, reportedPost, "", nil, false)
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = w.svc.Report(ctx, w.clinician, w.outsider.ID, reportedPost, "", nil, false)
		wantCode(t, err, chaperone.ErrNotFound)
		_, err = w.svc.Report(ctx, w.clinician, w.clinician2.ID, reportedPost, "", []byte("%PDF-1.4 not an image"), false)
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = w.svc.Report(ctx, w.clinician, w.clinician2.ID, reportedPost, "", make([]byte, store.MaxScreenshotBytes+1), false)
		wantCode(t, err, chaperone.ErrTooLarge)
		_, err = w.svc.Report(ctx, w.clinician, w.clinician2.ID, "  ", "", nil, false)
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = w.svc.Report(ctx, w.clinician, w.clinician2.ID, reportedPost, "javascript:alert(1)", nil, false)
		wantCode(t, err, chaperone.ErrInvalid)

		// only the colleague responds; a disagreement needs a note
		wantCode(t, w.svc.RespondToReport(ctx, w.clinician, answered.ID, chaperone.ResponseRemoved, ""), chaperone.ErrForbidden)
		wantCode(t, w.svc.RespondToReport(ctx, w.reviewer, answered.ID, chaperone.ResponseRemoved, ""), chaperone.ErrNotFound)
		wantCode(t, w.svc.RespondToReport(ctx, w.clinician2, answered.ID, chaperone.ResponseDisagree, " "), chaperone.ErrInvalid)
		clk.Add(6 * 24 * time.Hour)
		if err := w.svc.RespondToReport(ctx, w.clinician2, answered.ID, chaperone.ResponseRemoved, "Deleted it the same day"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.RespondToReport(ctx, w.clinician2, answered.ID, chaperone.ResponseDisagree, "changed my mind"), chaperone.ErrConflict)

		// one second before the deadline nothing moves; at it, the unanswered one escalates
		clk.Add(24*time.Hour - time.Second)
		if n, err := w.svc.EscalateDue(ctx, clk.Now()); err != nil || n != 0 {
			t.Fatalf("escalated %d before the deadline (%v)", n, err)
		}
		if q := must[[]chaperone.ColleagueReport](t)(w.svc.ReportQueue(ctx, w.comp, false)); len(q) != 0 {
			t.Fatalf("queue before the deadline: %d", len(q))
		}
		clk.Add(time.Second)
		// past the deadline the colleague can no longer answer here
		wantCode(t, w.svc.RespondToReport(ctx, w.clinician2, ignored.ID, chaperone.ResponseRemoved, ""), chaperone.ErrConflict)
		if n, err := w.svc.EscalateDue(ctx, clk.Now()); err != nil || n != 1 {
			t.Fatalf("escalated %d at the deadline (%v)", n, err)
		}
		if n, _ := w.svc.EscalateDue(ctx, clk.Now()); n != 0 {
			t.Fatalf("escalated %d twice", n)
		}
		q := must[[]chaperone.ColleagueReport](t)(w.svc.ReportQueue(ctx, w.comp, false))
		if len(q) != 1 || q[0].ID != ignored.ID || q[0].Status != chaperone.ReportEscalated || q[0].ReporterName != "Rae Kim" {
			t.Fatalf("queue %+v", q)
		}
		if got := must[chaperone.ColleagueReport](t)(w.svc.ColleagueReport(ctx, w.clinician, answered.ID)); got.Status != chaperone.ReportResolved ||
			got.Response != chaperone.ResponseRemoved {
			t.Fatalf("the resolved report %+v", got)
		}
		_, err = w.svc.ReportQueue(ctx, w.clinician, false)
		wantCode(t, err, chaperone.ErrForbidden)

		// compliance records the outcome; only compliance, only escalated ones, with a note
		wantCode(t, w.svc.RecordReportOutcome(ctx, w.admin, ignored.ID, chaperone.OutcomeSanction, "x"), chaperone.ErrForbidden)
		wantCode(t, w.svc.RecordReportOutcome(ctx, w.reviewer, ignored.ID, chaperone.OutcomeSanction, "x"), chaperone.ErrForbidden)
		wantCode(t, w.svc.RecordReportOutcome(ctx, w.comp, ignored.ID, "fired", "x"), chaperone.ErrInvalid)
		wantCode(t, w.svc.RecordReportOutcome(ctx, w.comp, ignored.ID, chaperone.OutcomeSanction, ""), chaperone.ErrInvalid)
		wantCode(t, w.svc.RecordReportOutcome(ctx, w.comp, answered.ID, chaperone.OutcomeSanction, "x"), chaperone.ErrConflict)
		if err := w.svc.RecordReportOutcome(ctx, w.comp, ignored.ID, chaperone.OutcomeSanction, "Written warning; training booked"); err != nil {
			t.Fatal(err)
		}
		mine := must[[]chaperone.ColleagueReport](t)(w.svc.MyReports(ctx, w.reviewer))
		if len(mine) != 1 || mine[0].Status != chaperone.ReportDecided || mine[0].Outcome != chaperone.OutcomeSanction {
			t.Fatalf("the reporter sees %+v", mine)
		}
		if q := must[[]chaperone.ColleagueReport](t)(w.svc.ReportQueue(ctx, w.comp, false)); len(q) != 0 {
			t.Fatalf("queue after the outcome: %d", len(q))
		}
		if all := must[[]chaperone.ColleagueReport](t)(w.svc.ReportQueue(ctx, w.comp, true)); len(all) != 2 {
			t.Fatalf("all reports: %d", len(all))
		}
		if !hasAll(actions(t, w.st), chaperone.ActionReportCreate, chaperone.ActionReportNotify, chaperone.ActionReportRespond,
			chaperone.ActionReportEscalate, chaperone.ActionReportOutcome, chaperone.ActionPHIView) {
			t.Errorf("audit %v", actions(t, w.st))
		}
		evs, _ := w.st.ListAudit(ctx, store.AuditFilter{})
		for _, ev := range evs {
			if strings.Contains(string(ev.Details), "O'Connell") || strings.Contains(string(ev.Details), "training") {
				t.Errorf("audit details hold report text: %s", ev.Details)
			}
			if ev.Action == chaperone.ActionReportEscalate && ev.ActorID != 0 {
				t.Errorf("escalation by %d, want the system", ev.ActorID)
			}
		}
	})
}

// TestColleagueReportAnonymity: the colleague's view of an anonymous
// report (list, one report, its JSON) carries neither the reporter's id
// nor their name; a named report does.
func TestColleagueReportAnonymity(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		anon := must[chaperone.ColleagueReport](t)(w.svc.Report(ctx, w.clinician, w.clinician2.ID, reportedPost, "", nil, true))
		named := must[chaperone.ColleagueReport](t)(w.svc.Report(ctx, w.reviewer, w.clinician2.ID, "A rant about a patient", "", nil, false))
		// a compliance officer reported anonymously sees no more than anyone
		aboutComp := must[chaperone.ColleagueReport](t)(w.svc.Report(ctx, w.clinician, w.comp.ID, "Posted a patient's X-ray", "", nil, true))

		about := must[[]chaperone.ColleagueReport](t)(w.svc.ReportsAboutMe(ctx, w.clinician2))
		one := must[chaperone.ColleagueReport](t)(w.svc.ColleagueReport(ctx, w.clinician2, anon.ID))
		compView := must[chaperone.ColleagueReport](t)(w.svc.ColleagueReport(ctx, w.comp, aboutComp.ID))
		compAbout := must[[]chaperone.ColleagueReport](t)(w.svc.ReportsAboutMe(ctx, w.comp))
		if len(about) != 2 || len(compAbout) != 1 {
			t.Fatalf("about me: %d, %d", len(about), len(compAbout))
		}
		for _, v := range []any{about[1], one, compView, compAbout[0]} {
			js, _ := json.Marshal(v)
			for _, leak := range []string{"Ana Ruiz", "ana@example.org", `"reporter_id"`} {
				if strings.Contains(string(js), leak) {
					t.Errorf("the colleague's view holds %s: %s", leak, js)
				}
			}
			if !strings.Contains(string(js), `"anonymous":true`) {
				t.Errorf("the view does not say it is anonymous: %s", js)
			}
		}
		if about[0].ID != named.ID || about[0].ReporterID != w.reviewer.ID || about[0].ReporterName != "Rae Kim" {
			t.Errorf("a named report hides its reporter: %+v", about[0])
		}
		// compliance's queue leaves out the report about the officer
		all := must[[]chaperone.ColleagueReport](t)(w.svc.ReportQueue(ctx, w.comp, true))
		for _, r := range all {
			if r.ID == aboutComp.ID {
				t.Errorf("the officer's queue lists the report about them")
			}
		}
		wantCode(t, w.svc.RecordReportOutcome(ctx, w.comp, aboutComp.ID, chaperone.OutcomeNoIssue, "x"), chaperone.ErrForbidden)
		// the reporter and the admin see who reported
		if got := must[chaperone.ColleagueReport](t)(w.svc.ColleagueReport(ctx, w.admin, anon.ID)); got.ReporterID != w.clinician.ID {
			t.Errorf("the admin's view %+v", got)
		}
		if got := must[[]chaperone.ColleagueReport](t)(w.svc.MyReports(ctx, w.clinician)); len(got) != 2 || got[1].ReporterID != w.clinician.ID {
			t.Errorf("the reporter's view %+v", got)
		}
		// an unrelated clinician, and other orgs, see nothing
		_, err := w.svc.ColleagueReport(ctx, w.reviewer, anon.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		_, err = w.svc.ColleagueReport(ctx, w.outsider, anon.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		shot, _, err := w.svc.ReportScreenshot(ctx, w.clinician2, anon.ID)
		if err != nil || shot != nil {
			t.Errorf("no screenshot: %v %d", err, len(shot))
		}
	})
}
