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

	chaperone "github.com/chaperone-project/chaperone"
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
	metrics  *metrics
	imports  imports // archive imports running in the background
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
		login: make(chan struct{}, 2), log: opts.Log, metrics: newMetrics()}, nil
}

// pageRoute is one page or form action of the web UI, for a signed-in
// user.
type pageRoute struct {
	pattern string
	handler func(http.ResponseWriter, *http.Request, chaperone.User)
}

// pageRoutes lists the web UI's routes behind sign-in. The role checks
// are in the service; TestEveryRouteEveryRole walks them all.
func (s *Server) pageRoutes() []pageRoute {
	return []pageRoute{
		{"POST /logout", s.logout},
		{"GET /{$}", s.dashboard},
		{"GET /drafts/new", s.composePage},
		{"POST /drafts", s.composeSubmit},
		{"GET /drafts/{id}", s.draftPage},
		{"POST /drafts/{id}/versions", s.editSubmit},
		{"POST /drafts/{id}/submit", s.submitDraft},
		{"POST /drafts/{id}/review", s.reviewSubmit},
		{"POST /drafts/{id}/override", s.overrideSubmit},
		{"POST /drafts/{id}/publish", s.publishSubmit},
		{"POST /drafts/{id}/images", s.imageSubmit},
		{"POST /drafts/{id}/images/{img}/remove", s.imageRemove},
		{"GET /drafts/{id}/images/{img}/{file}", s.imageDownload},
		{"GET /queue", s.queuePage},
		{"GET /watch", s.watchPage},
		{"GET /watch/report", s.auditReport},
		{"POST /watch/import", s.importSubmit},
		{"POST /watch/sources", s.sourceSubmit},
		{"POST /watch/sources/{id}/{action}", s.sourceAction},
		{"POST /accounts/{id}/credentials", s.credentialsSubmit},
		{"GET /watch/imports/{id}", s.importStatusPage},
		{"POST /watch/{id}/resolve", s.resolveSubmit},
		{"GET /accounts", s.accountsPage},
		{"POST /accounts", s.accountSubmit},
		{"GET /archive", s.archivePage},
		{"GET /archive/export", s.archiveExport},
		{"GET /archive/{id}", s.archiveItemPage},
		{"POST /archive/{id}/hold", s.holdSubmit},
		{"GET /audit", s.auditPage},
		{"GET /consents", s.consentsPage},
		{"POST /consents", s.consentSubmit},
		{"GET /consents/{id}", s.consentPage},
		{"GET /consents/{id}/document", s.consentDocument},
		{"POST /consents/{id}/revoke", s.revokeSubmit},
		{"POST /drafts/{id}/consents", s.linkSubmit},
		{"GET /takedowns", s.takedownsPage},
		{"POST /takedowns/{id}/done", s.takedownDone},
		{"GET /ties", s.tiesPage},
		{"POST /ties", s.tieSubmit},
		{"POST /ties/npi", s.npiSubmit},
		{"POST /ties/import", s.tiesImport},
		{"POST /ties/{id}", s.tieAction},
		{"GET /training", s.trainingPage},
		{"POST /training", s.trainingSubmit},
		{"GET /training/{slug}", s.trainingDocPage},
		{"GET /grade", s.gradePage},
		{"POST /training/{slug}/quiz", s.quizSubmit},
		{"GET /export/{kind}", s.exportRecords},
		{"GET /reviews", s.reviewsPage},
		{"POST /reviews/import", s.reviewImportSubmit},
		{"POST /reviews/{id}/reply", s.reviewReplySubmit},
		{"POST /reviews/{id}/ack", s.reviewAckSubmit},
		{"GET /review-requests", s.reviewRequestsPage},
		{"POST /review-requests/import", s.visitImportSubmit},
		{"POST /review-requests/visits", s.visitSubmit},
		{"POST /review-requests/optout", s.optOutSubmit},
		{"POST /review-requests/links", s.reviewLinksSubmit},
		{"GET /reports", s.reportsPage},
		{"POST /reports", s.reportSubmit},
		{"GET /reports/{id}", s.reportPage},
		{"GET /reports/{id}/screenshot", s.reportScreenshot},
		{"POST /reports/{id}/respond", s.reportRespond},
		{"POST /reports/{id}/outcome", s.reportOutcome},
		{"GET /incidents", s.incidentsPage},
		{"POST /incidents", s.incidentSubmit},
		{"GET /incidents/log", s.breachLogPage},
		{"GET /incidents/{id}", s.incidentPage},
		{"POST /incidents/{id}/assess", s.incidentAssess},
		{"POST /incidents/{id}/decide", s.incidentDecide},
		{"POST /incidents/{id}/tasks/{task}/done", s.incidentTaskDone},
		{"POST /incidents/{id}/close", s.incidentClose},
		{"GET /incidents/{id}/export", s.incidentExport},
		{"GET /users", s.usersPage},
		{"POST /users", s.userSubmit},
		{"POST /users/{id}/disable", s.disableSubmit},
		{"GET /policy", s.policyPage},
		{"POST /policy", s.policySubmit},
	}
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
	mux.Handle("GET /metrics", s.metrics.handler())

	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.HandleFunc("GET /unsubscribe/{token}", s.unsubscribePage) // public: the review requests' opt-out link
	mux.HandleFunc("POST /unsubscribe/{token}", s.unsubscribeSubmit)
	for _, r := range s.pageRoutes() {
		mux.Handle(r.pattern, s.user(r.handler))
	}
	mux.Handle("POST /screen", s.sessionJSON(s.apiScreen))

	s.apiRoutes(mux)

	csrf := http.NewCrossOriginProtection()
	return s.metrics.instrument(s.recoverer(securityHeaders(s.opts.Secure, csrf.Handler(s.limitBody(mux)))))
}
