package web

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// Sign-in throttling: after maxFailures failed sign-ins for one email or
// from one client address within failureWindow, further attempts are
// refused until the window has passed.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
	maxThrottled  = 100_000 // keys kept, so that a flood cannot grow memory without bound
)

// throttle counts recent sign-in failures per key.
type throttle struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

func newThrottle() *throttle { return &throttle{fails: map[string][]time.Time{}} }

// blocked reports whether key has too many recent failures.
func (t *throttle) blocked(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent(key, now)) >= maxFailures
}

// fail records a failure for key.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.fails) >= maxThrottled {
		for k := range t.fails {
			if len(t.recent(k, now)) == 0 {
				delete(t.fails, k)
			}
		}
		if len(t.fails) >= maxThrottled {
			clear(t.fails)
		}
	}
	t.fails[key] = append(t.recent(key, now), now)
}

// reset forgets key's failures after a successful sign-in.
func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}

func (t *throttle) recent(key string, now time.Time) []time.Time {
	fs := t.fails[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) > failureWindow {
		i++
	}
	if i == len(fs) {
		delete(t.fails, key)
		return nil
	}
	return fs[i:]
}

// clientIP is the request's remote address without the port.
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}

type loginData struct {
	Org, Email, Next, Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	s.render(w, r, http.StatusOK, "login", chaperone.User{}, "Sign in", loginData{Org: r.URL.Query().Get("org"), Next: safeNext(r.URL.Query().Get("next"))})
}

// errBadLogin is the one answer to every failed sign-in, so that it tells
// nothing about which part was wrong.
var errBadLogin = chaperone.Errorf(chaperone.ErrUnauthenticated, "wrong organisation, email or password")

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, chaperone.User{}, chaperone.Errorf(chaperone.ErrInvalid, "unreadable form"))
		return
	}
	data := loginData{Org: strings.TrimSpace(r.PostFormValue("org")), Email: strings.ToLower(strings.TrimSpace(r.PostFormValue("email"))),
		Next: safeNext(r.PostFormValue("next"))}
	u, err := s.authenticate(r, data.Org, data.Email, r.PostFormValue("password"))
	if err != nil {
		data.Error = publicMessage(err)
		s.render(w, r, status(err), "login", chaperone.User{}, "Sign in", data)
		return
	}
	tok, sess, err := s.store.CreateSession(r.Context(), u.ID, s.opts.SessionTTL)
	if err != nil {
		s.errorPage(w, r, chaperone.User{}, err)
		return
	}
	// a new token at every sign-in: a session id planted before sign-in is useless
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: tok, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	next := data.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// authenticate checks a sign-in with throttling and records it in the
// audit log, successful or not.
func (s *Server) authenticate(r *http.Request, orgSlug, email, password string) (chaperone.User, error) {
	ctx := r.Context()
	now := time.Now()
	keys := []string{"email:" + orgSlug + "/" + email, "ip:" + clientIP(r)}
	for _, k := range keys {
		if s.throttle.blocked(k, now) {
			return chaperone.User{}, chaperone.Errorf(chaperone.ErrTooMany, "too many failed sign-ins; try again in 15 minutes")
		}
	}
	select {
	case s.login <- struct{}{}:
		defer func() { <-s.login }()
	case <-ctx.Done():
		return chaperone.User{}, ctx.Err()
	}
	u, err := s.checkPassword(r, orgSlug, email, password)
	if err != nil {
		for _, k := range keys {
			s.throttle.fail(k, now)
		}
		details := map[string]any{"reason": "bad credentials"}
		s.store.Audit(ctx, store.System, store.AuditEntry{OrgID: u.OrgID, Action: chaperone.ActionUserLoginFailed, SubjectKind: "user",
			SubjectID: idString(u.ID), Details: details})
		return chaperone.User{}, errBadLogin
	}
	s.throttle.reset(keys[0])
	if _, err := s.store.Audit(ctx, store.Actor{UserID: u.ID}, store.AuditEntry{OrgID: u.OrgID, Action: chaperone.ActionUserLogin,
		SubjectKind: "user", SubjectID: idString(u.ID)}); err != nil {
		return chaperone.User{}, err
	}
	return u, nil
}

// checkPassword finds the user and checks the password. A missing org or
// user still costs one hash, so timing tells nothing.
func (s *Server) checkPassword(r *http.Request, orgSlug, email, password string) (chaperone.User, error) {
	ctx := r.Context()
	org, err := s.store.GetOrgBySlug(ctx, orgSlug)
	var u chaperone.User
	if err == nil {
		u, err = s.store.GetUserByEmail(ctx, org.ID, email)
	}
	if err != nil || u.Disabled || u.PasswordHash == "" {
		store.CheckPassword(dummyHash(), password)
		if err == nil {
			err = errors.New("disabled")
		}
		return u, err
	}
	if !store.CheckPassword(u.PasswordHash, password) {
		return u, errors.New("wrong password")
	}
	return u, nil
}

var dummyOnce = sync.OnceValue(func() string {
	h, _ := store.HashPassword("chaperone-timing-equaliser")
	return h
})

func dummyHash() string { return dummyOnce() }

func (s *Server) logout(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if c, err := r.Cookie(s.cookieName()); err == nil {
		if err := s.store.DeleteSession(r.Context(), c.Value); err != nil && chaperone.CodeOf(err) != chaperone.ErrNotFound {
			s.errorPage(w, r, u, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}
