package store

import (
	"context"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// CreateAccount adds a social account for a user (ID is set by the
// store) and appends account.create. The same platform and handle twice
// for one user is a conflict.
func (tx *Tx) CreateAccount(ctx context.Context, actor Actor, a chaperone.SocialAccount) (chaperone.SocialAccount, error) {
	a.Platform = strings.ToLower(strings.TrimSpace(a.Platform))
	a.Handle = strings.TrimSpace(a.Handle)
	if a.Platform == "" || a.Handle == "" {
		return a, chaperone.Errorf(chaperone.ErrInvalid, "an account needs a platform and a handle")
	}
	if a.Kind != chaperone.AccountProfessional && a.Kind != chaperone.AccountPersonal {
		return a, chaperone.Errorf(chaperone.ErrInvalid, "an account is professional or personal")
	}
	orgID, err := tx.userOrg(ctx, a.UserID)
	if err != nil {
		return a, err
	}
	err = tx.tx.QueryRowContext(ctx, tx.s.q("INSERT INTO social_accounts (user_id, platform, handle, kind) VALUES (?, ?, ?, ?) RETURNING id"),
		a.UserID, a.Platform, a.Handle, string(a.Kind)).Scan(&a.ID)
	if err != nil {
		return a, dbError("creating the account", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionAccountCreate, SubjectKind: "social_account",
		SubjectID: subject(a.ID), Details: map[string]any{"user_id": a.UserID, "platform": a.Platform, "kind": a.Kind}})
	return a, err
}

// CreateAccount adds a social account in a transaction of its own; see
// Tx.CreateAccount.
func (s *Store) CreateAccount(ctx context.Context, actor Actor, a chaperone.SocialAccount) (chaperone.SocialAccount, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.SocialAccount, error) { return tx.CreateAccount(ctx, actor, a) })
}

const accountColumns = "SELECT id, user_id, platform, handle, kind FROM social_accounts"

// GetAccount returns the social account with the given id.
func (s *Store) GetAccount(ctx context.Context, id int64) (chaperone.SocialAccount, error) {
	return scanAccount(s.rdb.QueryRowContext(ctx, s.q(accountColumns+" WHERE id = ?"), id))
}

// ListAccounts returns the user's social accounts, by id.
func (s *Store) ListAccounts(ctx context.Context, userID int64) ([]chaperone.SocialAccount, error) {
	return list(ctx, s.rdb, "listing accounts", s.q(accountColumns+" WHERE user_id = ? ORDER BY id"), scanAccount, userID)
}

func scanAccount(r scanner) (chaperone.SocialAccount, error) {
	var a chaperone.SocialAccount
	var kind string
	err := r.Scan(&a.ID, &a.UserID, &a.Platform, &a.Handle, &kind)
	a.Kind = chaperone.AccountKind(kind)
	return a, dbError("reading the account", err)
}
