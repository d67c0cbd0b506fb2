package service

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func assessed(affected, inState int) Assessment {
	return Assessment{
		Nature:     chaperone.RiskFactor{Text: "Name and MRN of one patient, Siobhan O'Connell", Rating: chaperone.RatingHigh},
		Recipient:  chaperone.RiskFactor{Text: "Anyone following the practice's account", Rating: chaperone.RatingHigh},
		Acquired:   chaperone.RiskFactor{Text: "Viewed 40 times before removal", Rating: chaperone.RatingMedium},
		Mitigation: chaperone.RiskFactor{Text: "Removed within the hour", Rating: chaperone.RatingLow},
		Affected:   affected, MaxInState: inState,
	}
}

func TestNotificationDueDates(t *testing.T) {
	found := time.Date(2026, 4, 10, 15, 30, 0, 0, time.UTC)
	due := map[chaperone.BreachTaskKind]time.Time{}
	for _, task := range chaperone.NotificationTasks(found, 12, 12) {
		due[task.Kind] = task.Due
	}
	if len(due) != 2 || !due[chaperone.NotifyIndividuals].Equal(time.Date(2026, 6, 9, 15, 30, 0, 0, time.UTC)) ||
		due[chaperone.NotifyHHSLog].Format(time.DateOnly) != "2027-03-01" {
		t.Errorf("a small breach: %v", due)
	}
	due = map[chaperone.BreachTaskKind]time.Time{}
	for _, task := range chaperone.NotificationTasks(found, 500, 501) {
		due[task.Kind] = task.Due
	}
	sixty := time.Date(2026, 6, 9, 15, 30, 0, 0, time.UTC)
	if len(due) != 3 || !due[chaperone.NotifyHHS].Equal(sixty) || !due[chaperone.NotifyMedia].Equal(sixty) || !due[chaperone.NotifyIndividuals].Equal(sixty) {
		t.Errorf("a large breach: %v", due)
	}
	due = map[chaperone.BreachTaskKind]time.Time{}
	for _, task := range chaperone.NotificationTasks(found, 600, 500) { // 500 in one state is not "more than 500"
		due[task.Kind] = task.Due
	}
	if _, media := due[chaperone.NotifyMedia]; media || len(due) != 2 || due[chaperone.NotifyHHS].IsZero() {
		t.Errorf("600 affected, 500 in a state: %v", due)
	}
	if got := chaperone.AnnualLogDue(2027).Format(time.DateOnly); got != "2028-02-29" { // a leap year: still Dec 31 + 60 days
		t.Errorf("log due for 2027: %s", got)
	}
}

