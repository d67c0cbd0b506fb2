package web

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

// reviewEverything is a policy that sends every draft to review.
const reviewEverything = `[[route]]
name = "review-everything"
when = "true"
to = "review"
reason = "Every post is read by a reviewer first."
match = [{ decision = "allow" }]
`

// misspelt refers to a field that does not exist (author.rol).
const misspelt = `[[route]]
name = "residents-reviewed"
when = "author.rol == 'resident'"
to = "review"
reason = "Residents' posts are read first."
`

// submitCleanPost creates and submits a clean post through the API as
// the clinician and returns its status.
func submitCleanPost(t *testing.T, s *site) string {
	t.Helper()
	tok := s.token(t, chaperone.RoleClinician)
	code, out := api(t, s, tok, "POST", "/api/v1/drafts", `{"text":"Flu shots are in: book at the front desk."}`)
	if code != 201 {
		t.Fatalf("create: %d %v", code, out)
	}
	code, out = api(t, s, tok, "POST", "/api/v1/drafts/"+itoa(int(out["id"].(float64)))+"/submit", "")
	if code != 200 {
		t.Fatalf("submit: %d %v", code, out)
	}
	return out["draft"].(map[string]any)["status"].(string)
}

func TestPolicyPage(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		comp := s.browser(t)
		s.login(t, comp, chaperone.RoleCompliance)
		resp, body := get(t, comp, s.URL+"/policy")
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("compliance GET /policy: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		for _, want := range []string{`id="routes"`, "review-replies-read-twice", `id="policy-file"`, "No version saved yet", `href="/policy"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the compliance view lacks %s", want)
			}
		}
		if strings.Contains(body, `id="policy-text"`) {
			t.Error("compliance gets the editor")
		}
		// compliance reads the policy but does not change it
		if resp := post(t, comp, s.URL+"/policy", url.Values{"text": {reviewEverything}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("compliance POST /policy: %d", resp.StatusCode)
		}

		admin := s.browser(t)
		s.login(t, admin, chaperone.RoleAdmin)
		_, body = get(t, admin, s.URL+"/policy")
		if !strings.Contains(body, `id="policy-text"`) || !strings.Contains(body, html.EscapeString("channel == 'review_reply'")) {
			t.Fatalf("the admin's editor does not hold the default policy")
		}
		// an invalid policy comes back with the parser's message and the text as sent
		resp, err := admin.PostForm(s.URL+"/policy", url.Values{"text": {strings.ReplaceAll(misspelt, "\n", "\r\n")}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("invalid policy: %d", resp.StatusCode)
		}
		if !strings.Contains(body, `id="policy-error"`) || !strings.Contains(body, html.EscapeString(`route "residents-reviewed": when`)) {
			t.Errorf("the page does not show the parse error naming the route and the key")
		}
		if !strings.Contains(body, ">\n"+html.EscapeString(misspelt)+"</textarea>") {
			t.Errorf("the submitted text is not kept in the editor")
		}
		if ps, _ := s.st.ListOrgPolicies(context.Background(), s.users[chaperone.RoleAdmin].OrgID); len(ps) != 0 {
			t.Fatalf("an invalid policy was stored")
		}
		if st := submitCleanPost(t, s); st != "approved" {
			t.Fatalf("a clean post under the default policy is %s", st)
		}

		resp = post(t, admin, s.URL+"/policy", url.Values{"text": {reviewEverything}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/policy?done=policy" {
			t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = get(t, admin, s.URL+"/policy?done=policy")
		for _, want := range []string{`data-done="policy"`, `<span id="policy-version">1</span>`, "review-everything", "The admin"} {
			if !strings.Contains(body, want) {
				t.Errorf("after saving, the page lacks %s", want)
			}
		}
		if st := submitCleanPost(t, s); st != "in_review" {
			t.Fatalf("a clean post under review-everything is %s", st)
		}
	})
}

func TestPolicyAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		admin, comp := s.token(t, chaperone.RoleAdmin), s.token(t, chaperone.RoleCompliance)
		body := func(text string) string {
			b, _ := json.Marshal(map[string]string{"text": text})
			return string(b)
		}
		code, out := api(t, s, comp, "GET", "/api/v1/policy", "")
		if code != 200 || out["default"] != true || out["version"] != float64(0) || len(out["routes"].([]any)) == 0 {
			t.Fatalf("GET as compliance: %d %v", code, out)
		}
		if code, _ := api(t, s, s.token(t, chaperone.RoleReviewer), "GET", "/api/v1/policy", ""); code != 403 {
			t.Errorf("GET as reviewer: %d", code)
		}
		if code, _ := api(t, s, comp, "PUT", "/api/v1/policy", body(reviewEverything)); code != 403 {
			t.Errorf("PUT as compliance: %d", code)
		}
		code, out = api(t, s, admin, "PUT", "/api/v1/policy", body(misspelt))
		e, _ := out["error"].(map[string]any)
		if code != 400 || e == nil || e["code"] != "invalid" || !strings.Contains(e["message"].(string), `route "residents-reviewed": when`) {
			t.Fatalf("PUT invalid: %d %v", code, out)
		}
		for _, bad := range []string{`{}`, `{"text":5}`, `{"text":"","extra":1}`} {
			if code, _ := api(t, s, admin, "PUT", "/api/v1/policy", bad); code != 400 {
				t.Errorf("PUT %s: %d", bad, code)
			}
		}
		if st := submitCleanPost(t, s); st != "approved" {
			t.Fatalf("a clean post before any save is %s", st)
		}
		code, out = api(t, s, admin, "PUT", "/api/v1/policy", body(reviewEverything))
		if code != 200 || out["version"] != float64(1) || out["text"] != reviewEverything || out["default"] != false {
			t.Fatalf("PUT: %d %v", code, out)
		}
		if st := submitCleanPost(t, s); st != "in_review" {
			t.Fatalf("a clean post under review-everything is %s", st)
		}
		code, out = api(t, s, comp, "GET", "/api/v1/policy", "")
		routes, _ := out["routes"].([]any)
		history, _ := out["history"].([]any)
		if code != 200 || len(routes) != 1 || routes[0].(map[string]any)["name"] != "review-everything" || len(history) != 1 {
			t.Fatalf("GET after PUT: %d %v", code, out)
		}
	})
}
