package web

import (
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
)

func TestWatchPage(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		svc := service.New(s.st, eng, service.Config{})
		clin := s.users[chaperone.RoleClinician]
		posts := []chaperone.Post{
			{Source: chaperone.SourceXArchive, ExternalID: "9001", URL: "https://x.com/druiz/status/9001", Account: "druiz",
				At: time.Date(2022, 1, 5, 0, 0, 0, 0, time.UTC), Text: "Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913."},
			{Source: chaperone.SourceXArchive, ExternalID: "9002", At: time.Date(2022, 1, 6, 0, 0, 0, 0, time.UTC), Text: "Flu shots are in."},
		}
		if _, err := svc.ImportPosts(ctx, clin, 0, func(fn func(chaperone.Post) error) error {
			for _, p := range posts {
				if err := fn(p); err != nil {
					return err
				}
			}
			return nil
		}, nil); err != nil {
			t.Fatal(err)
		}
		c := s.browser(t)
		s.login(t, c, chaperone.RoleClinician)
		resp, page := get(t, c, s.URL+"/watch?status=open")
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(page, `data-type="NAME"`) ||
			!strings.Contains(page, `data-status="open"`) || strings.Contains(page, "Flu shots") || !strings.Contains(page, "open: 1") {
			t.Fatalf("watch page: %d\n%s", resp.StatusCode, page)
		}
		tok := s.token(t, chaperone.RoleClinician)
		code, _ := api(t, s, tok, "GET", "/api/v1/published?status=bogus", "")
		if code != 400 {
			t.Errorf("bad status filter: %d", code)
		}
		list, err := svc.PublishedPosts(ctx, clin, service.PostFilter{Status: chaperone.PostOpen})
		if err != nil || len(list) != 1 {
			t.Fatal(err, len(list))
		}
		id := list[0].ID
		resp, err = c.PostForm(s.URL+"/watch/"+itoa(int(id))+"/resolve", url.Values{"status": {"deleted"}, "back": {"status=open"}})
		if err != nil || resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/watch?status=open#post-") {
			t.Fatalf("resolve: %v %d %s", err, resp.StatusCode, resp.Header.Get("Location"))
		}
		code, out := api(t, s, tok, "POST", "/api/v1/published/"+itoa(int(id))+"/resolve", `{"status":"accepted"}`)
		if code != 403 {
			t.Errorf("a clinician accepting: %d %v", code, out)
		}
		_, page = get(t, c, s.URL+"/watch")
		if !strings.Contains(page, `data-status="deleted"`) || !strings.Contains(page, "Flu shots") {
			t.Fatalf("after resolving:\n%s", page)
		}
		// another clinician sees none of it
		other := s.users[chaperone.RoleReviewer]
		if ps, err := svc.PublishedPosts(ctx, other, service.PostFilter{}); err != nil || len(ps) != 0 {
			t.Fatalf("reviewer's own: %v %d", err, len(ps))
		}
	})
}

