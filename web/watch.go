package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/report"
	"github.com/chaperone-project/chaperone/service"
)

// watchForm is the watch page's filter, as the query string gives it.
type watchForm struct {
	Status string
	Source string
	All    bool  // every clinician's (compliance and admins)
	User   int64 // one clinician's (compliance and admins)
}

// watchPost is a published post as the watch page shows it: its text cut
// into highlighted spans.
type watchPost struct {
	chaperone.PublishedPost
	Segments []segment
}

type watchData struct {
	Form        watchForm
	Posts       []watchPost
	Counts      map[chaperone.PostStatus]int
	Statuses    []chaperone.PostStatus
	SourceNames []string // the filter's choices
	Names       map[int64]string
	Next        string
	Error       string
	Imported    *service.WatchImport
	// Import is the archive import the page follows (?import=ID).
	Import int64
	// Sources are the feeds and accounts polled; SourceError says why
	// one was not connected; SourceKinds are the kinds to offer.
	Sources     []chaperone.Source
	SourceError string
	SourceKinds []string
}

// watchSources are the sources the filter offers.
var watchSources = []string{chaperone.SourceXArchive, chaperone.SourceFacebookArchive, chaperone.SourceInstagramArchive,
	chaperone.SourceLinkedInArchive, chaperone.SourceFeed, chaperone.SourceMastodon, chaperone.SourceBluesky}

func watchFormFrom(r *http.Request) watchForm {
	q := r.URL.Query()
	f := watchForm{Status: q.Get("status"), Source: q.Get("source"), All: q.Get("all") == "1"}
	f.User, _ = strconv.ParseInt(q.Get("user"), 10, 64)
	return f
}

// filter is the service filter of the form, with the page to show.
func (f watchForm) filter(r *http.Request) service.PostFilter {
	pf := service.PostFilter{UserID: f.User, All: f.All && f.User == 0, Status: chaperone.PostStatus(f.Status), Source: f.Source, Limit: 100}
	q := r.URL.Query()
	if id, err := strconv.ParseInt(q.Get("before_id"), 10, 64); err == nil && id > 0 {
		pf.BeforeID = id
		pf.BeforeAt, _ = time.Parse(time.RFC3339Nano, q.Get("before"))
	}
	return pf
}

// watchPage lists published posts with their screens and open tasks.
func (s *Server) watchPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderWatch(w, r, u, http.StatusOK, watchData{})
}

func (s *Server) renderWatch(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, data watchData) {
	data.Form = watchFormFrom(r)
	data.Import, _ = strconv.ParseInt(r.URL.Query().Get("import"), 10, 64)
	pf := data.Form.filter(r)
	posts, err := s.svc.PublishedPosts(r.Context(), u, pf)
	if err == nil {
		data.Counts, err = s.svc.PostCounts(r.Context(), u, data.Form.All && canAuditUser(u))
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	for _, p := range posts {
		data.Posts = append(data.Posts, watchPost{PublishedPost: p, Segments: segments(p.Text, p.Screen)})
	}
	if len(posts) == pf.Limit {
		last := posts[len(posts)-1]
		q := r.URL.Query()
		q.Set("before_id", strconv.FormatInt(last.ID, 10))
		q.Set("before", last.At.Format(time.RFC3339Nano))
		data.Next = "/watch?" + q.Encode()
	}
	if data.Sources, err = s.svc.Sources(r.Context(), u, data.Form.All && canAuditUser(u)); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data.Statuses, data.SourceNames, data.Names, data.SourceKinds = chaperone.PostStatuses, watchSources, s.names(r, u), chaperone.SourceKinds
	s.render(w, r, code, "watch", u, "Published posts", data)
}

// resolveSubmit closes or reopens a published post's task and goes back
// to the list it came from.
func (s *Server) resolveSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		_, err = s.svc.ResolvePost(r.Context(), u, id, chaperone.PostStatus(r.PostFormValue("status")), r.PostFormValue("description"))
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	back := "/watch"
	if b := r.PostFormValue("back"); b != "" {
		if q, err := url.ParseQuery(b); err == nil {
			back += "?" + q.Encode()
		}
	}
	http.Redirect(w, r, back+fmt.Sprintf("#post-%d", id), http.StatusSeeOther)
}

func (s *Server) apiPublished(r *http.Request, u chaperone.User) (any, error) {
	f := watchFormFrom(r)
	posts, err := s.svc.PublishedPosts(r.Context(), u, f.filter(r))
	if posts == nil && err == nil {
		posts = []chaperone.PublishedPost{}
	}
	return posts, err
}

func (s *Server) apiResolvePost(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Status      chaperone.PostStatus `json:"status"`
		Description string               `json:"description"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.svc.ResolvePost(r.Context(), u, id, req.Status, req.Description)
}

// auditPeriod reads the report's period from the query (dateRange: from
// and to as dates, to inclusive on the form, exclusive in the report), by
// default the last twelve months.
func auditPeriod(r *http.Request, now time.Time) (time.Time, time.Time, error) {
	from, to, err := dateRange(r)
	if to.IsZero() {
		to = now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	}
	if from.IsZero() {
		from = to.AddDate(-1, 0, 0)
	}
	return from, to, err
}

// auditReport serves the audit report as HTML (a document of its own)
// or, with format=pdf, as a PDF download.
func (s *Server) auditReport(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	a, err := s.buildAudit(r, u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.writeAudit(w, r, a, r.URL.Query().Get("format"))
}

func (s *Server) buildAudit(r *http.Request, u chaperone.User) (report.Audit, error) {
	from, to, err := auditPeriod(r, time.Now())
	if err != nil {
		return report.Audit{}, err
	}
	f := watchFormFrom(r)
	return s.svc.AuditReport(r.Context(), u, f.User, f.All && f.User == 0, from, to)
}

func (s *Server) writeAudit(w http.ResponseWriter, r *http.Request, a report.Audit, format string) {
	noStore(w)
	name := fmt.Sprintf("audit-report-%s-%s", a.From.Format("20060102"), a.To.AddDate(0, 0, -1).Format("20060102"))
	var err error
	switch format {
	case "pdf":
		var buf bytes.Buffer
		if err = report.AuditPDF(&buf, a); err == nil {
			writeFile(w, buf.Bytes(), "application/pdf", name+".pdf")
		}
	case "json":
		w.Header().Set("Content-Type", "application/json")
		err = json.NewEncoder(w).Encode(a)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// the report is a document of its own: its inline styles are allowed
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
		err = report.AuditHTML(w, a)
	}
	if err != nil {
		s.log.Error("writing an audit report", "err", err)
	}
}

// apiAuditReport answers the report as JSON, or as HTML or PDF with
// format=html|pdf.
func (s *Server) apiAuditReport(r *http.Request, u chaperone.User) (any, error) {
	a, err := s.buildAudit(r, u)
	if err != nil {
		return nil, err
	}
	switch r.URL.Query().Get("format") {
	case "pdf":
		var buf bytes.Buffer
		if err := report.AuditPDF(&buf, a); err != nil {
			return nil, err
		}
		return rawBody{body: buf.Bytes(), ctype: "application/pdf", filename: "audit-report.pdf"}, nil
	case "html":
		var buf bytes.Buffer
		if err := report.AuditHTML(&buf, a); err != nil {
			return nil, err
		}
		return rawBody{body: buf.Bytes(), ctype: "text/html; charset=utf-8", filename: "audit-report.html"}, nil
	}
	return a, nil
}
