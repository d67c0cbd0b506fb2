package web

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	chaperone "github.com/chaperone-project/chaperone"
)

// chromium returns the path of a Chromium binary, or skips the test; with
// CHAPERONE_REQUIRE_BROWSER=1 (CI) a missing browser fails it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHAPERONE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CHAPERONE_REQUIRE_BROWSER") == "1" {
		t.Fatal("no Chromium found (apt-get install chromium); CHAPERONE_REQUIRE_BROWSER=1")
	}
	t.Skip("no Chromium found: apt-get install chromium to run the browser tests")
	return ""
}

// browserCtx starts a headless Chromium for the test.
func browserCtx(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-sync", true),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// start the browser without a deadline, then bound the test
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancelT)
	return ctx
}

// TestBrowserComposeToArchive drives the web UI in headless Chromium: a
// clinician's post with a patient's name is blocked with the name
// highlighted, compliance overrides with a reason, the clinician publishes,
// and compliance finds the post in the archive with the audit log intact.
func TestBrowserComposeToArchive(t *testing.T) {
	ctx := browserCtx(t)
	s := newSite(t, "sqlite")
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			shot, _ := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if len(shot) > 0 {
				os.WriteFile(t.TempDir()+"/failure.png", shot, 0o644)
			}
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	login := func(role chaperone.Role) {
		t.Helper()
		do("sign in as "+string(role),
			chromedp.Navigate(s.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS(`input[name="org"]`), "clinic"),
			chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), string(role)+"@example.org"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password(role)),
			chromedp.Click(chromedp.CSS("#signin")),
			chromedp.WaitVisible(chromedp.CSS("form.signout")),
		)
	}
	logout := func() {
		t.Helper()
		do("sign out", chromedp.Click(chromedp.CSS("form.signout button")), chromedp.WaitVisible(chromedp.CSS("#signin")))
	}

	// a wrong password is refused with a message
	do("bad sign-in",
		chromedp.Navigate(s.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="org"]`), "clinic"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "clinician@example.org"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "not-the-password"),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#login-error")),
	)

	login(chaperone.RoleClinician)
	do("compose",
		chromedp.Navigate(s.URL+"/drafts/new"),
		chromedp.SendKeys(chromedp.CSS("#text"), "Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913. What a fighter!"),
		chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("#decision")),
	)
	if got := text("#decision"); got != "block" {
		t.Fatalf("decision %q, want block", got)
	}
	marks, err := chromedp.Run(ctx, chromedp.AttributesAll(chromedp.CSSAll("mark.span")))
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, m := range marks {
		types[m["data-type"]] = true
	}
	if !types["NAME"] || !types["MRN"] {
		t.Fatalf("highlighted spans %v, want NAME and MRN", types)
	}
	if got := text("#rewrite"); strings.Contains(got, "O'Connell") || !strings.Contains(got, "[NAME]") {
		t.Fatalf("rewrite %q", got)
	}
	draftURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	draftURL = strings.SplitN(draftURL, "?", 2)[0]
	do("submit", chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := text("#status"); got != "blocked" {
		t.Fatalf("status %q, want blocked", got)
	}
	logout()

	login(chaperone.RoleCompliance)
	do("queue", chromedp.Navigate(s.URL+"/queue"), chromedp.WaitVisible(chromedp.CSS("#blocked")))
	do("override",
		chromedp.Navigate(draftURL),
		chromedp.SendKeys(chromedp.CSS("#override-reason"), "Written authorisation from the patient, form 2026-031, is on file."),
		chromedp.Click(chromedp.CSS("#override")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text("#status"); got != "overridden" {
		t.Fatalf("status %q, want overridden", got)
	}
	logout()

	login(chaperone.RoleClinician)
	do("publish",
		chromedp.Navigate(draftURL),
		chromedp.SendKeys(chromedp.CSS("#url"), "https://med.social/@druiz/110"),
		chromedp.Click(chromedp.CSS("#publish")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text(".flash"); !strings.Contains(got, "Published") {
		t.Fatalf("flash %q", got)
	}
	logout()

	login(chaperone.RoleCompliance)
	do("archive", chromedp.Navigate(s.URL+"/archive"), chromedp.WaitVisible(chromedp.CSS("#archive")))
	if got := text("#archive"); !strings.Contains(got, "https://med.social/@druiz/110") {
		t.Fatalf("archive %q", got)
	}
	do("audit", chromedp.Navigate(s.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS("#verify")))
	if got := text("#verify"); !strings.Contains(got, "intact") {
		t.Fatalf("audit %q", got)
	}
	if got := text("#events"); !strings.Contains(got, "draft.override") || !strings.Contains(got, "phi.view") {
		t.Fatalf("audit events lack the override or the views: %q", got)
	}
}
