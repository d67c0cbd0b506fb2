package store

import (
	"bytes"
	"context"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// pngShot is a screenshot: a PNG signature and header, then a patient's
// name the store must not keep in clear.
var pngShot = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []byte("Walter Pruitt's chart on screen")...)

func TestColleagueReportsStore(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		report := func(content string, shot []byte, deadline time.Time) chaperone.ColleagueReport {
			t.Helper()
			r, err := e.CreateReport(ctx, as(f.reviewer), chaperone.ColleagueReport{OrgID: f.org.ID, ReporterID: f.reviewer.ID, SubjectID: f.clinician.ID,
				Content: content, URL: "https://x.example/ames/9", Anonymous: true, Deadline: deadline}, shot, "image/png")
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		now := e.clock.Now()
		a := report("Dr Ames posted Walter Pruitt's X-ray", pngShot, now.Add(7*24*time.Hour))
		b := report("A joke about the patient in bed 4", nil, now.Add(7*24*time.Hour))
		got, err := e.GetReport(ctx, a.ID)
		if err != nil || got.Content != a.Content || got.URL != a.URL || !got.Anonymous || got.Status != chaperone.ReportOpen ||
			got.ReporterID != f.reviewer.ID || got.ScreenshotSize != len(pngShot) || !got.Deadline.Equal(norm(now.Add(7*24*time.Hour))) {
			t.Fatalf("report read back as %+v, %v", got, err)
		}
		shot, typ, err := e.ReportScreenshot(ctx, a.ID)
		if err != nil || !bytes.Equal(shot, pngShot) || typ != "image/png" {
			t.Fatalf("screenshot %v %q", err, typ)
		}
		if shot, _, err := e.ReportScreenshot(ctx, b.ID); err != nil || shot != nil {
			t.Fatalf("no screenshot: %v %d", err, len(shot))
		}
		for _, blob := range rawBlobs(t, e, "SELECT details_enc FROM colleague_reports UNION ALL SELECT screenshot_enc FROM colleague_reports") {
			if containsFold(blob, "Pruitt") || containsFold(blob, "bed 4") || containsFold(blob, "ames/9") {
				t.Fatal("a report is stored in clear")
			}
		}
		// nobody reports themselves, even past the service
		_, err = e.CreateReport(ctx, as(f.clinician), chaperone.ColleagueReport{OrgID: f.org.ID, ReporterID: f.clinician.ID, SubjectID: f.clinician.ID,
			Content: "me", Deadline: now}, nil, "")
		wantCode(t, err, chaperone.ErrInvalid)

		// b is answered; a is not, and escalates at its deadline
		if err := e.RespondToReport(ctx, as(f.clinician), b.ID, chaperone.ResponseDisagree, "It is a generic joke, no patient"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.RespondToReport(ctx, as(f.clinician), b.ID, chaperone.ResponseRemoved, ""), chaperone.ErrConflict)
		wantCode(t, e.RecordReportOutcome(ctx, as(f.reviewer), a.ID, chaperone.OutcomeRemoved, ""), chaperone.ErrConflict) // not escalated yet
		if ids, err := e.EscalateDue(ctx, System, now.Add(7*24*time.Hour-time.Second)); err != nil || len(ids) != 0 {
			t.Fatalf("escalated before the deadline: %v %v", ids, err)
		}
		e.clock.Add(7 * 24 * time.Hour)
		ids, err := e.EscalateDue(ctx, System, e.clock.Now())
		if err != nil || len(ids) != 1 || ids[0] != a.ID {
			t.Fatalf("escalated %v %v, want [%d]", ids, err, a.ID)
		}
		wantCode(t, e.RespondToReport(ctx, as(f.clinician), a.ID, chaperone.ResponseRemoved, ""), chaperone.ErrConflict)
		if err := e.RecordReportOutcome(ctx, as(f.reviewer), a.ID, chaperone.OutcomeReferredToBoard, "Second time; Pruitt's family complained"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.RecordReportOutcome(ctx, as(f.reviewer), a.ID, chaperone.OutcomeNoIssue, ""), chaperone.ErrConflict)
		got, _ = e.GetReport(ctx, a.ID)
		if got.Status != chaperone.ReportDecided || got.Outcome != chaperone.OutcomeReferredToBoard || got.OutcomeBy != f.reviewer.ID ||
			got.OutcomeNote != "Second time; Pruitt's family complained" || got.EscalatedAt.IsZero() || got.Content != a.Content {
			t.Fatalf("decided report %+v", got)
		}
		got, _ = e.GetReport(ctx, b.ID)
		if got.Status != chaperone.ReportResolved || got.Response != chaperone.ResponseDisagree || got.ResponseNote != "It is a generic joke, no patient" {
			t.Fatalf("answered report %+v", got)
		}
		if rs, err := e.ListReports(ctx, ReportFilter{OrgID: f.org.ID, SubjectID: f.clinician.ID}); err != nil || len(rs) != 2 || rs[0].ID != b.ID {
			t.Fatalf("about the clinician: %v %d", err, len(rs))
		}
		if rs, err := e.ListReports(ctx, ReportFilter{OrgID: f.org.ID, Status: chaperone.ReportResolved}); err != nil || len(rs) != 1 {
			t.Fatalf("resolved: %v %d", err, len(rs))
		}
		if rs, _ := e.ListReports(ctx, ReportFilter{OrgID: f.org.ID, ReporterID: f.clinician.ID}); len(rs) != 0 {
			t.Fatalf("by the clinician: %d", len(rs))
		}
		evs, err := e.ListAudit(ctx, AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		count := map[chaperone.AuditAction]int{}
		for _, ev := range evs {
			count[ev.Action]++
			if containsFold(ev.Details, "Pruitt") || containsFold(ev.Details, "joke") {
				t.Errorf("audit details hold report text: %s", ev.Details)
			}
		}
		if count[chaperone.ActionReportCreate] != 2 || count[chaperone.ActionReportNotify] != 2 || count[chaperone.ActionReportRespond] != 1 ||
			count[chaperone.ActionReportEscalate] != 1 || count[chaperone.ActionReportOutcome] != 1 {
			t.Errorf("audit events %v", count)
		}
		verifyOK(t, e.Store)
	})
}

