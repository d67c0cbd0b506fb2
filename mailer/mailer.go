// Package mailer sends email over SMTP with the standard library's
// net/smtp: STARTTLS whenever the server offers it, AUTH PLAIN when a user
// is configured (net/smtp refuses to send a password over a connection
// that is neither TLS nor to localhost). chaperone serve builds one from
// --smtp, --smtp-user and $CHAPERONE_SMTP_PASSWORD for the review
// requests; the service sends through the Sender interface, so tests may
// use their own.
//
// Errors never hold the recipient's address or the server's reply text
// (which often quotes the address): only the SMTP code and a class.
package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"time"
)

// Sender sends one message to one recipient.
type Sender interface {
	Send(ctx context.Context, from, to string, msg []byte) error
}

// SMTP is a Sender that talks to one SMTP server.
type SMTP struct {
	Addr     string // host:port
	User     string // "": no AUTH
	Password string
	// Hello is the name given in EHLO; "" means "localhost".
	Hello string
	// TLS configures STARTTLS; nil means the server name of Addr.
	TLS *tls.Config
	// RequireTLS refuses to send when the server does not offer STARTTLS.
	RequireTLS bool
	// Timeout bounds one message; 0 means a minute.
	Timeout time.Duration
}

// Error is a failed send: the SMTP code (0 when the server did not answer
// with one) and whether trying again may help.
type Error struct {
	Code      int
	Permanent bool
	Class     string // "connect", "tls", "auth", "from", "rcpt", "data", "timeout"
}

func (e *Error) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("mail server refused (%s, SMTP %d)", e.Class, e.Code)
	}
	return "mail server unreachable or failed (" + e.Class + ")"
}

// fail classifies err, which happened at step class.
func fail(class string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		return &Error{Code: te.Code, Permanent: te.Code >= 500, Class: class}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Class: "timeout"}
	}
	return &Error{Class: class}
}

// Send sends msg (RFC 5322 text with CRLF line ends) from from to to.
func (m *SMTP) Send(ctx context.Context, from, to string, msg []byte) error {
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return &Error{Class: "connect"}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return fail("connect", err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fail("connect", err)
	}
	defer c.Close()
	hello := m.Hello
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		return fail("connect", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := m.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fail("tls", err)
		}
	} else if m.RequireTLS {
		return &Error{Class: "tls", Permanent: true}
	}
	if m.User != "" {
		if err := c.Auth(smtp.PlainAuth("", m.User, m.Password, host)); err != nil {
			return fail("auth", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fail("from", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fail("rcpt", err)
	}
	w, err := c.Data()
	if err != nil {
		return fail("data", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fail("data", err)
	}
	if err := w.Close(); err != nil {
		return fail("data", err)
	}
	if err := c.Quit(); err != nil {
		return nil // the message was accepted at the end of DATA
	}
	return nil
}
