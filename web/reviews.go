package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// maxImport bounds the body of a review import: the export (review.MaxBytes)
// and the multipart framing around it.
const maxImport = review.MaxBytes + 1<<20

// reviewSites are the sites the import form offers; others are imported
// with the site their file names.
var reviewSites = []string{"google", "yelp", "healthgrades"}

// reviewsPageSize is how many reviews a page of the list shows.
const reviewsPageSize = 100

// reviewForm is the list's filter as the form holds it.
type reviewForm struct {
	Site, MinRating, MaxRating, From, To string
	Unreplied, New                       bool
}

// reviewFilter reads the list's filter from the query: site, min_rating,
// max_rating, from and to (YYYY-MM-DD, to inclusive), unreplied=1,
// new=1 and before (the cursor of the next page).
func reviewFilter(r *http.Request) (store.ReviewFilter, reviewForm, error) {
	q := r.URL.Query()
	form := reviewForm{Site: q.Get("site"), MinRating: q.Get("min_rating"), MaxRating: q.Get("max_rating"), From: q.Get("from"), To: q.Get("to"),
		Unreplied: q.Get("unreplied") == "1" || q.Get("unreplied") == "true", New: q.Get("new") == "1" || q.Get("new") == "true"}
	f := store.ReviewFilter{Site: strings.TrimSpace(form.Site), Unreplied: form.Unreplied, New: form.New}
	var err error
	rating := func(v, name string) (int, error) {
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			return 0, chaperone.Errorf(chaperone.ErrInvalid, "%s must be 1 to 5", name)
		}
		return n, nil
	}
	if f.MinRating, err = rating(form.MinRating, "min_rating"); err != nil {
		return f, form, err
	}
	if f.MaxRating, err = rating(form.MaxRating, "max_rating"); err != nil {
		return f, form, err
	}
	if f.From, f.To, err = dateRange(r); err != nil {
		return f, form, err
	}
	if v := q.Get("before"); v != "" {
		micro, id, ok := strings.Cut(v, ".")
		m, err1 := strconv.ParseInt(micro, 10, 64)
		n, err2 := strconv.ParseInt(id, 10, 64)
		if !ok || err1 != nil || err2 != nil || n <= 0 {
			return f, form, chaperone.Errorf(chaperone.ErrInvalid, "before must be the cursor of a previous page")
		}
		f.BeforePosted, f.BeforeID = time.UnixMicro(m).UTC(), n
	}
	return f, form, nil
}

// nextCursor is the cursor of the page after rs, "" when rs is the last.
func nextCursor(rs []chaperone.PatientReview, limit int) string {
	if len(rs) < limit || len(rs) == 0 {
		return ""
	}
	last := rs[len(rs)-1]
	return fmt.Sprintf("%d.%d", last.CreatedAt.UnixMicro(), last.ID)
}

type reviewsData struct {
	Reviews   []chaperone.PatientReview
	Form      reviewForm
	Sites     []string
	Next      string // the next page's URL
	Error     string
	Imported  string
	ImportFor string // the site chosen for the failed import
}

func (s *Server) reviewsPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	data := reviewsData{}
	if r.URL.Query().Get("done") == "imported" {
		added, _ := strconv.Atoi(r.URL.Query().Get("added"))
		skipped, _ := strconv.Atoi(r.URL.Query().Get("skipped"))
		data.Imported = fmt.Sprintf("%d new review(s) imported; %d already here were skipped.", added, skipped)
	}
	s.renderReviews(w, r, u, http.StatusOK, data)
}

