package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// Sessions and API tokens are bearer secrets: 32 random bytes, given to
// the caller once, base64url-encoded. The store keeps only their SHA-256,
// so a copy of the database does not let anyone sign in.

// apiTokenPrefix marks API tokens, so that secret scanners can spot them.
const apiTokenPrefix = "chaperone_"

// maxTokenLen bounds the tokens the store hashes on lookup.
const maxTokenLen = 256

// Session is a signed-in browser session.
type Session struct {
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a long-lived credential for the JSON API.
type APIToken struct {
	ID        int64
	UserID    int64
	Name      string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: does not expire
}

// newToken returns a new random token (with prefix) and its hash.
func newToken(prefix string) (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, internal("making a token", err)
	}
	tok := prefix + base64.RawURLEncoding.EncodeToString(b)
	return tok, tokenHash(tok), nil
}

// tokenHash is what the store keeps of a token.
func tokenHash(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// userOrg returns the org of the user.
func (tx *Tx) userOrg(ctx context.Context, userID int64) (int64, error) {
	var orgID int64
	err := tx.tx.QueryRowContext(ctx, tx.s.q("SELECT org_id FROM users WHERE id = ?"), userID).Scan(&orgID)
	return orgID, dbError("looking up the user", err)
}

// activeUser returns the org of the user, who must exist and not be
// disabled.
func (tx *Tx) activeUser(ctx context.Context, userID int64) (int64, error) {
	var orgID int64
	var disabled bool
	err := tx.tx.QueryRowContext(ctx, tx.s.q("SELECT org_id, disabled FROM users WHERE id = ?"), userID).Scan(&orgID, &disabled)
	if err != nil {
		return 0, dbError("looking up the user", err)
	}
	if disabled {
		return 0, chaperone.Errorf(chaperone.ErrInvalid, "user %d is disabled", userID)
	}
	return orgID, nil
}

// CreateSession starts a session of ttl for the user, who has just
// proved who they are, and appends user.login. It returns the token for
// the cookie; the store keeps only its hash. The sign-in handler calls it.
func (tx *Tx) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, Session, error) {
	sess := Session{UserID: userID, CreatedAt: tx.s.clock()}
	sess.ExpiresAt = norm(sess.CreatedAt.Add(ttl))
	if ttl <= 0 {
		return "", sess, chaperone.Errorf(chaperone.ErrInvalid, "a session needs a positive lifetime")
	}
	orgID, err := tx.activeUser(ctx, userID)
	if err != nil {
		return "", sess, err
	}
	tok, h, err := newToken("")
	if err != nil {
		return "", sess, err
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)"),
		h, userID, tx.s.tv(sess.CreatedAt), tx.s.tv(sess.ExpiresAt))
	if err != nil {
		return "", sess, dbError("creating the session", err)
	}
	_, err = tx.audit(ctx, Actor{UserID: userID}, AuditEntry{OrgID: orgID, Action: chaperone.ActionUserLogin, SubjectKind: "user",
		SubjectID: subject(userID), Details: map[string]any{"via": "session"}})
	return tok, sess, err
}

// CreateSession starts a session in a transaction of its own; see
// Tx.CreateSession.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, Session, error) {
	var tok string
	sess, err := inTx1(ctx, s, func(tx *Tx) (Session, error) {
		var (
			sess Session
			err  error
		)
		tok, sess, err = tx.CreateSession(ctx, userID, ttl)
		return sess, err
	})
	return tok, sess, err
}

// LookupSession returns the live session for token; an unknown or
// expired token is not_found. The web layer calls it on every request.
func (s *Store) LookupSession(ctx context.Context, token string) (Session, error) {
	sess := Session{}
	if len(token) > maxTokenLen {
		return sess, chaperone.Errorf(chaperone.ErrNotFound, "session: not found")
	}
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT user_id, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?"),
		tokenHash(token), s.tv(s.clock())).Scan(&sess.UserID, tm(&sess.CreatedAt), tm(&sess.ExpiresAt))
	return sess, dbError("session", err)
}

// DeleteSession ends the session of token (sign-out) and appends
// user.logout. An unknown token is not_found.
func (tx *Tx) DeleteSession(ctx context.Context, token string) error {
	var userID int64
	err := tx.tx.QueryRowContext(ctx, tx.s.q("DELETE FROM sessions WHERE token_hash = ? RETURNING user_id"), tokenHash(token)).Scan(&userID)
	if err != nil {
		return dbError("session", err)
	}
	orgID, err := tx.userOrg(ctx, userID)
	if err != nil {
		return err
	}
	_, err = tx.audit(ctx, Actor{UserID: userID}, AuditEntry{OrgID: orgID, Action: chaperone.ActionUserLogout, SubjectKind: "user", SubjectID: subject(userID)})
	return err
}

