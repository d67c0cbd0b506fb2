package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// The watch's sources (table sources) and social accounts' publishing
// credentials (table account_credentials, encrypted).

// MaxSources bounds the sources of one clinician.
const MaxSources = 20

// AddSource connects a source for a clinician (ID, CreatedAt set here) and
// appends source.add. The same kind and target twice is a conflict.
func (tx *Tx) AddSource(ctx context.Context, actor Actor, src chaperone.Source) (chaperone.Source, error) {
	src.Target = strings.TrimSpace(src.Target)
	switch {
	case src.Target == "" || len(src.Target) > MaxPostURLBytes:
		return src, chaperone.Errorf(chaperone.ErrInvalid, "give the source: a feed URL, a Mastodon account or a Bluesky handle")
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, tx.s.q("SELECT COUNT(*) FROM sources WHERE user_id = ?"), src.UserID).Scan(&n); err != nil {
		return src, dbError("counting sources", err)
	}
	if n >= MaxSources {
		return src, chaperone.Errorf(chaperone.ErrConflict, "a clinician has at most %d sources", MaxSources)
	}
	src.CreatedBy, src.CreatedAt, src.Enabled = actor.UserID, tx.s.clock(), true
	err := tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO sources (org_id, user_id, kind, target, enabled, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), src.OrgID, src.UserID, src.Kind, src.Target, true, src.CreatedBy, tx.s.tv(src.CreatedAt)).Scan(&src.ID)
	if err != nil {
		if err := dbError("connecting the source", err); chaperone.CodeOf(err) == chaperone.ErrConflict {
			return src, chaperone.Errorf(chaperone.ErrConflict, "that source is already connected")
		} else {
			return src, err
		}
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: src.OrgID, Action: chaperone.ActionSourceAdd, SubjectKind: "source", SubjectID: subject(src.ID),
		Details: map[string]any{"user_id": src.UserID, "kind": src.Kind}})
	return src, err
}

// RemoveSource disconnects a source (its posts stay kept) and appends
// source.remove.
func (tx *Tx) RemoveSource(ctx context.Context, actor Actor, id int64) error {
	src, err := scanSource(tx.tx.QueryRowContext(ctx, tx.s.q(sourceColumns+" WHERE id = ?"), id))
	if err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, tx.s.q("DELETE FROM sources WHERE id = ?"), id); err != nil {
		return dbError("disconnecting the source", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: src.OrgID, Action: chaperone.ActionSourceRemove, SubjectKind: "source", SubjectID: subject(id),
		Details: map[string]any{"user_id": src.UserID, "kind": src.Kind}})
	return err
}

const sourceColumns = `SELECT id, org_id, user_id, kind, target, enabled, polled_at, added, last_error, created_by, created_at FROM sources`

func scanSource(r scanner) (chaperone.Source, error) {
	var s chaperone.Source
	err := r.Scan(&s.ID, &s.OrgID, &s.UserID, &s.Kind, &s.Target, &s.Enabled, tm(&s.PolledAt), &s.Added, &s.LastError, &s.CreatedBy, tm(&s.CreatedAt))
	return s, dbError("reading the source", err)
}

// GetSource returns one source.
func (s *Store) GetSource(ctx context.Context, id int64) (chaperone.Source, error) {
	return scanSource(s.rdb.QueryRowContext(ctx, s.q(sourceColumns+" WHERE id = ?"), id))
}

// ListSources returns an org's sources (one clinician's when userID is
// not 0), oldest first.
func (s *Store) ListSources(ctx context.Context, orgID, userID int64) ([]chaperone.Source, error) {
	query, args := sourceColumns+" WHERE org_id = ?", []any{orgID}
	if userID != 0 {
		query, args = query+" AND user_id = ?", append(args, userID)
	}
	return list(ctx, s.rdb, "listing sources", s.q(query+" ORDER BY id"), scanSource, args...)
}

// DueSources returns the enabled sources of every org last polled before
// before (or never), oldest poll first, at most limit: what the poll job
// reads next.
func (s *Store) DueSources(ctx context.Context, before time.Time, limit int) ([]chaperone.Source, error) {
	return list(ctx, s.rdb, "listing sources to poll",
		s.q(sourceColumns+" WHERE enabled = ? AND (polled_at IS NULL OR polled_at < ?) ORDER BY polled_at IS NOT NULL, polled_at, id LIMIT ?"),
		scanSource, true, s.tv(before), limit)
}

// RecordPoll stores the outcome of a poll of a source (added posts, and
// the error's public message, "" when it worked) and appends source.poll.
func (tx *Tx) RecordPoll(ctx context.Context, id int64, added int, pollErr string) error {
	if len(pollErr) > 500 {
		pollErr = pollErr[:500]
	}
	var orgID int64
	err := tx.tx.QueryRowContext(ctx, tx.s.q("UPDATE sources SET polled_at = ?, added = ?, last_error = ? WHERE id = ? RETURNING org_id"),
		tx.s.tv(tx.s.clock()), added, pollErr, id).Scan(&orgID)
	if err != nil {
		return dbError(fmt.Sprintf("source %d", id), err)
	}
	_, err = tx.audit(ctx, System, AuditEntry{OrgID: orgID, Action: chaperone.ActionSourcePoll, SubjectKind: "source", SubjectID: subject(id),
		Details: map[string]any{"added": added, "ok": pollErr == ""}})
	return err
}

func credentialsAD(accountID int64) string { return "account_credentials.secret/" + subject(accountID) }

// SetCredentials stores a social account's publishing credentials (a JSON
// document the connector reads), encrypted, replacing any before, and
// appends account.credentials (never the secret).
func (tx *Tx) SetCredentials(ctx context.Context, actor Actor, orgID, accountID int64, secret string) error {
	enc, err := tx.s.seal(secret, credentialsAD(accountID))
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q(`INSERT INTO account_credentials (account_id, secret_enc, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET secret_enc = excluded.secret_enc, updated_by = excluded.updated_by, updated_at = excluded.updated_at`),
		accountID, enc, actor.UserID, tx.s.tv(tx.s.clock()))
	if err != nil {
		return dbError("saving the credentials", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionAccountCredentials, SubjectKind: "social_account",
		SubjectID: subject(accountID)})
	return err
}

// Credentials returns a social account's publishing credentials, or ""
// when none are stored.
func (s *Store) Credentials(ctx context.Context, accountID int64) (string, error) {
	var enc []byte
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT secret_enc FROM account_credentials WHERE account_id = ?"), accountID).Scan(&enc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", dbError("reading the credentials", err)
	}
	return s.open(enc, credentialsAD(accountID))
}
