package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// maxUpload bounds the bodies that carry a signed document (multipart or
// base64 in JSON).
const maxUpload = 16 << 20

// uploadRoutes are the routes whose bodies may carry a file, and the
// limit of each: a signed document, a review export, an Open Payments or
// NPPES extract.
var uploadRoutes = map[string]int64{"/consents": maxUpload, "/api/v1/consents": maxUpload,
	"/reviews/import": maxImport, "/api/v1/reviews/import": maxImport,
	"/ties/import": maxUpload, "/api/v1/relationships/import": maxUpload, "/api/v1/identity/import": maxImport,
	"/reports": maxUpload, "/api/v1/reports": maxUpload}

type consentsData struct {
	Consents []chaperone.Consent
	Channels []chaperone.Channel
	Media    []string
	Error    string
	Form     chaperone.Consent
}

func (s *Server) consentsPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderConsents(w, r, u, http.StatusOK, consentsData{})
}

func (s *Server) renderConsents(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, data consentsData) {
	cs, err := s.svc.Consents(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data.Consents, data.Channels, data.Media = cs, chaperone.Channels, chaperone.ConsentMedia
	s.render(w, r, code, "consents", u, "Patient authorisations", data)
}

// consentFromForm reads a consent from the multipart form.
func consentFromForm(r *http.Request) (chaperone.Consent, []byte, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return chaperone.Consent{}, nil, chaperone.Errorf(chaperone.ErrTooLarge, "the upload is larger than %d MiB", maxUpload>>20)
		}
		return chaperone.Consent{}, nil, chaperone.Errorf(chaperone.ErrInvalid, "unreadable form")
	}
	f := r.PostFormValue
	c := chaperone.Consent{Patient: f("patient"), Discloses: f("discloses"), DisclosedBy: f("disclosed_by"), Recipient: f("recipient"),
		Purpose: f("purpose"), ExpiryEvent: f("expiry_event"), SignedBy: f("signed_by"), Representative: f("representative"),
		RightToRevoke: f("right_to_revoke") == "on", NoConditioning: f("no_conditioning") == "on", Redisclosure: f("redisclosure") == "on",
		Media: r.PostForm["media"]}
	for _, ch := range r.PostForm["channels"] {
		c.Channels = append(c.Channels, chaperone.Channel(ch))
	}
	var err error
	if v := f("expires"); v != "" {
		if c.Expires, err = time.Parse(time.DateOnly, v); err != nil {
			return c, nil, chaperone.Errorf(chaperone.ErrInvalid, "the expiry date must be YYYY-MM-DD")
		}
	}
	if c.SignedAt, err = time.Parse(time.DateOnly, f("signed_at")); err != nil {
		return c, nil, chaperone.Errorf(chaperone.ErrInvalid, "the signing date must be YYYY-MM-DD")
	}
	file, _, err := r.FormFile("document")
	if err != nil {
		return c, nil, chaperone.Errorf(chaperone.ErrInvalid, "attach the signed authorisation (PDF or a photo of it)")
	}
	defer file.Close()
	doc, err := io.ReadAll(io.LimitReader(file, store.MaxDocumentBytes+1))
	if err != nil {
		return c, nil, chaperone.Errorf(chaperone.ErrInvalid, "reading the document failed")
	}
	return c, doc, nil
}

func (s *Server) consentSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	c, doc, err := consentFromForm(r)
	if err == nil {
		c, err = s.svc.RecordConsent(r.Context(), u, c, doc)
	}
	if err != nil {
		if code := status(err); code < 500 && code != http.StatusForbidden {
			s.renderConsents(w, r, u, code, consentsData{Error: publicMessage(err), Form: c})
			return
		}
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/consents/%d?done=consent", c.ID), http.StatusSeeOther)
}

func (s *Server) consentPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	c, err := s.svc.Consent(r.Context(), u, id)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "consent", u, fmt.Sprintf("Authorisation #%d", c.ID), struct {
		Consent chaperone.Consent
		Valid   string
	}{c, validText(c, time.Now())})
}

func validText(c chaperone.Consent, at time.Time) string {
	if err := c.ValidAt(at); err != nil {
		return publicMessage(err)
	}
	return "valid"
}

func (s *Server) consentDocument(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	doc, typ, err := s.svc.ConsentDocument(r.Context(), u, id)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	ext := map[string]string{"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[typ]
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="authorisation-%d.%s"`, id, ext))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(doc)
}

func (s *Server) revokeSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		_, err = s.svc.RevokeConsent(r.Context(), u, id, normalizeNewlines(r.PostFormValue("reason")))
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/consents/%d?done=revoked", id), http.StatusSeeOther)
}

func (s *Server) linkSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.draftAction(w, r, u, "linked", func(id int64) error {
		cid, err := strconv.ParseInt(r.PostFormValue("consent"), 10, 64)
		if err != nil {
			return chaperone.Errorf(chaperone.ErrInvalid, "choose an authorisation")
		}
		return s.svc.LinkConsent(r.Context(), u, id, cid)
	})
}

func (s *Server) takedownsPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	tasks, err := s.svc.Takedowns(r.Context(), u, r.URL.Query().Get("all") == "1")
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "takedowns", u, "Takedown tasks", struct {
		Tasks []chaperone.TakedownTask
		Now   time.Time
	}{tasks, time.Now()})
}

func (s *Server) takedownDone(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = s.svc.CompleteTakedown(r.Context(), u, id)
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/takedowns?done=takedown", http.StatusSeeOther)
}

// API

// consentRequest is the body of POST /api/v1/consents: the consent and
// its signed document in base64.
type consentRequest struct {
	chaperone.Consent
	Document []byte `json:"document_base64"`
}

func (s *Server) apiRecordConsent(r *http.Request, u chaperone.User) (any, error) {
	var req consentRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return created(s.svc.RecordConsent(r.Context(), u, req.Consent, req.Document))
}

func (s *Server) apiConsent(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.svc.Consent(r.Context(), u, id)
}

func (s *Server) apiRevoke(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	tasks, err := s.svc.RevokeConsent(r.Context(), u, id, req.Reason)
	if tasks == nil {
		tasks = []chaperone.TakedownTask{}
	}
	return map[string]any{"takedowns": tasks}, err
}

func (s *Server) apiLink(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		ConsentID int64 `json:"consent_id"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := s.svc.LinkConsent(r.Context(), u, id, req.ConsentID); err != nil {
		return nil, err
	}
	return s.view(r.Context(), u, id)
}

func (s *Server) apiTakedowns(r *http.Request, u chaperone.User) (any, error) {
	tasks, err := s.svc.Takedowns(r.Context(), u, r.URL.Query().Get("all") == "1")
	if tasks == nil {
		tasks = []chaperone.TakedownTask{}
	}
	return tasks, err
}

func (s *Server) apiTakedownDone(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if err := s.svc.CompleteTakedown(r.Context(), u, id); err != nil {
		return nil, err
	}
	return map[string]any{"id": id, "done": true}, nil
}
