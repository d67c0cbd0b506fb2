package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// MaxScreenshotBytes bounds the screenshot attached to a colleague
// report.
const MaxScreenshotBytes = 5 << 20

// reportDetails are a report's free-text fields, kept as one encrypted
// JSON value: the reported post may name a patient, and so may the notes.
type reportDetails struct {
	Content      string `json:"content"`
	URL          string `json:"url,omitempty"`
	ResponseNote string `json:"response_note,omitempty"`
	OutcomeNote  string `json:"outcome_note,omitempty"`
}

func reportAD(column string, id int64) string {
	return "colleague_reports." + column + "/" + subject(id)
}

// CreateReport records a colleague report with its optional screenshot
// (ID, CreatedAt, NotifiedAt, Status and the screenshot's hash and size
// are set here; the text and the screenshot are encrypted), and appends
// report.create and report.notify: the colleague is told, privately, by
// the report appearing among theirs. The service checks who may report
// whom and sets the deadline.
func (tx *Tx) CreateReport(ctx context.Context, actor Actor, r chaperone.ColleagueReport, shot []byte, shotType string) (chaperone.ColleagueReport, error) {
	if len(shot) > MaxScreenshotBytes {
		return r, chaperone.Errorf(chaperone.ErrTooLarge, "the screenshot is larger than %d MiB", MaxScreenshotBytes>>20)
	}
	if r.SubjectID == r.ReporterID || r.Deadline.IsZero() {
		return r, chaperone.Errorf(chaperone.ErrInvalid, "a report needs a colleague other than the reporter, and a deadline")
	}
	r.ScreenshotSHA256, r.ScreenshotType, r.ScreenshotSize = "", "", 0
	if len(shot) > 0 {
		sum := sha256.Sum256(shot)
		r.ScreenshotSHA256, r.ScreenshotType, r.ScreenshotSize = hex.EncodeToString(sum[:]), shotType, len(shot)
	}
	now := tx.s.clock()
	r.Status, r.CreatedAt, r.NotifiedAt, r.Deadline = chaperone.ReportOpen, now, now, norm(r.Deadline)
	r.Response, r.ResponseNote, r.RespondedAt, r.EscalatedAt = "", "", time.Time{}, time.Time{}
	r.Outcome, r.OutcomeNote, r.OutcomeBy, r.OutcomeAt = "", "", 0, time.Time{}
	err := tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO colleague_reports (org_id, reporter_id, subject_id, details_enc, screenshot_enc,
		screenshot_sha256, screenshot_type, screenshot_size, anonymous, status, deadline_at, notified_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.OrgID, r.ReporterID, r.SubjectID, []byte{}, []byte{}, r.ScreenshotSHA256, r.ScreenshotType, r.ScreenshotSize, r.Anonymous,
		string(r.Status), tx.s.tv(r.Deadline), tx.s.tv(now), tx.s.tv(now)).Scan(&r.ID)
	if err != nil {
		return r, dbError("recording the report", err)
	}
	enc, err := tx.s.seal(string(shot), reportAD("screenshot", r.ID))
	if err != nil {
		return r, err
	}
	if _, err := tx.tx.ExecContext(ctx, tx.s.q("UPDATE colleague_reports SET screenshot_enc = ? WHERE id = ?"), enc, r.ID); err != nil {
		return r, dbError("saving the screenshot", err)
	}
	if err := tx.sealReport(ctx, r); err != nil {
		return r, err
	}
	if _, err := tx.audit(ctx, actor, AuditEntry{OrgID: r.OrgID, Action: chaperone.ActionReportCreate, SubjectKind: "colleague_report", SubjectID: subject(r.ID),
		Details: map[string]any{"subject_user_id": r.SubjectID, "anonymous": r.Anonymous, "screenshot": r.ScreenshotSize > 0}}); err != nil {
		return r, err
	}
	_, err = tx.audit(ctx, System, AuditEntry{OrgID: r.OrgID, Action: chaperone.ActionReportNotify, SubjectKind: "colleague_report", SubjectID: subject(r.ID),
		Details: map[string]any{"user_id": r.SubjectID, "deadline": r.Deadline}})
	return r, err
}

// CreateReport records a report in a transaction of its own; see
// Tx.CreateReport.
func (s *Store) CreateReport(ctx context.Context, actor Actor, r chaperone.ColleagueReport, shot []byte, shotType string) (chaperone.ColleagueReport, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.ColleagueReport, error) { return tx.CreateReport(ctx, actor, r, shot, shotType) })
}

