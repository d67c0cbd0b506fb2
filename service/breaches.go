package service

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// DueSoon is how far ahead the dashboard lists breach notification tasks:
// those due within 14 days, and those overdue.
const DueSoon = 14 * 24 * time.Hour

// MaxFactorText bounds a risk factor's text.
const MaxFactorText = 4000

// OpenIncident opens a breach incident: PHI found in something already
// published. Anyone may report a suspected breach, which opens it for
// compliance; compliance and admins may also link the archived item it was
// found in. discovered is when it was discovered (zero: now), the start
// of the 60-day clock; it may not be in the future.
func (s *Service) OpenIncident(ctx context.Context, u chaperone.User, description string, archiveItemID int64, discovered time.Time) (chaperone.BreachIncident, error) {
	b := chaperone.BreachIncident{}
	if err := active(u); err != nil {
		return b, err
	}
	description = strings.TrimSpace(description)
	now := s.now()
	if discovered.IsZero() {
		discovered = now
	}
	switch {
	case description == "" || len(description) > MaxReportText:
		return b, invalid("describe what was found and where (at most %d characters)", MaxReportText)
	case discovered.After(now.Add(time.Minute)):
		return b, invalid("the discovery date is in the future")
	case archiveItemID != 0 && !canAudit(u):
		return b, forbidden("only compliance and admins link an archived item to an incident")
	}
	if err := s.checkArchiveItem(ctx, u, archiveItemID); err != nil {
		return b, err
	}
	return s.store.OpenIncident(ctx, actor(u), chaperone.BreachIncident{OrgID: u.OrgID, ReportedBy: u.ID, Description: description,
		ArchiveItemID: archiveItemID, DiscoveredAt: discovered})
}

func (s *Service) checkArchiveItem(ctx context.Context, u chaperone.User, id int64) error {
	if id == 0 {
		return nil
	}
	if it, err := s.store.GetArchiveItem(ctx, id); err != nil || it.OrgID != u.OrgID {
		return invalid("archive item %d is not in this organisation's archive", id)
	}
	return nil
}

// incidentFor loads an incident u may see: compliance and admins any of
// the org's, others those they reported.
func (s *Service) incidentFor(ctx context.Context, u chaperone.User, id int64) (chaperone.BreachIncident, error) {
	if err := active(u); err != nil {
		return chaperone.BreachIncident{}, err
	}
	b, err := s.store.GetIncident(ctx, id)
	if err != nil || b.OrgID != u.OrgID || (!canAudit(u) && b.ReportedBy != u.ID) {
		return chaperone.BreachIncident{}, chaperone.Errorf(chaperone.ErrNotFound, "incident %d not found", id)
	}
	return b, nil
}

// manageIncident loads an incident for a change by compliance or an
// admin.
func (s *Service) manageIncident(ctx context.Context, u chaperone.User, id int64) (chaperone.BreachIncident, error) {
	b, err := s.incidentFor(ctx, u, id)
	if err != nil {
		return b, err
	}
	if !canAudit(u) {
		return b, forbidden("only compliance and admins handle breach incidents")
	}
	return b, nil
}

// Incident returns one incident with its tasks and records the view.
func (s *Service) Incident(ctx context.Context, u chaperone.User, id int64) (chaperone.BreachIncident, error) {
	b, err := s.incidentFor(ctx, u, id)
	if err != nil {
		return b, err
	}
	return b, s.store.RecordView(ctx, actor(u), u.OrgID, "breach_incident", fmt.Sprint(id))
}

