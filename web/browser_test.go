package web

import (
	"context"
	"os"
	"os/exec"
	"strconv"
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

// tab drives one headless Chromium tab against a site, failing the test
// (with a screenshot in its temporary directory) when a step fails.
type tab struct {
	t   *testing.T
	ctx context.Context
	s   *site
}

func newTab(t *testing.T, s *site) *tab { return &tab{t: t, ctx: browserCtx(t), s: s} }

// do runs steps, named what in the failure.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		if shot, _ := chromedp.Run(b.ctx, chromedp.CaptureScreenshot()); len(shot) > 0 {
			name := b.t.TempDir() + "/failure.png"
			os.WriteFile(name, shot, 0o644)
			b.t.Logf("screenshot: %s", name)
		}
		b.t.Fatalf("%s: %v", what, err)
	}
}

// text returns the visible text of the first element matching sel.
func (b *tab) text(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

// signIn signs in through the form.
func (b *tab) signIn(email, pw string) {
	b.t.Helper()
	b.do("sign in as "+email,
		chromedp.Navigate(b.s.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="org"]`), "clinic"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("form.signout")),
	)
}

// login signs in as the site's user of role.
func (b *tab) login(role chaperone.Role) {
	b.t.Helper()
	b.signIn(string(role)+"@example.org", password(role))
}

// logout signs out through the header's button.
func (b *tab) logout() {
	b.t.Helper()
	b.do("sign out", chromedp.Click(chromedp.CSS("form.signout button")), chromedp.WaitVisible(chromedp.CSS("#signin")))
}

// TestBrowserComposeToArchive drives the web UI in headless Chromium, as
// issue 3 asks: log in, compose a review reply naming the patient, see the
// name highlighted (live, as you type, and on the saved draft) and the
// reply blocked, fix it, submit, approve as a reviewer, publish, and find
// it in the archive and in the audit log.
func TestBrowserComposeToArchive(t *testing.T) {
	s := newSite(t, "sqlite")
	b := newTab(t, s)
	ctx, do, text := b.ctx, b.do, b.text
	login := b.login
	logout := b.logout
	spanTypes := func(sel string) map[string]bool {
		t.Helper()
		marks, err := chromedp.Run(ctx, chromedp.AttributesAll(chromedp.CSSAll(sel)))
		if err != nil {
			t.Fatal(err)
		}
		types := map[string]bool{}
		for _, m := range marks {
			types[m["data-type"]] = true
		}
		return types
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
		chromedp.SetValue(chromedp.CSS("#channel"), "review_reply"),
		chromedp.SendKeys(chromedp.CSS("#context"), "Dr. Ruiz fixed my knee! — Walter P."),
		chromedp.SendKeys(chromedp.CSS("#text"), "Thank you, Walter! So glad your knee replacement went well."),
		// the preview screens the text as it is typed
		chromedp.WaitVisible(chromedp.CSS("#live-text mark.span")),
	)
	if got := text("#live-decision"); got != "block" {
		t.Fatalf("live decision %q, want block", got)
	}
	if !spanTypes("#live-text mark.span")["NAME"] {
		t.Fatal("the live preview does not highlight the name")
	}
	do("save", chromedp.Click(chromedp.CSS("#save")), chromedp.WaitVisible(chromedp.CSS("#decision")))
	if got := text("#decision"); got != "block" {
		t.Fatalf("decision %q, want block", got)
	}
	if !spanTypes("#text mark.span")["NAME"] {
		t.Fatal("the draft page does not highlight the name")
	}
	if got := text("#findings"); !strings.Contains(got, "HIPAA 45 CFR 164.514(b)(2)(i)(A)") || !strings.Contains(got, "RELATIONSHIP CONFIRMED") {
		t.Fatalf("findings %q", got)
	}
	draftURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	draftURL = strings.SplitN(draftURL, "?", 2)[0]

	do("fix it",
		chromedp.SetValue(chromedp.CSS("#edit-text"), "Thank you for your kind words. We can't discuss anyone's care online; please call our office at any time."),
		chromedp.Click(chromedp.CSS("#save-version")),
		chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="edited"]`)),
	)
	if got := text("#decision"); got != "allow" {
		t.Fatalf("decision after the fix %q, want allow", got)
	}
	do("submit", chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="submitted"]`)))
	if got := text("#status"); got != "in review" { // the default policy reads every review reply twice
		t.Fatalf("status %q, want in review", got)
	}
	logout()

	login(chaperone.RoleReviewer)
	do("queue", chromedp.Navigate(s.URL+"/queue"), chromedp.WaitVisible(chromedp.CSS("#queue")))
	do("approve",
		chromedp.Navigate(draftURL),
		chromedp.SendKeys(chromedp.CSS("#comment"), "Good, generic reply."),
		chromedp.Click(chromedp.CSS("#approve")),
		chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="reviewed"]`)),
	)
	if got := text("#status"); got != "approved" {
		t.Fatalf("status %q, want approved", got)
	}
	logout()

	login(chaperone.RoleClinician)
	do("publish",
		chromedp.Navigate(draftURL),
		chromedp.SendKeys(chromedp.CSS("#url"), "https://g.page/r/harbor/review/110"),
		chromedp.Click(chromedp.CSS("#publish")),
		chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="published"]`)),
	)
	if got := text(".flash"); !strings.Contains(got, "Published") {
		t.Fatalf("flash %q", got)
	}
	if got := text("#history"); !strings.Contains(got, "Version 1") || !strings.Contains(got, "Version 2") {
		t.Fatalf("history %q", got)
	}
	logout()

	login(chaperone.RoleCompliance)
	do("archive", chromedp.Navigate(s.URL+"/archive"), chromedp.WaitVisible(chromedp.CSS("#archive")))
	if got := text("#archive"); !strings.Contains(got, "https://g.page/r/harbor/review/110") {
		t.Fatalf("archive %q", got)
	}
	do("audit", chromedp.Navigate(s.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS("#verify")))
	if got := text("#verify"); !strings.Contains(got, "intact") {
		t.Fatalf("audit %q", got)
	}
	events := text("#events")
	for _, want := range []string{"review.approve", "draft.publish", "archive.insert", "phi.view", "user.login"} {
		if !strings.Contains(events, want) {
			t.Errorf("the audit view lacks %s", want)
		}
	}
}

// TestBrowserOrgPolicy drives the policy page in headless Chromium: an
// admin's invalid policy comes back with the parser's message and the
// text kept, a policy that reviews everything is saved as version 1, and
// then a clinician's clean post goes to review instead of being approved.
func TestBrowserOrgPolicy(t *testing.T) {
	s := newSite(t, "sqlite")
	b := newTab(t, s)
	ctx, do, text := b.ctx, b.do, b.text
	login := b.login

	login(chaperone.RoleAdmin)
	do("open the policy page",
		chromedp.Click(chromedp.CSS(`nav a[href="/policy"]`)),
		chromedp.WaitVisible(chromedp.CSS("#policy-text")),
	)
	if got := text("#routes"); !strings.Contains(got, "review-replies-read-twice") {
		t.Fatalf("routes in force %q", got)
	}
	do("save an invalid policy",
		chromedp.SetValue(chromedp.CSS("#policy-text"), misspelt),
		chromedp.Click(chromedp.CSS("#save-policy")),
		chromedp.WaitVisible(chromedp.CSS("#policy-error")),
	)
	if got := text("#policy-error"); !strings.Contains(got, `route "residents-reviewed": when`) {
		t.Fatalf("error %q", got)
	}
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#policy-text")))
	if err != nil || kept != misspelt {
		t.Fatalf("the editor holds %q after the error (%v)", kept, err)
	}
	do("save a policy that reviews everything",
		chromedp.SetValue(chromedp.CSS("#policy-text"), reviewEverything),
		chromedp.Click(chromedp.CSS("#save-policy")),
		chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="policy"]`)),
	)
	if got := text("#policy-version"); got != "1" {
		t.Fatalf("version %q", got)
	}
	if got := text("#routes"); !strings.Contains(got, "review-everything") || strings.Contains(got, "review-replies-read-twice") {
		t.Fatalf("routes in force after saving %q", got)
	}
	if got := text("#policy-history"); !strings.Contains(got, "The admin") {
		t.Fatalf("history %q", got)
	}
	do("sign out", chromedp.Click(chromedp.CSS("form.signout button")), chromedp.WaitVisible(chromedp.CSS("#signin")))

	login(chaperone.RoleClinician)
	do("compose a clean post",
		chromedp.Navigate(s.URL+"/drafts/new"),
		chromedp.SendKeys(chromedp.CSS("#text"), "Flu shots are in: book at the front desk."),
		chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("#decision")),
	)
	if got := text("#decision"); got != "allow" {
		t.Fatalf("screen decision %q, want allow", got)
	}
	do("submit", chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="submitted"]`)))
	if got := text("#status"); got != "in review" {
		t.Fatalf("status %q, want in review: the org's policy reviews everything", got)
	}
}

// TestBrowserPatientReviews drives the reviews feature in headless
// Chromium: a clinician imports an export through the page, sees the
// 1-star review's alert on the dashboard, clicks Reply and gets a draft
// from the template that the screen allows; edited to thank the reviewer
// by name for their surgery, the reply is blocked.
func TestBrowserPatientReviews(t *testing.T) {
	s := newSite(t, "sqlite")
	b := newTab(t, s)
	ctx, do, text := b.ctx, b.do, b.text
	export := t.TempDir() + "/reviews.json"
	err := os.WriteFile(export, []byte(`{"reviews": [
  {"reviewId": "w-1", "reviewer": {"displayName": "Walter P."}, "starRating": "ONE",
   "comment": "Knee surgery went fine but billing was a mess.", "createTime": "2026-10-20T10:00:00Z"},
  {"reviewId": "w-2", "reviewer": {"displayName": "Ana"}, "starRating": "FIVE",
   "comment": "Lovely staff.", "createTime": "2026-10-21T10:00:00Z"}
]}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	do("sign in",
		chromedp.Navigate(s.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="org"]`), "clinic"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "clinician@example.org"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password(chaperone.RoleClinician)),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("form.signout")),
	)
	do("import the export",
		chromedp.Click(chromedp.CSS(`nav a[href="/reviews"]`)),
		chromedp.WaitVisible(chromedp.CSS("#review-file")),
		chromedp.SetUploadFiles(chromedp.CSS("#review-file"), []string{export}),
		chromedp.Click(chromedp.CSS("#import-reviews")),
		chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="imported"]`)),
	)
	if got := text("#import-result"); !strings.HasPrefix(got, "2 new review(s) imported") {
		t.Fatalf("import result %q", got)
	}
	if got := text("#reviews"); !strings.Contains(got, "Knee surgery went fine") || !strings.Contains(got, "Walter P.") {
		t.Fatalf("reviews %q", got)
	}

	do("the dashboard", chromedp.Click(chromedp.CSS(`nav a[href="/"]`)), chromedp.WaitVisible(chromedp.CSS("#review-alerts")))
	alerts := text("#review-alerts")
	if !strings.Contains(alerts, "1 new review(s)") || !strings.Contains(alerts, "1-star review on google") || strings.Contains(alerts, "Walter") {
		t.Fatalf("alerts %q", alerts)
	}
	do("reply with the template",
		chromedp.Click(chromedp.CSS("#review-alerts .reply-form button")),
		chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="reply"]`)),
	)
	if got := text("#decision"); got != "allow" {
		t.Fatalf("the template reply's decision %q, want allow", got)
	}
	if got := text("#text"); !strings.Contains(got, "privacy laws keep us from discussing anyone's care online") {
		t.Fatalf("reply text %q", got)
	}
	if got := text(".context"); !strings.Contains(got, "billing was a mess") {
		t.Fatalf("the reply does not show the review it answers: %q", got)
	}
	do("edit it to name the reviewer and confirm care",
		chromedp.SetValue(chromedp.CSS("#edit-text"), "Thanks Walter, glad your knee surgery went well"),
		chromedp.Click(chromedp.CSS("#save-version")),
		chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="edited"]`)),
	)
	if got := text("#decision"); got != "block" {
		t.Fatalf("the edited reply's decision %q, want block", got)
	}
	if got := text("#findings"); !strings.Contains(got, "RELATIONSHIP CONFIRMED") {
		t.Fatalf("findings %q", got)
	}
	// answered, the review no longer raises an alert
	do("the dashboard again", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#drafts")))
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#review-alerts").length`)); err != nil || n != 0 {
		t.Fatalf("alerts after replying: %d %v", n, err)
	}
}

