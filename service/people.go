package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/mail"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// AddUser adds a user to the admin's org with a one-time password, which
// is returned once and stored only as its argon2id hash. Only admins add
// users.
func (s *Service) AddUser(ctx context.Context, admin chaperone.User, email, name string, role chaperone.Role) (chaperone.User, string, error) {
	if err := active(admin); err != nil {
		return chaperone.User{}, "", err
	}
	if admin.Role != chaperone.RoleAdmin {
		return chaperone.User{}, "", forbidden("only admins add users")
	}
	return CreateUser(ctx, s.store, store.Actor{UserID: admin.ID}, admin.OrgID, email, name, role)
}

// CreateUser adds a user to an org with a new one-time password and
// returns both. AddUser and the CLI's `user add` call it.
func CreateUser(ctx context.Context, st *store.Store, by store.Actor, orgID int64, email, name string, role chaperone.Role) (chaperone.User, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return chaperone.User{}, "", invalid("%q is not an email address", email)
	}
	if name == "" || len(name) > 200 {
		return chaperone.User{}, "", invalid("give the user's name (at most 200 characters)")
	}
	if !role.Valid() {
		return chaperone.User{}, "", invalid("unknown role %q (clinician, reviewer, compliance or admin)", role)
	}
	password := OneTimePassword()
	hash, err := store.HashPassword(password)
	if err != nil {
		return chaperone.User{}, "", err
	}
	u, err := st.CreateUser(ctx, by, chaperone.User{OrgID: orgID, Email: email, DisplayName: name, Role: role, PasswordHash: hash})
	return u, password, err
}

// OneTimePassword returns a random password of 20 characters (120 bits).
func OneTimePassword() string {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never returns an error on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// AddAccount records one of u's social accounts. Bios and posts on it
// are screened like any draft.
func (s *Service) AddAccount(ctx context.Context, u chaperone.User, a chaperone.SocialAccount) (chaperone.SocialAccount, error) {
	if err := active(u); err != nil {
		return a, err
	}
	a.UserID = u.ID
	a.Platform = strings.ToLower(strings.TrimSpace(a.Platform))
	a.Handle = strings.TrimSpace(a.Handle)
	switch {
	case a.Platform == "" || len(a.Platform) > 40 || strings.ContainsAny(a.Platform, " \t\n"):
		return a, invalid("give the platform as one word (mastodon, bluesky, x …)")
	case a.Handle == "" || len(a.Handle) > 200:
		return a, invalid("give the account's handle")
	case a.Kind != chaperone.AccountProfessional && a.Kind != chaperone.AccountPersonal:
		return a, invalid("an account is professional or personal")
	}
	return s.store.CreateAccount(ctx, actor(u), a)
}

// DisableUser disables a user of the admin's org: they can no longer sign
// in, and their sessions and API tokens end. Their records stay. Admins
// cannot disable themselves (an org must keep an admin who can act).
func (s *Service) DisableUser(ctx context.Context, admin chaperone.User, userID int64) error {
	if err := active(admin); err != nil {
		return err
	}
	if admin.Role != chaperone.RoleAdmin {
		return forbidden("only admins disable users")
	}
	if userID == admin.ID {
		return invalid("you cannot disable yourself")
	}
	u, err := s.store.GetUser(ctx, userID)
	if err != nil || u.OrgID != admin.OrgID {
		return chaperone.Errorf(chaperone.ErrNotFound, "user %d not found", userID)
	}
	if u.Disabled {
		return conflict("user %d is already disabled", userID)
	}
	return s.store.DisableUser(ctx, actor(admin), userID)
}

// OrgAccounts lists every social account of the org's users, for admins
// and compliance (who check that personal and professional accounts stay
// apart).
func (s *Service) OrgAccounts(ctx context.Context, u chaperone.User) ([]chaperone.SocialAccount, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	if !canAudit(u) {
		return nil, forbidden("only compliance and admins see everyone's accounts")
	}
	users, err := s.store.ListUsers(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	var out []chaperone.SocialAccount
	for _, x := range users {
		as, err := s.store.ListAccounts(ctx, x.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
	}
	return out, nil
}
