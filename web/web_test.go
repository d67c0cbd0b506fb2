package web

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
	"github.com/chaperone-project/chaperone/monitor"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
	"github.com/chaperone-project/chaperone/store/storetest"
)

var (
	engOnce sync.Once
	eng     *detect.Engine
	engErr  error
)

// site is a running server on a real loopback listener with an org and a
// user of every role (password "pw-<role>-0123456789").
type site struct {
	*httptest.Server
	st    *store.Store
	users map[chaperone.Role]chaperone.User
	other chaperone.User // a clinician of the same org
}

func password(r chaperone.Role) string { return "pw-" + string(r) + "-0123456789" }

func newSite(t *testing.T, backend string) *site {
	t.Helper()
	engOnce.Do(func() { eng, engErr = detect.New() })
	if engErr != nil {
		t.Fatal(engErr)
	}
	ctx := context.Background()
	key := make([]byte, store.KeySize)
	rand.Read(key)
	st, err := store.Open(ctx, storetest.DSN(t, backend), store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	org, err := st.CreateOrg(ctx, store.System, "clinic", "Harbor Family Medicine")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{st: st, users: map[chaperone.Role]chaperone.User{}}
	add := func(email, name string, role chaperone.Role) chaperone.User {
		u, _, err := service.CreateUser(ctx, st, store.System, org.ID, email, name, role)
		if err != nil {
			t.Fatal(err)
		}
		h, err := store.HashPassword(password(role))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetPasswordHash(ctx, store.System, u.ID, h); err != nil {
			t.Fatal(err)
		}
		return u
	}
	for _, r := range chaperone.Roles {
		s.users[r] = add(string(r)+"@example.org", "The "+string(r), r)
	}
	s.other = add("other@example.org", "Other Clinician", chaperone.RoleClinician)
	// the test sites fetch from loopback only: the tests' own feeds
	fetcher, err := monitor.NewFetcher(monitor.FetchConfig{Allow: []string{"127.0.0.1/32"}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(service.New(st, eng, service.Config{Images: siteImageTools(), Fetcher: fetcher}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Server = httptest.NewServer(srv.Handler())
	t.Cleanup(s.Close)
	return s
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see them.
func (s *site) browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login signs c in as role and fails the test unless it works.
func (s *site) login(t *testing.T, c *http.Client, role chaperone.Role) {
	t.Helper()
	resp := post(t, c, s.URL+"/login", url.Values{"org": {"clinic"}, "email": {string(role) + "@example.org"}, "password": {password(role)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login as %s: %d %s", role, resp.StatusCode, resp.Header.Get("Location"))
	}
}

func post(t *testing.T, c *http.Client, u string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func eachBackend(t *testing.T, fn func(t *testing.T, s *site)) {
	for _, b := range storetest.Backends {
		t.Run(b, func(t *testing.T) { fn(t, newSite(t, b)) })
	}
}

var draftLocation = regexp.MustCompile(`^/drafts/(\d+)\?done=created$`)

func TestRoleMatrix(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		// path -> the roles that may GET it
		matrix := map[string][]chaperone.Role{
			"/":           chaperone.Roles,
			"/drafts/new": chaperone.Roles,
			"/accounts":   chaperone.Roles,
			"/queue":      {chaperone.RoleReviewer, chaperone.RoleCompliance, chaperone.RoleAdmin},
			"/archive":    {chaperone.RoleCompliance, chaperone.RoleAdmin},
			"/audit":      {chaperone.RoleCompliance, chaperone.RoleAdmin},
			"/users":      {chaperone.RoleAdmin},
			"/policy":     {chaperone.RoleCompliance, chaperone.RoleAdmin},
		}
		anon := s.browser(t)
		for path := range matrix {
			resp, _ := get(t, anon, s.URL+path)
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
				t.Errorf("anonymous GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		for _, role := range chaperone.Roles {
			c := s.browser(t)
			s.login(t, c, role)
			for path, allowed := range matrix {
				want := http.StatusForbidden
				for _, r := range allowed {
					if r == role {
						want = http.StatusOK
					}
				}
				resp, body := get(t, c, s.URL+path)
				if resp.StatusCode != want {
					t.Errorf("%s GET %s: %d, want %d", role, path, resp.StatusCode, want)
				}
				if resp.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s GET %s is cacheable", role, path)
				}
				if want == http.StatusOK && !strings.Contains(body, "The "+string(role)) {
					t.Errorf("%s GET %s does not show who is signed in", role, path)
				}
			}
		}
	})
}

func TestLoginSessionAndCSRF(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		c := s.browser(t)
		// a planted session cookie is not a session, and sign-in replaces it
		u, _ := url.Parse(s.URL)
		c.Jar.SetCookies(u, []*http.Cookie{{Name: "chaperone", Value: "planted-by-attacker"}})
		if resp, _ := get(t, c, s.URL+"/"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("planted cookie: %d", resp.StatusCode)
		}
		s.login(t, c, chaperone.RoleClinician)
		var session string
		for _, ck := range c.Jar.Cookies(u) {
			if ck.Name == "chaperone" {
				session = ck.Value
			}
		}
		if session == "" || session == "planted-by-attacker" {
			t.Fatalf("session cookie %q", session)
		}
		resp, body := get(t, c, s.URL+"/")
		if resp.StatusCode != 200 || !strings.Contains(body, "My drafts") {
			t.Fatalf("dashboard: %d", resp.StatusCode)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("missing %s", h)
			}
		}
		// a cross-site form post is refused
		req, _ := http.NewRequest("POST", s.URL+"/drafts", strings.NewReader("text=hello"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		cr, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		cr.Body.Close()
		if cr.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST: %d, want 403", cr.StatusCode)
		}
		// logout ends the session on the server, not just in the browser
		if resp := post(t, c, s.URL+"/logout", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		replay := s.browser(t)
		replay.Jar.SetCookies(u, []*http.Cookie{{Name: "chaperone", Value: session}})
		if resp, _ := get(t, replay, s.URL+"/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("the old session still works after logout: %d", resp.StatusCode)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	s := newSite(t, "sqlite")
	c := s.browser(t)
	form := url.Values{"org": {"clinic"}, "email": {"clinician@example.org"}, "password": {"wrong"}}
	for i := range maxFailures {
		if resp := post(t, c, s.URL+"/login", form); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
	}
	form.Set("password", password(chaperone.RoleClinician))
	if resp := post(t, c, s.URL+"/login", form); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after %d failures the right password got %d, want 429", maxFailures, resp.StatusCode)
	}
	evs, err := s.st.ListAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, e := range evs {
		if e.Action == chaperone.ActionUserLoginFailed {
			failed++
			if strings.Contains(string(e.Details), "wrong") {
				t.Error("a failed sign-in event holds the password")
			}
		}
	}
	if failed != maxFailures {
		t.Errorf("%d failed sign-ins audited, want %d", failed, maxFailures)
	}
}

func TestDraftPagesShowFindings(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		c := s.browser(t)
		s.login(t, c, chaperone.RoleClinician)
		resp := post(t, c, s.URL+"/drafts", url.Values{"channel": {"post"}, "account": {"0"},
			"text": {"Discharged Mrs. Siobhan O'Connell home on 14 March,\r\nMRN 0048-2913"}})
		m := draftLocation.FindStringSubmatch(resp.Header.Get("Location"))
		if m == nil {
			t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body := get(t, c, s.URL+"/drafts/"+m[1])
		for _, want := range []string{`data-type="NAME"`, `data-type="MRN"`, "HIPAA 45 CFR 164.514(b)(2)(i)(A)", `id="rewrite"`, `id="decision">block`} {
			if !strings.Contains(body, want) {
				t.Errorf("draft page lacks %s", want)
			}
		}
		// another clinician of the org cannot see it; reviewers can
		c2 := s.browser(t)
		s.login(t, c2, chaperone.RoleReviewer)
		if resp, _ := get(t, c2, s.URL+"/drafts/"+m[1]); resp.StatusCode != 200 {
			t.Errorf("reviewer: %d", resp.StatusCode)
		}
		if resp, _ := get(t, c2, s.URL+"/drafts/999999"); resp.StatusCode != 404 {
			t.Errorf("missing draft: %d", resp.StatusCode)
		}
		if resp, _ := get(t, c2, s.URL+"/drafts/abc"); resp.StatusCode != 404 {
			t.Errorf("bad id: %d", resp.StatusCode)
		}
	})
}

// api calls the JSON API with a token.
func api(t *testing.T, s *site, token, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Cache-Control") != "no-store" && strings.HasPrefix(path, "/api/v1/") && path != "/api/v1/openapi.json" {
		t.Errorf("%s %s is cacheable", method, path)
	}
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode, out
}

func (s *site) token(t *testing.T, role chaperone.Role) string {
	t.Helper()
	tok, _, err := s.st.CreateAPIToken(context.Background(), store.System, s.users[role].ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAPIWorkflow(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		clin, rev := s.token(t, chaperone.RoleClinician), s.token(t, chaperone.RoleReviewer)
		code, out := api(t, s, "", "GET", "/api/v1/drafts", "")
		if code != 401 || out["error"].(map[string]any)["code"] != "unauthenticated" {
			t.Fatalf("no token: %d %v", code, out)
		}
		code, out = api(t, s, clin, "POST", "/api/v1/screen", `{"text":"Pt John Okafor, DOB 3/14/1931, MRN 00482913"}`)
		if code != 200 || out["decision"] != "block" || out["rewrite"] == "" {
			t.Fatalf("screen: %d %v", code, out)
		}
		code, out = api(t, s, clin, "POST", "/api/v1/drafts", `{"channel":"review_reply","context":"Rude front desk.","text":"Thank you for the feedback; please call our office manager."}`)
		if code != 201 || out["status"] != "draft" || out["screen"] == nil {
			t.Fatalf("create: %d %v", code, out)
		}
		id := int(out["id"].(float64))
		p := func(format string) string { return strings.ReplaceAll(format, "ID", itoa(id)) }
		code, out = api(t, s, clin, "POST", p("/api/v1/drafts/ID/submit"), "")
		if code != 200 || out["draft"].(map[string]any)["status"] != "in_review" {
			t.Fatalf("submit: %d %v", code, out)
		}
		code, _ = api(t, s, clin, "POST", p("/api/v1/drafts/ID/review"), `{"action":"approve"}`)
		if code != 403 {
			t.Fatalf("self-review: %d", code)
		}
		code, out = api(t, s, rev, "POST", p("/api/v1/drafts/ID/review"), `{"action":"approve"}`)
		if code != 200 || out["status"] != "approved" {
			t.Fatalf("approve: %d %v", code, out)
		}
		code, out = api(t, s, clin, "POST", p("/api/v1/drafts/ID/publish"), `{"url":"https://g.page/r/abc/review"}`)
		if code != 200 || out["published_url"] != "https://g.page/r/abc/review" {
			t.Fatalf("publish: %d %v", code, out)
		}
		code, out = api(t, s, s.token(t, chaperone.RoleCompliance), "GET", "/api/v1/audit/verify", "")
		if code != 200 || out["Problem"] != nil {
			t.Fatalf("verify: %d %v", code, out)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestAPIBadInput(t *testing.T) {
	s := newSite(t, "sqlite")
	tok := s.token(t, chaperone.RoleClinician)
	cases := []struct {
		name, method, path, body string
		code                     int
		errCode                  string
	}{
		{"not JSON", "POST", "/api/v1/drafts", `{"text":`, 400, "invalid"},
		{"unknown field", "POST", "/api/v1/drafts", `{"text":"hi","txt":"x"}`, 400, "invalid"},
		{"two values", "POST", "/api/v1/drafts", `{"text":"hi"} {"text":"again"}`, 400, "invalid"},
		{"empty body", "POST", "/api/v1/screen", ``, 400, "invalid"},
		{"wrong type", "POST", "/api/v1/drafts", `{"text":5}`, 400, "invalid"},
		{"too large", "POST", "/api/v1/screen", `{"text":"` + strings.Repeat("a", 3<<20) + `"}`, 413, "too_large"},
		{"bad channel", "POST", "/api/v1/drafts", `{"text":"hi","channel":"fax"}`, 400, "invalid"},
		{"missing draft", "GET", "/api/v1/drafts/424242", ``, 404, "not_found"},
		{"bad id", "GET", "/api/v1/drafts/-1", ``, 404, "not_found"},
		{"archive as clinician", "GET", "/api/v1/archive", ``, 403, "forbidden"},
		{"bad date", "GET", "/api/v1/archive?from=yesterday", ``, 400, "invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := api(t, s, tok, c.method, c.path, c.body)
			e, _ := out["error"].(map[string]any)
			if code != c.code || e == nil || e["code"] != c.errCode {
				t.Errorf("%d %v, want %d %s", code, out, c.code, c.errCode)
			}
		})
	}
	code, out := api(t, s, "chaperone_not-a-real-token", "GET", "/api/v1/drafts", "")
	if code != 401 {
		t.Errorf("bad token: %d %v", code, out)
	}
}

// TestOpenAPIMatchesRoutes checks that openapi.json documents every API
// route and nothing else.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	srv := &Server{}
	for _, r := range srv.api() {
		if !documented[r.pattern] {
			t.Errorf("route %s is not in openapi.json", r.pattern)
		}
		delete(documented, r.pattern)
	}
	for p := range documented {
		t.Errorf("openapi.json documents %s, which is not a route", p)
	}
}

func TestHealthMetricsAndOpenAPI(t *testing.T) {
	s := newSite(t, "sqlite")
	c := s.browser(t)
	if resp, body := get(t, c, s.URL+"/healthz"); resp.StatusCode != 200 || body != "ok\n" {
		t.Fatalf("healthz: %d %q", resp.StatusCode, body)
	}
	get(t, c, s.URL+"/drafts/123") // a redirect to sign in
	resp, body := get(t, c, s.URL+"/metrics")
	if resp.StatusCode != 200 || !strings.Contains(body, `chaperone_http_requests_total{code="303",route="GET /drafts/{id}"} 1`) {
		t.Fatalf("metrics: %d\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, "/drafts/123") {
		t.Error("metrics hold a request path")
	}
	resp, body = get(t, c, s.URL+"/api/openapi.json")
	var doc map[string]any
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &doc) != nil || doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi: %d", resp.StatusCode)
	}
}

func TestExpiredSession(t *testing.T) {
	s := newSite(t, "sqlite")
	tok, _, err := s.st.CreateSession(context.Background(), s.users[chaperone.RoleClinician].ID, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	c := s.browser(t)
	u, _ := url.Parse(s.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "chaperone", Value: tok}})
	if resp, _ := get(t, c, s.URL+"/drafts/new"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("GET with an expired session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := post(t, c, s.URL+"/drafts", url.Values{"text": {"hello"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST with an expired session: %d", resp.StatusCode)
	}
	resp, err := c.Post(s.URL+"/screen", "application/json", strings.NewReader(`{"text":"hello"}`))
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]map[string]string
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || body["error"]["code"] != "unauthenticated" {
		t.Errorf("live screen with an expired session: %d %v", resp.StatusCode, body)
	}
	if drafts, _ := s.st.ListDrafts(context.Background(), store.DraftFilter{OrgID: s.users[chaperone.RoleClinician].OrgID}); len(drafts) != 0 {
		t.Errorf("%d drafts written with an expired session", len(drafts))
	}
}
