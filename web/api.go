package web

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
)

//go:embed openapi.json
var openAPI []byte

// apiRoutes registers the JSON API: bearer-token authentication, JSON in
// and out, errors as {"error": {"code", "message"}}. openapi.json
// describes it; TestOpenAPIMatchesRoutes keeps the two in step.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
	})
	for _, r := range s.api() {
		mux.Handle(r.pattern, s.apiUser(r.handler))
	}
}

// apiRoute is one operation of the JSON API.
type apiRoute struct {
	pattern string
	handler func(r *http.Request, u chaperone.User) (any, error)
}

func (s *Server) api() []apiRoute {
	return []apiRoute{
		{"POST /api/v1/screen", s.apiScreen},
		{"GET /api/v1/drafts", func(r *http.Request, u chaperone.User) (any, error) { return s.svc.Mine(r.Context(), u) }},
		{"POST /api/v1/drafts", s.apiCreate},
		{"GET /api/v1/drafts/{id}", s.apiView},
		{"POST /api/v1/drafts/{id}/versions", s.apiEdit},
		{"POST /api/v1/drafts/{id}/submit", s.apiSubmit},
		{"POST /api/v1/drafts/{id}/review", s.apiReview},
		{"POST /api/v1/drafts/{id}/override", s.apiOverride},
		{"POST /api/v1/drafts/{id}/publish", s.apiPublish},
		{"GET /api/v1/drafts/{id}/images", s.apiImages},
		{"POST /api/v1/drafts/{id}/images", s.apiAttachImage},
		{"GET /api/v1/drafts/{id}/images/{img}/{file}", s.apiImageFile},
		{"DELETE /api/v1/drafts/{id}/images/{img}", s.apiRemoveImage},
		{"GET /api/v1/published", s.apiPublished},
		{"POST /api/v1/published/import", s.apiImport},
		{"GET /api/v1/sources", s.apiSources},
		{"POST /api/v1/sources", s.apiAddSource},
		{"DELETE /api/v1/sources/{id}", s.apiRemoveSource},
		{"POST /api/v1/sources/{id}/poll", s.apiPollSource},
		{"PUT /api/v1/accounts/{id}/credentials", s.apiSetCredentials},
		{"GET /api/v1/published/imports/{id}", s.importStatus},
		{"GET /api/v1/audit-report", s.apiAuditReport},
		{"GET /api/v1/grade", s.apiGrade},
		{"POST /api/v1/published/{id}/resolve", s.apiResolvePost},
		{"GET /api/v1/queue", func(r *http.Request, u chaperone.User) (any, error) { return s.svc.Queue(r.Context(), u) }},
		{"GET /api/v1/accounts", func(r *http.Request, u chaperone.User) (any, error) { return s.store.ListAccounts(r.Context(), u.ID) }},
		{"POST /api/v1/accounts", s.apiAddAccount},
		{"GET /api/v1/archive", s.apiArchive},
		{"GET /api/v1/archive/{id}", s.apiArchiveItem},
		{"GET /api/v1/audit/verify", s.apiVerify},
		{"GET /api/v1/relationships", s.apiTies},
		{"POST /api/v1/relationships", s.apiDeclareTie},
		{"POST /api/v1/relationships/import", s.apiImportPayments},
		{"POST /api/v1/relationships/{id}", s.apiTieAction},
		{"PUT /api/v1/npi", s.apiSetNPI},
		{"GET /api/v1/export/{kind}", s.apiExport},
		{"POST /api/v1/users/{id}/disable", s.apiDisableUser},
		{"GET /api/v1/training", s.apiTraining},
		{"POST /api/v1/training", s.apiPublishTraining},
		{"GET /api/v1/training/report", s.apiTrainingReport},
		{"GET /api/v1/training/{slug}", s.apiTrainingDoc},
		{"POST /api/v1/training/{slug}/attest", s.apiAttest},
		{"GET /api/v1/identity", s.apiIdentity},
		{"POST /api/v1/identity/import", s.apiImportNPPES},
		{"GET /api/v1/consents", func(r *http.Request, u chaperone.User) (any, error) { return s.svc.Consents(r.Context(), u) }},
		{"POST /api/v1/consents", s.apiRecordConsent},
		{"GET /api/v1/consents/{id}", s.apiConsent},
		{"POST /api/v1/consents/{id}/revoke", s.apiRevoke},
		{"POST /api/v1/drafts/{id}/consents", s.apiLink},
		{"GET /api/v1/takedowns", s.apiTakedowns},
		{"POST /api/v1/takedowns/{id}/done", s.apiTakedownDone},
		{"GET /api/v1/reviews", s.apiReviews},
		{"POST /api/v1/reviews/import", s.apiImportReviews},
		{"POST /api/v1/reviews/{id}/reply", s.apiReviewReply},
		{"POST /api/v1/reviews/{id}/ack", s.apiReviewAck},
		{"GET /api/v1/review-requests", s.apiReviewRequests},
		{"POST /api/v1/review-requests/import", s.apiImportVisits},
		{"POST /api/v1/review-requests/visits", s.apiAddVisit},
		{"POST /api/v1/review-requests/optout", s.apiOptOut},
		{"GET /api/v1/review-requests/{id}/attempts", s.apiRequestAttempts},
		{"GET /api/v1/review-links", s.apiReviewLinks},
		{"PUT /api/v1/review-links", s.apiSetReviewLinks},
		{"GET /api/v1/reports", func(r *http.Request, u chaperone.User) (any, error) { return s.svc.MyReports(r.Context(), u) }},
		{"POST /api/v1/reports", s.apiReport},
		{"GET /api/v1/reports/about-me", func(r *http.Request, u chaperone.User) (any, error) { return s.svc.ReportsAboutMe(r.Context(), u) }},
		{"GET /api/v1/reports/queue", func(r *http.Request, u chaperone.User) (any, error) {
			return s.svc.ReportQueue(r.Context(), u, r.URL.Query().Get("all") == "1")
		}},
		{"GET /api/v1/reports/{id}", s.apiReportView},
		{"GET /api/v1/reports/{id}/screenshot", s.apiReportScreenshot},
		{"POST /api/v1/reports/{id}/respond", s.apiReportRespond},
		{"POST /api/v1/reports/{id}/outcome", s.apiReportOutcome},
		{"GET /api/v1/incidents", func(r *http.Request, u chaperone.User) (any, error) { return s.svc.Incidents(r.Context(), u) }},
		{"POST /api/v1/incidents", s.apiOpenIncident},
		{"GET /api/v1/incidents/due", s.apiNotificationsDue},
		{"GET /api/v1/incidents/log", s.apiBreachLog},
		{"GET /api/v1/incidents/{id}", s.apiIncident},
		{"POST /api/v1/incidents/{id}/assess", s.apiAssess},
		{"POST /api/v1/incidents/{id}/decide", s.apiDecide},
		{"POST /api/v1/incidents/{id}/tasks/{task}/done", s.apiBreachTaskDone},
		{"POST /api/v1/incidents/{id}/close", s.apiCloseIncident},
		{"GET /api/v1/incidents/{id}/export", s.apiIncidentExport},
		{"GET /api/v1/policy", func(r *http.Request, u chaperone.User) (any, error) { return s.svc.OrgPolicy(r.Context(), u) }},
		{"PUT /api/v1/policy", s.apiSetPolicy},
	}
}

