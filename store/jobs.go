package store

import (
	"context"
	"database/sql"
	"errors"
)

// The background jobs (package job, on River) keep their own bookkeeping
// here: how far a re-screen got, and which rules each org's posts were
// last re-screened with. These rows hold no PHI and are not records of
// the workflow, so their writes append no audit event (the re-screen
// itself does: watch.rescreen).

// DSN returns the DSN the store was opened with: a PostgreSQL URL, or a
// SQLite path or file: URI. The job package opens River's PostgreSQL pool
// from it; nothing else should need it.
func (s *Store) DSN() string { return s.dsn }

// WriteDB returns the store's writer: on SQLite the single writer
// connection (WAL, busy_timeout, BEGIN IMMEDIATE), which River's SQLite
// driver shares so that the file keeps one writer; on PostgreSQL the
// pool. Only the job package may use it, and only for River's own
// tables: writes made through it bypass the audit log.
func (s *Store) WriteDB() *sql.DB { return s.db }

// OrgIDs returns the ids of every org, in id order: the jobs that run
// for each org (the re-screen when the rules change) walk it.
func (s *Store) OrgIDs(ctx context.Context) ([]int64, error) {
	return list(ctx, s.rdb, "listing orgs", "SELECT id FROM orgs ORDER BY id", func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// JobProgress is how far a re-screen job got: the last post id it
// screened, its counts so far, and the fingerprint of the rules it
// screened with (a run under other rules starts over).
type JobProgress struct {
	JobID       int64
	OrgID       int64
	AfterID     int64
	Screened    int
	Changed     int
	Fingerprint string
}

// GetJobProgress returns the progress saved for job jobID, and false when
// it has none (a job that has not finished a batch yet).
func (s *Store) GetJobProgress(ctx context.Context, jobID int64) (JobProgress, bool, error) {
	p := JobProgress{JobID: jobID}
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT org_id, after_id, screened, changed, fingerprint FROM job_progress WHERE job_id = ?"), jobID).
		Scan(&p.OrgID, &p.AfterID, &p.Screened, &p.Changed, &p.Fingerprint)
	if errors.Is(err, sql.ErrNoRows) {
		return JobProgress{JobID: jobID}, false, nil
	}
	if err != nil {
		return p, false, dbError("reading a job's progress", err)
	}
	return p, true, nil
}

// SaveJobProgress records p, replacing the job's earlier progress. The
// rescreen job calls it after each committed batch.
func (s *Store) SaveJobProgress(ctx context.Context, p JobProgress) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO job_progress (job_id, org_id, after_id, screened, changed, fingerprint, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (job_id) DO UPDATE SET org_id = excluded.org_id, after_id = excluded.after_id, screened = excluded.screened,
    changed = excluded.changed, fingerprint = excluded.fingerprint, updated_at = excluded.updated_at`),
		p.JobID, p.OrgID, p.AfterID, p.Screened, p.Changed, p.Fingerprint, s.tv(s.clock()))
	return dbError("saving a job's progress", err)
}

// RescreenFingerprint returns the fingerprint of the rules orgID's posts
// were last fully re-screened with, "" when never.
func (s *Store) RescreenFingerprint(ctx context.Context, orgID int64) (string, error) {
	var fp string
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT fingerprint FROM org_rescreens WHERE org_id = ?"), orgID).Scan(&fp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return fp, dbError("reading an org's re-screen fingerprint", err)
}

// FinishRescreen records that orgID's posts are re-screened with the
// rules of fingerprint and drops the progress of job jobID (0: none), in
// one transaction.
func (s *Store) FinishRescreen(ctx context.Context, jobID, orgID int64, fingerprint string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError("beginning a transaction", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO org_rescreens (org_id, fingerprint, rescreened_at) VALUES (?, ?, ?)
ON CONFLICT (org_id) DO UPDATE SET fingerprint = excluded.fingerprint, rescreened_at = excluded.rescreened_at`),
		orgID, fingerprint, s.tv(s.clock())); err != nil {
		return dbError("saving an org's re-screen fingerprint", err)
	}
	if jobID != 0 {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM job_progress WHERE job_id = ?"), jobID); err != nil {
			return dbError("dropping a job's progress", err)
		}
	}
	return dbError("committing", tx.Commit())
}
