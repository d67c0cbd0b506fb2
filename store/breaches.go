package store

import (
	"context"
	"encoding/json"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// breachDetails are an incident's free-text fields, kept as one encrypted
// JSON value: what was found may quote the PHI.
type breachDetails struct {
	Description string `json:"description"`
	Nature      string `json:"nature,omitempty"`
	Recipient   string `json:"recipient,omitempty"`
	Acquired    string `json:"acquired,omitempty"`
	Mitigation  string `json:"mitigation,omitempty"`
	Rationale   string `json:"rationale,omitempty"`
}

func breachAD(id int64) string { return "breach_incidents.details/" + subject(id) }

// OpenIncident records a suspected breach (ID, Status, CreatedAt are set
// here; the description is encrypted) and appends breach.open.
func (tx *Tx) OpenIncident(ctx context.Context, actor Actor, b chaperone.BreachIncident) (chaperone.BreachIncident, error) {
	now := tx.s.clock()
	b.Status, b.CreatedAt, b.DiscoveredAt = chaperone.IncidentOpen, now, norm(b.DiscoveredAt)
	b.Decision, b.Rationale, b.DecidedBy, b.DecidedAt, b.ClosedBy, b.ClosedAt, b.Tasks = "", "", 0, time.Time{}, 0, time.Time{}, nil
	err := tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO breach_incidents (org_id, reported_by, archive_item_id, discovered_at, details_enc,
		nature_rating, recipient_rating, acquired_rating, mitigation_rating, affected, max_in_state, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		b.OrgID, b.ReportedBy, nid(b.ArchiveItemID), tx.s.tv(b.DiscoveredAt), []byte{}, string(b.Nature.Rating), string(b.Recipient.Rating),
		string(b.Acquired.Rating), string(b.Mitigation.Rating), b.Affected, b.MaxInState, b.Status, tx.s.tv(now)).Scan(&b.ID)
	if err != nil {
		return b, dbError("opening the incident", err)
	}
	if err := tx.sealIncident(ctx, b); err != nil {
		return b, err
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: b.OrgID, Action: chaperone.ActionBreachOpen, SubjectKind: "breach_incident", SubjectID: subject(b.ID),
		Details: map[string]any{"discovered_at": b.DiscoveredAt, "archive_item_id": b.ArchiveItemID}})
	return b, err
}

// OpenIncident opens an incident in a transaction of its own.
func (s *Store) OpenIncident(ctx context.Context, actor Actor, b chaperone.BreachIncident) (chaperone.BreachIncident, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.BreachIncident, error) { return tx.OpenIncident(ctx, actor, b) })
}

func (tx *Tx) sealIncident(ctx context.Context, b chaperone.BreachIncident) error {
	js, err := json.Marshal(breachDetails{Description: b.Description, Nature: b.Nature.Text, Recipient: b.Recipient.Text,
		Acquired: b.Acquired.Text, Mitigation: b.Mitigation.Text, Rationale: b.Rationale})
	if err != nil {
		return internal("encoding the incident", err)
	}
	enc, err := tx.s.seal(string(js), breachAD(b.ID))
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q("UPDATE breach_incidents SET details_enc = ? WHERE id = ?"), enc, b.ID)
	return dbError("saving the incident", err)
}

const incidentColumns = `SELECT id, org_id, reported_by, archive_item_id, discovered_at, details_enc, nature_rating, recipient_rating,
	acquired_rating, mitigation_rating, decision, affected, max_in_state, decided_by, decided_at, status, closed_by, closed_at, created_at
	FROM breach_incidents`

func (s *Store) scanIncident(r scanner) (chaperone.BreachIncident, error) {
	var b chaperone.BreachIncident
	var enc []byte
	var nature, recipient, acquired, mitigation, decision string
	err := r.Scan(&b.ID, &b.OrgID, &b.ReportedBy, nullable(&b.ArchiveItemID), tm(&b.DiscoveredAt), &enc, &nature, &recipient, &acquired,
		&mitigation, &decision, &b.Affected, &b.MaxInState, nullable(&b.DecidedBy), tm(&b.DecidedAt), &b.Status, nullable(&b.ClosedBy),
		tm(&b.ClosedAt), tm(&b.CreatedAt))
	if err != nil {
		return b, dbError("reading the incident", err)
	}
	js, err := s.open(enc, breachAD(b.ID))
	if err != nil {
		return chaperone.BreachIncident{}, err
	}
	var d breachDetails
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		return chaperone.BreachIncident{}, internal("decoding the incident", err)
	}
	b.Description, b.Rationale = d.Description, d.Rationale
	b.Nature = chaperone.RiskFactor{Text: d.Nature, Rating: chaperone.Rating(nature)}
	b.Recipient = chaperone.RiskFactor{Text: d.Recipient, Rating: chaperone.Rating(recipient)}
	b.Acquired = chaperone.RiskFactor{Text: d.Acquired, Rating: chaperone.Rating(acquired)}
	b.Mitigation = chaperone.RiskFactor{Text: d.Mitigation, Rating: chaperone.Rating(mitigation)}
	b.Decision = chaperone.BreachDecision(decision)
	b.Tasks = []chaperone.BreachTask{}
	return b, nil
}

