package main

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/chaperone-project/chaperone/mailer"
	"github.com/chaperone-project/chaperone/review"
	"github.com/chaperone-project/chaperone/service"
)

// mailFlags are serve's settings for sending review requests: the SMTP
// server (--smtp, --smtp-user, and the password in
// $CHAPERONE_SMTP_PASSWORD, never a flag, so that it is not in the
// process list), the sender (--mail-from), the URL patients reach the
// server at for the unsubscribe links (--public-url) and the hourly
// limit per organisation.
type mailFlags struct {
	smtp, user, from, publicURL string
	perHour                     int
	requireTLS                  bool
}

func (m *mailFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.smtp, "smtp", "", "the SMTP server (`host:port`) that sends review requests; without it requests wait, queued (STARTTLS is used when offered; the password is $CHAPERONE_SMTP_PASSWORD)")
	fs.StringVar(&m.user, "smtp-user", "", "the SMTP `user` name, for AUTH PLAIN (only over TLS or to localhost)")
	fs.BoolVar(&m.requireTLS, "smtp-require-tls", false, "refuse to send when the SMTP server does not offer STARTTLS")
	fs.StringVar(&m.from, "mail-from", "", "the `address` review requests come from")
	fs.StringVar(&m.publicURL, "public-url", "", "the `URL` patients reach this server at, for the unsubscribe links in review requests (default: from --addr)")
	fs.IntVar(&m.perHour, "review-requests-per-hour", service.DefaultReviewRequestsPerHour, "the most review requests one organisation sends in an hour")
}

// config checks the flags and builds the service's review request
// settings; addr and secure give the default public URL.
func (m *mailFlags) config(e *env, addr string, secure bool) (service.ReviewRequestConfig, error) {
	c := service.ReviewRequestConfig{PerHour: m.perHour}
	if m.perHour < 1 {
		return c, usageErrorf("serve: --review-requests-per-hour must be at least 1")
	}
	if m.smtp == "" {
		if m.user != "" || m.from != "" {
			return c, usageErrorf("serve: --smtp-user and --mail-from need --smtp")
		}
		return c, nil
	}
	if _, _, err := net.SplitHostPort(m.smtp); err != nil {
		return c, usageErrorf("serve: --smtp must be host:port")
	}
	from, err := review.CheckAddress(m.from)
	if err != nil {
		return c, usageErrorf("serve: --smtp needs --mail-from, the address review requests come from")
	}
	pub := strings.TrimRight(m.publicURL, "/")
	if pub == "" {
		scheme := "http"
		if secure {
			scheme = "https"
		}
		pub = scheme + "://" + addr
	}
	if u, err := url.Parse(pub); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return c, usageErrorf("serve: --public-url must be an http or https URL")
	}
	password := e.getenv("CHAPERONE_SMTP_PASSWORD")
	if password != "" && m.user == "" {
		return c, usageErrorf("serve: $CHAPERONE_SMTP_PASSWORD is set without --smtp-user")
	}
	c.Mail = &mailer.SMTP{Addr: m.smtp, User: m.user, Password: password, RequireTLS: m.requireTLS}
	c.From, c.PublicURL = from, pub
	return c, nil
}

// line says at start whether review requests are sent, and how.
func (m *mailFlags) line(c service.ReviewRequestConfig) string {
	if c.Mail == nil {
		return "review requests: sending off (no --smtp); requests wait, queued"
	}
	return fmt.Sprintf("review requests: sent over SMTP %s from %s, at most %d an hour per organisation; unsubscribe links at %s", m.smtp, c.From, c.PerHour, c.PublicURL)
}
