package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store/storetest"
)

// The suite runs every test on SQLite (a file in t.TempDir()) and on
// PostgreSQL (a database of its own per test, dropped afterwards). The
// PostgreSQL server is CHAPERONE_TEST_POSTGRES, by default the local one;
// if it cannot be reached the postgres subtests are skipped, unless
// CHAPERONE_REQUIRE_POSTGRES=1 (CI), when they fail.

// testDSN returns the DSN of a new empty database for the backend.
func testDSN(t *testing.T, backend string) string { return storetest.DSN(t, backend) }

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// tenv is one test's store and what it was opened with.
type tenv struct {
	*Store
	dsn   string
	key   []byte
	clock *fakeClock
}

// open opens another Store on the test's database with opts, closed when
// the test ends.
func (e *tenv) open(t *testing.T, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), e.dsn, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// exec runs raw SQL (with ? placeholders) on the writer, for tampering.
func (e *tenv) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := e.db.ExecContext(context.Background(), e.q(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// dropAuditGuards drops the triggers that refuse UPDATE and DELETE on
// audit_events, as someone with the database's owner rights could.
func (e *tenv) dropAuditGuards(t *testing.T) {
	t.Helper()
	if e.Dialect() == Postgres {
		e.exec(t, "DROP TRIGGER audit_events_append_only_rows ON audit_events")
		e.exec(t, "DROP TRIGGER audit_events_append_only_truncate ON audit_events")
		return
	}
	e.exec(t, "DROP TRIGGER audit_events_no_update")
	e.exec(t, "DROP TRIGGER audit_events_no_delete")
}

// backends runs fn as the subtests sqlite and postgres, each with a fresh
// store.
func backends(t *testing.T, fn func(t *testing.T, e *tenv)) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := &tenv{dsn: testDSN(t, backend), key: make([]byte, KeySize),
				clock: &fakeClock{t: time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)}}
			rand.Read(e.key)
			e.Store = e.open(t, Options{Key: e.key, Now: e.clock.Now, MaxConns: 8})
			fn(t, e)
		})
	}
}

// fixture is an org with a clinician and a reviewer.
type fixture struct {
	org                 chaperone.Org
	clinician, reviewer chaperone.User
}

func newFixture(t *testing.T, e *tenv) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	var err error
	if f.org, err = e.CreateOrg(ctx, System, "Riverside", "Riverside Family Practice"); err != nil {
		t.Fatal(err)
	}
	if f.clinician, err = e.CreateUser(ctx, System, chaperone.User{OrgID: f.org.ID, Email: "Dr.Ames@Riverside.example", DisplayName: "Dr Ames", Role: chaperone.RoleClinician}); err != nil {
		t.Fatal(err)
	}
	if f.reviewer, err = e.CreateUser(ctx, System, chaperone.User{OrgID: f.org.ID, Email: "rev@riverside.example", DisplayName: "Rev", Role: chaperone.RoleReviewer}); err != nil {
		t.Fatal(err)
	}
	return f
}

// as is the actor for a user.
func as(u chaperone.User) Actor { return Actor{UserID: u.ID} }

// wantCode fails t unless err has the code.
func wantCode(t *testing.T, err error, code chaperone.ErrorCode) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := chaperone.CodeOf(err); got != code {
		t.Fatalf("got error %v (code %s), want code %s", err, got, code)
	}
}

// verifyOK fails t unless the audit chain verifies, and returns the
// report.
func verifyOK(t *testing.T, s *Store) Report {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Problem != nil {
		t.Fatalf("Verify: %s", rep.Problem)
	}
	return rep
}

// actions returns the actions of the audit log, in order.
func actions(t *testing.T, s *Store) []chaperone.AuditAction {
	t.Helper()
	evs, err := s.ListAudit(context.Background(), AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []chaperone.AuditAction
	for _, ev := range evs {
		out = append(out, ev.Action)
	}
	return out
}

// lastEvent returns the last audit event.
func lastEvent(t *testing.T, s *Store) chaperone.AuditEvent {
	t.Helper()
	seq, _, err := s.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.ListAudit(context.Background(), AuditFilter{AfterSeq: seq - 1})
	if err != nil || len(evs) != 1 {
		t.Fatalf("reading the last event: %v, %d events", err, len(evs))
	}
	return evs[0]
}

func TestMigrationsApplyAndAreIdempotent(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		latest, count := embeddedMigrations(t)
		var version int64
		if err := e.db.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version").Scan(&version); err != nil {
			t.Fatal(err)
		}
		if version != latest {
			t.Errorf("schema version %d, want %d", version, latest)
		}
		// Reopening applies nothing and loses nothing.
		e.Close()
		s := e.open(t, Options{Key: e.key})
		s2 := e.open(t, Options{Key: e.key}) // and a second one at the same time
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != count {
			t.Errorf("%d migration rows after reopening, want %d", n, count)
		}
		u, err := s2.GetUser(ctx, f.clinician.ID)
		if err != nil || u.Email != "dr.ames@riverside.example" {
			t.Errorf("after reopening: %+v, %v", u, err)
		}
		verifyOK(t, s)
	})
}