// DeleteSession ends a session in a transaction of its own; see
// Tx.DeleteSession.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.DeleteSession(ctx, token) })
}

// DeleteExpiredSessions removes the sessions past their expiry and
// returns how many; housekeeping, not audited (expired sessions were
// already unusable). The server calls it periodically.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, s.q("DELETE FROM sessions WHERE expires_at <= ?"), s.tv(s.clock()))
		if err != nil {
			return dbError("deleting expired sessions", err)
		}
		n, err = res.RowsAffected()
		return dbError("deleting expired sessions", err)
	})
	return n, err
}

// CreateAPIToken makes an API token called name for the user, valid for
// ttl (0: until revoked), and appends token.create. It returns the token,
// which is shown once; the store keeps only its hash.
func (tx *Tx) CreateAPIToken(ctx context.Context, actor Actor, userID int64, name string, ttl time.Duration) (string, APIToken, error) {
	t := APIToken{UserID: userID, Name: strings.TrimSpace(name), CreatedAt: tx.s.clock()}
	if ttl > 0 {
		t.ExpiresAt = norm(t.CreatedAt.Add(ttl))
	}
	orgID, err := tx.activeUser(ctx, userID)
	if err != nil {
		return "", t, err
	}
	tok, h, err := newToken(apiTokenPrefix)
	if err != nil {
		return "", t, err
	}
	err = tx.tx.QueryRowContext(ctx, tx.s.q("INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id"),
		userID, t.Name, h, tx.s.tv(t.CreatedAt), tx.s.ntv(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return "", t, dbError("creating the API token", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionTokenCreate, SubjectKind: "api_token",
		SubjectID: subject(t.ID), Details: map[string]any{"user_id": userID}})
	return tok, t, err
}

// CreateAPIToken makes an API token in a transaction of its own; see
// Tx.CreateAPIToken.
func (s *Store) CreateAPIToken(ctx context.Context, actor Actor, userID int64, name string, ttl time.Duration) (string, APIToken, error) {
	var tok string
	t, err := inTx1(ctx, s, func(tx *Tx) (APIToken, error) {
		var (
			t   APIToken
			err error
		)
		tok, t, err = tx.CreateAPIToken(ctx, actor, userID, name, ttl)
		return t, err
	})
	return tok, t, err
}

const apiTokenColumns = "SELECT id, user_id, name, created_at, expires_at FROM api_tokens"

// LookupAPIToken returns the live API token for token; an unknown,
// revoked or expired one is not_found. The API calls it on every request.
func (s *Store) LookupAPIToken(ctx context.Context, token string) (APIToken, error) {
	if len(token) > maxTokenLen || !strings.HasPrefix(token, apiTokenPrefix) {
		return APIToken{}, chaperone.Errorf(chaperone.ErrNotFound, "API token: not found")
	}
	return scanAPIToken(s.rdb.QueryRowContext(ctx, s.q(apiTokenColumns+" WHERE token_hash = ? AND (expires_at IS NULL OR expires_at > ?)"),
		tokenHash(token), s.tv(s.clock())))
}

// ListAPITokens returns the user's API tokens (not the secrets), by id.
func (s *Store) ListAPITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	return list(ctx, s.rdb, "listing API tokens", s.q(apiTokenColumns+" WHERE user_id = ? ORDER BY id"), scanAPIToken, userID)
}

func scanAPIToken(r scanner) (APIToken, error) {
	var t APIToken
	err := r.Scan(&t.ID, &t.UserID, &t.Name, tm(&t.CreatedAt), tm(&t.ExpiresAt))
	return t, dbError("API token", err)
}

// RevokeAPIToken deletes the API token with the given id and appends
// token.revoke.
func (tx *Tx) RevokeAPIToken(ctx context.Context, actor Actor, id int64) error {
	var userID int64
	err := tx.tx.QueryRowContext(ctx, tx.s.q("DELETE FROM api_tokens WHERE id = ? RETURNING user_id"), id).Scan(&userID)
	if err != nil {
		return dbError("revoking the API token", err)
	}
	orgID, err := tx.userOrg(ctx, userID)
	if err != nil {
		return err
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionTokenRevoke, SubjectKind: "api_token",
		SubjectID: subject(id), Details: map[string]any{"user_id": userID}})
	return err
}

// RevokeAPIToken deletes an API token in a transaction of its own; see
// Tx.RevokeAPIToken.
func (s *Store) RevokeAPIToken(ctx context.Context, actor Actor, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.RevokeAPIToken(ctx, actor, id) })
}