func TestAuditReportPages(t *testing.T) {
	s := newSite(t, "sqlite")
	ctx := context.Background()
	svc := service.New(s.st, eng, service.Config{})
	clin := s.users[chaperone.RoleClinician]
	if _, err := svc.ImportPosts(ctx, clin, 0, func(fn func(chaperone.Post) error) error {
		return fn(chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: "1", Account: "druiz", At: time.Now().AddDate(0, -1, 0),
			Text: "Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913."})
	}, nil); err != nil {
		t.Fatal(err)
	}
	c := s.browser(t)
	s.login(t, c, chaperone.RoleCompliance)
	resp, page := get(t, c, s.URL+"/watch/report?all=1")
	if resp.StatusCode != 200 || !strings.Contains(page, `id="kpi-open">1<`) || !strings.Contains(page, "PHI · NAME") || strings.Contains(page, "O'Connell") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "style-src 'unsafe-inline'") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("HTML report: %d %v\n%s", resp.StatusCode, resp.Header, page)
	}
	resp, pdf := get(t, c, s.URL+"/watch/report?all=1&format=pdf&from=2020-01-01&to=2030-12-31")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("PDF report: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = get(t, c, s.URL+"/watch/report?from=2026-13-01")
	if resp.StatusCode != 400 {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
	tok := s.token(t, chaperone.RoleClinician)
	code, out := api(t, s, tok, "GET", "/api/v1/audit-report", "")
	if code != 200 || out["posts"] != float64(1) || out["subject"] != clin.DisplayName {
		t.Fatalf("API report: %d %v", code, out)
	}
	if code, _ := api(t, s, tok, "GET", "/api/v1/audit-report?all=1", ""); code != 403 {
		t.Errorf("a clinician's org-wide report: %d", code)
	}
}

// xArchiveJS is a bare data/tweets.js of n posts, every fifth naming a
// patient.
func xArchiveJS(n int) string {
	var b strings.Builder
	b.WriteString("window.YTD.tweets.part0 = [ ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		text := "Flu shots are in: book at the front desk."
		if i%5 == 0 {
			text = "Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913."
		}
		fmt.Fprintf(&b, `{ "tweet" : { "id_str" : "%d", "created_at" : "Wed Oct 10 20:19:24 +0000 2018", "full_text" : %q } }`, 5000+i, text)
	}
	b.WriteString(" ]")
	return b.String()
}

// waitImport polls an import's status until it is done.
func waitImport(t *testing.T, get func() (int, map[string]any)) map[string]any {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		code, run := get()
		if code != 200 {
			t.Fatalf("import status: %d %v", code, run)
		}
		if run["done"] == true {
			return run
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the import did not finish within a minute")
	return nil
}

func TestArchiveImport(t *testing.T) {
	s := newSite(t, "sqlite")
	c := s.browser(t)
	s.login(t, c, chaperone.RoleClinician)
	body, ctype := func() (string, string) {
		var buf strings.Builder
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("archive", "tweets.js")
		fw.Write([]byte(xArchiveJS(1200)))
		mw.Close()
		return buf.String(), mw.FormDataContentType()
	}()
	resp, err := c.Post(s.URL+"/watch/import", ctype, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/watch?import=") {
		t.Fatalf("upload: %d %s", resp.StatusCode, loc)
	}
	id := strings.TrimPrefix(loc, "/watch?import=")
	_, page := get(t, c, s.URL+loc)
	if !strings.Contains(page, `data-import="`+id+`"`) {
		t.Fatalf("the page does not follow the import:\n%s", page)
	}
	run := waitImport(t, func() (int, map[string]any) {
		resp, b := get(t, c, s.URL+"/watch/imports/"+id)
		var m map[string]any
		json.Unmarshal([]byte(b), &m)
		return resp.StatusCode, m
	})
	p := run["progress"].(map[string]any)
	if run["error"] != nil || p["total"] != float64(1200) || p["added"] != float64(1200) || p["open"] != float64(240) || run["format"] != "x-archive" {
		t.Fatalf("run: %v", run)
	}
	// the API: the same file again adds nothing; another clinician cannot
	// follow the run; a file that is not an archive fails the run plainly
	tok := s.token(t, chaperone.RoleClinician)
	code, ans := apiRaw(t, s, tok, "/api/v1/published/import", "application/javascript", strings.NewReader(xArchiveJS(1200)))
	if code != 202 {
		t.Fatalf("API import: %d %s", code, ans)
	}
	var started map[string]any
	json.Unmarshal([]byte(ans), &started)
	apiID := fmt.Sprint(started["id"])
	run = waitImport(t, func() (int, map[string]any) { return api(t, s, tok, "GET", "/api/v1/published/imports/"+apiID, "") })
	if p := run["progress"].(map[string]any); p["added"] != float64(0) || p["skipped"] != float64(1200) {
		t.Fatalf("again: %v", run)
	}
	other := s.token(t, chaperone.RoleReviewer)
	if code, _ := api(t, s, other, "GET", "/api/v1/published/imports/"+apiID, ""); code != 404 {
		t.Errorf("another user follows the run: %d", code)
	}
	code, ans = apiRaw(t, s, tok, "/api/v1/published/import", "text/plain", strings.NewReader("just some notes"))
	json.Unmarshal([]byte(ans), &started)
	run = waitImport(t, func() (int, map[string]any) {
		return api(t, s, tok, "GET", fmt.Sprintf("/api/v1/published/imports/%v", started["id"]), "")
	})
	if code != 202 || !strings.Contains(fmt.Sprint(run["error"]), "not an X, Facebook, Instagram or LinkedIn export") {
		t.Errorf("not an archive: %d %v", code, run)
	}
	code, _ = apiRaw(t, s, s.token(t, chaperone.RoleClinician), "/api/v1/published/import?user="+itoa(int(s.other.ID)), "text/plain", strings.NewReader("x"))
	if code != 403 {
		t.Errorf("a clinician importing a colleague's archive: %d", code)
	}
}

// TestBrowserArchiveImport uploads an archive through the page in
// headless Chromium and watches the progress reach the end.
func TestBrowserArchiveImport(t *testing.T) {
	s := newSite(t, "sqlite")
	b := newTab(t, s)
	file := filepath.Join(t.TempDir(), "tweets.js")
	if err := os.WriteFile(file, []byte(xArchiveJS(3000)), 0o600); err != nil {
		t.Fatal(err)
	}
	b.login(chaperone.RoleClinician)
	b.do("upload an archive",
		chromedp.Navigate(s.URL+"/watch"),
		chromedp.SetUploadFiles(chromedp.CSS("#archive"), []string{file}),
		chromedp.Click(chromedp.CSS("#import-archive")),
		chromedp.WaitVisible(chromedp.CSS("#import-progress")),
		chromedp.WaitVisible(chromedp.CSS("#import-done")),
	)
	if got := b.text("#import-text"); !strings.Contains(got, "3000 of 3000 posts read, 3000 new, 0 already here, 600 flagged. Done.") {
		t.Errorf("progress: %q", got)
	}
	b.do("show the posts", chromedp.Click(chromedp.CSS("#import-done")), chromedp.WaitVisible(chromedp.CSS("#posts")))
	if got := b.text("#post-counts"); !strings.Contains(got, "open: 600") {
		t.Errorf("counts: %q", got)
	}
}

func TestWatchSources(t *testing.T) {
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Harbor blog</title><id>urn:harbor</id><updated>2025-01-07T09:00:00Z</updated>
<entry><id>urn:harbor:1</id><title>Flu</title><updated>2025-01-06T09:00:00Z</updated><link href="https://harbor.example/1"/><content type="text">Get your flu shot.</content></entry>
<entry><id>urn:harbor:2</id><title>Home</title><updated>2025-01-07T09:00:00Z</updated><link href="https://harbor.example/2"/><content type="html">&lt;p&gt;Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913.&lt;/p&gt;</content></entry></feed>`)
	}))
	defer feed.Close()
	s := newSite(t, "sqlite")
	c := s.browser(t)
	s.login(t, c, chaperone.RoleClinician)
	resp, err := c.PostForm(s.URL+"/watch/sources", url.Values{"kind": {"feed"}, "target": {feed.URL + "/atom.xml"}})
	if err != nil || resp.StatusCode != 303 {
		t.Fatalf("connect: %v %d", err, resp.StatusCode)
	}
	resp, page := get(t, c, s.URL+"/watch?done=source")
	if resp.StatusCode != 200 || !strings.Contains(page, "feed: "+feed.URL+"/atom.xml") || !strings.Contains(page, "not yet") {
		t.Fatalf("sources:\n%s", page)
	}
	resp, err = c.PostForm(s.URL+"/watch/sources", url.Values{"kind": {"mastodon"}, "target": {"not an account"}})
	if err != nil || resp.StatusCode != 400 {
		t.Fatalf("bad source: %v %d", err, resp.StatusCode)
	}
	tok := s.token(t, chaperone.RoleClinician)
	code, out := api(t, s, tok, "GET", "/api/v1/sources", "")
	_ = out
	srcs, err := s.st.ListSources(context.Background(), s.users[chaperone.RoleClinician].OrgID, s.users[chaperone.RoleClinician].ID)
	if code != 200 || err != nil || len(srcs) != 1 {
		t.Fatalf("list: %d %v %d", code, err, len(srcs))
	}
	code, polled := api(t, s, tok, "POST", "/api/v1/sources/"+itoa(int(srcs[0].ID))+"/poll", "")
	if code != 200 || polled["added"] != float64(2) || polled["open"] != float64(1) || polled["error"] != nil {
		t.Fatalf("poll: %d %v", code, polled)
	}
	_, page = get(t, c, s.URL+"/watch?status=open")
	if !strings.Contains(page, `data-status="open"`) || !strings.Contains(page, "https://harbor.example/2") || !strings.Contains(page, "2 new") {
		t.Fatalf("after polling:\n%s", page)
	}
	resp, err = c.PostForm(s.URL+"/watch/sources/"+itoa(int(srcs[0].ID))+"/remove", nil)
	if err != nil || resp.StatusCode != 303 {
		t.Fatalf("remove: %v %d", err, resp.StatusCode)
	}
}
