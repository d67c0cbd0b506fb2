package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/npi"
)

// maxPaymentsFile bounds an Open Payments upload: a clinician's own rows
// cut from the public file (the whole file is tens of GB; use the CLI or
// filter it first).
const maxPaymentsFile = 64 << 20

func (s *Server) tiesPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderTies(w, r, u, http.StatusOK, "")
}

func (s *Server) renderTies(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, msg string) {
	rs, err := s.svc.Relationships(r.Context(), u, 0)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	n, rec, err := s.svc.Identity(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	var proposed, confirmed []chaperone.Relationship
	for _, x := range rs {
		if x.Status == chaperone.TieProposed {
			proposed = append(proposed, x)
		} else {
			confirmed = append(confirmed, x)
		}
	}
	s.render(w, r, code, "ties", u, "Industry relationships and identity", struct {
		NPI                 string
		Record              *npi.Record
		Proposed, Confirmed []chaperone.Relationship
		Kinds               []chaperone.RelationshipKind
		Error               string
		Now                 time.Time
	}{n, rec, proposed, confirmed, chaperone.RelationshipKinds, msg, time.Now()})
}

func (s *Server) tiesFormError(w http.ResponseWriter, r *http.Request, u chaperone.User, err error) {
	if code := status(err); code < 500 && code != http.StatusForbidden && code != http.StatusNotFound {
		s.renderTies(w, r, u, code, publicMessage(err))
		return
	}
	s.errorPage(w, r, u, err)
}

func (s *Server) npiSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	if err := s.svc.SetNPI(r.Context(), u, r.PostFormValue("npi")); err != nil {
		s.tiesFormError(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/ties?done=npi", http.StatusSeeOther)
}

func (s *Server) tieSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	from, err := time.Parse(time.DateOnly, r.PostFormValue("from"))
	if err != nil {
		s.tiesFormError(w, r, u, chaperone.Errorf(chaperone.ErrInvalid, "the start date must be YYYY-MM-DD"))
		return
	}
	_, err = s.svc.DeclareRelationship(r.Context(), u, chaperone.Relationship{Company: r.PostFormValue("company"),
		Kind: chaperone.RelationshipKind(r.PostFormValue("kind")), From: from, Detail: strings.TrimSpace(r.PostFormValue("note"))})
	if err != nil {
		s.tiesFormError(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/ties?done=tie", http.StatusSeeOther)
}

func (s *Server) tiesImport(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	file, _, err := r.FormFile("file")
	if err != nil {
		s.tiesFormError(w, r, u, chaperone.Errorf(chaperone.ErrInvalid, "choose the Open Payments CSV file"))
		return
	}
	defer file.Close()
	proposed, err := s.svc.ImportOpenPayments(r.Context(), u, io.LimitReader(file, maxPaymentsFile))
	if err != nil {
		s.tiesFormError(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/ties?done=imported&n="+strconv.Itoa(len(proposed)), http.StatusSeeOther)
}

func (s *Server) tieAction(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		switch r.PostFormValue("action") {
		case "confirm":
			err = s.svc.ConfirmRelationship(r.Context(), u, id, true)
		case "dismiss":
			err = s.svc.ConfirmRelationship(r.Context(), u, id, false)
		case "end":
			var end time.Time
			if end, err = time.Parse(time.DateOnly, r.PostFormValue("end")); err != nil {
				err = chaperone.Errorf(chaperone.ErrInvalid, "the end date must be YYYY-MM-DD")
			} else {
				err = s.svc.EndRelationship(r.Context(), u, id, end)
			}
		default:
			err = chaperone.Errorf(chaperone.ErrInvalid, "unknown action")
		}
	}
	if err != nil {
		s.tiesFormError(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/ties?done=tie", http.StatusSeeOther)
}

// API

func (s *Server) apiTies(r *http.Request, u chaperone.User) (any, error) {
	var userID int64
	if v := r.URL.Query().Get("user"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "user must be a number")
		}
		userID = id
	}
	rs, err := s.svc.Relationships(r.Context(), u, userID)
	if rs == nil {
		rs = []chaperone.Relationship{}
	}
	return rs, err
}

func (s *Server) apiDeclareTie(r *http.Request, u chaperone.User) (any, error) {
	var req chaperone.Relationship
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.svc.DeclareRelationship(r.Context(), u, req)
}

func (s *Server) apiTieAction(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Action string    `json:"action"` // confirm, dismiss, end
		End    time.Time `json:"end"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	switch req.Action {
	case "confirm", "dismiss":
		err = s.svc.ConfirmRelationship(r.Context(), u, id, req.Action == "confirm")
	case "end":
		err = s.svc.EndRelationship(r.Context(), u, id, req.End)
	default:
		err = chaperone.Errorf(chaperone.ErrInvalid, "action must be confirm, dismiss or end")
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"id": id, "action": req.Action}, nil
}

func (s *Server) apiImportPayments(r *http.Request, u chaperone.User) (any, error) {
	proposed, err := s.svc.ImportOpenPayments(r.Context(), u, io.LimitReader(r.Body, maxPaymentsFile))
	if proposed == nil {
		proposed = []chaperone.Relationship{}
	}
	return map[string]any{"proposed": proposed}, err
}

func (s *Server) apiSetNPI(r *http.Request, u chaperone.User) (any, error) {
	var req struct {
		NPI string `json:"npi"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := s.svc.SetNPI(r.Context(), u, req.NPI); err != nil {
		return nil, err
	}
	return map[string]string{"npi": strings.TrimSpace(req.NPI)}, nil
}

func (s *Server) apiIdentity(r *http.Request, u chaperone.User) (any, error) {
	n, rec, err := s.svc.Identity(r.Context(), u)
	return map[string]any{"npi": n, "record": rec}, err
}

func (s *Server) apiImportNPPES(r *http.Request, u chaperone.User) (any, error) {
	return s.svc.ImportNPPES(r.Context(), u, r.Body)
}
