package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
)

// TestGradePages: the presence grade on the dashboard, on /grade and in
// the API, with known answers: the site's clinicians have no account and
// no bio, and nothing else applies, so each scores 6 of 30 = 20, and so
// does the organisation (no patient review imported).
func TestGradePages(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		clin := s.users[chaperone.RoleClinician]
		c := s.browser(t)
		s.login(t, c, chaperone.RoleClinician)
		resp, page := get(t, c, s.URL+"/")
		if resp.StatusCode != 200 || !strings.Contains(page, `id="dashboard-grade" data-score="20"`) || !strings.Contains(page, `<svg class="spark" id="grade-trend"`) ||
			!strings.Contains(page, `data-part="findings"><span class="grade-na">`) {
			t.Fatalf("dashboard: %d\n%s", resp.StatusCode, page)
		}
		resp, page = get(t, c, s.URL+"/grade")
		if resp.StatusCode != 200 || !strings.Contains(page, `id="grade-score" class="grade-bad">20<`) ||
			!strings.Contains(page, `data-part="accounts" data-status="bad"`) || !strings.Contains(page, "No professional account") ||
			!strings.Contains(page, `<a href="/accounts">Go there</a>`) || !strings.Contains(page, `data-part="training" data-status="na"`) {
			t.Fatalf("grade page: %d\n%s", resp.StatusCode, page)
		}
		// the CSP forbids inline styles: the trend is drawn with SVG attributes
		if strings.Contains(page, "style=") || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "style-src 'self'") {
			t.Fatalf("inline style on the grade page, or CSP %q", resp.Header.Get("Content-Security-Policy"))
		}
		if resp, _ := get(t, c, s.URL+"/grade?org=1"); resp.StatusCode != 403 {
			t.Errorf("a clinician's org grade: %d", resp.StatusCode)
		}
		if resp, _ := get(t, c, s.URL+"/grade?user="+strconv.FormatInt(s.other.ID, 10)); resp.StatusCode != 403 {
			t.Errorf("a clinician's view of a colleague's grade: %d", resp.StatusCode)
		}
		if resp, _ := get(t, c, s.URL+"/grade?user=x"); resp.StatusCode != 400 {
			t.Errorf("a bad user: %d", resp.StatusCode)
		}

		cc := s.browser(t)
		s.login(t, cc, chaperone.RoleCompliance)
		resp, page = get(t, cc, s.URL+"/grade?org=1")
		if resp.StatusCode != 200 || !strings.Contains(page, `id="grade-score" class="grade-bad">20<`) || !strings.Contains(page, `data-part="clinicians"`) ||
			!strings.Contains(page, `data-part="reviews" data-status="na"`) || !strings.Contains(page, `<tr data-user="`+strconv.FormatInt(clin.ID, 10)+`" data-score="20">`) {
			t.Fatalf("org grade page: %d\n%s", resp.StatusCode, page)
		}
		resp, page = get(t, cc, s.URL+"/")
		if resp.StatusCode != 200 || !strings.Contains(page, "Presence grade of the organisation") || !strings.Contains(page, `id="dashboard-clinicians"`) {
			t.Fatalf("compliance dashboard: %d\n%s", resp.StatusCode, page)
		}
		resp, page = get(t, cc, s.URL+"/grade?user="+strconv.FormatInt(clin.ID, 10))
		if resp.StatusCode != 200 || !strings.Contains(page, "Presence grade: The clinician") {
			t.Fatalf("compliance reading a clinician's grade: %d\n%s", resp.StatusCode, page)
		}

		// the API: own grade, another's, the org's
		tok := s.token(t, chaperone.RoleClinician)
		code, out := api(t, s, tok, "GET", "/api/v1/grade", "")
		parts, _ := out["parts"].([]any)
		trend, _ := out["trend"].([]any)
		if code != 200 || out["score"] != float64(20) || out["user_id"] != float64(clin.ID) || len(parts) != 5 || len(trend) != 1 {
			t.Fatalf("API grade: %d %v", code, out)
		}
		if p := parts[0].(map[string]any); p["id"] != "accounts" || p["score"] != float64(6) || p["counts"] != float64(50) || p["fix"] == "" || p["link"] != "/accounts" {
			t.Errorf("API accounts part: %v", p)
		}
		if code, _ := api(t, s, tok, "GET", "/api/v1/grade?org=1", ""); code != 403 {
			t.Errorf("a clinician's API org grade: %d", code)
		}
		ctok := s.token(t, chaperone.RoleCompliance)
		code, out = api(t, s, ctok, "GET", "/api/v1/grade?org=1", "")
		org, _ := out["org"].(map[string]any)
		clinicians, _ := out["clinicians"].([]any)
		if code != 200 || org["score"] != float64(20) || len(clinicians) != 2 {
			t.Fatalf("API org grade: %d %v", code, out)
		}
		if code, out := api(t, s, ctok, "GET", "/api/v1/grade?user="+strconv.FormatInt(clin.ID, 10), ""); code != 200 || out["score"] != float64(20) {
			t.Fatalf("API grade of a clinician for compliance: %d %v", code, out)
		}

		// a professional account moves the grade: 6 → 15 of 30
		svc := service.New(s.st, eng, service.Config{})
		if _, err := svc.AddAccount(context.Background(), clin, chaperone.SocialAccount{Platform: "mastodon", Handle: "@clin", Kind: chaperone.AccountProfessional}); err != nil {
			t.Fatal(err)
		}
		if code, out := api(t, s, tok, "GET", "/api/v1/grade", ""); code != 200 || out["score"] != float64(50) {
			t.Fatalf("after adding a professional account: %d %v", code, out)
		}
		// the audit report shows the grade
		_, page = get(t, cc, s.URL+"/watch/report?user="+strconv.FormatInt(clin.ID, 10))
		if !strings.Contains(page, `id="kpi-grade">50<`) || !strings.Contains(page, `id="grade-trend"`) {
			t.Fatalf("audit report:\n%s", page)
		}
	})
}