const breachTaskColumns = "SELECT id, incident_id, kind, due_at, done_at, done_by FROM breach_tasks"

func scanBreachTask(r scanner) (chaperone.BreachTask, error) {
	var t chaperone.BreachTask
	var kind string
	err := r.Scan(&t.ID, &t.IncidentID, &kind, tm(&t.Due), tm(&t.DoneAt), nullable(&t.DoneBy))
	t.Kind = chaperone.BreachTaskKind(kind)
	return t, dbError("reading the notification task", err)
}

// withTasks fills the incidents' tasks.
func (s *Store) withTasks(ctx context.Context, q querier, bs []chaperone.BreachIncident, orgID int64) ([]chaperone.BreachIncident, error) {
	if len(bs) == 0 {
		return bs, nil
	}
	tasks, err := list(ctx, q, "listing notification tasks", s.q(breachTaskColumns+" WHERE org_id = ? ORDER BY due_at, id"), scanBreachTask, orgID)
	if err != nil {
		return nil, err
	}
	at := map[int64]int{}
	for i, b := range bs {
		at[b.ID] = i
	}
	for _, t := range tasks {
		if i, ok := at[t.IncidentID]; ok {
			bs[i].Tasks = append(bs[i].Tasks, t)
		}
	}
	return bs, nil
}

// GetIncident returns an incident with its tasks, decrypted. Showing it
// is a PHI view: the caller records it.
func (s *Store) GetIncident(ctx context.Context, id int64) (chaperone.BreachIncident, error) {
	return s.getIncident(ctx, s.rdb, id)
}

func (s *Store) getIncident(ctx context.Context, q querier, id int64) (chaperone.BreachIncident, error) {
	b, err := s.scanIncident(q.QueryRowContext(ctx, s.q(incidentColumns+" WHERE id = ?"), id))
	if err != nil {
		return b, err
	}
	tasks, err := list(ctx, q, "listing notification tasks", s.q(breachTaskColumns+" WHERE incident_id = ? ORDER BY due_at, id"), scanBreachTask, id)
	if err != nil {
		return b, err
	}
	b.Tasks = append(b.Tasks, tasks...)
	return b, nil
}

// ListIncidents returns the org's incidents with their tasks, newest
// first, decrypted (at most 1000).
func (s *Store) ListIncidents(ctx context.Context, orgID int64) ([]chaperone.BreachIncident, error) {
	bs, err := list(ctx, s.rdb, "listing incidents", s.q(incidentColumns+" WHERE org_id = ? ORDER BY id DESC LIMIT 1000"), s.scanIncident, orgID)
	if err != nil {
		return nil, err
	}
	return s.withTasks(ctx, s.rdb, bs, orgID)
}

// AssessIncident saves the four factors, the linked archive item and the
// counts of an open, undecided incident and appends breach.assess (the
// ratings and counts; never the texts). A decided or closed incident is
// a conflict.
func (s *Store) AssessIncident(ctx context.Context, actor Actor, b chaperone.BreachIncident) error {
	return s.InTx(ctx, func(tx *Tx) error {
		old, err := tx.s.getIncident(ctx, tx.tx, b.ID)
		if err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, tx.s.q(`UPDATE breach_incidents SET archive_item_id = ?, nature_rating = ?, recipient_rating = ?,
			acquired_rating = ?, mitigation_rating = ?, affected = ?, max_in_state = ? WHERE id = ? AND status = ? AND decision = ''`),
			nid(b.ArchiveItemID), string(b.Nature.Rating), string(b.Recipient.Rating), string(b.Acquired.Rating), string(b.Mitigation.Rating),
			b.Affected, b.MaxInState, b.ID, chaperone.IncidentOpen)
		if err := casDone(res, err, "assessing the incident (decided incidents are not reassessed)"); err != nil {
			return err
		}
		old.Nature, old.Recipient, old.Acquired, old.Mitigation = b.Nature, b.Recipient, b.Acquired, b.Mitigation
		if err := tx.sealIncident(ctx, old); err != nil {
			return err
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: old.OrgID, Action: chaperone.ActionBreachAssess, SubjectKind: "breach_incident", SubjectID: subject(b.ID),
			Details: map[string]any{"nature": b.Nature.Rating, "recipient": b.Recipient.Rating, "acquired": b.Acquired.Rating,
				"mitigation": b.Mitigation.Rating, "affected": b.Affected, "max_in_state": b.MaxInState, "archive_item_id": b.ArchiveItemID}})
		return err
	})
}

