package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// Review requests: the page and API where clinicians, compliance and
// admins import appointment lists, add visits by hand, put addresses on
// the opt-out list and see every request and its status, and admins set
// the review links; and the public unsubscribe page the emails link to.

// maxVisitImport bounds the body of an appointment list upload: the list
// (review.MaxVisitBytes) and the multipart framing around it.
const maxVisitImport = review.MaxVisitBytes + 1<<20

func init() {
	uploadRoutes["/review-requests/import"] = maxVisitImport
	uploadRoutes["/api/v1/review-requests/import"] = maxVisitImport
}

// reviewRequestsPageSize is how many requests a page lists.
const reviewRequestsPageSize = 100

type reviewRequestsData struct {
	service.ReviewRequestPage
	Status   string // the list's filter
	Statuses []chaperone.ReviewRequestStatus
	NextURL  string
	Error    string // of a form below
	Done     string // what a form just did
	Form     struct{ Name, Email, Date string }
}

var requestStatuses = []chaperone.ReviewRequestStatus{chaperone.RequestQueued, chaperone.RequestSending, chaperone.RequestSent,
	chaperone.RequestOptedOut, chaperone.RequestRecent, chaperone.RequestFailed}

// requestFilter reads status, before and limit from the query.
func requestFilter(r *http.Request) (store.ReviewRequestFilter, error) {
	q := r.URL.Query()
	f := store.ReviewRequestFilter{Status: chaperone.ReviewRequestStatus(q.Get("status")), Limit: reviewRequestsPageSize}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, chaperone.Errorf(chaperone.ErrInvalid, "before must be a request id")
		}
		f.BeforeID = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return f, chaperone.Errorf(chaperone.ErrInvalid, "limit must be 1 to 500")
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) reviewRequestsPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	data := reviewRequestsData{}
	q := r.URL.Query()
	switch q.Get("done") {
	case "imported":
		data.Done = fmt.Sprintf("%s new visit(s) imported, each with a review request; %s already here were skipped.", q.Get("added"), q.Get("skipped"))
		if ig := q.Get("ignored"); ig != "" {
			data.Done += " Columns not read (never kept): " + ig + "."
		}
	case "visit":
		if q.Get("added") == "1" {
			data.Done = "Visit added with its review request."
		} else {
			data.Done = "That visit is already here; nothing was added."
		}
	case "optout":
		data.Done = "The address is on the opt-out list: it is sent no more review requests."
	case "links":
		data.Done = "Review links saved."
	}
	s.renderReviewRequests(w, r, u, http.StatusOK, data)
}

func (s *Server) renderReviewRequests(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, data reviewRequestsData) {
	f, err := requestFilter(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	p, err := s.svc.ReviewRequests(r.Context(), u, f)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data.ReviewRequestPage, data.Status, data.Statuses = p, string(f.Status), requestStatuses
	if p.Next != 0 && r.Method == http.MethodGet {
		v := url.Values{"before": {strconv.FormatInt(p.Next, 10)}}
		if f.Status != "" {
			v.Set("status", string(f.Status))
		}
		data.NextURL = "/review-requests?" + v.Encode()
	}
	s.render(w, r, code, "review_requests", u, "Review requests", data)
}

// formFailed shows a form's error on the page (4xx but 403), or the
// error page.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, u chaperone.User, err error, data reviewRequestsData) {
	if code := status(err); code < 500 && code != http.StatusForbidden {
		r.URL.RawQuery = ""
		data.Error = publicMessage(err)
		s.renderReviewRequests(w, r, u, code, data)
		return
	}
	s.errorPage(w, r, u, err)
}

// visitImportSubmit imports the uploaded appointment list (held in
// memory, bounded by maxVisitImport, never written to a file).
func (s *Server) visitImportSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	_, data, err := importUpload(r)
	var res service.VisitImport
	if err == nil {
		res, err = s.svc.ImportVisits(r.Context(), u, bytes.NewReader(data))
	}
	if err != nil {
		s.formFailed(w, r, u, err, reviewRequestsData{})
		return
	}
	v := url.Values{"done": {"imported"}, "added": {strconv.Itoa(res.Added)}, "skipped": {strconv.Itoa(res.Skipped)}}
	if len(res.Ignored) > 0 {
		v.Set("ignored", strings.Join(res.Ignored, ", "))
	}
	http.Redirect(w, r, "/review-requests?"+v.Encode(), http.StatusSeeOther)
}

func (s *Server) visitSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, chaperone.Errorf(chaperone.ErrInvalid, "unreadable form"))
		return
	}
	res, err := s.svc.AddVisit(r.Context(), u, r.PostFormValue("name"), r.PostFormValue("email"), r.PostFormValue("date"))
	if err != nil {
		data := reviewRequestsData{}
		data.Form.Name, data.Form.Email, data.Form.Date = r.PostFormValue("name"), r.PostFormValue("email"), r.PostFormValue("date")
		s.formFailed(w, r, u, err, data)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/review-requests?done=visit&added=%d", res.Added), http.StatusSeeOther)
}

