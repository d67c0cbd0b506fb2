package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chaperone-project/chaperone/mailer/smtptest"
)

const msg = "From: <r@h.example>\r\nTo: <pat@example.com>\r\nSubject: hi\r\n\r\n.a line that starts with a dot\r\nbye\r\n"

// TestSend: plain delivery; STARTTLS when offered with AUTH over it; a
// refused recipient, a wrong password and an unreachable server give
// errors that hold the SMTP code and no address.
func TestSend(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t)
	srv.Reject = func(rcpt string) int {
		if strings.HasPrefix(rcpt, "gone") {
			return 550
		}
		return 0
	}
	m := &SMTP{Addr: srv.Addr, Timeout: 5 * time.Second}
	if err := m.Send(ctx, "r@h.example", "pat@example.com", []byte(msg)); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].From != "r@h.example" || strings.Join(got[0].To, ",") != "pat@example.com" || got[0].Data != msg || got[0].TLS {
		t.Fatalf("delivered %+v", got)
	}
	err := m.Send(ctx, "r@h.example", "gone@example.com", []byte(msg))
	var me *Error
	if !errors.As(err, &me) || me.Code != 550 || !me.Permanent || me.Class != "rcpt" || strings.Contains(err.Error(), "gone") {
		t.Errorf("refused: %v", err)
	}
	if err := (&SMTP{Addr: srv.Addr, RequireTLS: true}).Send(ctx, "r@h.example", "pat@example.com", []byte(msg)); !errors.As(err, &me) || me.Class != "tls" {
		t.Errorf("TLS required, not offered: %v", err)
	}

	// STARTTLS and AUTH PLAIN, with a certificate for 127.0.0.1
	ts := httptest.NewTLSServer(nil)
	defer ts.Close()
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())
	secure := smtptest.Start(t)
	secure.TLS = ts.TLS
	secure.Users = map[string]string{"chaperone": "s3cret"}
	clientTLS := &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}
	m = &SMTP{Addr: secure.Addr, User: "chaperone", Password: "s3cret", TLS: clientTLS, RequireTLS: true}
	if err := m.Send(ctx, "r@h.example", "pat@example.com", []byte(msg)); err != nil {
		t.Fatal(err)
	}
	if got := secure.Messages(); len(got) != 1 || !got[0].TLS || got[0].User != "chaperone" {
		t.Fatalf("over TLS: %+v", got)
	}
	m.Password = "wrong"
	if err := m.Send(ctx, "r@h.example", "pat@example.com", []byte(msg)); !errors.As(err, &me) || me.Class != "auth" || me.Code != 535 {
		t.Errorf("wrong password: %v", err)
	}
	// an untrusted certificate is refused
	m = &SMTP{Addr: secure.Addr, User: "chaperone", Password: "s3cret"}
	if err := m.Send(ctx, "r@h.example", "pat@example.com", []byte(msg)); !errors.As(err, &me) || me.Class != "tls" {
		t.Errorf("untrusted certificate: %v", err)
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	if err := (&SMTP{Addr: addr}).Send(ctx, "r@h.example", "pat@example.com", []byte(msg)); !errors.As(err, &me) || me.Class != "connect" || me.Code != 0 {
		t.Errorf("unreachable: %v", err)
	}
}