// Incidents lists the incidents u may see, newest first: all of the
// org's for compliance and admins, the ones they reported for others.
func (s *Service) Incidents(ctx context.Context, u chaperone.User) ([]chaperone.BreachIncident, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	all, err := s.store.ListIncidents(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	out := []chaperone.BreachIncident{}
	for _, b := range all {
		if canAudit(u) || b.ReportedBy == u.ID {
			out = append(out, b)
		}
	}
	if len(out) > 0 {
		err = s.store.RecordView(ctx, actor(u), u.OrgID, "breach_incidents", fmt.Sprint(len(out)))
	}
	return out, err
}

// Assessment is the risk assessment of 45 CFR 164.402(2) and the counts a
// decision needs. Factors may be saved part-way; a rating is low, medium
// or high, or empty while not assessed.
type Assessment struct {
	Nature        chaperone.RiskFactor `json:"nature"`
	Recipient     chaperone.RiskFactor `json:"recipient"`
	Acquired      chaperone.RiskFactor `json:"acquired"`
	Mitigation    chaperone.RiskFactor `json:"mitigation"`
	Affected      int                  `json:"affected"`
	MaxInState    int                  `json:"max_in_state"`
	ArchiveItemID int64                `json:"archive_item_id"`
}

// AssessIncident saves the assessment of an open, undecided incident.
func (s *Service) AssessIncident(ctx context.Context, u chaperone.User, id int64, a Assessment) (chaperone.BreachIncident, error) {
	b, err := s.manageIncident(ctx, u, id)
	if err != nil {
		return b, err
	}
	for _, f := range []*chaperone.RiskFactor{&a.Nature, &a.Recipient, &a.Acquired, &a.Mitigation} {
		f.Text = strings.TrimSpace(f.Text)
		if f.Rating != "" && !f.Rating.Valid() {
			return b, invalid("a rating is low, medium or high, not %q", f.Rating)
		}
		if len(f.Text) > MaxFactorText {
			return b, invalid("a factor's text is longer than %d characters", MaxFactorText)
		}
	}
	switch {
	case a.Affected < 0 || a.MaxInState < 0:
		return b, invalid("the numbers of individuals cannot be negative")
	case a.MaxInState > a.Affected:
		return b, invalid("more individuals in one state (%d) than affected in all (%d)", a.MaxInState, a.Affected)
	case b.Status != chaperone.IncidentOpen || b.Decision != "":
		return b, conflict("incident %d is decided: its assessment is kept as it was", id)
	}
	if err := s.checkArchiveItem(ctx, u, a.ArchiveItemID); err != nil {
		return b, err
	}
	b.Nature, b.Recipient, b.Acquired, b.Mitigation = a.Nature, a.Recipient, a.Acquired, a.Mitigation
	b.Affected, b.MaxInState, b.ArchiveItemID = a.Affected, a.MaxInState, a.ArchiveItemID
	if err := s.store.AssessIncident(ctx, actor(u), b); err != nil {
		return b, err
	}
	return s.store.GetIncident(ctx, id)
}

// DecideIncident records the decision once all four factors are
// assessed: a breach (which makes the notification tasks, each due as
// chaperone.NotificationTasks computes from the discovery) or not a
// breach because the assessment shows a low probability that the PHI was
// compromised. The rationale is required; the decision is made once.
func (s *Service) DecideIncident(ctx context.Context, u chaperone.User, id int64, d chaperone.BreachDecision, rationale string) (chaperone.BreachIncident, error) {
	b, err := s.manageIncident(ctx, u, id)
	if err != nil {
		return b, err
	}
	rationale = strings.TrimSpace(rationale)
	switch {
	case !d.Valid():
		return b, invalid("decide breach or not_breach")
	case rationale == "" || len(rationale) > MaxReportText:
		return b, invalid("record the rationale for the decision (45 CFR 164.530(j); at most %d characters)", MaxReportText)
	case b.Status != chaperone.IncidentOpen || b.Decision != "":
		return b, conflict("incident %d is already decided", id)
	case !b.Assessed():
		return b, invalid("assess all four factors of 45 CFR 164.402(2), each with a rating, before deciding")
	case d == chaperone.DecisionBreach && b.Affected < 1:
		return b, invalid("give the number of individuals affected before deciding it is a breach")
	}
	var tasks []chaperone.BreachTask
	if d == chaperone.DecisionBreach {
		tasks = chaperone.NotificationTasks(b.DiscoveredAt, b.Affected, b.MaxInState)
	}
	return s.store.DecideIncident(ctx, actor(u), id, d, rationale, tasks)
}

// CompleteBreachTask marks one of the incident's notification tasks done.
func (s *Service) CompleteBreachTask(ctx context.Context, u chaperone.User, incidentID, taskID int64) error {
	if _, err := s.manageIncident(ctx, u, incidentID); err != nil {
		return err
	}
	return s.store.CompleteBreachTask(ctx, actor(u), incidentID, taskID)
}

// CloseIncident closes a decided incident whose notifications are all
// done.
func (s *Service) CloseIncident(ctx context.Context, u chaperone.User, id int64) error {
	if _, err := s.manageIncident(ctx, u, id); err != nil {
		return err
	}
	return s.store.CloseIncident(ctx, actor(u), id)
}

// DueNotification is an open notification task for the dashboard.
type DueNotification struct {
	IncidentID int64                `json:"incident_id"`
	Task       chaperone.BreachTask `json:"task"`
	Overdue    bool                 `json:"overdue"`
}

// NotificationsDue lists, for compliance and admins, the notification
// tasks not done that are overdue or due within DueSoon, soonest first;
// nothing for other roles.
func (s *Service) NotificationsDue(ctx context.Context, u chaperone.User) ([]DueNotification, error) {
	if err := active(u); err != nil || !canAudit(u) {
		return nil, err
	}
	bs, err := s.store.ListIncidents(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []DueNotification
	for _, b := range bs {
		for _, t := range b.Tasks {
			if t.DoneAt.IsZero() && t.Due.Sub(now) <= DueSoon {
				out = append(out, DueNotification{IncidentID: b.ID, Task: t, Overdue: now.After(t.Due)})
			}
		}
	}
	for i := 1; i < len(out); i++ { // few: insertion sort by due date
		for j := i; j > 0 && out[j].Task.Due.Before(out[j-1].Task.Due); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// BreachLog returns the HHS log for a calendar year: the breaches of
// fewer than 500 individuals discovered that year (45 CFR 164.408(c)),
// oldest first. Compliance and admins only; the view is recorded.
func (s *Service) BreachLog(ctx context.Context, u chaperone.User, year int) ([]chaperone.BreachLogEntry, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	if !canAudit(u) {
		return nil, forbidden("only compliance and admins read the breach log")
	}
	if year < 2000 || year > 9999 {
		return nil, invalid("give the year as four digits")
	}
	bs, err := s.store.ListIncidents(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	out := []chaperone.BreachLogEntry{}
	for i := len(bs) - 1; i >= 0; i-- {
		b := bs[i]
		if b.Decision != chaperone.DecisionBreach || b.Affected >= chaperone.LargeBreach || b.DiscoveredAt.Year() != year {
			continue
		}
		e := chaperone.BreachLogEntry{IncidentID: b.ID, DiscoveredAt: b.DiscoveredAt, Affected: b.Affected, Description: b.Description,
			Nature: b.Nature.Rating, Recipient: b.Recipient.Rating, Acquired: b.Acquired.Rating, Mitigation: b.Mitigation.Rating,
			Rationale: b.Rationale, Status: b.Status}
		for _, t := range b.Tasks {
			if t.Kind == chaperone.NotifyIndividuals {
				e.IndividualsNotified = t.DoneAt
			}
		}
		out = append(out, e)
	}
	if len(out) > 0 {
		err = s.store.RecordView(ctx, actor(u), u.OrgID, "breach_log", strconv.Itoa(year))
	}
	return out, err
}

// Export formats.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// ExportIncident returns one incident as JSON or CSV (field, value rows)
// for compliance and admins, and appends breach.export.
func (s *Service) ExportIncident(ctx context.Context, u chaperone.User, id int64, format string) ([]byte, string, error) {
	b, err := s.manageIncident(ctx, u, id)
	if err != nil {
		return nil, "", err
	}
	var out []byte
	switch format {
	case FormatJSON, "":
		format = FormatJSON
		out, err = json.MarshalIndent(b, "", "  ")
	case FormatCSV:
		rows := [][]string{{"field", "value"},
			{"incident_id", fmt.Sprint(b.ID)}, {"status", b.Status}, {"discovered_at", stamp(b.DiscoveredAt)},
			{"description", b.Description}, {"archive_item_id", idOrEmpty(b.ArchiveItemID)},
			{"nature", b.Nature.Text}, {"nature_rating", string(b.Nature.Rating)},
			{"recipient", b.Recipient.Text}, {"recipient_rating", string(b.Recipient.Rating)},
			{"acquired", b.Acquired.Text}, {"acquired_rating", string(b.Acquired.Rating)},
			{"mitigation", b.Mitigation.Text}, {"mitigation_rating", string(b.Mitigation.Rating)},
			{"decision", string(b.Decision)}, {"rationale", b.Rationale}, {"decided_at", stamp(b.DecidedAt)},
			{"affected", fmt.Sprint(b.Affected)}, {"max_in_state", fmt.Sprint(b.MaxInState)}, {"closed_at", stamp(b.ClosedAt)}}
		for _, t := range b.Tasks {
			rows = append(rows, []string{"task_" + string(t.Kind) + "_due", stamp(t.Due)}, []string{"task_" + string(t.Kind) + "_done", stamp(t.DoneAt)})
		}
		out, err = writeCSV(rows)
	default:
		return nil, "", invalid("export as json or csv")
	}
	if err != nil {
		return nil, "", err
	}
	_, err = s.store.Audit(ctx, actor(u), store.AuditEntry{OrgID: u.OrgID, Action: chaperone.ActionBreachExport, SubjectKind: "breach_incident",
		SubjectID: fmt.Sprint(id), Details: map[string]any{"format": format}})
	return out, contentType(format), err
}

// ExportBreachLog returns the year's HHS log as JSON or CSV (one row per
// breach) and appends breach.export.
func (s *Service) ExportBreachLog(ctx context.Context, u chaperone.User, year int, format string) ([]byte, string, error) {
	log, err := s.BreachLog(ctx, u, year)
	if err != nil {
		return nil, "", err
	}
	var out []byte
	switch format {
	case FormatJSON, "":
		format = FormatJSON
		out, err = json.MarshalIndent(map[string]any{"year": year, "due": chaperone.AnnualLogDue(year), "breaches": log}, "", "  ")
	case FormatCSV:
		rows := [][]string{{"incident_id", "discovered_at", "affected", "description", "nature_rating", "recipient_rating",
			"acquired_rating", "mitigation_rating", "rationale", "individuals_notified", "status"}}
		for _, e := range log {
			rows = append(rows, []string{fmt.Sprint(e.IncidentID), stamp(e.DiscoveredAt), fmt.Sprint(e.Affected), e.Description,
				string(e.Nature), string(e.Recipient), string(e.Acquired), string(e.Mitigation), e.Rationale, stamp(e.IndividualsNotified), e.Status})
		}
		out, err = writeCSV(rows)
	default:
		return nil, "", invalid("export as json or csv")
	}
	if err != nil {
		return nil, "", err
	}
	_, err = s.store.Audit(ctx, actor(u), store.AuditEntry{OrgID: u.OrgID, Action: chaperone.ActionBreachExport, SubjectKind: "breach_log",
		SubjectID: strconv.Itoa(year), Details: map[string]any{"format": format, "breaches": len(log)}})
	return out, contentType(format), err
}

func contentType(format string) string {
	if format == FormatCSV {
		return "text/csv; charset=utf-8"
	}
	return "application/json"
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprint(id)
}

// writeCSV writes rows, defusing cells a spreadsheet would run as a
// formula.
func writeCSV(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		for i, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				r[i] = "'" + c
			}
		}
		if err := w.Write(r); err != nil {
			return nil, chaperone.Errorf(chaperone.ErrInternal, "writing the CSV export")
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, chaperone.Errorf(chaperone.ErrInternal, "writing the CSV export")
	}
	return buf.Bytes(), nil
}
