package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeFirstStart runs the built binary: the first start creates the
// organisation and an admin whose one-time password signs in, a second
// start keeps them, `user add` and `user token` work on the same data,
// and SIGTERM stops the server cleanly.
func TestServeFirstStart(t *testing.T) {
	dir := t.TempDir()
	start := func() (*exec.Cmd, string, string, *bufio.Scanner) {
		t.Helper()
		cmd := exec.Command(binary, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--org", "harbor")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		sc := bufio.NewScanner(stderr)
		password, addr := "", ""
		deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
		defer deadline.Stop()
		for addr == "" && sc.Scan() {
			line := sc.Text()
			if m := regexp.MustCompile(`one-time password \(shown once\): (\S+)`).FindStringSubmatch(line); m != nil {
				password = m[1]
			}
			if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(line); m != nil {
				addr = m[1]
			}
		}
		if addr == "" {
			t.Fatal("the server did not say where it serves")
		}
		return cmd, addr, password, sc
	}
	cmd, addr, password, sc := start()
	if len(password) < 16 {
		t.Fatalf("first start printed password %q", password)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	login := func(addr, email, pw string) int {
		resp, err := client.PostForm(addr+"/login", url.Values{"org": {"harbor"}, "email": {email}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := login(addr, "admin@localhost", password); code != http.StatusSeeOther {
		t.Fatalf("admin sign-in with the one-time password: %d", code)
	}
	if code := login(addr, "admin@localhost", "wrong-password"); code != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", code)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	rest, _ := io.ReadAll(readerOf(sc))
	if err := cmd.Wait(); err != nil || !strings.Contains(string(rest), "stopped") {
		t.Fatalf("SIGTERM: %v, stderr %q", err, rest)
	}

	r := runCLI(t, nil, "user", "add", "--data", dir, "--org", "harbor", "--email", "Rae@Example.org", "--name", "Rae Kim", "--role", "reviewer")
	m := regexp.MustCompile(`one-time password \(shown once\): (\S+)`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("user add: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, nil, "user", "add", "--data", dir, "--org", "harbor", "--email", "rae@example.org", "--name", "Again", "--role", "reviewer"); r.code != 3 {
		t.Errorf("adding the same email again: %d %q", r.code, r.stderr)
	}
	if r := runCLI(t, nil, "user", "add", "--data", dir, "--org", "harbor", "--email", "x@example.org", "--name", "X", "--role", "boss"); r.code != 3 || !strings.Contains(r.stderr, "unknown role") {
		t.Errorf("bad role: %d %q", r.code, r.stderr)
	}
	tok := runCLI(t, nil, "user", "token", "--data", dir, "--org", "harbor", "--email", "rae@example.org")
	token := strings.TrimSpace(tok.stdout[strings.LastIndex(strings.TrimSpace(tok.stdout), "\n")+1:])
	if tok.code != 0 || !strings.HasPrefix(token, "chaperone_") {
		t.Fatalf("user token: %d %q %q", tok.code, tok.stdout, tok.stderr)
	}

	// a second start keeps the org, the admin and the new user
	cmd, addr, password, _ = start()
	if password != "" {
		t.Error("a second start printed a new admin password")
	}
	if code := login(addr, "rae@example.org", m[1]); code != http.StatusSeeOther {
		t.Fatalf("the added reviewer cannot sign in: %d", code)
	}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", addr+"/api/v1/queue", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("API with the CLI token: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("POST", addr+"/api/v1/drafts", strings.NewReader(`{"text":"Pt Walter Pruitt, MRN 00482913, home today"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("API draft: %d", resp.StatusCode)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()

	// the service's audit log verifies; an edit behind its back is caught
	if r := runCLI(t, nil, "audit", "verify", "--data", dir); r.code != 0 || !strings.HasPrefix(r.stdout, "ok: ") {
		t.Fatalf("audit verify after serving: %d %q %q", r.code, r.stdout, r.stderr)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "chaperone.db"))
	if err != nil {
		t.Fatal(err)
	}
	var seq int64
	if err := db.QueryRow(`SELECT seq FROM audit_events WHERE action = 'draft.create'`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete",
		"DELETE FROM audit_events WHERE action = 'draft.create'"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	r = runCLI(t, nil, "audit", "verify", "--data", dir)
	if want := fmt.Sprintf("broken: seq %d missing: ", seq); r.code != 2 || !strings.HasPrefix(r.stdout, want) {
		t.Fatalf("audit verify after deleting the draft's event: %d %q, want exit 2 and %q", r.code, r.stdout, want)
	}
}

// readerOf turns the rest of a scanner's input into a reader.
func readerOf(sc *bufio.Scanner) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		for sc.Scan() {
			pw.Write([]byte(sc.Text() + "\n"))
		}
		pw.Close()
	}()
	return pr
}
