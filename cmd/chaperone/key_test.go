package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
	"github.com/chaperone-project/chaperone/store/storetest"
)

// runCLIEnv runs the binary like runCLI, with vars ("K=V") added to an
// environment cleared of chaperone's own variables.
func runCLIEnv(t testing.TB, vars []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CHAPERONE_KEY=") && !strings.HasPrefix(kv, "CHAPERONE_DATA=") && !strings.HasPrefix(kv, "CHAPERONE_DB=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, vars...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running chaperone: %v", err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// keyFixture writes drafts, a review and an archive item under ring and
// returns the texts by draft id.
func keyFixture(t *testing.T, dsn string, ring *store.Keyring) map[int64]string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	org, err := st.CreateOrg(ctx, store.System, "harbor", "Harbor")
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.System, chaperone.User{OrgID: org.ID, Email: "a@harbor.example", DisplayName: "A", Role: chaperone.RoleClinician})
	if err != nil {
		t.Fatal(err)
	}
	texts := map[int64]string{}
	for i := range 3 {
		text := fmt.Sprintf("Discharged Mrs. O'Connell from bed %d", i)
		d, err := st.CreateDraft(ctx, store.Actor{UserID: u.ID}, store.NewDraft{OrgID: org.ID, AuthorID: u.ID, Channel: chaperone.ChannelPost, Text: text, Context: "ctx"})
		if err != nil {
			t.Fatal(err)
		}
		texts[d.ID] = text
	}
	if _, err := st.AddReview(ctx, store.Actor{UserID: u.ID}, chaperone.ReviewAction{DraftID: 1, Version: 1, Action: chaperone.ReviewRequestChanges, Comment: "no names"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.InsertArchiveItem(ctx, store.System, chaperone.ArchiveItem{DraftID: 2, PublishedURL: "https://x.example/1", PublishedAt: time.Now(),
		Text: texts[2], ScreenResult: json.RawMessage(`{}`), ApprovalChain: json.RawMessage(`[]`), RetainUntil: time.Now().AddDate(6, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	return texts // 3 drafts × 2 values + 1 comment + 1 archived text = 8 values
}

// readBack fails t unless a store opened with ring reads every text, and
// the audit chain verifies.
func readBack(t *testing.T, dsn string, ring *store.Keyring, texts map[int64]string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for id, want := range texts {
		if v, err := st.GetVersion(ctx, id, 1); err != nil || v.Text != want {
			t.Errorf("draft %d: %q, %v", id, v.Text, err)
		}
	}
	if it, err := st.GetArchiveItem(ctx, 1); err != nil || it.Text != texts[2] {
		t.Errorf("archive item: %q, %v", it.Text, err)
	}
	if rs, err := st.ListReviews(ctx, 1); err != nil || len(rs) != 1 || rs[0].Comment != "no names" {
		t.Errorf("review: %+v, %v", rs, err)
	}
	if rep, err := st.Verify(ctx); err != nil || rep.Problem != nil {
		t.Errorf("audit chain: %+v, %v", rep, err)
	}
}

// TestKeyRotateAndStatus runs key status and key rotate from the built
// binary on both databases: a rotation from a single-key data directory,
// dropping the old key, an interrupted rotation finished by a re-run, a
// drop refused while the old key is in use, and $CHAPERONE_KEY.
func TestKeyRotateAndStatus(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			dir := t.TempDir()
			dsn := storetest.DSN(t, backend)
			keyPath := filepath.Join(dir, "key")
			ring, err := store.LoadOrCreateKeyring(keyPath) // the single-key file serve makes
			if err != nil {
				t.Fatal(err)
			}
			texts := keyFixture(t, dsn, ring)
			run := func(vars []string, want int, args ...string) result {
				t.Helper()
				r := runCLIEnv(t, vars, append(args, "--data", dir, "--db", dsn)...)
				if r.code != want {
					t.Fatalf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", args, r.code, want, r.stdout, r.stderr)
				}
				if strings.Contains(r.stdout+r.stderr, "O'Connell") {
					t.Errorf("%v printed draft text", args)
				}
				return r
			}
			wantOut := func(r result, lines ...string) {
				t.Helper()
				for _, l := range lines {
					if !strings.Contains(r.stdout, l) {
						t.Errorf("stdout lacks %q:\n%s", l, r.stdout)
					}
				}
			}

			r := run(nil, 0, "key", "status")
			wantOut(r, fmt.Sprintf("keyring: %s (keys 1, current 1)\n", keyPath), "key 1: 8 values (current)\n")
			wantOut(run(nil, 0, "key", "rotate", "--drop-old"), "nothing to drop: the keyring holds only key 1")

			r = run(nil, 0, "key", "rotate", "--batch", "2")
			wantOut(r, "made key 2, now current in "+keyPath+" (keys 1, 2)", "  draft_versions: 2 rows, 4 values re-encrypted\n",
				"re-encrypted 8 values in 5 rows (4 batches) under key 2 (from key 1: 8)\n", "drop key 1 with: chaperone key rotate --drop-old")
			wantOut(run(nil, 0, "key", "status"), "(keys 1, 2, current 2)", "key 1: 0 values\n", "key 2: 8 values (current)\n")
			if st, err := os.Stat(keyPath); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("key file after rotation: %v %v", st, err)
			}
			ring2, err := store.ReadKeyring(keyPath)
			if err != nil || ring2.Current() != 2 {
				t.Fatalf("keyring after rotation: %v, %v", ring2, err)
			}
			readBack(t, dsn, ring2, texts)

			wantOut(run(nil, 0, "key", "rotate", "--drop-old"), "dropped key 1 from "+keyPath+" (keys 2)")
			ring2only, _ := store.ReadKeyring(keyPath)
			if fmt.Sprint(ring2only.IDs()) != "[2]" {
				t.Fatalf("keys after drop: %v", ring2only.IDs())
			}
			readBack(t, dsn, ring2only, texts)

			// A rotation interrupted right after writing key 3: dropping key
			// 2 is refused, and a re-run finishes without making key 4.
			ring3, _ := ring2only.Rotated()
			if err := ring3.WriteFile(keyPath); err != nil {
				t.Fatal(err)
			}
			r = run(nil, 3, "key", "rotate", "--drop-old")
			if !strings.Contains(r.stderr, "key 2 still encrypts 8 values") || !strings.Contains(r.stderr, "no key was dropped") {
				t.Errorf("drop in use: %q", r.stderr)
			}
			if k, _ := store.ReadKeyring(keyPath); fmt.Sprint(k.IDs()) != "[2 3]" {
				t.Errorf("refused drop changed the keyring: %v", k.IDs())
			}
			wantOut(run(nil, 0, "key", "rotate"), "8 values are still under key 2: re-encrypting them under key 3 (no new key)",
				"re-encrypted 8 values in 5 rows (3 batches) under key 3 (from key 2: 8)")
			if k, _ := store.ReadKeyring(keyPath); fmt.Sprint(k.IDs()) != "[2 3]" {
				t.Errorf("re-run made a key: %v", k.IDs())
			}

			// $CHAPERONE_KEY=4:… wins; the file's keys decrypt.
			raw := make([]byte, store.KeySize)
			rand.Read(raw)
			env := []string{"CHAPERONE_KEY=4:" + base64.StdEncoding.EncodeToString(raw)}
			wantOut(run(env, 0, "key", "status"), fmt.Sprintf("keyring: $CHAPERONE_KEY (key 4, current) and %s (keys 2, 3)\n", keyPath),
				"key 3: 8 values\n", "key 4: 0 values (current)\n")
			wantOut(run(env, 0, "key", "rotate"), "8 values are still under key 3: re-encrypting them under key 4 (no new key)",
				"(from key 3: 8)", "every value is under key 4\n")
			r = run(env, 3, "key", "rotate")
			if !strings.Contains(r.stderr, "every value is already under key 4, the current key from $CHAPERONE_KEY") {
				t.Errorf("rotate with nothing to do under $CHAPERONE_KEY: %q", r.stderr)
			}
			wantOut(run(env, 0, "key", "rotate", "--drop-old"), "dropped key 2, 3: removed "+keyPath)
			if _, err := os.Stat(keyPath); !os.IsNotExist(err) {
				t.Errorf("key file still there: %v", err)
			}
			wantOut(run(env, 0, "key", "status"), "keyring: $CHAPERONE_KEY (key 4, current)\n", "key 4: 8 values (current)\n")
			envRing, _ := (*store.Keyring)(nil).WithCurrent(4, raw)
			readBack(t, dsn, envRing, texts)

			// Without the key: status still counts, rotate refuses.
			wantOut(run(nil, 0, "key", "status"), "keyring: none (no key file at "+keyPath, "key 4: 8 values\n")
			r = run(nil, 3, "key", "rotate")
			if !strings.Contains(r.stderr, "no key file at "+keyPath+" and $CHAPERONE_KEY is not set") {
				t.Errorf("rotate without keys: %q", r.stderr)
			}
			bad := "CHAPERONE_KEY=4:c2VjcmV0LWJ1dC1zaG9ydA=="
			r = run([]string{bad}, 3, "key", "status")
			if !strings.Contains(r.stderr, "$CHAPERONE_KEY: the key must be the base64 of 32 bytes") || strings.Contains(r.stderr, "c2VjcmV0") {
				t.Errorf("bad $CHAPERONE_KEY: %q", r.stderr)
			}

			// The audit log records every step, with no text.
			st, err := store.Open(context.Background(), dsn, store.Options{NoMigrate: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			evs, err := st.ListAudit(context.Background(), store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var steps []string
			for _, ev := range evs {
				if ev.Action == chaperone.ActionKeyRotate {
					var d struct{ Step string }
					json.Unmarshal(ev.Details, &d)
					steps = append(steps, d.Step+":"+ev.SubjectID)
				}
			}
			want := "[new_key:2 reencrypt:2 reencrypt:2 reencrypt:2 reencrypt:2 drop_old:2 reencrypt:3 reencrypt:3 reencrypt:3 reencrypt:4 reencrypt:4 reencrypt:4 drop_old:4]"
			if fmt.Sprint(steps) != want {
				t.Errorf("key.rotate events\n got %v\nwant %s", steps, want)
			}
		})
	}
}