func (s *Server) optOutSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, chaperone.Errorf(chaperone.ErrInvalid, "unreadable form"))
		return
	}
	if err := s.svc.OptOutAddress(r.Context(), u, r.PostFormValue("email")); err != nil {
		s.formFailed(w, r, u, err, reviewRequestsData{})
		return
	}
	http.Redirect(w, r, "/review-requests?done=optout", http.StatusSeeOther)
}

func (s *Server) reviewLinksSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, chaperone.Errorf(chaperone.ErrInvalid, "unreadable form"))
		return
	}
	_, err := s.svc.SetReviewLinks(r.Context(), u, chaperone.ReviewLinks{Google: r.PostFormValue("google"), Yelp: r.PostFormValue("yelp"),
		Healthgrades: r.PostFormValue("healthgrades")})
	if err != nil {
		s.formFailed(w, r, u, err, reviewRequestsData{})
		return
	}
	http.Redirect(w, r, "/review-requests?done=links", http.StatusSeeOther)
}

// The public unsubscribe page: no sign-in, no PHI (it shows the
// practice's name and nothing about the address). GET shows a button;
// POST records the opt-out, from that button or from a mail client's RFC
// 8058 one-click POST (List-Unsubscribe=One-Click), which comes without
// Origin or Sec-Fetch-Site headers and so passes the cross-origin check
// that refuses other sites' forms.

type unsubscribeData struct {
	Practice, Token string
	Done            bool
}

func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	tok := r.PathValue("token")
	practice, done, err := s.svc.UnsubscribeInfo(r.Context(), tok)
	if err != nil {
		s.errorPage(w, r, chaperone.User{}, err)
		return
	}
	s.render(w, r, http.StatusOK, "unsubscribe", chaperone.User{}, "Unsubscribe", unsubscribeData{Practice: practice, Token: tok, Done: done})
}

func (s *Server) unsubscribeSubmit(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	tok := r.PathValue("token")
	how := "link"
	if r.PostFormValue("List-Unsubscribe") == "One-Click" { // urlencoded or multipart, as RFC 8058 allows
		how = "one-click"
	}
	if err := s.svc.Unsubscribe(r.Context(), tok, how); err != nil {
		s.errorPage(w, r, chaperone.User{}, err)
		return
	}
	practice, _, err := s.svc.UnsubscribeInfo(r.Context(), tok)
	if err != nil {
		s.errorPage(w, r, chaperone.User{}, err)
		return
	}
	s.render(w, r, http.StatusOK, "unsubscribe", chaperone.User{}, "Unsubscribe", unsubscribeData{Practice: practice, Done: true})
}

// API

func (s *Server) apiReviewRequests(r *http.Request, u chaperone.User) (any, error) {
	f, err := requestFilter(r)
	if err != nil {
		return nil, err
	}
	return s.svc.ReviewRequests(r.Context(), u, f)
}

// apiImportVisits imports the request body, the appointment list, read
// as CSV whatever its content type says.
func (s *Server) apiImportVisits(r *http.Request, u chaperone.User) (any, error) {
	return s.svc.ImportVisits(r.Context(), u, r.Body)
}

func (s *Server) apiAddVisit(r *http.Request, u chaperone.User) (any, error) {
	var req struct {
		Name  string `json:"name"`
		Email string `json:"email"`
		Date  string `json:"date"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	res, err := s.svc.AddVisit(r.Context(), u, req.Name, req.Email, req.Date)
	if err != nil {
		return nil, err
	}
	if res.Added == 0 {
		return res, nil
	}
	return createdBody{res}, nil
}

func (s *Server) apiOptOut(r *http.Request, u chaperone.User) (any, error) {
	var req struct {
		Email string `json:"email"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := s.svc.OptOutAddress(r.Context(), u, req.Email); err != nil {
		return nil, err
	}
	return map[string]any{"opted_out": true}, nil
}

func (s *Server) apiRequestAttempts(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	as, err := s.svc.ReviewRequestAttempts(r.Context(), u, id)
	if as == nil {
		as = []store.ReviewRequestAttempt{}
	}
	return as, err
}

func (s *Server) apiReviewLinks(r *http.Request, u chaperone.User) (any, error) {
	return s.svc.ReviewLinks(r.Context(), u)
}

func (s *Server) apiSetReviewLinks(r *http.Request, u chaperone.User) (any, error) {
	var req struct {
		Google       string `json:"google"`
		Yelp         string `json:"yelp"`
		Healthgrades string `json:"healthgrades"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.svc.SetReviewLinks(r.Context(), u, chaperone.ReviewLinks{Google: req.Google, Yelp: req.Yelp, Healthgrades: req.Healthgrades})
}
