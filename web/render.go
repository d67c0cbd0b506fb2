package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
	"github.com/chaperone-project/chaperone/service"
)

// page is what the layout template gets.
type page struct {
	Title string
	User  chaperone.User
	Data  any
	Flash string
	Done  string // the action the flash confirms, for tests and styling
}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"day": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
	"canReview": func(u chaperone.User) bool {
		return u.Role == chaperone.RoleReviewer || u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin
	},
	"isCompliance": func(u chaperone.User) bool { return u.Role == chaperone.RoleCompliance },
	"canAudit": func(u chaperone.User) bool {
		return u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin
	},
	"isAdmin": func(u chaperone.User) bool { return u.Role == chaperone.RoleAdmin },
	"label":   func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
	"pct":     func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" },
	"inc":     func(i int) int { return i + 1 },
	"lower":   strings.ToLower,
	"join":    strings.Join,
	// checked says whether a picture's text or faces were checked.
	"checked": func(status string) string {
		switch status {
		case "done":
			return "checked"
		case "failed":
			return "not checked (the program failed)"
		}
		return "not checked (not installed on the server)"
	},
	"handlesReviews": func(u chaperone.User) bool {
		return u.Role == chaperone.RoleClinician || u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin
	},
	"stars": func(n int) string {
		n = min(max(n, 0), 5)
		return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
	},
	"templates":   func() []review.Template { return review.Templates },
	"suggest":     func(rating int) string { return review.Suggest(review.Review{Rating: rating}).ID },
	"reviewsURL":  reviewsURL,
	"exportKinds": func() []string { return service.ExportKinds },
	"list":        func(v ...int) []int { return v },
}

// parseTemplates parses every page with the layout.
func parseTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// render writes a page inside the layout. It renders into a buffer first,
// so that a template error never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, u chaperone.User, title string, data any) {
	t := s.pages[name]
	if t == nil {
		s.log.Error("missing template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	p := page{Title: title, User: u, Data: data, Flash: flashFrom(r)}
	if p.Flash != "" {
		p.Done = r.URL.Query().Get("done")
	}
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.log.Error("rendering", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// errorPage shows err to the user with its status. Internal errors are
// logged (their message never holds draft text) and shown generically.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, u chaperone.User, err error) {
	code := status(err)
	if code >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.render(w, r, code, "error", u, http.StatusText(code), publicMessage(err))
}

// flashes are the short confirmations shown after a redirect.
var flashes = map[string]string{
	"created":        "Draft saved and screened.",
	"reply":          "Reply drafted from the template and screened. Edit it if you like, then submit it.",
	"imported":       "Reviews imported.",
	"acknowledged":   "Review acknowledged.",
	"edited":         "New version saved and screened.",
	"image":          "Picture attached and screened; the draft was screened again with it.",
	"image-removed":  "Picture removed; the draft was screened again without it.",
	"source":         "Source connected; it is read within the hour (or now, with Read now).",
	"polled":         "Source read; see its last read below.",
	"source-removed": "Source disconnected; the posts it brought stay here.",
	"credentials":    "Credentials saved; approved drafts for this account are posted by chaperone.",
	"submitted":      "Draft submitted.",
	"reviewed":       "Review recorded.",
	"overridden":     "Block overridden; the author may publish.",
	"published":      "Published and archived.",
	"account":        "Account added.",
	"hold":           "Legal hold updated.",
	"user":           "User added.",
	"policy":         "Policy saved as a new version; drafts submitted from now on follow it.",
	"reported":       "Report filed. Your colleague is told privately and has 7 days to fix it; then it goes to the compliance officer.",
	"responded":      "Response recorded; the report is resolved.",
	"outcome":        "Outcome recorded.",
	"incident":       "Incident opened for the compliance officer.",
	"assessed":       "Risk assessment saved.",
	"decided":        "Decision recorded.",
	"notified":       "Notification marked done.",
	"closed":         "Incident closed.",
}

func flashFrom(r *http.Request) string { return flashes[r.URL.Query().Get("done")] }

// pathID reads the {id} path value.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, chaperone.Errorf(chaperone.ErrNotFound, "no such page")
	}
	return id, nil
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// segment is a piece of a draft's text, highlighted when it is a span.
type segment struct {
	Text   string
	Type   chaperone.SpanType
	Reason string
}

// segments cuts text at the result's spans, for highlighting. Spans are
// byte offsets on rune boundaries; overlapping or invalid spans are
// skipped.
func segments(text string, res chaperone.Result) []segment {
	reasons := map[[2]int]string{}
	for _, f := range res.Findings {
		if f.HasSpan() {
			reasons[[2]int{f.Start, f.End}] = f.Reason
		}
	}
	var out []segment
	at := 0
	for _, sp := range res.Spans {
		if sp.Start < at || sp.End > len(text) || sp.Start >= sp.End {
			continue
		}
		if sp.Start > at {
			out = append(out, segment{Text: text[at:sp.Start]})
		}
		out = append(out, segment{Text: text[sp.Start:sp.End], Type: sp.Type, Reason: reasons[[2]int{sp.Start, sp.End}]})
		at = sp.End
	}
	if at < len(text) {
		out = append(out, segment{Text: text[at:]})
	}
	return out
}