func TestUsers(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)

		got, err := e.GetUserByEmail(ctx, f.org.ID, "  DR.AMES@riverside.EXAMPLE ")
		if err != nil {
			t.Fatal(err)
		}
		want := chaperone.User{ID: f.clinician.ID, OrgID: f.org.ID, Email: "dr.ames@riverside.example", DisplayName: "Dr Ames",
			Role: chaperone.RoleClinician, CreatedAt: norm(e.clock.Now())}
		if got != want {
			t.Errorf("GetUserByEmail:\n got %+v\nwant %+v", got, want)
		}
		if byID, err := e.GetUser(ctx, f.clinician.ID); err != nil || byID != want {
			t.Errorf("GetUser: %+v, %v", byID, err)
		}

		// One email per org; another org may have it.
		_, err = e.CreateUser(ctx, System, chaperone.User{OrgID: f.org.ID, Email: "dr.ames@RIVERSIDE.example", Role: chaperone.RoleAdmin})
		wantCode(t, err, chaperone.ErrConflict)
		other, err := e.CreateOrg(ctx, System, "lakeside", "Lakeside")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.CreateUser(ctx, System, chaperone.User{OrgID: other.ID, Email: "dr.ames@riverside.example", Role: chaperone.RoleAdmin}); err != nil {
			t.Errorf("same email in another org: %v", err)
		}
		_, err = e.CreateUser(ctx, System, chaperone.User{OrgID: f.org.ID, Email: "x@riverside.example", Role: "owner"})
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = e.CreateUser(ctx, System, chaperone.User{OrgID: 999, Email: "x@riverside.example", Role: chaperone.RoleAdmin})
		wantCode(t, err, chaperone.ErrInvalid) // no such org
		_, err = e.GetUser(ctx, 999)
		wantCode(t, err, chaperone.ErrNotFound)

		users, err := e.ListUsers(ctx, f.org.ID)
		if err != nil || len(users) != 2 || users[0].ID != f.clinician.ID || users[1].ID != f.reviewer.ID {
			t.Errorf("ListUsers: %+v, %v", users, err)
		}

		if err := e.SetPasswordHash(ctx, as(f.reviewer), f.clinician.ID, "$argon2id$fake"); err != nil {
			t.Fatal(err)
		}
		if err := e.DisableUser(ctx, as(f.reviewer), f.clinician.ID); err != nil {
			t.Fatal(err)
		}
		u, err := e.GetUser(ctx, f.clinician.ID)
		if err != nil || u.PasswordHash != "$argon2id$fake" || !u.Disabled {
			t.Errorf("after SetPasswordHash and DisableUser: %+v, %v", u, err)
		}
		wantCode(t, e.DisableUser(ctx, System, 999), chaperone.ErrNotFound)

		ev := lastEvent(t, e.Store)
		if ev.Action != chaperone.ActionUserDisable || ev.ActorID != f.reviewer.ID || ev.OrgID != f.org.ID || ev.SubjectID != fmt.Sprint(f.clinician.ID) {
			t.Errorf("last event %+v", ev)
		}
		verifyOK(t, e.Store)
	})
}