// TestBreachIncident: reported by a clinician, assessed and decided by
// compliance, with the notification tasks due 60 days from discovery
// (the annual log for a small breach), overdue detection, the decision
// required before closing, the HHS log and the exports.
func TestBreachIncident(t *testing.T) {
	start := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
	clockedBackends(t, start, func(t *testing.T, w *world, clk *clock) {
		ctx := context.Background()
		found := start.Add(-48 * time.Hour)
		b := must[chaperone.BreachIncident](t)(w.svc.OpenIncident(ctx, w.clinician, "My published post shows Siobhan O'Connell's MRN", 0, found))
		if b.Status != chaperone.IncidentOpen || !b.DiscoveredAt.Equal(found) || b.ReportedBy != w.clinician.ID {
			t.Fatalf("opened %+v", b)
		}
		_, err := w.svc.OpenIncident(ctx, w.clinician, "x", 99, time.Time{})
		wantCode(t, err, chaperone.ErrForbidden) // only compliance links archive items
		_, err = w.svc.OpenIncident(ctx, w.comp, "x", 99, time.Time{})
		wantCode(t, err, chaperone.ErrInvalid) // not in the archive
		_, err = w.svc.OpenIncident(ctx, w.comp, "x", 0, start.Add(48*time.Hour))
		wantCode(t, err, chaperone.ErrInvalid)
		// the clinician sees their own report; others do not; only compliance and admins act
		must[chaperone.BreachIncident](t)(w.svc.Incident(ctx, w.clinician, b.ID))
		_, err = w.svc.Incident(ctx, w.clinician2, b.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		_, err = w.svc.Incident(ctx, w.outsider, b.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		_, err = w.svc.AssessIncident(ctx, w.clinician, b.ID, assessed(1, 1))
		wantCode(t, err, chaperone.ErrForbidden)

		// the decision needs the four factors, and the close needs the decision
		wantCode(t, w.svc.CloseIncident(ctx, w.comp, b.ID), chaperone.ErrConflict)
		partial := assessed(1, 1)
		partial.Mitigation.Rating = ""
		must[chaperone.BreachIncident](t)(w.svc.AssessIncident(ctx, w.comp, b.ID, partial))
		_, err = w.svc.DecideIncident(ctx, w.comp, b.ID, chaperone.DecisionBreach, "PHI was seen by the public")
		wantCode(t, err, chaperone.ErrInvalid)
		bad := assessed(1, 2)
		_, err = w.svc.AssessIncident(ctx, w.comp, b.ID, bad)
		wantCode(t, err, chaperone.ErrInvalid)
		bad = assessed(1, 1)
		bad.Acquired.Rating = "severe"
		_, err = w.svc.AssessIncident(ctx, w.comp, b.ID, bad)
		wantCode(t, err, chaperone.ErrInvalid)
		must[chaperone.BreachIncident](t)(w.svc.AssessIncident(ctx, w.comp, b.ID, assessed(1, 1)))
		_, err = w.svc.DecideIncident(ctx, w.comp, b.ID, chaperone.DecisionBreach, "")
		wantCode(t, err, chaperone.ErrInvalid)
		d := must[chaperone.BreachIncident](t)(w.svc.DecideIncident(ctx, w.comp, b.ID, chaperone.DecisionBreach, "PHI was seen by the public"))
		if len(d.Tasks) != 2 || d.Tasks[0].Kind != chaperone.NotifyIndividuals || !d.Tasks[0].Due.Equal(found.AddDate(0, 0, 60)) ||
			d.Tasks[1].Kind != chaperone.NotifyHHSLog || d.Tasks[1].Due.Format(time.DateOnly) != "2027-03-01" {
			t.Fatalf("tasks %+v", d.Tasks)
		}
		_, err = w.svc.DecideIncident(ctx, w.comp, b.ID, chaperone.DecisionNotBreach, "on reflection")
		wantCode(t, err, chaperone.ErrConflict)
		_, err = w.svc.AssessIncident(ctx, w.comp, b.ID, assessed(2, 2))
		wantCode(t, err, chaperone.ErrConflict)

		// the dashboard: nothing due within 14 days yet; then due soon; then overdue
		if due := must[[]DueNotification](t)(w.svc.NotificationsDue(ctx, w.comp)); len(due) != 0 {
			t.Fatalf("due on day 2: %+v", due)
		}
		clk.Add(45 * 24 * time.Hour) // day 47 of 60
		due := must[[]DueNotification](t)(w.svc.NotificationsDue(ctx, w.comp))
		if len(due) != 1 || due[0].Task.Kind != chaperone.NotifyIndividuals || due[0].Overdue || due[0].IncidentID != b.ID {
			t.Fatalf("due on day 47: %+v", due)
		}
		if due := must[[]DueNotification](t)(w.svc.NotificationsDue(ctx, w.clinician)); len(due) != 0 {
			t.Fatalf("a clinician's dashboard lists %d tasks", len(due))
		}
		clk.Add(14 * 24 * time.Hour) // day 61
		due = must[[]DueNotification](t)(w.svc.NotificationsDue(ctx, w.comp))
		if len(due) != 1 || !due[0].Overdue {
			t.Fatalf("due on day 61: %+v", due)
		}
		wantCode(t, w.svc.CloseIncident(ctx, w.comp, b.ID), chaperone.ErrConflict) // notifications left
		for _, task := range d.Tasks {
			if err := w.svc.CompleteBreachTask(ctx, w.admin, b.ID, task.ID); err != nil {
				t.Fatal(err)
			}
		}
		if due := must[[]DueNotification](t)(w.svc.NotificationsDue(ctx, w.comp)); len(due) != 0 {
			t.Fatalf("due after the notifications: %+v", due)
		}
		if err := w.svc.CloseIncident(ctx, w.comp, b.ID); err != nil {
			t.Fatal(err)
		}

		// a large breach goes to HHS within 60 days, not to the log; a non-breach is not logged
		big := must[chaperone.BreachIncident](t)(w.svc.OpenIncident(ctx, w.comp, "Spreadsheet of 800 patients in a screenshot", 0, time.Time{}))
		must[chaperone.BreachIncident](t)(w.svc.AssessIncident(ctx, w.comp, big.ID, assessed(800, 700)))
		big = must[chaperone.BreachIncident](t)(w.svc.DecideIncident(ctx, w.comp, big.ID, chaperone.DecisionBreach, "Names and diagnoses exposed"))
		if len(big.Tasks) != 3 || big.Tasks[2].Kind != chaperone.NotifyHHS && big.Tasks[1].Kind != chaperone.NotifyHHS {
			t.Fatalf("large breach tasks %+v", big.Tasks)
		}
		for _, task := range big.Tasks {
			if !task.Due.Equal(clk.Now().AddDate(0, 0, 60)) {
				t.Errorf("%s due %s", task.Kind, task.Due)
			}
		}
		not := must[chaperone.BreachIncident](t)(w.svc.OpenIncident(ctx, w.comp, "Initials only, no other identifier", 0, time.Time{}))
		lowRisk := assessed(1, 1)
		lowRisk.Nature.Rating, lowRisk.Recipient.Rating, lowRisk.Acquired.Rating = chaperone.RatingLow, chaperone.RatingLow, chaperone.RatingLow
		must[chaperone.BreachIncident](t)(w.svc.AssessIncident(ctx, w.comp, not.ID, lowRisk))
		not = must[chaperone.BreachIncident](t)(w.svc.DecideIncident(ctx, w.comp, not.ID, chaperone.DecisionNotBreach, "Low probability of compromise"))
		if len(not.Tasks) != 0 {
			t.Fatalf("a non-breach has tasks %+v", not.Tasks)
		}
		if err := w.svc.CloseIncident(ctx, w.comp, not.ID); err != nil {
			t.Fatal(err)
		}

		log := must[[]chaperone.BreachLogEntry](t)(w.svc.BreachLog(ctx, w.comp, 2026))
		if len(log) != 1 || log[0].IncidentID != b.ID || log[0].Affected != 1 || log[0].IndividualsNotified.IsZero() || log[0].Nature != chaperone.RatingHigh {
			t.Fatalf("log %+v", log)
		}
		if l := must[[]chaperone.BreachLogEntry](t)(w.svc.BreachLog(ctx, w.comp, 2025)); len(l) != 0 {
			t.Fatalf("2025 log %+v", l)
		}
		_, err = w.svc.BreachLog(ctx, w.clinician, 2026)
		wantCode(t, err, chaperone.ErrForbidden)

		// exports
		js, typ, err := w.svc.ExportIncident(ctx, w.comp, b.ID, "json")
		var back chaperone.BreachIncident
		if err != nil || typ != "application/json" || json.Unmarshal(js, &back) != nil || back.ID != b.ID || len(back.Tasks) != 2 ||
			back.Nature.Text != assessed(1, 1).Nature.Text || back.Status != chaperone.IncidentClosed {
			t.Fatalf("JSON export: %v %q %+v", err, typ, back)
		}
		cs, typ, err := w.svc.ExportIncident(ctx, w.comp, b.ID, "csv")
		rows, perr := csv.NewReader(strings.NewReader(string(cs))).ReadAll()
		if err != nil || perr != nil || !strings.HasPrefix(typ, "text/csv") || rows[0][0] != "field" || !csvHas(rows, "decision", "breach") ||
			!csvHas(rows, "task_hhs_log_due", "2027-03-01T23:59:59Z") || !csvHas(rows, "affected", "1") {
			t.Fatalf("CSV export: %v %v %q\n%s", err, perr, typ, cs)
		}
		_, _, err = w.svc.ExportIncident(ctx, w.comp, b.ID, "pdf")
		wantCode(t, err, chaperone.ErrInvalid)
		_, _, err = w.svc.ExportIncident(ctx, w.clinician, b.ID, "json")
		wantCode(t, err, chaperone.ErrForbidden)
		lc, _, err := w.svc.ExportBreachLog(ctx, w.comp, 2026, "csv")
		rows, perr = csv.NewReader(strings.NewReader(string(lc))).ReadAll()
		if err != nil || perr != nil || len(rows) != 2 || rows[0][0] != "incident_id" || rows[1][2] != "1" || !strings.Contains(rows[1][3], "O'Connell") {
			t.Fatalf("log CSV: %v %v\n%s", err, perr, lc)
		}
		lj, _, err := w.svc.ExportBreachLog(ctx, w.comp, 2026, "json")
		var logDoc struct {
			Year     int                        `json:"year"`
			Due      time.Time                  `json:"due"`
			Breaches []chaperone.BreachLogEntry `json:"breaches"`
		}
		if err != nil || json.Unmarshal(lj, &logDoc) != nil || logDoc.Year != 2026 || len(logDoc.Breaches) != 1 || logDoc.Due.Format(time.DateOnly) != "2027-03-01" {
			t.Fatalf("log JSON: %v %s", err, lj)
		}
		if !hasAll(actions(t, w.st), chaperone.ActionBreachOpen, chaperone.ActionBreachAssess, chaperone.ActionBreachDecide,
			chaperone.ActionBreachTaskDone, chaperone.ActionBreachClose, chaperone.ActionBreachExport) {
			t.Errorf("audit %v", actions(t, w.st))
		}
	})
}

// TestCSVDefusesFormulas: a description that a spreadsheet would run is
// exported as text.
func TestCSVDefusesFormulas(t *testing.T) {
	out, err := writeCSV([][]string{{"=HYPERLINK(\"http://evil\")", "-1", "ok"}})
	if err != nil || string(out) != `"'=HYPERLINK(""http://evil"")",'-1,ok`+"\n" {
		t.Fatalf("%q %v", out, err)
	}
}

func csvHas(rows [][]string, field, value string) bool {
	for _, r := range rows {
		if len(r) == 2 && r[0] == field && r[1] == value {
			return true
		}
	}
	return false
}
