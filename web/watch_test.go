package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

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