func TestSessions(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		tok, sess, err := e.CreateSession(ctx, f.clinician.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 43 {
			t.Errorf("token %q: want 43 base64url characters", tok)
		}
		got, err := e.LookupSession(ctx, tok)
		if err != nil || got != sess || got.UserID != f.clinician.ID || got.ExpiresAt != norm(e.clock.Now().Add(time.Hour)) {
			t.Errorf("LookupSession: %+v, %v; want %+v", got, err, sess)
		}
		_, err = e.LookupSession(ctx, tok+"x")
		wantCode(t, err, chaperone.ErrNotFound)

		// Only the SHA-256 of the token is stored.
		var stored []byte
		if err := e.db.QueryRowContext(ctx, "SELECT token_hash FROM sessions").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if string(stored) != string(tokenHash(tok)) || string(stored) == tok {
			t.Errorf("stored %x, want the SHA-256 of the token", stored)
		}

		// Expiry.
		e.clock.Add(time.Hour)
		_, err = e.LookupSession(ctx, tok)
		wantCode(t, err, chaperone.ErrNotFound)
		if n, err := e.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions: %d, %v; want 1", n, err)
		}

		// Sign-out.
		tok2, _, err := e.CreateSession(ctx, f.clinician.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.DeleteSession(ctx, tok2); err != nil {
			t.Fatal(err)
		}
		_, err = e.LookupSession(ctx, tok2)
		wantCode(t, err, chaperone.ErrNotFound)
		wantCode(t, e.DeleteSession(ctx, tok2), chaperone.ErrNotFound)

		// API tokens.
		api, info, err := e.CreateAPIToken(ctx, as(f.reviewer), f.clinician.ID, "scheduler", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := e.LookupAPIToken(ctx, api); err != nil || got != info || got.Name != "scheduler" {
			t.Errorf("LookupAPIToken: %+v, %v; want %+v", got, err, info)
		}
		if err := e.db.QueryRowContext(ctx, "SELECT token_hash FROM api_tokens").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if string(stored) != string(tokenHash(api)) {
			t.Errorf("stored API token %x, want its SHA-256", stored)
		}
		_, err = e.LookupAPIToken(ctx, tok) // a session token is not an API token
		wantCode(t, err, chaperone.ErrNotFound)
		e.clock.Add(25 * time.Hour)
		_, err = e.LookupAPIToken(ctx, api)
		wantCode(t, err, chaperone.ErrNotFound)
		if err := e.RevokeAPIToken(ctx, as(f.reviewer), info.ID); err != nil {
			t.Fatal(err)
		}
		if toks, err := e.ListAPITokens(ctx, f.clinician.ID); err != nil || len(toks) != 0 {
			t.Errorf("after revoking: %+v, %v", toks, err)
		}

		// A disabled user loses their sessions and cannot start one.
		tok3, _, err := e.CreateSession(ctx, f.clinician.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.DisableUser(ctx, System, f.clinician.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.LookupSession(ctx, tok3)
		wantCode(t, err, chaperone.ErrNotFound)
		_, _, err = e.CreateSession(ctx, f.clinician.ID, time.Hour)
		wantCode(t, err, chaperone.ErrInvalid)

		acts := actions(t, e.Store)
		want := []chaperone.AuditAction{"org.create", "user.create", "user.create", "user.login", "user.login", "user.logout",
			"token.create", "token.revoke", "user.login", "user.disable"}
		if fmt.Sprint(acts) != fmt.Sprint(want) {
			t.Errorf("audit actions\n got %v\nwant %v", acts, want)
		}
		verifyOK(t, e.Store)
	})
}

// rawBlobs returns every value of a column, as stored.
func rawBlobs(t *testing.T, e *tenv, query string) [][]byte {
	t.Helper()
	out, err := list(context.Background(), e.db, "raw", query, func(r scanner) ([]byte, error) {
		var b []byte
		return b, r.Scan(&b)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDraftsKeepEveryVersionEncrypted(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		texts := []string{
			"Discharged Mrs. Siobhan O'Connell home today",
			"Discharged a patient home today",
			"Great day on the ward!",
		}
		const context0 = "Waited 2 hours. — Jessica Mbeki"
		acct, err := e.CreateAccount(ctx, as(f.clinician), chaperone.SocialAccount{UserID: f.clinician.ID, Platform: "X", Handle: "@drames", Kind: chaperone.AccountProfessional})
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, AccountID: acct.ID,
			Channel: chaperone.ChannelReviewReply, Text: texts[0], Context: context0})
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range texts[1:] {
			e.clock.Add(time.Minute)
			if _, err := e.AddVersion(ctx, as(f.clinician), d.ID, text, context0); err != nil {
				t.Fatal(err)
			}
		}
		got, err := e.GetDraft(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 3 || got.Status != chaperone.DraftDraft || got.AccountID != acct.ID || got.Channel != chaperone.ChannelReviewReply ||
			got.UpdatedAt != norm(e.clock.Now()) || got.CreatedAt != d.CreatedAt {
			t.Errorf("draft %+v", got)
		}
		versions, err := e.ListVersions(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(versions) != len(texts) {
			t.Fatalf("%d versions, want %d", len(versions), len(texts))
		}
		for i, v := range versions {
			if v.Version != i+1 || v.Text != texts[i] || v.Context != context0 || v.CreatedBy != f.clinician.ID {
				t.Errorf("version %d: %+v", i+1, v)
			}
		}
		if cur, err := e.GetVersion(ctx, d.ID, 0); err != nil || cur.Version != 3 || cur.Text != texts[2] {
			t.Errorf("GetVersion(current): %+v, %v", cur, err)
		}
		if v1, err := e.GetVersion(ctx, d.ID, 1); err != nil || v1.Text != texts[0] {
			t.Errorf("GetVersion(1): %+v, %v", v1, err)
		}

		// At rest the text and context are ciphertext.
		blobs := rawBlobs(t, e, "SELECT text_enc FROM draft_versions UNION ALL SELECT context_enc FROM draft_versions")
		if len(blobs) != 6 {
			t.Fatalf("%d blobs", len(blobs))
		}
		for _, b := range blobs {
			for _, plain := range []string{"O'Connell", "patient", "ward", "Jessica"} {
				if containsFold(b, plain) {
					t.Errorf("plaintext %q stored in the clear", plain)
				}
			}
			if b[0] != sealV1 || b[1] != 1 {
				t.Errorf("blob header %x, want version 1, key id 1", b[:2])
			}
		}

		// A value moved to another row does not decrypt.
		e.exec(t, "UPDATE draft_versions SET text_enc = (SELECT text_enc FROM draft_versions WHERE draft_id = ? AND version = 1) WHERE draft_id = ? AND version = 2", d.ID, d.ID)
		_, err = e.GetVersion(ctx, d.ID, 2)
		if !errors.Is(err, ErrWrongKey) {
			t.Errorf("moved ciphertext: got %v, want ErrWrongKey", err)
		}

		// A wrong key is an error naming no text, never garbage; no key
		// reads no text.
		otherKey := make([]byte, KeySize)
		rand.Read(otherKey)
		wrong := e.open(t, Options{Key: otherKey})
		_, err = wrong.GetVersion(ctx, d.ID, 1)
		if !errors.Is(err, ErrWrongKey) {
			t.Fatalf("wrong key: got %v, want ErrWrongKey", err)
		}
		if containsFold([]byte(err.Error()), "O'Connell") {
			t.Errorf("error quotes the text: %v", err)
		}
		rotated := e.open(t, Options{Key: otherKey, KeyID: 2})
		_, err = rotated.GetVersion(ctx, d.ID, 1)
		if !errors.Is(err, ErrWrongKey) || !containsFold([]byte(err.Error()), "key id 1") {
			t.Errorf("other key id: got %v", err)
		}
		keyless := e.open(t, Options{})
		_, err = keyless.GetVersion(ctx, d.ID, 1)
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = keyless.CreateDraft(ctx, System, NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost, Text: "x"})
		wantCode(t, err, chaperone.ErrInvalid)

		// Listing, status moves.
		d2, err := e.CreateDraft(ctx, as(f.reviewer), NewDraft{OrgID: f.org.ID, AuthorID: f.reviewer.ID, Channel: chaperone.ChannelPost, Text: "Flu shots are in"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.SetDraftStatus(ctx, as(f.clinician), d.ID, chaperone.DraftDraft, chaperone.DraftInReview); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.SetDraftStatus(ctx, as(f.clinician), d.ID, chaperone.DraftDraft, chaperone.DraftInReview), chaperone.ErrConflict)
		wantCode(t, e.SetDraftStatus(ctx, as(f.clinician), 999, chaperone.DraftDraft, chaperone.DraftInReview), chaperone.ErrNotFound)
		tests := []struct {
			name   string
			filter DraftFilter
			want   []int64
		}{
			{"org", DraftFilter{OrgID: f.org.ID}, []int64{d2.ID, d.ID}},
			{"author", DraftFilter{OrgID: f.org.ID, AuthorID: f.clinician.ID}, []int64{d.ID}},
			{"status", DraftFilter{OrgID: f.org.ID, Status: chaperone.DraftInReview}, []int64{d.ID}},
			{"status none", DraftFilter{OrgID: f.org.ID, Status: chaperone.DraftApproved}, nil},
			{"page", DraftFilter{OrgID: f.org.ID, BeforeID: d2.ID}, []int64{d.ID}},
			{"limit", DraftFilter{OrgID: f.org.ID, Limit: 1}, []int64{d2.ID}},
			{"other org", DraftFilter{OrgID: 999}, nil},
		}
		for _, tt := range tests {
			ds, err := e.ListDrafts(ctx, tt.filter)
			var ids []int64
			for _, d := range ds {
				ids = append(ids, d.ID)
			}
			if err != nil || fmt.Sprint(ids) != fmt.Sprint(tt.want) {
				t.Errorf("%s: got %v, %v; want %v", tt.name, ids, err, tt.want)
			}
		}

		// The audit log names the drafts but never holds their text.
		evs, err := e.ListAudit(ctx, AuditFilter{OrgID: f.org.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if containsFold(ev.Details, "O'Connell") || containsFold(ev.Details, "Flu shots") {
				t.Errorf("audit event %d holds draft text: %s", ev.Seq, ev.Details)
			}
		}
		verifyOK(t, e.Store)
	})
}

// containsFold reports whether s holds sub, ignoring ASCII case.
func containsFold(b []byte, sub string) bool {
	return len(sub) > 0 && len(b) >= len(sub) && bytesIndexFold(b, sub) >= 0
}

func bytesIndexFold(b []byte, sub string) int {
	lower := func(c byte) byte {
		if 'A' <= c && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return c
	}
outer:
	for i := 0; i+len(sub) <= len(b); i++ {
		for j := 0; j < len(sub); j++ {
			if lower(b[i+j]) != lower(sub[j]) {
				continue outer
			}
		}
		return i
	}
	return -1
}

func TestScreensAndReviews(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		d, err := e.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost,
			Text: "Discharged Mrs. Siobhan O'Connell home on 14 March, MRN 0048-2913"})
		if err != nil {
			t.Fatal(err)
		}
		res := chaperone.Result{ID: "d1", Decision: chaperone.Block,
			Findings: []chaperone.Finding{
				{Rule: "phi-name", Type: chaperone.FindingPHI, SpanType: chaperone.SpanName, Start: 15, End: 34, Score: 0.97, Reason: "a patient's name", Cite: "HIPAA 45 CFR 164.514(b)(2)(i)(A)"},
				{Rule: "story", Type: chaperone.FindingPatientStory, Score: 0.8, Reason: "tells a patient's story", Cite: "AMA 2.3.2"},
			},
			Spans: []chaperone.Span{{Start: 15, End: 34, Type: chaperone.SpanName, Rule: "phi-name", Score: 0.97}, {Start: 53, End: 62, Type: chaperone.SpanMRN, Rule: "mrn", Score: 1}},
		}
		rec, err := e.AddScreen(ctx, System, d.ID, 1, res)
		if err != nil {
			t.Fatal(err)
		}
		latest, err := e.LatestScreen(ctx, d.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%+v", latest) != fmt.Sprintf("%+v", rec) || latest.Decision != chaperone.Block || latest.ScreenedAt != norm(e.clock.Now()) {
			t.Errorf("LatestScreen\n got %+v\nwant %+v", latest, rec)
		}
		if fmt.Sprintf("%+v", latest.Result) != fmt.Sprintf("%+v", res) {
			t.Errorf("Result did not round-trip:\n got %+v\nwant %+v", latest.Result, res)
		}
		_, err = e.AddScreen(ctx, System, d.ID, 2, res) // no version 2
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = e.AddScreen(ctx, System, d.ID, 1, chaperone.Result{Decision: "maybe"})
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = e.LatestScreen(ctx, d.ID, 2)
		wantCode(t, err, chaperone.ErrNotFound)
		ev := lastEvent(t, e.Store)
		if ev.Action != chaperone.ActionDraftScreen || string(ev.Details) != fmt.Sprintf(`{"decision":"block","findings":["PHI","PATIENT_STORY"],"screen_id":%d,"spans":2,"version":1}`, rec.ID) {
			t.Errorf("screen event %+v details %s", ev, ev.Details)
		}

		const comment = "Remove Mrs. O'Connell's name and the MRN"
		r, err := e.AddReview(ctx, as(f.reviewer), chaperone.ReviewAction{DraftID: d.ID, Version: 1, Action: chaperone.ReviewRequestChanges, Comment: comment})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.AddReview(ctx, System, chaperone.ReviewAction{DraftID: d.ID, Version: 1, Action: chaperone.ReviewApprove}); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Errorf("review by the system: %v", err)
		}
		reviews, err := e.ListReviews(ctx, d.ID)
		if err != nil || len(reviews) != 1 || reviews[0] != r || reviews[0].Comment != comment || reviews[0].ReviewerID != f.reviewer.ID {
			t.Errorf("ListReviews: %+v, %v", reviews, err)
		}
		for _, b := range rawBlobs(t, e, "SELECT comment_enc FROM review_actions") {
			if containsFold(b, "O'Connell") {
				t.Error("review comment stored in the clear")
			}
		}
		if got := lastEvent(t, e.Store).Action; got != chaperone.ActionReviewRequestChanges {
			t.Errorf("review event %s", got)
		}
		verifyOK(t, e.Store)
	})
}