// DecideIncident records the decision and its rationale (encrypted) on an
// open, undecided incident, creates the notification tasks given (for a
// breach), and appends breach.decide. Deciding twice is a conflict.
func (s *Store) DecideIncident(ctx context.Context, actor Actor, id int64, d chaperone.BreachDecision, rationale string, tasks []chaperone.BreachTask) (chaperone.BreachIncident, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.BreachIncident, error) {
		b, err := tx.s.getIncident(ctx, tx.tx, id)
		if err != nil {
			return b, err
		}
		now := tx.s.clock()
		res, err := tx.tx.ExecContext(ctx, tx.s.q("UPDATE breach_incidents SET decision = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = ? AND decision = ''"),
			string(d), nid(actor.UserID), tx.s.tv(now), id, chaperone.IncidentOpen)
		if err := casDone(res, err, "deciding the incident (it is decided once)"); err != nil {
			return b, err
		}
		b.Decision, b.Rationale, b.DecidedBy, b.DecidedAt = d, rationale, actor.UserID, now
		if err := tx.sealIncident(ctx, b); err != nil {
			return b, err
		}
		kinds := []chaperone.BreachTaskKind{}
		for _, t := range tasks {
			t.IncidentID, t.Due = id, norm(t.Due)
			err := tx.tx.QueryRowContext(ctx, tx.s.q("INSERT INTO breach_tasks (incident_id, org_id, kind, due_at) VALUES (?, ?, ?, ?) RETURNING id"),
				id, b.OrgID, string(t.Kind), tx.s.tv(t.Due)).Scan(&t.ID)
			if err != nil {
				return b, dbError("making the notification tasks", err)
			}
			b.Tasks = append(b.Tasks, t)
			kinds = append(kinds, t.Kind)
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: b.OrgID, Action: chaperone.ActionBreachDecide, SubjectKind: "breach_incident", SubjectID: subject(id),
			Details: map[string]any{"decision": d, "affected": b.Affected, "tasks": kinds}})
		return b, err
	})
}

// CompleteBreachTask marks a notification task of the incident done and
// appends breach.task_done; a task already done is a conflict.
func (s *Store) CompleteBreachTask(ctx context.Context, actor Actor, incidentID, taskID int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var orgID int64
		var kind string
		err := tx.tx.QueryRowContext(ctx, tx.s.q("UPDATE breach_tasks SET done_at = ?, done_by = ? WHERE id = ? AND incident_id = ? AND done_at IS NULL RETURNING org_id, kind"),
			tx.s.tv(tx.s.clock()), nid(actor.UserID), taskID, incidentID).Scan(&orgID, &kind)
		if chaperone.CodeOf(dbError("", err)) == chaperone.ErrNotFound {
			return chaperone.Errorf(chaperone.ErrConflict, "notification task %d does not exist or is already done", taskID)
		}
		if err != nil {
			return dbError("completing the notification task", err)
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionBreachTaskDone, SubjectKind: "breach_incident", SubjectID: subject(incidentID),
			Details: map[string]any{"task_id": taskID, "kind": kind}})
		return err
	})
}

// CloseIncident closes a decided incident whose tasks are all done and
// appends breach.close. An undecided incident, one with open tasks, or
// one already closed is a conflict.
func (s *Store) CloseIncident(ctx context.Context, actor Actor, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		b, err := tx.s.getIncident(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		if b.Decision == "" {
			return chaperone.Errorf(chaperone.ErrConflict, "incident %d has no decision yet: assess it and decide before closing", id)
		}
		for _, t := range b.Tasks {
			if t.DoneAt.IsZero() {
				return chaperone.Errorf(chaperone.ErrConflict, "incident %d still has the %s notification to do", id, t.Kind)
			}
		}
		res, err := tx.tx.ExecContext(ctx, tx.s.q("UPDATE breach_incidents SET status = ?, closed_by = ?, closed_at = ? WHERE id = ? AND status = ? AND decision <> ''"),
			chaperone.IncidentClosed, nid(actor.UserID), tx.s.tv(tx.s.clock()), id, chaperone.IncidentOpen)
		if err := casDone(res, err, "closing the incident"); err != nil {
			return err
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: b.OrgID, Action: chaperone.ActionBreachClose, SubjectKind: "breach_incident", SubjectID: subject(id),
			Details: map[string]any{"decision": b.Decision}})
		return err
	})
}
