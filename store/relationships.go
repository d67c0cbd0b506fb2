package store

import (
	"context"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// AddRelationship records a relationship for a user (ID, OrgID and
// CreatedAt are set here) and appends tie.declare for a confirmed one or
// tie.propose for a proposal.
func (tx *Tx) AddRelationship(ctx context.Context, actor Actor, r chaperone.Relationship) (chaperone.Relationship, error) {
	r.Company = strings.TrimSpace(r.Company)
	switch {
	case r.Company == "" || len(r.Company) > 200:
		return r, chaperone.Errorf(chaperone.ErrInvalid, "name the company (at most 200 characters)")
	case !r.Kind.Valid():
		return r, chaperone.Errorf(chaperone.ErrInvalid, "unknown kind of relationship %q", r.Kind)
	case r.From.IsZero():
		return r, chaperone.Errorf(chaperone.ErrInvalid, "say when the relationship began")
	case !r.To.IsZero() && r.To.Before(r.From):
		return r, chaperone.Errorf(chaperone.ErrInvalid, "the relationship ends before it begins")
	case r.Status != chaperone.TieConfirmed && r.Status != chaperone.TieProposed:
		return r, chaperone.Errorf(chaperone.ErrInvalid, "a new relationship is confirmed or proposed")
	case len(r.Detail) > 4000:
		return r, chaperone.Errorf(chaperone.ErrInvalid, "the note is longer than 4000 characters")
	}
	orgID, err := tx.userOrg(ctx, r.UserID)
	if err != nil {
		return r, err
	}
	r.OrgID, r.CreatedAt, r.From, r.To = orgID, tx.s.clock(), norm(r.From), normOrZero(r.To)
	err = tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO relationships (org_id, user_id, company, kind, from_at, to_at, source, status, detail, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), r.OrgID, r.UserID, r.Company, string(r.Kind), tx.s.tv(r.From), tx.s.ntv(r.To),
		r.Source, r.Status, r.Detail, tx.s.tv(r.CreatedAt)).Scan(&r.ID)
	if err != nil {
		return r, dbError("recording the relationship", err)
	}
	action := chaperone.ActionTieDeclare
	if r.Status == chaperone.TieProposed {
		action = chaperone.ActionTiePropose
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: r.OrgID, Action: action, SubjectKind: "relationship", SubjectID: subject(r.ID),
		Details: map[string]any{"user_id": r.UserID, "company": r.Company, "kind": r.Kind, "source": r.Source}})
	return r, err
}

// AddRelationship records a relationship in a transaction of its own.
func (s *Store) AddRelationship(ctx context.Context, actor Actor, r chaperone.Relationship) (chaperone.Relationship, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.Relationship, error) { return tx.AddRelationship(ctx, actor, r) })
}

// SetRelationshipStatus moves a proposal to confirmed or dismissed, or
// ends a confirmed relationship at to (status stays confirmed), and
// appends tie.confirm, tie.dismiss or tie.end. A relationship no longer
// in status from is a conflict.
func (s *Store) SetRelationshipStatus(ctx context.Context, actor Actor, id int64, from, to string, end time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var orgID int64
		var err error
		action := chaperone.ActionTieConfirm
		switch {
		case from == chaperone.TieConfirmed && to == chaperone.TieConfirmed && !end.IsZero():
			action = chaperone.ActionTieEnd
			err = tx.tx.QueryRowContext(ctx, tx.s.q("UPDATE relationships SET to_at = ? WHERE id = ? AND status = ? AND to_at IS NULL RETURNING org_id"),
				tx.s.tv(end), id, from).Scan(&orgID)
		case from == chaperone.TieProposed && (to == chaperone.TieConfirmed || to == chaperone.TieDismissed):
			if to == chaperone.TieDismissed {
				action = chaperone.ActionTieDismiss
			}
			err = tx.tx.QueryRowContext(ctx, tx.s.q("UPDATE relationships SET status = ? WHERE id = ? AND status = ? RETURNING org_id"),
				to, id, from).Scan(&orgID)
		default:
			return chaperone.Errorf(chaperone.ErrInvalid, "a relationship cannot go from %s to %s", from, to)
		}
		if chaperone.CodeOf(dbError("", err)) == chaperone.ErrNotFound {
			return chaperone.Errorf(chaperone.ErrConflict, "relationship %d does not exist or is no longer %s", id, from)
		}
		if err != nil {
			return dbError("updating the relationship", err)
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: action, SubjectKind: "relationship", SubjectID: subject(id)})
		return err
	})
}

const relationshipColumns = "SELECT id, org_id, user_id, company, kind, from_at, to_at, source, status, detail, created_at FROM relationships"

func scanRelationship(r scanner) (chaperone.Relationship, error) {
	var x chaperone.Relationship
	var kind string
	err := r.Scan(&x.ID, &x.OrgID, &x.UserID, &x.Company, &kind, tm(&x.From), tm(&x.To), &x.Source, &x.Status, &x.Detail, tm(&x.CreatedAt))
	x.Kind = chaperone.RelationshipKind(kind)
	return x, dbError("reading the relationship", err)
}

// GetRelationship returns one relationship.
func (s *Store) GetRelationship(ctx context.Context, id int64) (chaperone.Relationship, error) {
	return scanRelationship(s.rdb.QueryRowContext(ctx, s.q(relationshipColumns+" WHERE id = ?"), id))
}

// ListRelationships returns a user's relationships (not dismissed ones
// unless withDismissed), newest first.
func (s *Store) ListRelationships(ctx context.Context, userID int64, withDismissed bool) ([]chaperone.Relationship, error) {
	q := relationshipColumns + " WHERE user_id = ?"
	if !withDismissed {
		q += " AND status <> 'dismissed'"
	}
	return list(ctx, s.rdb, "listing relationships", s.q(q+" ORDER BY id DESC LIMIT 1000"), scanRelationship, userID)
}

// SetUserNPI records a user's National Provider Identifier (checked by
// the caller).
func (s *Store) SetUserNPI(ctx context.Context, actor Actor, userID int64, npi string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		orgID, err := tx.userOrg(ctx, userID)
		if err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, tx.s.q("DELETE FROM user_npis WHERE user_id = ?"), userID); err != nil {
			return dbError("setting the NPI", err)
		}
		if _, err := tx.tx.ExecContext(ctx, tx.s.q("INSERT INTO user_npis (user_id, npi) VALUES (?, ?)"), userID, npi); err != nil {
			return dbError("setting the NPI", err)
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionUserNPI, SubjectKind: "user", SubjectID: subject(userID),
			Details: map[string]any{"npi": npi}})
		return err
	})
}

// UserNPI returns a user's NPI, or "" when none is recorded.
func (s *Store) UserNPI(ctx context.Context, userID int64) (string, error) {
	var npi string
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT npi FROM user_npis WHERE user_id = ?"), userID).Scan(&npi)
	if chaperone.CodeOf(dbError("", err)) == chaperone.ErrNotFound {
		return "", nil
	}
	return npi, dbError("reading the NPI", err)
}
