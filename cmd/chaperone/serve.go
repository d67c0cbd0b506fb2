package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	jobq "github.com/chaperone-project/chaperone/job"
	"github.com/chaperone-project/chaperone/monitor"
	"github.com/chaperone-project/chaperone/policy"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
	"github.com/chaperone-project/chaperone/web"
)

// serveCommand runs the service: the web UI and the JSON API.
var serveCommand = &command{
	name:  "serve",
	short: "run the service: drafts, review queue, archive and audit log (web UI and JSON API)",
	long: `
Serve the web UI and the JSON API. With no flags everything is kept in a
SQLite file under the data directory (./chaperone-data, or $CHAPERONE_DATA)
and drafts are encrypted with a key made there on first start; --db
postgres://… uses PostgreSQL. The first start creates the organisation
(--org) and an admin with a one-time password, printed once.

Serve over TLS with --tls-cert and --tls-key, or set --secure when a TLS
proxy is in front. SIGINT or SIGTERM stops the server gracefully.`,
	setup: func(fs *flag.FlagSet) runner {
		o := &serveOptions{}
		o.store.register(fs)
		fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`address` to listen on")
		fs.StringVar(&o.org, "org", "clinic", "the organisation's short name, created on first start")
		fs.StringVar(&o.orgName, "org-name", "Our clinic", "the organisation's name, on first start")
		fs.StringVar(&o.adminEmail, "admin-email", "admin@localhost", "the first admin's email, on first start")
		fs.StringVar(&o.policy, "policy", "", "routing policy `file` for organisations that have not saved their own on the policy page (default: the shipped policy; see 'chaperone policy')")
		registerRules(fs, &o.rules)
		fs.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate `file` (PEM)")
		fs.StringVar(&o.tlsKey, "tls-key", "", "TLS private key `file` (PEM)")
		fs.BoolVar(&o.secure, "secure", false, "a TLS proxy is in front: mark cookies Secure and send HSTS")
		fs.StringVar(&o.phone, "practice-phone", "", "the practice's `phone` number, which replies to patient reviews invite reviewers to call")
		fs.StringVar(&o.allowFetch, "allow-fetch", "", "comma-separated `CIDRs` of private or loopback addresses the watch may fetch from (default: public addresses only)")
		fs.BoolVar(&o.noFetch, "no-fetch", false, "fetch nothing from the internet: no feeds, Mastodon or Bluesky polling or posting")
		o.mail.register(fs)
		return func(e *env, _ []string) int { return o.run(e) }
	},
}

type serveOptions struct {
	store              storeFlags
	addr, org, orgName string
	adminEmail, policy string
	rules              string
	tlsCert, tlsKey    string
	secure             bool
	phone              string
	allowFetch         string
	noFetch            bool
	mail               mailFlags
}

// outbound builds the watch's fetcher (the outbound address guard, with
// --allow-fetch) and the Mastodon and Bluesky publishing connectors, which
// read each account's credentials through the service svc returns (built
// after them). With --no-fetch there are neither.
func (o *serveOptions) outbound(svc func() *service.Service) (*monitor.Fetcher, []chaperone.Connector, error) {
	if o.noFetch {
		return nil, nil, nil
	}
	var allow []string
	for _, a := range strings.Split(o.allowFetch, ",") {
		if a = strings.TrimSpace(a); a != "" {
			allow = append(allow, a)
		}
	}
	f, err := monitor.NewFetcher(monitor.FetchConfig{Allow: allow, UserAgent: "chaperone/" + versionString()})
	if err != nil {
		return nil, nil, usageErrorf("serve: --allow-fetch: %v", err)
	}
	return f, []chaperone.Connector{
		&monitor.Mastodon{Fetcher: f, Credentials: func(ctx context.Context, p chaperone.Publication) (monitor.MastodonCredentials, error) {
			return svc().MastodonCredentials(ctx, p)
		}},
		&monitor.Bluesky{Fetcher: f, Credentials: func(ctx context.Context, p chaperone.Publication) (monitor.BlueskyCredentials, error) {
			return svc().BlueskyCredentials(ctx, p)
		}},
	}, nil
}