// apiUser authenticates a bearer token and writes the handler's answer
// as JSON. Every API response is no-store.
func (s *Server) apiUser(h func(*http.Request, chaperone.User) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		u, err := s.tokenUser(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="chaperone"`)
			s.apiError(w, r, err)
			return
		}
		v, err := h(r, u)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		if rb, ok := v.(rawBody); ok {
			writeFile(w, rb.body, rb.ctype, rb.filename)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		code := http.StatusOK
		switch c := v.(type) {
		case createdBody:
			code, v = http.StatusCreated, c.v
		case accepted:
			code, v = http.StatusAccepted, c.v
		}
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(v)
	})
}

// accepted marks an API answer for work that goes on in the background:
// 202 Accepted, with what to poll.
type accepted struct{ v any }

// createdBody marks an API answer that is a new record: 201 Created.
type createdBody struct{ v any }

// created wraps what a handler that creates a record returns, so that
// apiUser answers 201 instead of 200.
func created(v any, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return createdBody{v}, nil
}

// rawBody is an API answer that is a file (an export, a screenshot), sent
// as a download with its own content type instead of JSON.
type rawBody struct {
	body            []byte
	ctype, filename string
}

// tokenUser returns the active user of the request's bearer token.
func (s *Server) tokenUser(r *http.Request) (chaperone.User, error) {
	unauth := chaperone.Errorf(chaperone.ErrUnauthenticated, "send an API token: Authorization: Bearer <token>")
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		return chaperone.User{}, unauth
	}
	t, err := s.store.LookupAPIToken(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		return chaperone.User{}, chaperone.Errorf(chaperone.ErrUnauthenticated, "the API token is unknown, revoked or expired")
	}
	u, err := s.store.GetUser(r.Context(), t.UserID)
	if err != nil || u.Disabled {
		return chaperone.User{}, chaperone.Errorf(chaperone.ErrUnauthenticated, "the token's user is disabled")
	}
	return u, nil
}

// apiError writes err as {"error": {"code", "message"}}.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	if code >= 500 {
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	ec := chaperone.CodeOf(err)
	if ec == "" {
		ec = chaperone.ErrInternal
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		ec = chaperone.ErrTooLarge
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": string(ec), "message": publicMessage(err)}})
}

// decode reads one JSON object into v, refusing unknown fields and
// trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return chaperone.Errorf(chaperone.ErrTooLarge, "the request body is larger than the limit")
		}
		if errors.Is(err, io.EOF) {
			return chaperone.Errorf(chaperone.ErrInvalid, "the request body is empty; send a JSON object")
		}
		return chaperone.Errorf(chaperone.ErrInvalid, "the request body is not the expected JSON: %s", jsonProblem(err))
	}
	if dec.More() {
		return chaperone.Errorf(chaperone.ErrInvalid, "the request body holds more than one JSON value")
	}
	return nil
}

// jsonProblem describes a decoding error without quoting the input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return "field " + te.Field + " must be " + te.Type.String()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return err.Error()[len("json: "):]
	}
	return "unreadable JSON"
}

// screenResponse is the answer to POST /api/v1/screen.
type screenResponse struct {
	chaperone.Result
	Rewrite string `json:"rewrite,omitempty"`
}

func (s *Server) apiScreen(r *http.Request, u chaperone.User) (any, error) {
	var it chaperone.Item
	if err := decode(r, &it); err != nil {
		return nil, err
	}
	res, err := s.svc.Screen(r.Context(), u, it)
	if err != nil {
		return nil, err
	}
	out := screenResponse{Result: res}
	if res.Decision != chaperone.Allow {
		out.Rewrite = service.Rewrite(it, res)
	}
	return out, nil
}

// draftRequest is the body of POST /api/v1/drafts and of a new version.
type draftRequest struct {
	AccountID int64             `json:"account_id"`
	Channel   chaperone.Channel `json:"channel"`
	Text      string            `json:"text"`
	Context   string            `json:"context"`
}

// draftResponse is a draft as the API shows it.
type draftResponse struct {
	chaperone.Draft
	Text     string                   `json:"text"`
	Context  string                   `json:"context,omitempty"`
	Screen   chaperone.Result         `json:"screen"`
	Route    any                      `json:"route"`
	Rewrite  string                   `json:"rewrite,omitempty"`
	Reviews  []chaperone.ReviewAction `json:"reviews"`
	Images   []chaperone.DraftImage   `json:"images"`
	Archived *chaperone.ArchiveItem   `json:"archived,omitempty"`
}

func (s *Server) view(ctx context.Context, u chaperone.User, id int64) (draftResponse, error) {
	v, err := s.svc.View(ctx, u, id)
	if err != nil {
		return draftResponse{}, err
	}
	reviews := v.Reviews
	if reviews == nil {
		reviews = []chaperone.ReviewAction{}
	}
	images := v.Images
	if images == nil {
		images = []chaperone.DraftImage{}
	}
	return draftResponse{Draft: v.Draft, Text: v.Version.Text, Context: v.Version.Context, Screen: v.Screen.Result,
		Route: v.Route, Rewrite: v.Rewrite, Reviews: reviews, Images: images}, nil
}

func (s *Server) apiCreate(r *http.Request, u chaperone.User) (any, error) {
	var req draftRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	d, err := s.svc.Create(r.Context(), u, service.Compose{AccountID: req.AccountID, Channel: req.Channel, Text: req.Text, Context: req.Context})
	if err != nil {
		return nil, err
	}
	return created(s.view(r.Context(), u, d.ID))
}

func (s *Server) apiView(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.view(r.Context(), u, id)
}

func (s *Server) apiEdit(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Text    string `json:"text"`
		Context string `json:"context"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if _, err := s.svc.Edit(r.Context(), u, id, req.Text, req.Context); err != nil {
		return nil, err
	}
	return s.view(r.Context(), u, id)
}

func (s *Server) apiSubmit(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	d, out, err := s.svc.Submit(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"draft": d, "route": out}, nil
}

func (s *Server) apiReview(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Action  chaperone.ReviewKind `json:"action"`
		Comment string               `json:"comment"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.svc.Review(r.Context(), u, id, req.Action, req.Comment)
}

func (s *Server) apiOverride(r *http.Request, u chaperone.User) (any, error) {
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
	return s.svc.Override(r.Context(), u, id, req.Reason)
}

func (s *Server) apiPublish(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		URL string `json:"url"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.svc.Publish(r.Context(), u, id, req.URL)
}

func (s *Server) apiAddAccount(r *http.Request, u chaperone.User) (any, error) {
	var a chaperone.SocialAccount
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	return s.svc.AddAccount(r.Context(), u, a)
}

func (s *Server) apiArchive(r *http.Request, u chaperone.User) (any, error) {
	from, to, err := dateRange(r)
	if err != nil {
		return nil, err
	}
	if r.URL.Query().Get("format") == "evidence" {
		ev, err := s.svc.Evidence(r.Context(), u, nil, from, to)
		return ev, err
	}
	items, err := s.svc.Archive(r.Context(), u, from, to)
	if items == nil {
		items = []chaperone.ArchiveItem{}
	}
	return items, err
}

func (s *Server) apiArchiveItem(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.svc.ArchivedItem(r.Context(), u, id)
}

func (s *Server) apiVerify(r *http.Request, u chaperone.User) (any, error) {
	if u.Role != chaperone.RoleCompliance && u.Role != chaperone.RoleAdmin {
		return nil, chaperone.Errorf(chaperone.ErrForbidden, "only compliance and admins verify the audit log")
	}
	return s.store.Verify(r.Context())
}

// apiSetPolicy saves the body's text as the next version of the org's
// routing policy (admins; the service checks the role and the policy).
func (s *Server) apiSetPolicy(r *http.Request, u chaperone.User) (any, error) {
	var req struct {
		Text *string `json:"text"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Text == nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "send the policy as {\"text\": \"…\"}")
	}
	return s.svc.SetOrgPolicy(r.Context(), u, *req.Text)
}