func TestArchiveRetentionAndLegalHold(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		d, err := e.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost, Text: "Flu shots are in at Riverside"})
		if err != nil {
			t.Fatal(err)
		}
		day := func(n int) time.Time { return time.Date(2026, 1, n, 12, 0, 0, 123456789, time.UTC) }
		now := day(20)
		items := []struct {
			name      string
			published time.Time
			retain    time.Time
			hold      bool
		}{
			{"expired", day(1), day(10), false},
			{"expired on hold", day(2), day(10), true},
			{"kept", day(3), day(30), false},
			{"expires exactly now", day(4), now, false},
		}
		ids := map[string]int64{}
		for _, it := range items {
			got, err := e.InsertArchiveItem(ctx, as(f.reviewer), chaperone.ArchiveItem{DraftID: d.ID, PublishedURL: "https://x.example/p/" + it.name,
				PublishedAt: it.published, Text: "Flu shots are in at Riverside (" + it.name + ")", ScreenResult: []byte(`{"decision":"allow"}`),
				ApprovalChain: []byte(`[{"reviewer_id":2,"action":"approve"}]`), RetainUntil: it.retain, LegalHold: it.hold})
			if err != nil {
				t.Fatal(err)
			}
			if got.OrgID != f.org.ID || got.PublishedAt != norm(it.published) {
				t.Errorf("%s: %+v", it.name, got)
			}
			ids[it.name] = got.ID
		}
		got, err := e.GetArchiveItem(ctx, ids["kept"])
		if err != nil || got.Text != "Flu shots are in at Riverside (kept)" || string(got.ApprovalChain) != `[{"reviewer_id":2,"action":"approve"}]` ||
			got.RetainUntil != norm(day(30)) || got.LegalHold {
			t.Errorf("GetArchiveItem: %+v, %v", got, err)
		}
		for _, b := range rawBlobs(t, e, "SELECT text_enc FROM archive_items") {
			if containsFold(b, "Riverside") {
				t.Error("archived text stored in the clear")
			}
		}
		_, err = e.InsertArchiveItem(ctx, System, chaperone.ArchiveItem{DraftID: d.ID, PublishedAt: day(1), RetainUntil: day(2), ScreenResult: []byte("{")})
		wantCode(t, err, chaperone.ErrInvalid)

		ranges := []struct {
			name     string
			from, to time.Time
			want     []string
		}{
			{"all", time.Time{}, time.Time{}, []string{"expired", "expired on hold", "kept", "expires exactly now"}},
			{"from day 2", day(2), time.Time{}, []string{"expired on hold", "kept", "expires exactly now"}},
			{"days 2 and 3", day(2), day(4), []string{"expired on hold", "kept"}},
			{"none", day(5), day(6), nil},
		}
		for _, r := range ranges {
			list, err := e.ListArchive(ctx, ArchiveFilter{OrgID: f.org.ID, From: r.from, To: r.to})
			var gotIDs, wantIDs []int64
			for _, it := range list {
				gotIDs = append(gotIDs, it.ID)
			}
			for _, n := range r.want {
				wantIDs = append(wantIDs, ids[n])
			}
			if err != nil || fmt.Sprint(gotIDs) != fmt.Sprint(wantIDs) {
				t.Errorf("ListArchive %s: %v, %v; want %v", r.name, gotIDs, err, wantIDs)
			}
		}
		page, err := e.ListArchive(ctx, ArchiveFilter{OrgID: f.org.ID, AfterPublished: day(2), AfterID: ids["expired on hold"], Limit: 1})
		if err != nil || len(page) != 1 || page[0].ID != ids["kept"] {
			t.Errorf("ListArchive page: %+v, %v", page, err)
		}

		seqBefore, _, _ := e.Head(ctx)
		n, err := e.PurgeExpired(ctx, System, now)
		if err != nil || n != 1 {
			t.Fatalf("PurgeExpired: %d, %v; want 1", n, err)
		}
		_, err = e.GetArchiveItem(ctx, ids["expired"])
		wantCode(t, err, chaperone.ErrNotFound)
		for _, name := range []string{"expired on hold", "kept", "expires exactly now"} {
			if _, err := e.GetArchiveItem(ctx, ids[name]); err != nil {
				t.Errorf("%s purged: %v", name, err)
			}
		}
		ev := lastEvent(t, e.Store)
		if ev.Seq != seqBefore+1 || ev.Action != chaperone.ActionArchivePurge || ev.SubjectKind != "archive_item" ||
			ev.SubjectID != fmt.Sprint(ids["expired"]) || ev.ActorID != 0 || ev.OrgID != f.org.ID {
			t.Errorf("purge event %+v", ev)
		}

		// Released from hold, it goes at the next purge.
		if err := e.SetLegalHold(ctx, as(f.reviewer), ids["expired on hold"], false); err != nil {
			t.Fatal(err)
		}
		if n, err := e.PurgeExpired(ctx, System, now); err != nil || n != 1 {
			t.Errorf("second PurgeExpired: %d, %v; want 1", n, err)
		}
		if n, err := e.PurgeExpired(ctx, System, now); err != nil || n != 0 {
			t.Errorf("third PurgeExpired: %d, %v; want 0", n, err)
		}
		wantCode(t, e.SetLegalHold(ctx, System, ids["expired"], true), chaperone.ErrNotFound)
		acts := actions(t, e.Store)
		tail := fmt.Sprint(acts[len(acts)-3:])
		if tail != "[archive.purge archive.release archive.purge]" {
			t.Errorf("audit tail %s", tail)
		}
		verifyOK(t, e.Store)
	})
}

