package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
)

// pollTimeout bounds a "poll now" from the page or the API.
const pollTimeout = 2 * time.Minute

// sourceSubmit connects a source for the signed-in clinician (or, for
// compliance and admins, the clinician chosen).
func (s *Server) sourceSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	userID, _ := strconv.ParseInt(r.PostFormValue("user"), 10, 64)
	if _, err := s.svc.AddSource(r.Context(), u, userID, r.PostFormValue("kind"), r.PostFormValue("target")); err != nil {
		if code := status(err); code < 500 && code != http.StatusForbidden {
			s.renderWatch(w, r, u, code, watchData{SourceError: publicMessage(err)})
			return
		}
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/watch?done=source#sources", http.StatusSeeOther)
}

// sourceAction polls a source now or removes it, then shows the sources.
func (s *Server) sourceAction(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	done := ""
	switch r.PathValue("action") {
	case "poll":
		// a poll that fails is shown on the source (its last error)
		done = "polled"
		_, err = s.pollNow(r.Context(), u, id)
	case "remove":
		done = "source-removed"
		err = s.svc.RemoveSource(r.Context(), u, id)
	default:
		err = chaperone.Errorf(chaperone.ErrNotFound, "no such action")
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/watch?done="+done+"#sources", http.StatusSeeOther)
}

// pollNow polls one of u's sources (any of the org's for compliance and
// admins) at once. The error is for a source u may not poll; the poll's
// own error is its second result, also recorded on the source.
func (s *Server) pollNow(ctx context.Context, u chaperone.User, id int64) (error, error) {
	srcs, err := s.svc.Sources(ctx, u, canAuditUser(u))
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		if src.ID == id {
			ctx, cancel := context.WithTimeout(ctx, pollTimeout)
			defer cancel()
			_, err := s.svc.PollSource(ctx, id)
			return err, nil
		}
	}
	return nil, chaperone.Errorf(chaperone.ErrNotFound, "source %d not found", id)
}

// credentialsSubmit stores the publishing credentials of one of u's
// Mastodon or Bluesky accounts from the accounts page.
func (s *Server) credentialsSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		f := r.PostFormValue
		var secret any = service.MastodonSecret{Server: strings.TrimSpace(f("server")), Token: strings.TrimSpace(f("token"))}
		if f("pds") != "" || f("app_password") != "" {
			secret = service.BlueskySecret{PDS: strings.TrimSpace(f("pds")), Identifier: strings.TrimSpace(f("identifier")), AppPassword: f("app_password")}
		}
		js, _ := json.Marshal(secret)
		err = s.svc.SetCredentials(r.Context(), u, id, js)
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/accounts?done=credentials", http.StatusSeeOther)
}

func (s *Server) apiSources(r *http.Request, u chaperone.User) (any, error) {
	srcs, err := s.svc.Sources(r.Context(), u, r.URL.Query().Get("all") == "1")
	if srcs == nil && err == nil {
		srcs = []chaperone.Source{}
	}
	return srcs, err
}

func (s *Server) apiAddSource(r *http.Request, u chaperone.User) (any, error) {
	var req struct {
		UserID int64  `json:"user_id"`
		Kind   string `json:"kind"`
		Target string `json:"target"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return created(s.svc.AddSource(r.Context(), u, req.UserID, req.Kind, req.Target))
}

func (s *Server) apiRemoveSource(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if err := s.svc.RemoveSource(r.Context(), u, id); err != nil {
		return nil, err
	}
	return map[string]any{"removed": id}, nil
}

// pollResult is the API's answer to a poll: what it added, or why it
// failed (also recorded on the source).
type pollResult struct {
	service.WatchImport
	Error string `json:"error,omitempty"`
}

// apiPollSource polls a source now and answers what it added, or the
// poll's error in the answer (the poll ran; the source failed).
func (s *Server) apiPollSource(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	srcs, err := s.svc.Sources(r.Context(), u, canAuditUser(u))
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		if src.ID == id {
			ctx, cancel := context.WithTimeout(r.Context(), pollTimeout)
			defer cancel()
			res, err := s.svc.PollSource(ctx, id)
			out := pollResult{WatchImport: res}
			if err != nil {
				out.Error = publicMessage(err)
			}
			return out, nil
		}
	}
	return nil, chaperone.Errorf(chaperone.ErrNotFound, "source %d not found", id)
}

// apiSetCredentials takes MastodonSecret or BlueskySecret as JSON.
func (s *Server) apiSetCredentials(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "reading the body failed")
	}
	if err := s.svc.SetCredentials(r.Context(), u, id, body); err != nil {
		return nil, err
	}
	return map[string]any{"account_id": id, "saved": true}, nil
}
