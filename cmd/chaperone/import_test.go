package main

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// xPostTexts are the texts a test archive cycles through: most are what
// clinicians post every day, one in five names a patient or a visit.
var xPostTexts = []string{
	"Flu shots are in: book at the front desk.",
	"Great turnout at the 5K for heart health this morning!",
	"Reminder: sunscreen every day, even in winter.",
	"Discharged Mrs. Siobhan O'Connell home today after her hip surgery, MRN 0048-2913.",
	"New study on statins and muscle pain: worth a read.",
	"Our clinic is closed Monday for the holiday.",
	"Thanks to the night shift for a heroic week.",
	"Saw Walter Pruitt (DOB 3/14/1931) in clinic today, what a character!",
	"Hydrate! Summer heat is no joke.",
	"Welcome to the three new family physicians joining our practice!",
}

// writeXArchive writes an X archive zip of n posts, shaped like X's export
// (data/account.js and data/tweets.js), and returns its path.
func writeXArchive(t testing.TB, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "twitter-archive.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.Create("data/account.js")
	fmt.Fprint(w, `window.YTD.account.part0 = [ { "account" : { "email" : "ana@example.org", "createdVia" : "web", "username" : "druiz", "accountId" : "42", "createdAt" : "2012-01-01T00:00:00.000Z", "accountDisplayName" : "Dr. Ana Ruiz" } } ]`)
	w, _ = zw.Create("data/tweets.js")
	fmt.Fprint(w, "window.YTD.tweets.part0 = [ ")
	start := time.Date(2019, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		if i > 0 {
			fmt.Fprint(w, ", ")
		}
		at := start.Add(time.Duration(i) * 3 * time.Hour).Format("Mon Jan 02 15:04:05 -0700 2006")
		text := xPostTexts[i%len(xPostTexts)]
		fmt.Fprintf(w, `{ "tweet" : { "retweeted" : false, "id_str" : "%d", "id" : "%d", "in_reply_to_status_id_str" : null, "created_at" : %q, "full_text" : %q, "lang" : "en" } }`,
			1_000_000+i, 1_000_000+i, at, text)
	}
	fmt.Fprint(w, " ]")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// importFixture makes a data directory with the org "clinic" and the
// clinician ana@example.org.
func importFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	key, err := store.LoadOrCreateKey(filepath.Join(dir, "key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "chaperone.db"), store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	org, err := st.CreateOrg(ctx, store.System, "clinic", "Clinic")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, store.System, chaperone.User{OrgID: org.ID, Email: "ana@example.org", DisplayName: "Dr. Ana Ruiz", Role: chaperone.RoleClinician}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestAuditImport imports an X archive of 10,000 posts through the CLI,
// then again (nothing is added twice), and checks what the store holds.
// It logs the import rate (the README's figure); it asserts no timing.
func TestAuditImport(t *testing.T) {
	dir := importFixture(t)
	archive := writeXArchive(t, 10_000)
	start := time.Now()
	r := runCLI(t, nil, "audit", "import", "--data", dir, "--email", "ana@example.org", archive)
	took := time.Since(start)
	if r.code != 0 || !strings.Contains(r.stdout, "Imported the x-archive archive of druiz for Dr. Ana Ruiz: 10000 posts read, 10000 new, 0 already here.") {
		t.Fatalf("import: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("imported 10,000 posts in %.1f s (%.0f posts/s, whole command)", took.Seconds(), 10000/took.Seconds())
	// 2 of every 10 texts name a patient: 2,000 blocked, 2,000 tasks
	if !strings.Contains(r.stdout, "2000 block; 2000 new task(s)") {
		t.Errorf("screen summary:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, "O'Connell") {
		t.Error("the output quotes a post")
	}
	again := runCLI(t, nil, "audit", "import", "--data", dir, "--email", "ana@example.org", archive)
	if again.code != 0 || !strings.Contains(again.stdout, "10000 posts read, 0 new, 10000 already here") {
		t.Fatalf("again: %d\n%s\n%s", again.code, again.stdout, again.stderr)
	}

	ctx := context.Background()
	key, _ := store.LoadOrCreateKey(filepath.Join(dir, "key"))
	st, err := store.Open(ctx, filepath.Join(dir, "chaperone.db"), store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.PostCounts(ctx, 1, 0)
	if err != nil || counts[chaperone.PostOpen] != 2000 || counts[chaperone.PostClear] != 8000 {
		t.Fatalf("kept: %v %v", counts, err)
	}
	if r := runCLI(t, nil, "audit", "verify", "--data", dir); r.code != 0 {
		t.Fatalf("verify after import: %d %s %s", r.code, r.stdout, r.stderr)
	}

	// bad input: no email, not an archive, unknown user, a missing file
	notArchive := writeFile(t, "notes.txt", []byte("just some notes"))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "import", "--data", dir, archive}, "--email is required"},
		{[]string{"audit", "import", "--data", dir, "--email", "ana@example.org", notArchive}, "not an X, Facebook, Instagram or LinkedIn export"},
		{[]string{"audit", "import", "--data", dir, "--email", "nobody@example.org", archive}, "not found"},
		{[]string{"audit", "import", "--data", dir, "--email", "ana@example.org", filepath.Join(dir, "missing.zip")}, "cannot open"},
		{[]string{"audit", "import", "--data", dir}, "give the archive"},
	} {
		r := runCLI(t, nil, tc.args...)
		if r.code != 3 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: %d %q, want %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestProgressBar(t *testing.T) {
	if got := bar(50, 200, 3); got != "[#######-----------------------]  25% 50/200 posts, 3 flagged" {
		t.Errorf("bar: %q", got)
	}
	if got := bar(0, 0, 0); !strings.HasPrefix(got, "[##############################] 100%") {
		t.Errorf("empty archive: %q", got)
	}
}