// embeddedMigrations returns the highest version and the number of the
// embedded migrations, and checks that both dialects have the same ones.
func embeddedMigrations(t *testing.T) (latest int64, count int) {
	t.Helper()
	versions := map[string][]int64{}
	for _, dialect := range []string{"sqlite", "postgres"} {
		names, err := fs.Glob(migrations, "migrations/"+dialect+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			v, err := strconv.ParseInt(strings.SplitN(path.Base(n), "_", 2)[0], 10, 64)
			if err != nil {
				t.Fatalf("migration %s: %v", n, err)
			}
			versions[dialect] = append(versions[dialect], v)
		}
	}
	if fmt.Sprint(versions["sqlite"]) != fmt.Sprint(versions["postgres"]) || len(versions["sqlite"]) == 0 {
		t.Fatalf("migrations differ between the dialects: %v", versions)
	}
	vs := versions["sqlite"]
	return vs[len(vs)-1], len(vs)
}

func TestChangeAndEventShareTheTransaction(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		seq0, hash0, err := e.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var draftID int64
		boom := errors.New("boom")
		err = e.InTx(ctx, func(tx *Tx) error {
			d, err := tx.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost, Text: "t"})
			if err != nil {
				return err
			}
			draftID = d.ID
			if _, err := tx.GetDraft(ctx, d.ID); err != nil { // visible inside
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		_, err = e.GetDraft(ctx, draftID)
		wantCode(t, err, chaperone.ErrNotFound)
		seq, hash, _ := e.Head(ctx)
		if seq != seq0 || string(hash) != string(hash0) {
			t.Errorf("head moved from %d to %d after a failed transaction", seq0, seq)
		}

		// A panic rolls back too.
		func() {
			defer func() { recover() }()
			e.InTx(ctx, func(tx *Tx) error {
				tx.CreateOrg(ctx, System, "panic", "Panic")
				panic("boom")
			})
		}()
		_, err = e.GetOrgBySlug(ctx, "panic")
		wantCode(t, err, chaperone.ErrNotFound)

		// A failing change writes no event: a conflict after the event of
		// an earlier step rolls both back.
		err = e.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.CreateOrg(ctx, System, "new", "New"); err != nil {
				return err
			}
			_, err := tx.CreateUser(ctx, System, chaperone.User{OrgID: f.org.ID, Email: f.clinician.Email, Role: chaperone.RoleAdmin})
			return err
		})
		wantCode(t, err, chaperone.ErrConflict)
		if seq, _, _ := e.Head(ctx); seq != seq0 {
			t.Errorf("head moved to %d after a conflict", seq)
		}
		_, err = e.GetOrgBySlug(ctx, "new")
		wantCode(t, err, chaperone.ErrNotFound)

		// Several changes in one transaction: all events, in order.
		err = e.InTx(ctx, func(tx *Tx) error {
			d, err := tx.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost, Text: "t"})
			if err != nil {
				return err
			}
			if err := tx.SetDraftStatus(ctx, as(f.clinician), d.ID, chaperone.DraftDraft, chaperone.DraftInReview); err != nil {
				return err
			}
			return tx.RecordView(ctx, as(f.reviewer), f.org.ID, "draft", subject(d.ID, 1))
		})
		if err != nil {
			t.Fatal(err)
		}
		acts := actions(t, e.Store)
		if got := fmt.Sprint(acts[seq0:]); got != "[draft.create draft.submit phi.view]" {
			t.Errorf("events %s", got)
		}
		verifyOK(t, e.Store)
	})
}

