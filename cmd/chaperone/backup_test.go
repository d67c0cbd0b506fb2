package main

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
	"github.com/chaperone-project/chaperone/store/storetest"
)

func TestBackupAndRestore(t *testing.T) {
	dir := importFixture(t) // org clinic, ana@example.org
	ctx := context.Background()
	keyPath := filepath.Join(dir, "key")
	key, err := store.LoadOrCreateKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "chaperone.db"), store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	org, _ := st.GetOrgBySlug(ctx, "clinic")
	ana, _ := st.GetUserByEmail(ctx, org.ID, "ana@example.org")
	d, err := st.CreateDraft(ctx, store.Actor{UserID: ana.ID}, store.NewDraft{OrgID: org.ID, AuthorID: ana.ID, Channel: chaperone.ChannelPost,
		Text: "Discharged Mrs. Siobhan O'Connell home today"})
	if err != nil {
		t.Fatal(err)
	}

	// a backup while the store is open and written to
	backup := filepath.Join(t.TempDir(), "backup.db")
	r := runCLI(t, nil, "backup", "--data", dir, backup)
	if r.code != 0 || !strings.Contains(r.stdout, "its audit log verifies") || !strings.Contains(r.stdout, "key file is not in the backup") {
		t.Fatalf("backup: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if _, err := st.AddVersion(ctx, store.Actor{UserID: ana.ID}, d.ID, "Discharged a patient home today", ""); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	raw, _ := os.ReadFile(backup)
	if strings.Contains(string(raw), "O'Connell") {
		t.Fatal("the backup holds a draft in clear")
	}
	if r := runCLI(t, nil, "backup", "--data", dir, backup); r.code != 3 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("backup over a file: %d %q", r.code, r.stderr)
	}

	// restore into a fresh data directory with the same key
	fresh := t.TempDir()
	keyBytes, _ := os.ReadFile(keyPath)
	os.WriteFile(filepath.Join(fresh, "key"), keyBytes, 0o600)
	r = runCLI(t, nil, "restore", "--data", fresh, backup)
	if r.code != 0 || !strings.Contains(r.stdout, "restored") {
		t.Fatalf("restore: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, nil, "audit", "verify", "--data", fresh); r.code != 0 || !strings.HasPrefix(r.stdout, "ok: ") {
		t.Fatalf("verify the restored copy: %d %q", r.code, r.stdout)
	}
	st2, err := store.Open(ctx, filepath.Join(fresh, "chaperone.db"), store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	v, err := st2.GetVersion(ctx, d.ID, 0)
	st2.Close()
	if err != nil || v.Version != 1 || !strings.Contains(v.Text, "O'Connell") {
		t.Fatalf("restored draft: %+v %v (the version written after the backup is not in it)", v, err)
	}

	// over an existing database: refused without --force; kept with it
	if r := runCLI(t, nil, "restore", "--data", dir, backup); r.code != 3 || !strings.Contains(r.stderr, "--force") {
		t.Errorf("restore over a database: %d %q", r.code, r.stderr)
	}
	if r := runCLI(t, nil, "restore", "--data", dir, "--force", backup); r.code != 0 || !strings.Contains(r.stdout, "before-restore-") {
		t.Fatalf("restore --force: %d %q %q", r.code, r.stdout, r.stderr)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "chaperone.db.before-restore-*"))
	if len(kept) == 0 {
		t.Error("the database before the restore was not kept")
	}

	// the wrong key: refused plainly
	other := t.TempDir()
	if r := runCLI(t, nil, "restore", "--data", other, backup); r.code == 0 || !strings.Contains(r.stderr, "key") {
		t.Errorf("restore with a new key: %d %q", r.code, r.stderr)
	}
	// a backup whose audit log was edited is not restored
	db, err := sql.Open("sqlite", backup)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER audit_events_no_update", "UPDATE audit_events SET subject_id = '9' WHERE seq = 2"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	if r := runCLI(t, nil, "restore", "--data", t.TempDir(), backup); r.code != 2 || !strings.Contains(r.stdout, "broken: the backup's audit log has seq 2 edited") {
		t.Errorf("restore a tampered backup: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, nil, "restore", "--data", t.TempDir(), writeFile(t, "notes.txt", []byte("hello"))); r.code != 3 || !strings.Contains(r.stderr, "not a chaperone database") {
		t.Errorf("restore a text file: %d %q", r.code, r.stderr)
	}
}

// TestPostgresDumpRestore follows the README's pg_dump path: dump a
// service database with pg_dump, restore it into a new database with
// pg_restore, and the copy's audit log verifies and its drafts read back.
func TestPostgresDumpRestore(t *testing.T) {
	dump, err1 := exec.LookPath("pg_dump")
	restore, err2 := exec.LookPath("pg_restore")
	if err1 != nil || err2 != nil {
		if os.Getenv("CHAPERONE_REQUIRE_POSTGRES") == "1" {
			t.Fatal("pg_dump and pg_restore are needed (apt-get install postgresql-client)")
		}
		t.Skip("pg_dump or pg_restore is not installed")
	}
	ctx := context.Background()
	src, dst := storetest.DSN(t, "postgres"), storetest.DSN(t, "postgres")
	key := make([]byte, store.KeySize)
	st, err := store.Open(ctx, src, store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateOrg(ctx, store.System, "clinic", "Clinic")
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.System, chaperone.User{OrgID: org.ID, Email: "ana@example.org", DisplayName: "Ana", Role: chaperone.RoleClinician})
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.CreateDraft(ctx, store.Actor{UserID: u.ID}, store.NewDraft{OrgID: org.ID, AuthorID: u.ID, Channel: chaperone.ChannelPost, Text: "Mrs. O'Connell went home"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	file := filepath.Join(t.TempDir(), "chaperone.dump")
	if out, err := exec.Command(dump, "--format=custom", "--file", file, src).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	if out, err := exec.Command(restore, "--clean", "--if-exists", "--no-owner", "--dbname", dst, file).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	if r := runCLI(t, nil, "audit", "verify", "--db", dst); r.code != 0 || !strings.HasPrefix(r.stdout, "ok: ") {
		t.Fatalf("verify the restored database: %d %q %q", r.code, r.stdout, r.stderr)
	}
	st2, err := store.Open(ctx, dst, store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if v, err := st2.GetVersion(ctx, d.ID, 0); err != nil || v.Text != "Mrs. O'Connell went home" {
		t.Fatalf("restored draft: %+v %v", v, err)
	}
	if err := st2.CheckKey(ctx); err != nil {
		t.Fatal(err)
	}
}