// sealReport writes the encrypted free text of report r.
func (tx *Tx) sealReport(ctx context.Context, r chaperone.ColleagueReport) error {
	js, err := json.Marshal(reportDetails{Content: r.Content, URL: r.URL, ResponseNote: r.ResponseNote, OutcomeNote: r.OutcomeNote})
	if err != nil {
		return internal("encoding the report", err)
	}
	enc, err := tx.s.seal(string(js), reportAD("details", r.ID))
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q("UPDATE colleague_reports SET details_enc = ? WHERE id = ?"), enc, r.ID)
	return dbError("saving the report", err)
}

const reportColumns = `SELECT id, org_id, reporter_id, subject_id, details_enc, screenshot_sha256, screenshot_type, screenshot_size,
	anonymous, status, deadline_at, notified_at, response, responded_at, escalated_at, outcome, outcome_by, outcome_at, created_at
	FROM colleague_reports`

func (s *Store) scanReport(r scanner) (chaperone.ColleagueReport, error) {
	var c chaperone.ColleagueReport
	var enc []byte
	var status, response, outcome string
	err := r.Scan(&c.ID, &c.OrgID, &c.ReporterID, &c.SubjectID, &enc, &c.ScreenshotSHA256, &c.ScreenshotType, &c.ScreenshotSize,
		&c.Anonymous, &status, tm(&c.Deadline), tm(&c.NotifiedAt), &response, tm(&c.RespondedAt), tm(&c.EscalatedAt), &outcome,
		nullable(&c.OutcomeBy), tm(&c.OutcomeAt), tm(&c.CreatedAt))
	if err != nil {
		return c, dbError("reading the report", err)
	}
	c.Status, c.Response, c.Outcome = chaperone.ReportStatus(status), chaperone.ReportResponse(response), chaperone.ReportOutcome(outcome)
	js, err := s.open(enc, reportAD("details", c.ID))
	if err != nil {
		return chaperone.ColleagueReport{}, err
	}
	var d reportDetails
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		return chaperone.ColleagueReport{}, internal("decoding the report", err)
	}
	c.Content, c.URL, c.ResponseNote, c.OutcomeNote = d.Content, d.URL, d.ResponseNote, d.OutcomeNote
	return c, nil
}

// GetReport returns a report, decrypted (not its screenshot). Showing it
// is a PHI view: the caller records it.
func (s *Store) GetReport(ctx context.Context, id int64) (chaperone.ColleagueReport, error) {
	return s.scanReport(s.rdb.QueryRowContext(ctx, s.q(reportColumns+" WHERE id = ?"), id))
}

// ReportFilter selects reports for ListReports: an org's, optionally
// only those by a reporter, about a subject, or in a status.
type ReportFilter struct {
	OrgID      int64
	ReporterID int64
	SubjectID  int64
	Status     chaperone.ReportStatus
}

// ListReports returns the org's reports that match f, newest first,
// decrypted (at most 1000).
func (s *Store) ListReports(ctx context.Context, f ReportFilter) ([]chaperone.ColleagueReport, error) {
	q, args := reportColumns+" WHERE org_id = ?", []any{f.OrgID}
	if f.ReporterID != 0 {
		q, args = q+" AND reporter_id = ?", append(args, f.ReporterID)
	}
	if f.SubjectID != 0 {
		q, args = q+" AND subject_id = ?", append(args, f.SubjectID)
	}
	if f.Status != "" {
		q, args = q+" AND status = ?", append(args, string(f.Status))
	}
	return list(ctx, s.rdb, "listing reports", s.q(q+" ORDER BY id DESC LIMIT 1000"), s.scanReport, args...)
}

// ReportScreenshot returns a report's screenshot and its content type,
// after checking it against the recorded SHA-256; nil when none was
// attached. Showing it is a PHI view: the caller records it.
func (s *Store) ReportScreenshot(ctx context.Context, id int64) ([]byte, string, error) {
	var enc []byte
	var sum, typ string
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT screenshot_enc, screenshot_sha256, screenshot_type FROM colleague_reports WHERE id = ?"), id).Scan(&enc, &sum, &typ)
	if err != nil {
		return nil, "", dbError("reading the screenshot", err)
	}
	shot, err := s.open(enc, reportAD("screenshot", id))
	if err != nil {
		return nil, "", err
	}
	if sum == "" {
		return nil, "", nil
	}
	if got := sha256.Sum256([]byte(shot)); hex.EncodeToString(got[:]) != sum {
		return nil, "", internal("reading the screenshot", ErrWrongKey)
	}
	return []byte(shot), typ, nil
}

