// Package web is chaperone's server: the web UI (server-rendered with
// html/template, no JavaScript needed) and the JSON API under /api/v1/,
// over the standard library's net/http. It is wiring between HTTP and the
// service package, which holds the workflow and its role checks.
//
// cmd/chaperone's serve command builds a Server and serves Handler.
package web

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure a Server.
type Options struct {
	// Secure marks cookies Secure and sends HSTS: set it when the server
	// is reached over TLS (directly or behind a TLS proxy).
	Secure bool
	// SessionTTL is how long a sign-in lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// Log receives request errors (never request bodies); nil discards.
	Log *slog.Logger
	// MaxBody bounds request bodies; 0 means 2 MiB.
	MaxBody int64
}

// Server serves the web UI and the JSON API.
type Server struct {
	svc      *service.Service
	store    *store.Store
	opts     Options
	pages    map[string]*template.Template
	throttle *throttle
	login    chan struct{} // bounds concurrent password checks (argon2id uses 64 MiB each)
	log      *slog.Logger
}

// New returns a server for svc.
func New(svc *service.Service, opts Options) (*Server, error) {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 2 << 20
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	return &Server{svc: svc, store: svc.Store(), opts: opts, pages: pages, throttle: newThrottle(),
		login: make(chan struct{}, 2), log: opts.Log}, nil
}

// Handler returns the server's routes wrapped in its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })

	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.Handle("POST /logout", s.user(s.logout))

	mux.Handle("GET /{$}", s.user(s.dashboard))
	mux.Handle("GET /drafts/new", s.user(s.composePage))
	mux.Handle("POST /drafts", s.user(s.composeSubmit))
	mux.Handle("POST /screen", s.sessionJSON(s.apiScreen))
	mux.Handle("GET /drafts/{id}", s.user(s.draftPage))
	mux.Handle("POST /drafts/{id}/versions", s.user(s.editSubmit))
	mux.Handle("POST /drafts/{id}/submit", s.user(s.submitDraft))
	mux.Handle("POST /drafts/{id}/review", s.user(s.reviewSubmit))
	mux.Handle("POST /drafts/{id}/override", s.user(s.overrideSubmit))
	mux.Handle("POST /drafts/{id}/publish", s.user(s.publishSubmit))
	mux.Handle("GET /queue", s.user(s.queuePage))
	mux.Handle("GET /accounts", s.user(s.accountsPage))
	mux.Handle("POST /accounts", s.user(s.accountSubmit))
	mux.Handle("GET /archive", s.user(s.archivePage))
	mux.Handle("GET /archive/export", s.user(s.archiveExport))
	mux.Handle("GET /archive/{id}", s.user(s.archiveItemPage))
	mux.Handle("POST /archive/{id}/hold", s.user(s.holdSubmit))
	mux.Handle("GET /audit", s.user(s.auditPage))
	mux.Handle("GET /users", s.user(s.usersPage))
	mux.Handle("POST /users", s.user(s.userSubmit))

	s.apiRoutes(mux)

	csrf := http.NewCrossOriginProtection()
	return s.recoverer(securityHeaders(s.opts.Secure, csrf.Handler(s.limitBody(mux))))
}
