package web

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// apiRaw is api returning the raw body and headers.
func apiCall(t *testing.T, s *site, token, method, path, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestColleagueReportPagesAndAPI: an anonymous report reaches the
// colleague without the reporter's id or name in any page or API answer;
// the colleague responds through the form; the screenshot downloads.
func TestColleagueReportPagesAndAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		rev, clin := s.token(t, chaperone.RoleReviewer), s.token(t, chaperone.RoleClinician)
		reviewer, colleague := s.users[chaperone.RoleReviewer], s.users[chaperone.RoleClinician]
		body, _ := json.Marshal(map[string]any{"subject_id": colleague.ID, "content": "Posted Mrs. O'Connell's chart", "url": "https://x.example/p/1",
			"anonymous": true, "screenshot_base64": samplePNG})
		code, _, out := apiCall(t, s, rev, "POST", "/api/v1/reports", string(body))
		var rep chaperone.ColleagueReport
		if code != 201 || json.Unmarshal([]byte(out), &rep) != nil || rep.ID == 0 || rep.ReporterID != reviewer.ID || rep.Status != chaperone.ReportOpen {
			t.Fatalf("report: %d %s", code, out)
		}
		leaks := []string{reviewer.DisplayName, reviewer.Email, `"reporter_id"`, `"reporter_name"`}
		noLeak := func(where, body string) {
			t.Helper()
			for _, l := range leaks {
				if strings.Contains(body, l) {
					t.Errorf("%s shows the anonymous reporter (%s)", where, l)
				}
			}
		}
		for _, path := range []string{"/api/v1/reports/about-me", fmt.Sprintf("/api/v1/reports/%d", rep.ID)} {
			code, _, out := apiCall(t, s, clin, "GET", path, "")
			if code != 200 || !strings.Contains(out, "O'Connell") {
				t.Fatalf("%s: %d %s", path, code, out)
			}
			noLeak(path, out)
		}
		c := s.browser(t)
		s.login(t, c, chaperone.RoleClinician)
		for _, path := range []string{"/", "/reports", fmt.Sprintf("/reports/%d", rep.ID)} {
			resp, page := get(t, c, s.URL+path)
			if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			if path == "/reports" { // the form lists every colleague; the table of reports about me names nobody
				i := strings.Index(page, `id="about-me"`)
				if i < 0 {
					t.Fatal("no reports about me on /reports")
				}
				page = page[i : i+strings.Index(page[i:], "</table>")]
			}
			noLeak(path, page)
		}
		if _, page := get(t, c, s.URL+"/"); !strings.Contains(page, `id="reports-about-me"`) {
			t.Error("the dashboard does not tell the colleague")
		}
		resp, shot := get(t, c, s.URL+fmt.Sprintf("/reports/%d/screenshot", rep.ID))
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || shot != string(samplePNG) ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("screenshot: %d %v", resp.StatusCode, resp.Header)
		}

		// respond: a disagreement without a note comes back with the message
		resp, err := c.PostForm(s.URL+fmt.Sprintf("/reports/%d/respond", rep.ID), url.Values{"response": {"disagree"}})
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(page), `id="report-error"`) {
			t.Fatalf("disagree without a note: %d", resp.StatusCode)
		}
		resp = post(t, c, s.URL+fmt.Sprintf("/reports/%d/respond", rep.ID), url.Values{"response": {"disagree"}, "note": {"It shows no patient"}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != fmt.Sprintf("/reports/%d?done=responded", rep.ID) {
			t.Fatalf("respond: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		code, _, out = apiCall(t, s, rev, "GET", "/api/v1/reports", "")
		if code != 200 || !strings.Contains(out, `"status":"resolved_by_colleague"`) {
			t.Fatalf("the reporter's list: %d %s", code, out)
		}
		// a report nobody may make
		code, _, _ = apiCall(t, s, clin, "POST", "/api/v1/reports", fmt.Sprintf(`{"subject_id":%d,"content":"me"}`, colleague.ID))
		if code != 400 {
			t.Errorf("self-report: %d", code)
		}
		big, _ := json.Marshal(map[string]any{"subject_id": reviewer.ID, "content": "x", "screenshot_base64": base64.StdEncoding.EncodeToString(make([]byte, 6<<20))})
		if code, _, _ := apiCall(t, s, clin, "POST", "/api/v1/reports", string(big)); code != 400 && code != 413 {
			t.Errorf("a 6 MiB screenshot: %d", code)
		}
	})
}

// TestBreachIncidentPagesAndAPI: a clinician reports a suspected breach,
// compliance assesses it in the form, decides through the API, sees the
// due notification on the dashboard, and exports the incident and the
// year's log.
func TestBreachIncidentPagesAndAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		clinC := s.browser(t)
		s.login(t, clinC, chaperone.RoleClinician)
		resp := post(t, clinC, s.URL+"/incidents", url.Values{"description": {"My post from Monday shows Walter Pruitt's MRN"},
			"discovered": {time.Now().UTC().AddDate(0, 0, -50).Format(time.DateOnly)}})
		var id int64
		if resp.StatusCode != 303 || func() bool {
			_, err := fmt.Sscanf(resp.Header.Get("Location"), "/incidents/%d?done=incident", &id)
			return err != nil
		}() {
			t.Fatalf("open: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		comp := s.browser(t)
		s.login(t, comp, chaperone.RoleCompliance)
		form := url.Values{"affected": {"1"}, "max_in_state": {"1"}}
		for _, k := range []string{"nature", "recipient", "acquired", "mitigation"} {
			form.Set(k, "assessed "+k)
			form.Set(k+"_rating", "medium")
		}
		form.Set("mitigation_rating", "extreme")
		resp, err := comp.PostForm(s.URL+fmt.Sprintf("/incidents/%d/assess", id), form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Fatalf("a bad rating: %d", resp.StatusCode)
		}
		form.Set("mitigation_rating", "low")
		if resp := post(t, comp, s.URL+fmt.Sprintf("/incidents/%d/assess", id), form); resp.StatusCode != 303 {
			t.Fatalf("assess: %d", resp.StatusCode)
		}
		tok := s.token(t, chaperone.RoleCompliance)
		code, _, out := apiCall(t, s, tok, "POST", fmt.Sprintf("/api/v1/incidents/%d/decide", id), `{"decision":"breach","rationale":"The public saw the MRN"}`)
		var b chaperone.BreachIncident
		if code != 200 || json.Unmarshal([]byte(out), &b) != nil || len(b.Tasks) != 2 || b.Nature.Text != "assessed nature" {
			t.Fatalf("decide: %d %s", code, out)
		}
		if _, page := get(t, comp, s.URL+"/"); !strings.Contains(page, `id="breach-due"`) || !strings.Contains(page, "individuals") {
			t.Error("the dashboard does not show the notification due in 10 days")
		}
		if _, page := get(t, clinC, s.URL+"/"); strings.Contains(page, `id="breach-due"`) {
			t.Error("a clinician's dashboard shows breach notifications")
		}
		resp, page := get(t, comp, s.URL+fmt.Sprintf("/incidents/%d", id))
		if resp.StatusCode != 200 || !strings.Contains(page, "Walter Pruitt") || !strings.Contains(page, `id="export-csv"`) {
			t.Fatalf("incident page: %d", resp.StatusCode)
		}
		resp, csvBody := get(t, comp, s.URL+fmt.Sprintf("/incidents/%d/export?format=csv", id))
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(csvBody, "decision,breach") {
			t.Fatalf("CSV export: %d %v\n%s", resp.StatusCode, resp.Header, csvBody)
		}
		year := time.Now().UTC().AddDate(0, 0, -50).Year()
		resp, page = get(t, comp, s.URL+fmt.Sprintf("/incidents/log?year=%d", year))
		if resp.StatusCode != 200 || !strings.Contains(page, "Walter Pruitt") {
			t.Fatalf("log page: %d", resp.StatusCode)
		}
		code, hdr, out := apiCall(t, s, tok, "GET", fmt.Sprintf("/api/v1/incidents/log?year=%d&format=csv", year), "")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.Contains(out, "Walter Pruitt") {
			t.Fatalf("log CSV: %d %s", code, out)
		}
		code, _, out = apiCall(t, s, tok, "GET", "/api/v1/incidents/due", "")
		if code != 200 || !strings.Contains(out, `"kind":"individuals"`) {
			t.Fatalf("due: %d %s", code, out)
		}
		// closing before the notifications are done is refused
		code, _, _ = apiCall(t, s, tok, "POST", fmt.Sprintf("/api/v1/incidents/%d/close", id), "")
		if code != 409 {
			t.Fatalf("close with open tasks: %d", code)
		}
		for _, task := range b.Tasks {
			if code, _, out := apiCall(t, s, tok, "POST", fmt.Sprintf("/api/v1/incidents/%d/tasks/%d/done", id, task.ID), ""); code != 200 {
				t.Fatalf("task: %d %s", code, out)
			}
		}
		if resp := post(t, comp, s.URL+fmt.Sprintf("/incidents/%d/close", id), nil); resp.StatusCode != 303 {
			t.Fatalf("close: %d", resp.StatusCode)
		}
		// the clinician sees their report but cannot act on it
		if resp, _ := get(t, clinC, s.URL+fmt.Sprintf("/incidents/%d", id)); resp.StatusCode != 200 {
			t.Fatalf("the reporter's view: %d", resp.StatusCode)
		}
		if resp := post(t, clinC, s.URL+fmt.Sprintf("/incidents/%d/close", id), nil); resp.StatusCode != 403 {
			t.Fatalf("a clinician closes: %d", resp.StatusCode)
		}
	})
}