func (s *Server) renderReviews(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, data reviewsData) {
	f, form, err := reviewFilter(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	f.Limit = reviewsPageSize
	rs, err := s.svc.Reviews(r.Context(), u, f)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data.Reviews, data.Form, data.Sites = rs, form, reviewSites
	if c := nextCursor(rs, f.Limit); c != "" && r.Method == http.MethodGet {
		q := r.URL.Query()
		q.Set("before", c)
		q.Del("done")
		data.Next = "/reviews?" + q.Encode()
	}
	s.render(w, r, code, "reviews", u, "Patient reviews", data)
}

// reviewImportSubmit imports the uploaded export. The form is read part
// by part, so the file is held in memory (bounded by maxImport) and never
// written to a temporary file.
func (s *Server) reviewImportSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	site, data, err := importUpload(r)
	var res service.ImportResult
	if err == nil {
		res, err = s.svc.ImportReviews(r.Context(), u, bytes.NewReader(data), site)
	}
	if err != nil {
		if code := status(err); code < 500 && code != http.StatusForbidden {
			r.URL.RawQuery = "" // show the whole list under the error
			s.renderReviews(w, r, u, code, reviewsData{Error: publicMessage(err), ImportFor: site})
			return
		}
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/reviews?done=imported&added=%d&skipped=%d", res.Added, res.Skipped), http.StatusSeeOther)
}

// importUpload reads the site field and the file of the import form.
func importUpload(r *http.Request) (site string, data []byte, err error) {
	tooLarge := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return chaperone.Errorf(chaperone.ErrTooLarge, "the export is larger than %d MiB; split it, nothing was imported", review.MaxBytes>>20)
		}
		return chaperone.Errorf(chaperone.ErrInvalid, "the upload could not be read; nothing was imported")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, chaperone.Errorf(chaperone.ErrInvalid, "send the export as a file upload (multipart/form-data)")
	}
	got := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return site, nil, tooLarge(err)
		}
		switch p.FormName() {
		case "site":
			b, err := io.ReadAll(io.LimitReader(p, 100))
			if err != nil {
				return site, nil, tooLarge(err)
			}
			site = strings.TrimSpace(string(b))
		case "file":
			if data, err = io.ReadAll(p); err != nil {
				return site, nil, tooLarge(err)
			}
			got = p.FileName() != "" || len(data) > 0
		}
		p.Close()
	}
	if !got || len(data) == 0 {
		return site, nil, chaperone.Errorf(chaperone.ErrInvalid, "choose an export file (CSV or JSON) to import")
	}
	return site, data, nil
}

func (s *Server) reviewReplySubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	var d chaperone.Draft
	if err == nil {
		d, err = s.svc.ReplyDraft(r.Context(), u, id, r.PostFormValue("template"))
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/drafts/%d?done=reply", d.ID), http.StatusSeeOther)
}

func (s *Server) reviewAckSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		err = s.svc.Acknowledge(r.Context(), u, id)
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	if r.PostFormValue("back") == "dashboard" {
		http.Redirect(w, r, "/?done=acknowledged", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/reviews?done=acknowledged", http.StatusSeeOther)
}

// API

// reviewsResponse is the answer to GET /api/v1/reviews: a page of
// reviews and the cursor of the next ("" after the last).
type reviewsResponse struct {
	Reviews []chaperone.PatientReview `json:"reviews"`
	Next    string                    `json:"next,omitempty"`
}

func (s *Server) apiReviews(r *http.Request, u chaperone.User) (any, error) {
	f, _, err := reviewFilter(r)
	if err != nil {
		return nil, err
	}
	f.Limit = reviewsPageSize
	if v := r.URL.Query().Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > 500 {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "limit must be 1 to 500")
		}
	}
	rs, err := s.svc.Reviews(r.Context(), u, f)
	if err != nil {
		return nil, err
	}
	if rs == nil {
		rs = []chaperone.PatientReview{}
	}
	return reviewsResponse{Reviews: rs, Next: nextCursor(rs, f.Limit)}, nil
}

// importTypes are the content types an export may be sent as.
var importTypes = map[string]bool{"": true, "text/csv": true, "application/json": true, "text/plain": true, "application/octet-stream": true}

// apiImportReviews imports the request body, the export file itself.
func (s *Server) apiImportReviews(r *http.Request, u chaperone.User) (any, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !importTypes[mt] {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "send the export as text/csv or application/json")
		}
	}
	res, err := s.svc.ImportReviews(r.Context(), u, r.Body, r.URL.Query().Get("site"))
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Server) apiReviewReply(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Template string `json:"template"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	d, err := s.svc.ReplyDraft(r.Context(), u, id, req.Template)
	if err != nil {
		return nil, err
	}
	return created(s.view(r.Context(), u, d.ID))
}

func (s *Server) apiReviewAck(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if err := s.svc.Acknowledge(r.Context(), u, id); err != nil {
		return nil, err
	}
	return map[string]any{"id": id, "acknowledged": true}, nil
}

// reviewsURL is the list filtered to one site and the low ratings, for
// the dashboard's alerts.
func reviewsURL(site string) string {
	return "/reviews?" + url.Values{"site": {site}, "max_rating": {strconv.Itoa(chaperone.LowRating)}, "new": {"1"}}.Encode()
}
