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
	"syscall"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
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
	svc := service.New(st, eng, service.Config{Policy: pol, PolicyText: polText, Log: log, PracticePhone: o.phone, Images: tools})
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
	done := make(chan error, 1)
	go func() {
		if o.tlsCert != "" {
			done <- hs.ServeTLS(ln, o.tlsCert, o.tlsKey)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	go purgeLoop(ctx, st, log)
	go escalateLoop(ctx, svc, log)
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

// escalateEvery is how often chaperone serve sends colleague reports past
// their deadline to the compliance officer.
const escalateEvery = 5 * time.Minute

// escalateLoop escalates colleague reports past their deadline, as the
// system, at start-up and every escalateEvery.
func escalateLoop(ctx context.Context, svc *service.Service, log *slog.Logger) {
	t := time.NewTicker(escalateEvery)
	defer t.Stop()
	for {
		if n, err := svc.EscalateDue(ctx, time.Now()); err != nil && ctx.Err() == nil {
			log.Error("colleague report escalation", "err", err)
		} else if n > 0 {
			log.Info("colleague report escalation", "escalated", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purgeLoop deletes archive items past their retention date once a day.
func purgeLoop(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		if n, err := st.PurgeExpired(ctx, store.System, time.Now()); err != nil && ctx.Err() == nil {
			log.Error("archive retention", "err", err)
		} else if n > 0 {
			log.Info("archive retention", "purged", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