func (o *serveOptions) run(e *env) int {
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return fail(e, usageErrorf("serve: give both --tls-cert and --tls-key"))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(e.stderr, nil))

	eng, err := newEngine(o.rules)
	if err != nil {
		return fail(e, err)
	}
	pol, polText := policy.Default(), string(policy.DefaultFile())
	var rulesText []byte
	if o.rules != "" {
		if rulesText, err = os.ReadFile(o.rules); err != nil {
			return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "--rules", Err: err})
		}
	}
	if o.policy != "" {
		b, err := os.ReadFile(o.policy)
		if err != nil {
			return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "--policy", Err: err})
		}
		if pol, err = policy.Parse(b); err != nil {
			return fail(e, fmt.Errorf("--policy %s: %w", o.policy, err))
		}
		polText = string(b)
	}
	st, shown, err := o.store.open(ctx, e)
	if err != nil {
		return fail(e, err)
	}
	defer st.Close()
	if err := firstStart(ctx, e, st, o.org, o.orgName, o.adminEmail); err != nil {
		return fail(e, err)
	}
	tools := imageTools(e.getenv)
	var svc *service.Service
	fetcher, connectors, err := o.outbound(func() *service.Service { return svc })
	if err != nil {
		return fail(e, err)
	}
	requests, err := o.mail.config(e, o.addr, o.tlsCert != "" || o.secure)
	if err != nil {
		return fail(e, err)
	}
	svc = service.New(st, eng, service.Config{Policy: pol, PolicyText: polText, Log: log, PracticePhone: o.phone, Images: tools,
		Fetcher: fetcher, Connectors: connectors, ReviewRequests: requests})
	jobs, err := startJobs(ctx, st, svc, jobq.Fingerprint(eng, rulesText, []byte(polText)), log)
	if err != nil {
		return fail(e, err)
	}
	stopJobs := sync.OnceFunc(func() {
		stop, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := jobs.Stop(stop); err != nil {
			log.Error("stopping the jobs", "err", err)
		}
	})
	defer stopJobs() // before the store closes
	srv, err := web.New(svc, web.Options{Secure: o.secure || o.tlsCert != "", Log: log})
	if err != nil {
		return fail(e, internalError("building the web server", err))
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fail(e, usageErrorf("serve: listening on %s: %v", o.addr, err))
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	scheme := "http"
	if o.tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(e.stderr, "chaperone: serving on %s://%s (%s); sign in to organisation %q\n", scheme, ln.Addr(), shown, o.org)
	fmt.Fprintf(e.stderr, "chaperone: %s\n", toolsLine(tools))
	fmt.Fprintf(e.stderr, "chaperone: %s\n", o.mail.line(requests))
	done := make(chan error, 1)
	go func() {
		if o.tlsCert != "" {
			done <- hs.ServeTLS(ln, o.tlsCert, o.tlsKey)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return fail(e, internalError("serving", err))
		}
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := hs.Shutdown(shutdown); err != nil {
			return fail(e, internalError("shutting down", err))
		}
		stopJobs()
		fmt.Fprintln(e.stderr, "chaperone: stopped")
	}
	return exitOK
}

// firstStart creates the organisation and its first admin when the
// organisation does not exist yet, and prints the admin's one-time
// password once.
func firstStart(ctx context.Context, e *env, st *store.Store, slug, name, adminEmail string) error {
	if _, err := st.GetOrgBySlug(ctx, slug); err == nil {
		return nil
	} else if chaperone.CodeOf(err) != chaperone.ErrNotFound {
		return err
	}
	org, err := st.CreateOrg(ctx, store.System, slug, name)
	if err != nil {
		return err
	}
	u, password, err := service.CreateUser(ctx, st, store.System, org.ID, adminEmail, "Administrator", chaperone.RoleAdmin)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "chaperone: first start: created organisation %q and admin %s\nchaperone: one-time password (shown once): %s\n", slug, u.Email, password)
	return nil
}

// startJobs starts the background jobs on the store's database (package
// job, imported as jobq beside batch.go's job type): the periodic
// retention purge and colleague-report escalation, and a re-screen of the
// published posts of every org whose posts were last re-screened under
// other rules (fingerprint) or another version of its policy; saving an
// org's policy queues one too. Jobs left by an earlier run (stopped part
// way) go on.
func startJobs(ctx context.Context, st *store.Store, svc *service.Service, fingerprint string, log *slog.Logger) (*jobq.Runner, error) {
	jobs, err := jobq.New(ctx, st, svc, jobq.Config{Fingerprint: fingerprint, Log: log})
	if err != nil {
		return nil, err
	}
	if err := jobs.Start(ctx); err != nil {
		jobs.Stop(ctx)
		return nil, err
	}
	svc.OnPolicyChange(jobs)
	n, err := jobs.RescreenStale(ctx)
	if err != nil {
		// the server still serves; the next start tries again
		log.Error("queueing re-screens under the rules in force", "err", err)
	} else if n > 0 {
		log.Info("re-screening published posts under the rules in force", "orgs", n)
	}
	return jobs, nil
}
