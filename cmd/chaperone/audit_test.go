package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// runArgs runs the CLI in-process with args and the environment vars.
func runArgs(vars map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errw bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errw, getenv: func(k string) string { return vars[k] }}
	code = run(e, args)
	return code, out.String(), errw.String()
}

func TestAuditVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "chaperone.db")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if _, err := st.Audit(ctx, store.System, store.AuditEntry{Action: chaperone.ActionArchiveExport, SubjectKind: "export", SubjectID: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, head, err := st.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	code, out, errOut := runArgs(map[string]string{"CHAPERONE_DATA": dir}, "audit", "verify")
	if want := fmt.Sprintf("ok: 4 events, head 4 %x\n", head); code != 0 || out != want {
		t.Fatalf("intact log: exit %d, stdout %q, stderr %q; want 0, %q", code, out, errOut, want)
	}
	if code, out, _ := runArgs(nil, "audit", "verify", "--db", path, "--anchor", fmt.Sprintf("4:%x", head)); code != 0 || !strings.HasPrefix(out, "ok: 4 events") {
		t.Errorf("--db with the head as anchor: exit %d, %q", code, out)
	}

	// Tamper with event 2 as someone who can drop the triggers could.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete",
		`UPDATE audit_events SET subject_id = '9' WHERE seq = 2`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	code, out, _ = runArgs(nil, "audit", "verify", "--data", dir)
	if code != 2 || !regexp.MustCompile(`^broken: seq 2 edited: .*\(1 events verified before it\)\n$`).MatchString(out) {
		t.Errorf("edited log: exit %d, stdout %q", code, out)
	}
	// Cut the tail: the chain alone looks fine, the anchor does not.
	if _, err := db.Exec("DELETE FROM audit_events WHERE seq >= 2"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, out, _ := runArgs(nil, "audit", "verify", "--data", dir); code != 0 || !strings.HasPrefix(out, "ok: 1 events, head 1 ") {
		t.Errorf("truncated log without anchor: exit %d, %q", code, out)
	}
	code, out, _ = runArgs(nil, "audit", "verify", "--data", dir, "--anchor", fmt.Sprintf("4:%x", head))
	if code != 2 || !strings.HasPrefix(out, "broken: seq 4 missing: ") {
		t.Errorf("truncated log with anchor: exit %d, %q", code, out)
	}

	errs := []struct {
		name string
		args []string
		msg  string
	}{
		{"no database", []string{"audit", "verify", "--data", filepath.Join(dir, "nope")}, "no database at"},
		{"unreachable PostgreSQL", []string{"audit", "verify", "--db", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"}, "opening the database"},
		{"not a database", []string{"audit", "verify", "--db", writeFile(t, "junk.db", []byte("not sqlite at all, not at all"))}, "opening the database"},
		{"not migrated (verify never migrates)", []string{"audit", "verify", "--db", writeFile(t, "empty.db", nil)}, "reading the audit log"},
		{"bad anchor", []string{"audit", "verify", "--data", dir, "--anchor", "4"}, "--anchor must be SEQ:HASH"},
		{"unknown subcommand", []string{"audit", "rewrite"}, "unknown subcommand"},
		{"no subcommand", []string{"audit"}, "missing verify"},
	}
	for _, tt := range errs {
		code, out, errOut := runArgs(nil, tt.args...)
		if code != 3 || out != "" || !strings.Contains(errOut, tt.msg) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 3 and %q", tt.name, code, out, errOut, tt.msg)
		}
	}
}