// RespondToReport records the colleague's response to an open report
// (its note encrypted) and moves it to resolved_by_colleague, appending
// report.respond. A report no longer open is a conflict (compare and
// set: the escalation may have won).
func (s *Store) RespondToReport(ctx context.Context, actor Actor, id int64, resp chaperone.ReportResponse, note string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		r, err := tx.s.scanReport(tx.tx.QueryRowContext(ctx, tx.s.q(reportColumns+" WHERE id = ?"), id))
		if err != nil {
			return err
		}
		now := tx.s.clock()
		res, err := tx.tx.ExecContext(ctx, tx.s.q("UPDATE colleague_reports SET status = ?, response = ?, responded_at = ? WHERE id = ? AND status = ?"),
			string(chaperone.ReportResolved), string(resp), tx.s.tv(now), id, string(chaperone.ReportOpen))
		if err := casDone(res, err, "responding to the report"); err != nil {
			return err
		}
		r.ResponseNote = note
		if err := tx.sealReport(ctx, r); err != nil {
			return err
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: r.OrgID, Action: chaperone.ActionReportRespond, SubjectKind: "colleague_report", SubjectID: subject(id),
			Details: map[string]any{"response": resp, "status": chaperone.ReportResolved}})
		return err
	})
}

// casDone turns the result of a compare-and-set UPDATE into a conflict
// when no row was in the expected status.
func casDone(res interface{ RowsAffected() (int64, error) }, err error, what string) error {
	if err != nil {
		return dbError(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbError(what, err)
	}
	if n != 1 {
		return chaperone.Errorf(chaperone.ErrConflict, "%s: it has moved on meanwhile", what)
	}
	return nil
}

// EscalateDue moves every open report whose deadline is at or before now
// to escalated, one report.escalate event each, all in one transaction,
// and returns the ids escalated.
func (s *Store) EscalateDue(ctx context.Context, actor Actor, now time.Time) ([]int64, error) {
	return inTx1(ctx, s, func(tx *Tx) ([]int64, error) {
		type due struct{ id, org int64 }
		rows, err := list(ctx, tx.tx, "finding reports past their deadline", tx.s.q(`SELECT id, org_id FROM colleague_reports
			WHERE status = ? AND deadline_at <= ? ORDER BY id`), func(r scanner) (due, error) {
			var d due
			return d, r.Scan(&d.id, &d.org)
		}, string(chaperone.ReportOpen), tx.s.tv(now))
		if err != nil {
			return nil, err
		}
		var ids []int64
		at := tx.s.clock()
		for _, d := range rows {
			res, err := tx.tx.ExecContext(ctx, tx.s.q("UPDATE colleague_reports SET status = ?, escalated_at = ? WHERE id = ? AND status = ?"),
				string(chaperone.ReportEscalated), tx.s.tv(at), d.id, string(chaperone.ReportOpen))
			if err := casDone(res, err, "escalating the report"); err != nil {
				return nil, err
			}
			if _, err := tx.audit(ctx, actor, AuditEntry{OrgID: d.org, Action: chaperone.ActionReportEscalate, SubjectKind: "colleague_report",
				SubjectID: subject(d.id), Details: map[string]any{"status": chaperone.ReportEscalated}}); err != nil {
				return nil, err
			}
			ids = append(ids, d.id)
		}
		return ids, nil
	})
}

// RecordReportOutcome records compliance's outcome of an escalated report
// (the note encrypted) and appends report.outcome. A report not
// escalated is a conflict.
func (s *Store) RecordReportOutcome(ctx context.Context, actor Actor, id int64, outcome chaperone.ReportOutcome, note string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		r, err := tx.s.scanReport(tx.tx.QueryRowContext(ctx, tx.s.q(reportColumns+" WHERE id = ?"), id))
		if err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, tx.s.q("UPDATE colleague_reports SET status = ?, outcome = ?, outcome_by = ?, outcome_at = ? WHERE id = ? AND status = ?"),
			string(chaperone.ReportDecided), string(outcome), nid(actor.UserID), tx.s.tv(tx.s.clock()), id, string(chaperone.ReportEscalated))
		if err := casDone(res, err, "recording the outcome"); err != nil {
			return err
		}
		r.OutcomeNote = note
		if err := tx.sealReport(ctx, r); err != nil {
			return err
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: r.OrgID, Action: chaperone.ActionReportOutcome, SubjectKind: "colleague_report", SubjectID: subject(id),
			Details: map[string]any{"outcome": outcome, "status": chaperone.ReportDecided}})
		return err
	})
}
