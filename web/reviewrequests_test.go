package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/mailer"
	"github.com/chaperone-project/chaperone/mailer/smtptest"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

var listUnsubscribe = regexp.MustCompile(`(?m)^List-Unsubscribe: <https://chaperone\.example/(unsubscribe/[A-Za-z0-9_-]+)>\r$`)

// TestReviewRequestPages: the page and the API through the real
// listener — import an appointment list, add a visit, set the links,
// see the requests — then the request delivered to a local SMTP server,
// and its unsubscribe link used without signing in: the page (no PHI),
// a cross-site form refused, the RFC 8058 one-click POST honoured.
func TestReviewRequestPages(t *testing.T) {
	mail := smtptest.Start(t)
	eachBackend(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		svc := service.New(s.st, eng, service.Config{ReviewRequests: service.ReviewRequestConfig{Mail: &mailer.SMTP{Addr: mail.Addr},
			From: "reviews@harbor.example", PublicURL: "https://chaperone.example"}})
		h, err := New(svc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(h.Handler())
		defer ts.Close()
		s.Server = ts // the site's helpers now talk to the server that sends

		admin, clin, rev := s.browser(t), s.browser(t), s.browser(t)
		s.login(t, admin, chaperone.RoleAdmin)
		s.login(t, clin, chaperone.RoleClinician)
		s.login(t, rev, chaperone.RoleReviewer)
		if resp, _ := get(t, rev, ts.URL+"/review-requests"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("reviewer: %d", resp.StatusCode)
		}
		resp, body := get(t, clin, ts.URL+"/review-requests")
		if resp.StatusCode != 200 || !strings.Contains(body, `id="sending-on"`) || !strings.Contains(body, `id="no-links"`) || !strings.Contains(body, "Review requests</a>") {
			t.Fatalf("page: %d\n%s", resp.StatusCode, body)
		}
		if resp := post(t, clin, ts.URL+"/review-requests/links", url.Values{"google": {"https://g.page/r/harbor/review"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a clinician sets links: %d", resp.StatusCode)
		}
		if resp := post(t, admin, ts.URL+"/review-requests/links", url.Values{"google": {"https://g.page/r/harbor/review"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("links: %d", resp.StatusCode)
		}

		// import an appointment list through the page
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "appointments.csv")
		fw.Write([]byte("Appt Date,Patient Name,Email,Reason\n2026-10-02,Walter Pruitt,walter.pruitt@example.com,HIV follow-up\n"))
		mw.Close()
		req, _ := http.NewRequest("POST", ts.URL+"/review-requests/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		up, err := clin.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		up.Body.Close()
		if up.StatusCode != http.StatusSeeOther {
			t.Fatalf("import: %d", up.StatusCode)
		}
		resp, body = get(t, clin, ts.URL+up.Header.Get("Location"))
		if resp.StatusCode != 200 || !strings.Contains(body, "1 new visit(s) imported") || !strings.Contains(body, "Columns not read (never kept): Reason.") ||
			!strings.Contains(body, "walter.pruitt@example.com") || strings.Contains(body, "HIV") {
			t.Fatalf("after import: %d\n%s", resp.StatusCode, body)
		}
		// a bad address is refused on the page, nothing quoted
		resp = post(t, clin, ts.URL+"/review-requests/visits", url.Values{"email": {"not-an-address"}, "date": {"2026-10-02"}})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("bad visit: %d", resp.StatusCode)
		}

		// the API: add a visit, list, links
		tok := s.token(t, chaperone.RoleClinician)
		code, out := api(t, s, tok, "POST", "/api/v1/review-requests/visits", `{"email":"jm@example.net","date":"2026-10-02"}`)
		if code != 201 || out["added"] != 1.0 {
			t.Fatalf("add visit: %d %v", code, out)
		}
		if code, out = api(t, s, tok, "POST", "/api/v1/review-requests/visits", `{"email":"JM@example.net","date":"2026-10-02"}`); code != 200 || out["skipped"] != 1.0 {
			t.Fatalf("the same visit: %d %v", code, out)
		}
		code, out = api(t, s, tok, "POST", "/api/v1/review-requests/import", "date,email,reason\n2026-10-02,x@example.org,\n2026-10-02,broken\n")
		if code != 400 || !strings.Contains(out["error"].(map[string]any)["message"].(string), "line 3") {
			t.Fatalf("bad list: %d %v", code, out)
		}
		if code, _ = api(t, s, tok, "PUT", "/api/v1/review-links", `{"yelp":"https://www.yelp.com/writeareview/biz/harbor"}`); code != 403 {
			t.Errorf("a clinician sets links: %d", code)
		}
		code, out = api(t, s, tok, "GET", "/api/v1/review-requests", "")
		if code != 200 || out["sending"] != true || len(out["requests"].([]any)) != 2 || out["links"].(map[string]any)["google"] != "https://g.page/r/harbor/review" {
			t.Fatalf("list: %d %v", code, out)
		}

		// send, as the job does, and follow the link without signing in
		if rep, err := svc.SendDueReviewRequests(ctx, time.Date(2026, 10, 3, 12, 0, 0, 0, time.UTC)); err != nil || rep.Sent != 2 {
			t.Fatalf("send: %+v %v", rep, err)
		}
		var link string
		for _, m := range mail.Messages() {
			if strings.Join(m.To, ",") == "walter.pruitt@example.com" {
				if sm := listUnsubscribe.FindStringSubmatch(m.Data); sm != nil {
					link = ts.URL + "/" + sm[1]
				}
			}
		}
		if link == "" {
			t.Fatal("no List-Unsubscribe in the message to walter")
		}
		anon := s.browser(t)
		resp, body = get(t, anon, link)
		if resp.StatusCode != 200 || !strings.Contains(body, "Stop receiving review invitations from Harbor Family Medicine?") ||
			!strings.Contains(body, `id="unsubscribe"`) || strings.Contains(body, "walter") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("unsubscribe page: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := get(t, anon, ts.URL+"/unsubscribe/not-a-token"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("bad token: %d", resp.StatusCode)
		}
		// another site's form cannot unsubscribe anyone
		req, _ = http.NewRequest("POST", link, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		cr, err := anon.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		cr.Body.Close()
		if cr.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST: %d", cr.StatusCode)
		}
		// a mail client's one-click POST (no Origin, no cookies)
		oc, err := http.Post(link, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		oc.Body.Close()
		if oc.StatusCode != 200 {
			t.Fatalf("one-click: %d", oc.StatusCode)
		}
		if _, body = get(t, anon, link); !strings.Contains(body, `id="unsubscribed"`) {
			t.Errorf("after one-click:\n%s", body)
		}
		evs, err := s.st.ListAudit(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ev := range evs {
			if ev.Action == chaperone.ActionReviewRequestOptOut && strings.Contains(string(ev.Details), `"how":"one-click"`) && ev.ActorID == 0 {
				found = true
			}
			if strings.Contains(string(ev.Details), "@") || strings.Contains(string(ev.Details), "Walter") {
				t.Errorf("audit event %s holds PHI: %s", ev.Action, ev.Details)
			}
		}
		if !found {
			t.Error("no review_request.optout event for the one-click")
		}
		// the page's own button works too (same origin)
		req, _ = http.NewRequest("POST", link, strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if r2, err := anon.Do(req); err != nil || r2.StatusCode != 200 {
			t.Errorf("button: %v %v", r2, err)
		}
	})
}
