package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// securityHeaders sets the headers every response carries: a strict
// content security policy (no scripts, no framing), no sniffing, no
// referrer, and HSTS when served over TLS.
func securityHeaders(secure bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// noStore marks a response as holding PHI or account data: never cached.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}

// cacheStatic lets browsers cache the embedded static files for a day.
func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		next.ServeHTTP(w, r)
	})
}

// limitBody bounds every request body.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.opts.MaxBody
		if up := uploadLimit(r.URL.Path); r.Method == http.MethodPost && up > 0 {
			limit = max(limit, up)
			if up > maxImageUpload {
				// an archive may take a while to arrive: beyond the
				// server's read timeout, within a bound of its own
				http.NewResponseController(w).SetReadDeadline(time.Now().Add(30 * time.Minute))
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic in a handler into a 500 without the panic value,
// which might hold request data.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const userKey ctxKey = 1

// userFrom returns the signed-in user of the request.
func userFrom(ctx context.Context) chaperone.User {
	u, _ := ctx.Value(userKey).(chaperone.User)
	return u
}

// user wraps a page handler that needs a signed-in user: it loads the
// session from the cookie, or sends the browser to the sign-in page.
// Every page behind it is no-store.
func (s *Server) user(h func(http.ResponseWriter, *http.Request, chaperone.User)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		u, err := s.sessionUser(r)
		if err != nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.errorPage(w, r, chaperone.User{}, chaperone.Errorf(chaperone.ErrUnauthenticated, "sign in first"))
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey, u)), u)
	})
}

// sessionJSON wraps a JSON endpoint for the signed-in browser (the
// compose page's live screen): errors are JSON, not pages.
func (s *Server) sessionJSON(h func(*http.Request, chaperone.User) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		u, err := s.sessionUser(r)
		if err != nil {
			s.apiError(w, r, chaperone.Errorf(chaperone.ErrUnauthenticated, "your session has ended; sign in again"))
			return
		}
		v, err := h(r, u)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	})
}

// sessionUser returns the active user of the request's session cookie.
func (s *Server) sessionUser(r *http.Request) (chaperone.User, error) {
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" {
		return chaperone.User{}, errors.New("no session")
	}
	sess, err := s.store.LookupSession(r.Context(), c.Value)
	if err != nil {
		return chaperone.User{}, err
	}
	u, err := s.store.GetUser(r.Context(), sess.UserID)
	if err != nil || u.Disabled {
		return chaperone.User{}, errors.New("no active user")
	}
	return u, nil
}

// cookieName is the session cookie's name: with the __Host- prefix over
// TLS, so that no subdomain or plain-HTTP page can set it.
func (s *Server) cookieName() string {
	if s.opts.Secure {
		return "__Host-chaperone"
	}
	return "chaperone"
}

// status maps an error code to an HTTP status.
func status(err error) int {
	switch chaperone.CodeOf(err) {
	case chaperone.ErrInvalid:
		return http.StatusBadRequest
	case chaperone.ErrTooLarge:
		return http.StatusRequestEntityTooLarge
	case chaperone.ErrNotFound:
		return http.StatusNotFound
	case chaperone.ErrConflict:
		return http.StatusConflict
	case chaperone.ErrForbidden:
		return http.StatusForbidden
	case chaperone.ErrUnauthenticated:
		return http.StatusUnauthorized
	case chaperone.ErrUnavailable:
		return http.StatusBadGateway
	case chaperone.ErrTooMany:
		return http.StatusTooManyRequests
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// publicMessage is what a user is told of an error: the message of a
// chaperone error the user can act on, else a generic line.
func publicMessage(err error) string {
	var ce *chaperone.Error
	if errors.As(err, &ce) && ce.Code != chaperone.ErrInternal && ce.Code != "" {
		return ce.Msg
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "the request is too large"
	}
	return "something went wrong; the error was logged"
}