// TestBrowserColleagueReport drives the colleague-report flow in headless
// Chromium: a clinician reports a colleague's post anonymously; the
// colleague sees the report on their dashboard and its page without the
// reporter's name, and answers that they removed it.
func TestBrowserColleagueReport(t *testing.T) {
	s := newSite(t, "sqlite")
	b := newTab(t, s)
	do, text := b.do, b.text
	login := b.signIn
	reporter := s.users[chaperone.RoleClinician]
	login(reporter.Email, password(chaperone.RoleClinician))
	do("report the colleague",
		chromedp.Click(chromedp.CSS(`nav a[href="/reports"]`)),
		chromedp.WaitVisible(chromedp.CSS("#subject")),
		chromedp.SetValue(chromedp.CSS("#subject"), strconv.FormatInt(s.other.ID, 10)),
		chromedp.SendKeys(chromedp.CSS("#content"), "Posted a photo of a patient's chart with the name readable."),
		chromedp.SendKeys(chromedp.CSS("#url"), "https://social.example/@other/1"),
		chromedp.Click(chromedp.CSS("#file-report")),
		chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="reported"]`)),
	)
	if got := text("#report-status"); got != "open" {
		t.Fatalf("status %q", got)
	}
	if got := text("#reporter"); !strings.Contains(got, reporter.DisplayName) || !strings.Contains(got, "anonymous to the colleague") {
		t.Fatalf("the reporter's own view: %q", got)
	}
	do("sign out", chromedp.Click(chromedp.CSS("form.signout button")), chromedp.WaitVisible(chromedp.CSS("#signin")))

	login(s.other.Email, password(chaperone.RoleClinician)) // the colleague was added with the clinician's password
	do("see the report on the dashboard", chromedp.WaitVisible(chromedp.CSS("#reports-about-me")))
	do("open it", chromedp.Click(chromedp.CSS("#reports-about-me a")), chromedp.WaitVisible(chromedp.CSS("#report-content")))
	if got := text("#report-content"); !strings.Contains(got, "patient's chart") {
		t.Fatalf("content %q", got)
	}
	if got := text("#reporter"); got != "a colleague (anonymous)" {
		t.Fatalf("reporter shown as %q", got)
	}
	if got := text("main"); strings.Contains(got, reporter.DisplayName) || strings.Contains(got, reporter.Email) {
		t.Fatalf("the page names the reporter: %q", got)
	}
	do("respond",
		chromedp.Click(chromedp.CSS("#response-removed")),
		chromedp.SendKeys(chromedp.CSS("#response-note"), "Deleted it, sorry."),
		chromedp.Click(chromedp.CSS("#respond")),
		chromedp.WaitVisible(chromedp.CSS(`.flash[data-done="responded"]`)),
	)
	if got := text("#report-status"); got != "resolved by colleague" {
		t.Fatalf("status after responding %q", got)
	}
	if got := text("#response"); !strings.Contains(got, "removed") || !strings.Contains(got, "Deleted it") {
		t.Fatalf("response %q", got)
	}
}