func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		const workers, each = 8, 25
		// Two stores on one database, as a server and a CLI (or two
		// servers) would be.
		stores := []*Store{e.Store, e.open(t, Options{Key: e.key, MaxConns: 4})}
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					_, err := stores[w%2].Audit(ctx, Actor{UserID: int64(w + 1)}, AuditEntry{OrgID: 1, Action: chaperone.ActionArchiveExport,
						SubjectKind: "export", SubjectID: fmt.Sprintf("%d-%d", w, i)})
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		rep := verifyOK(t, e.Store)
		seq, hash, err := e.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Events != workers*each || rep.HeadSeq != workers*each || seq != rep.HeadSeq || string(hash) != string(rep.HeadHash) {
			t.Errorf("report %+v, head %d %x; want %d events", rep, seq, hash, workers*each)
		}
		if e.Dialect() == Postgres {
			if st := e.db.Stats(); st.OpenConnections < 2 {
				t.Errorf("PostgreSQL used %d connection(s); the test wants several", st.OpenConnections)
			}
		}
	})
}

func TestAuditLogRefusesUpdateAndDelete(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		newFixture(t, e)
		for _, query := range []string{
			"UPDATE audit_events SET details = '{}' WHERE seq = 1",
			"DELETE FROM audit_events WHERE seq = 3",
		} {
			_, err := e.db.ExecContext(context.Background(), query)
			if err == nil || !containsFold([]byte(err.Error()), "audit log is append-only") {
				t.Errorf("%s: got %v, want the append-only error", query, err)
			}
		}
		if e.Dialect() == Postgres {
			if _, err := e.db.ExecContext(context.Background(), "TRUNCATE audit_events"); err == nil {
				t.Error("TRUNCATE allowed")
			}
		}
		if rep := verifyOK(t, e.Store); rep.Events != 3 {
			t.Errorf("%d events, want 3", rep.Events)
		}
	})
}

func TestVerifyFindsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, e *tenv)
		seq    int64
		kind   ProblemKind
	}{
		{"edited details", func(t *testing.T, e *tenv) {
			e.exec(t, `UPDATE audit_events SET details = '{"role":"admin"}' WHERE seq = 5`)
		}, 5, ProblemEdited},
		{"edited actor", func(t *testing.T, e *tenv) { e.exec(t, "UPDATE audit_events SET actor_id = 1 WHERE seq = 7") }, 7, ProblemEdited},
		{"edited time", func(t *testing.T, e *tenv) {
			e.exec(t, "UPDATE audit_events SET at = ? WHERE seq = 2", e.tv(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)))
		}, 2, ProblemEdited},
		{"edited hash", func(t *testing.T, e *tenv) {
			e.exec(t, "UPDATE audit_events SET hash = ? WHERE seq = 9", make([]byte, HashSize))
		}, 9, ProblemEdited},
		{"deleted", func(t *testing.T, e *tenv) { e.exec(t, "DELETE FROM audit_events WHERE seq = 5") }, 5, ProblemMissing},
		{"deleted first", func(t *testing.T, e *tenv) { e.exec(t, "DELETE FROM audit_events WHERE seq = 1") }, 1, ProblemMissing},
		{"deleted and renumbered", func(t *testing.T, e *tenv) {
			e.exec(t, "DELETE FROM audit_events WHERE seq = 4")
			for seq := 5; seq <= 10; seq++ {
				e.exec(t, "UPDATE audit_events SET seq = ? WHERE seq = ?", seq-1, seq)
			}
		}, 4, ProblemMissing},
		{"forged: edited with the hash recomputed", func(t *testing.T, e *tenv) {
			evs, err := e.ListAudit(context.Background(), AuditFilter{AfterSeq: 5, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			ev := evs[0]
			ev.Details = []byte(`{"role":"admin"}`)
			e.exec(t, "UPDATE audit_events SET details = ?, hash = ? WHERE seq = 6", string(ev.Details), HashEvent(ev))
		}, 7, ProblemMissing},
		{"swapped pair", func(t *testing.T, e *tenv) {
			e.exec(t, "UPDATE audit_events SET seq = -1 WHERE seq = 4")
			e.exec(t, "UPDATE audit_events SET seq = 4 WHERE seq = 5")
			e.exec(t, "UPDATE audit_events SET seq = 5 WHERE seq = -1")
		}, 4, ProblemOutOfOrder},
		{"swapped content", func(t *testing.T, e *tenv) {
			// Exchange every column but seq of 6 and 8.
			e.exec(t, "UPDATE audit_events SET seq = -6 WHERE seq = 6")
			e.exec(t, "UPDATE audit_events SET seq = 6 WHERE seq = 8")
			e.exec(t, "UPDATE audit_events SET seq = 8 WHERE seq = -6")
		}, 6, ProblemOutOfOrder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backends(t, func(t *testing.T, e *tenv) {
				ctx := context.Background()
				f := newFixture(t, e) // 3 events
				for i := range 7 {
					e.clock.Add(time.Second)
					if err := e.RecordView(ctx, as(f.reviewer), f.org.ID, "draft", fmt.Sprint(i)); err != nil {
						t.Fatal(err)
					}
				}
				if rep := verifyOK(t, e.Store); rep.Events != 10 {
					t.Fatalf("%d events before tampering, want 10", rep.Events)
				}
				e.dropAuditGuards(t)
				tt.tamper(t, e)
				rep, err := e.Verify(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Problem == nil {
					t.Fatalf("Verify found nothing; report %+v", rep)
				}
				if rep.Problem.Seq != tt.seq || rep.Problem.Kind != tt.kind {
					t.Errorf("Verify: %s; want seq %d %s", rep.Problem, tt.seq, tt.kind)
				}
				if rep.Events != tt.seq-1 || rep.HeadSeq != tt.seq-1 {
					t.Errorf("Verify counted %d events up to seq %d, want %d", rep.Events, rep.HeadSeq, tt.seq-1)
				}
			})
		})
	}
}

