package main

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/chaperone-project/chaperone/mailer"
)

// TestMailFlags: serve's review request settings, checked before start.
func TestMailFlags(t *testing.T) {
	parse := func(vars map[string]string, args ...string) (string, error) {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var m mailFlags
		m.register(fs)
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		c, err := m.config(&env{getenv: func(k string) string { return vars[k] }}, "127.0.0.1:8080", false)
		if err != nil {
			return "", err
		}
		if c.Mail != nil && c.Mail.(*mailer.SMTP).Password != vars["CHAPERONE_SMTP_PASSWORD"] {
			t.Errorf("the password is not the environment's")
		}
		return m.line(c), nil
	}
	if line, err := parse(nil); err != nil || !strings.Contains(line, "sending off") {
		t.Errorf("no --smtp: %q %v", line, err)
	}
	line, err := parse(map[string]string{"CHAPERONE_SMTP_PASSWORD": "s3cret"}, "--smtp", "mail.example.org:587", "--smtp-user", "chaperone",
		"--mail-from", "Reviews@Harbor.example", "--public-url", "https://chaperone.harbor.example/", "--review-requests-per-hour", "30")
	if err != nil || line != "review requests: sent over SMTP mail.example.org:587 from reviews@harbor.example, at most 30 an hour per organisation; unsubscribe links at https://chaperone.harbor.example" {
		t.Errorf("configured: %q %v", line, err)
	}
	if line, err := parse(nil, "--smtp", "localhost:25", "--mail-from", "r@h.example"); err != nil || !strings.Contains(line, "http://127.0.0.1:8080") {
		t.Errorf("default public URL: %q %v", line, err)
	}
	for _, args := range [][]string{
		{"--smtp", "mail.example.org"},
		{"--smtp", "mail.example.org:25"},
		{"--smtp", "mail.example.org:25", "--mail-from", "Reviews <r@h.example>"},
		{"--mail-from", "r@h.example"},
		{"--smtp", "mail.example.org:25", "--mail-from", "r@h.example", "--public-url", "ftp://x"},
		{"--review-requests-per-hour", "0"},
	} {
		if _, err := parse(nil, args...); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
	if _, err := parse(map[string]string{"CHAPERONE_SMTP_PASSWORD": "x"}, "--smtp", "m.example:25", "--mail-from", "r@h.example"); err == nil {
		t.Error("a password without a user accepted")
	}
}
