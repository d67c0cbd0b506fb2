package store

import (
	"context"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// CreateUser adds u (ID and CreatedAt are set by the store; the email is
// kept in lower case) and appends user.create. A second user with the
// same email in the org is a conflict. Admins' user management calls it.
func (tx *Tx) CreateUser(ctx context.Context, actor Actor, u chaperone.User) (chaperone.User, error) {
	u.Email = normEmail(u.Email)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	u.CreatedAt = tx.s.clock()
	switch {
	case u.OrgID == 0:
		return u, chaperone.Errorf(chaperone.ErrInvalid, "a user needs an org")
	case u.Email == "" || !strings.Contains(u.Email, "@"):
		return u, chaperone.Errorf(chaperone.ErrInvalid, "a user needs an email address")
	case !u.Role.Valid():
		return u, chaperone.Errorf(chaperone.ErrInvalid, "unknown role %q", u.Role)
	}
	err := tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO users (org_id, email, display_name, role, password_hash, created_at, disabled)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		u.OrgID, u.Email, u.DisplayName, string(u.Role), u.PasswordHash, tx.s.tv(u.CreatedAt), u.Disabled).Scan(&u.ID)
	if err != nil {
		return u, dbError("creating the user", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: u.OrgID, Action: chaperone.ActionUserCreate, SubjectKind: "user", SubjectID: subject(u.ID),
		Details: map[string]any{"role": u.Role}})
	return u, err
}

// CreateUser adds a user in a transaction of its own; see Tx.CreateUser.
func (s *Store) CreateUser(ctx context.Context, actor Actor, u chaperone.User) (chaperone.User, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.User, error) { return tx.CreateUser(ctx, actor, u) })
}

// SetPasswordHash replaces the user's password hash (from HashPassword)
// and appends user.password.
func (tx *Tx) SetPasswordHash(ctx context.Context, actor Actor, userID int64, hash string) error {
	return tx.updateUser(ctx, actor, userID, "password_hash = ?", hash, chaperone.ActionUserPassword)
}

// SetPasswordHash replaces a password hash in a transaction of its own;
// see Tx.SetPasswordHash.
func (s *Store) SetPasswordHash(ctx context.Context, actor Actor, userID int64, hash string) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.SetPasswordHash(ctx, actor, userID, hash) })
}

// DisableUser disables the user, ends their sessions and API tokens, and
// appends user.disable. Users are never deleted: the audit log and the
// archive refer to them.
func (tx *Tx) DisableUser(ctx context.Context, actor Actor, userID int64) error {
	if err := tx.updateUser(ctx, actor, userID, "disabled = ?", true, chaperone.ActionUserDisable); err != nil {
		return err
	}
	for _, table := range []string{"sessions", "api_tokens"} {
		if _, err := tx.tx.ExecContext(ctx, tx.s.q("DELETE FROM "+table+" WHERE user_id = ?"), userID); err != nil {
			return dbError("ending the user's sessions", err)
		}
	}
	return nil
}

// DisableUser disables a user in a transaction of its own; see
// Tx.DisableUser.
func (s *Store) DisableUser(ctx context.Context, actor Actor, userID int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.DisableUser(ctx, actor, userID) })
}

// updateUser sets one column of a user and appends action.
func (tx *Tx) updateUser(ctx context.Context, actor Actor, userID int64, set string, value any, action chaperone.AuditAction) error {
	var orgID int64
	err := tx.tx.QueryRowContext(ctx, tx.s.q("UPDATE users SET "+set+" WHERE id = ? RETURNING org_id"), value, userID).Scan(&orgID)
	if err != nil {
		return dbError("updating the user", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: action, SubjectKind: "user", SubjectID: subject(userID)})
	return err
}

const userColumns = "SELECT id, org_id, email, display_name, role, password_hash, created_at, disabled FROM users"

// GetUser returns the user with the given id.
func (s *Store) GetUser(ctx context.Context, id int64) (chaperone.User, error) {
	return scanUser(s.rdb.QueryRowContext(ctx, s.q(userColumns+" WHERE id = ?"), id))
}

// GetUserByEmail returns the org's user with the given email (any case),
// for sign-in.
func (s *Store) GetUserByEmail(ctx context.Context, orgID int64, email string) (chaperone.User, error) {
	return scanUser(s.rdb.QueryRowContext(ctx, s.q(userColumns+" WHERE org_id = ? AND email = ?"), orgID, normEmail(email)))
}

// ListUsers returns the org's users, by id.
func (s *Store) ListUsers(ctx context.Context, orgID int64) ([]chaperone.User, error) {
	return list(ctx, s.rdb, "listing users", s.q(userColumns+" WHERE org_id = ? ORDER BY id"), scanUser, orgID)
}

func scanUser(r scanner) (chaperone.User, error) {
	var u chaperone.User
	var role string
	err := r.Scan(&u.ID, &u.OrgID, &u.Email, &u.DisplayName, &role, &u.PasswordHash, tm(&u.CreatedAt), &u.Disabled)
	u.Role = chaperone.Role(role)
	return u, dbError("reading the user", err)
}

// normEmail is how emails are kept: trimmed, lower case.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