// TestReportsAndIncidentsCannotBeDeleted: the database itself refuses to
// delete reports, incidents and their tasks, and to change who reported
// whom.
func TestReportsAndIncidentsCannotBeDeleted(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		r, err := e.CreateReport(ctx, as(f.reviewer), chaperone.ColleagueReport{OrgID: f.org.ID, ReporterID: f.reviewer.ID, SubjectID: f.clinician.ID,
			Content: "x", Deadline: e.clock.Now().Add(time.Hour)}, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.OpenIncident(ctx, as(f.reviewer), chaperone.BreachIncident{OrgID: f.org.ID, ReportedBy: f.reviewer.ID, Description: "x", DiscoveredAt: e.clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.DecideIncident(ctx, as(f.reviewer), b.ID, chaperone.DecisionBreach, "y", chaperone.NotificationTasks(e.clock.Now(), 3, 3)); err != nil {
			t.Fatal(err)
		}
		refused := func(what, query string, args ...any) {
			t.Helper()
			if _, err := e.db.ExecContext(ctx, e.q(query), args...); err == nil {
				t.Errorf("%s: allowed", what)
			}
		}
		refused("delete a report", "DELETE FROM colleague_reports WHERE id = ?", r.ID)
		refused("delete every report", "DELETE FROM colleague_reports")
		refused("change the reporter", "UPDATE colleague_reports SET reporter_id = ? WHERE id = ?", f.clinician.ID, r.ID)
		refused("unmask an anonymous report", "UPDATE colleague_reports SET subject_id = ? WHERE id = ?", f.reviewer.ID, r.ID)
		refused("move the deadline", "UPDATE colleague_reports SET deadline_at = ? WHERE id = ?", e.tv(e.clock.Now().AddDate(1, 0, 0)), r.ID)
		refused("delete an incident", "DELETE FROM breach_incidents WHERE id = ?", b.ID)
		refused("delete a notification task", "DELETE FROM breach_tasks")
		if e.Dialect() == Postgres {
			refused("truncate reports", "TRUNCATE colleague_reports")
			refused("truncate incidents", "TRUNCATE breach_incidents CASCADE")
			refused("truncate tasks", "TRUNCATE breach_tasks")
		}
		_, err = e.db.ExecContext(ctx, e.q("DELETE FROM colleague_reports WHERE id = ?"), r.ID)
		if err == nil || !containsFold([]byte(err.Error()), "colleague reports cannot be deleted") {
			t.Errorf("the refusal says why: %v", err)
		}
		if got, err := e.GetReport(ctx, r.ID); err != nil || got.ReporterID != f.reviewer.ID || got.Status != chaperone.ReportOpen {
			t.Errorf("after the refused changes: %+v %v", got, err)
		}
		if got, err := e.GetIncident(ctx, b.ID); err != nil || len(got.Tasks) != 2 {
			t.Errorf("incident after the refused deletes: %+v %v", got, err)
		}
		// the status moves that the workflow makes still work
		if err := e.RespondToReport(ctx, as(f.clinician), r.ID, chaperone.ResponseRemoved, ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestBreachIncidentsStore(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		found := e.clock.Now().Add(-24 * time.Hour)
		b, err := e.OpenIncident(ctx, as(f.clinician), chaperone.BreachIncident{OrgID: f.org.ID, ReportedBy: f.clinician.ID,
			Description: "Walter Pruitt's MRN 0048-2913 visible in a published photo", DiscoveredAt: found})
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != chaperone.IncidentOpen || !b.DiscoveredAt.Equal(norm(found)) {
			t.Fatalf("opened %+v", b)
		}
		wantCode(t, e.CloseIncident(ctx, as(f.reviewer), b.ID), chaperone.ErrConflict) // no decision
		b.Nature = chaperone.RiskFactor{Text: "Name and MRN of Walter Pruitt", Rating: chaperone.RatingHigh}
		b.Recipient = chaperone.RiskFactor{Text: "The public", Rating: chaperone.RatingHigh}
		b.Acquired = chaperone.RiskFactor{Text: "Viewed 40 times", Rating: chaperone.RatingMedium}
		b.Mitigation = chaperone.RiskFactor{Text: "Taken down within the hour", Rating: chaperone.RatingLow}
		b.Affected, b.MaxInState, b.ArchiveItemID = 1, 1, 77
		if err := e.AssessIncident(ctx, as(f.reviewer), b); err != nil {
			t.Fatal(err)
		}
		tasks := chaperone.NotificationTasks(found, 1, 1)
		d, err := e.DecideIncident(ctx, as(f.reviewer), b.ID, chaperone.DecisionBreach, "PHI was viewed by the public", tasks)
		if err != nil || len(d.Tasks) != 2 || d.Tasks[0].ID == 0 {
			t.Fatalf("decide: %v %+v", err, d.Tasks)
		}
		_, err = e.DecideIncident(ctx, as(f.reviewer), b.ID, chaperone.DecisionNotBreach, "again", nil)
		wantCode(t, err, chaperone.ErrConflict)
		wantCode(t, e.AssessIncident(ctx, as(f.reviewer), b), chaperone.ErrConflict)   // decided: no reassessment
		wantCode(t, e.CloseIncident(ctx, as(f.reviewer), b.ID), chaperone.ErrConflict) // tasks open
		for _, task := range d.Tasks {
			if err := e.CompleteBreachTask(ctx, as(f.reviewer), b.ID, task.ID); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, e.CompleteBreachTask(ctx, as(f.reviewer), b.ID, d.Tasks[0].ID), chaperone.ErrConflict)
		if err := e.CloseIncident(ctx, as(f.reviewer), b.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.CloseIncident(ctx, as(f.reviewer), b.ID), chaperone.ErrConflict)
		got, err := e.GetIncident(ctx, b.ID)
		if err != nil || got.Status != chaperone.IncidentClosed || got.Nature != b.Nature || got.Mitigation != b.Mitigation ||
			got.Rationale != "PHI was viewed by the public" || got.ArchiveItemID != 77 || got.Affected != 1 || got.DecidedBy != f.reviewer.ID ||
			len(got.Tasks) != 2 || got.Tasks[0].DoneAt.IsZero() || got.Description != b.Description {
			t.Fatalf("closed incident %+v %v", got, err)
		}
		list, err := e.ListIncidents(ctx, f.org.ID)
		if err != nil || len(list) != 1 || len(list[0].Tasks) != 2 {
			t.Fatalf("list %v %+v", err, list)
		}
		for _, blob := range rawBlobs(t, e, "SELECT details_enc FROM breach_incidents") {
			if containsFold(blob, "Pruitt") || containsFold(blob, "0048-2913") || containsFold(blob, "viewed by") {
				t.Fatal("an incident is stored in clear")
			}
		}
		evs, _ := e.ListAudit(ctx, AuditFilter{})
		for _, ev := range evs {
			if containsFold(ev.Details, "Pruitt") || containsFold(ev.Details, "public") {
				t.Errorf("audit details hold incident text: %s", ev.Details)
			}
		}
		acts := actions(t, e.Store)
		for _, want := range []chaperone.AuditAction{chaperone.ActionBreachOpen, chaperone.ActionBreachAssess, chaperone.ActionBreachDecide,
			chaperone.ActionBreachTaskDone, chaperone.ActionBreachClose} {
			found := false
			for _, a := range acts {
				found = found || a == want
			}
			if !found {
				t.Errorf("no %s event", want)
			}
		}
		verifyOK(t, e.Store)
	})
}