func TestAnchorsCatchTruncation(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		newFixture(t, e)
		seq, hash, err := e.Head(ctx)
		if err != nil || seq != 3 || len(hash) != HashSize {
			t.Fatalf("Head: %d %x %v", seq, hash, err)
		}
		if p, err := e.CheckAnchor(ctx, seq, hash); err != nil || p != nil {
			t.Fatalf("CheckAnchor on an intact log: %v, %v", p, err)
		}
		if p, _ := e.CheckAnchor(ctx, 2, hash); p == nil || p.Kind != ProblemEdited {
			t.Errorf("CheckAnchor with the wrong hash: %v", p)
		}
		e.dropAuditGuards(t)
		e.exec(t, "DELETE FROM audit_events WHERE seq = 3")
		rep := verifyOK(t, e.Store) // the chain alone cannot tell
		if rep.Events != 2 {
			t.Errorf("%d events", rep.Events)
		}
		p, err := e.CheckAnchor(ctx, seq, hash)
		if err != nil || p == nil || p.Seq != 3 || p.Kind != ProblemMissing {
			t.Errorf("CheckAnchor after truncation: %v, %v", p, err)
		}
	})
}

func TestEmptyLogVerifies(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		rep := verifyOK(t, e.Store)
		if rep.Events != 0 || rep.HeadSeq != 0 || string(rep.HeadHash) != string(zeroHash) {
			t.Errorf("empty log: %+v", rep)
		}
	})
}

// TestTransactionsLeaveConnectionsForReads runs more write transactions
// at once than the pool has connections, each reading through the Store
// (not its Tx) as the service does: none may starve the one holding the
// write lock. On PostgreSQL, without Store.txSlots, this deadlocks until
// the contexts end.
func TestTransactionsLeaveConnectionsForReads(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			key := make([]byte, KeySize)
			e := &tenv{dsn: testDSN(t, backend), key: key, clock: &fakeClock{t: time.Now()}}
			e.Store = e.open(t, Options{Key: key, MaxConns: 4})
			f := newFixture(t, e)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for range 16 {
				wg.Go(func() {
					errs <- e.InTx(ctx, func(tx *Tx) error {
						if _, err := e.GetOrg(ctx, f.org.ID); err != nil { // a read beside the transaction
							return err
						}
						_, err := tx.Audit(ctx, System, AuditEntry{OrgID: f.org.ID, Action: chaperone.ActionScreen, SubjectKind: "text"})
						return err
					})
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("a transaction failed: %v", err)
				}
			}
		})
	}
}
