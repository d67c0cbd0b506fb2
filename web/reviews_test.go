package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

// apiRaw sends body with a content type and returns the status and the
// answer.
func apiRaw(t *testing.T, s *site, token, path, ctype string, body io.Reader) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("POST %s is cacheable", path)
	}
	return resp.StatusCode, string(b)
}

func TestReviewsAPI(t *testing.T) {
	s := newSite(t, "sqlite")
	tok := s.token(t, chaperone.RoleClinician)
	google, err := os.ReadFile("../review/testdata/google.json")
	if err != nil {
		t.Fatal(err)
	}
	hg, _ := os.ReadFile("../review/testdata/healthgrades.csv")
	for _, c := range []struct {
		path, ctype string
		body        []byte
		code        int
		want        string
	}{
		{"/api/v1/reviews/import", "application/json", google, 200, `{"added":2,"skipped":0}`},
		{"/api/v1/reviews/import", "text/csv; charset=utf-8", hg, 200, `{"added":2,"skipped":0}`},
		{"/api/v1/reviews/import", "application/json", google, 200, `{"added":0,"skipped":2}`},
		{"/api/v1/reviews/import?site=yelp", "text/csv", []byte("id,rating,date,text\nx1,5,2026-01-01,Walter's knee is great\nx2,9,2026-01-01,Walter again\n"), 400, "line 3: the rating must be 1 to 5"},
		{"/api/v1/reviews/import", "image/png", hg, 400, "text/csv or application/json"},
		{"/api/v1/reviews/import?site=yelp", "text/csv", bytes.Repeat([]byte("a"), maxImport+10), 413, "too_large"},
	} {
		code, body := apiRaw(t, s, tok, c.path, c.ctype, bytes.NewReader(c.body))
		if code != c.code || !strings.Contains(body, c.want) || strings.Contains(body, "Walter") {
			t.Errorf("%s %s: %d %s, want %d %s", c.path, c.ctype, code, body, c.code, c.want)
		}
	}
	code, out := api(t, s, tok, "GET", "/api/v1/reviews?max_rating=2", "")
	reviews, _ := out["reviews"].([]any)
	if code != 200 || len(reviews) != 2 || out["next"] != nil {
		t.Fatalf("low reviews: %d %v", code, out)
	}
	low := reviews[0].(map[string]any)
	if low["text"] != "Billing sent my bill to collections, twice." || low["rating"] != 1.0 {
		t.Fatalf("review %v", low)
	}
	// paging
	code, out = api(t, s, tok, "GET", "/api/v1/reviews?limit=3", "")
	if page, _ := out["reviews"].([]any); code != 200 || len(page) != 3 || out["next"] == nil {
		t.Fatalf("page 1: %d %v", code, out)
	}
	code, out = api(t, s, tok, "GET", "/api/v1/reviews?limit=3&before="+out["next"].(string), "")
	if page, _ := out["reviews"].([]any); code != 200 || len(page) != 1 || out["next"] != nil {
		t.Fatalf("page 2: %d %v", code, out)
	}
	for _, bad := range []string{"?max_rating=6", "?from=yesterday", "?before=abc", "?limit=0"} {
		if code, _ := api(t, s, tok, "GET", "/api/v1/reviews"+bad, ""); code != 400 {
			t.Errorf("GET /api/v1/reviews%s: %d, want 400", bad, code)
		}
	}

	id := itoa(int(low["id"].(float64)))
	code, out = api(t, s, tok, "POST", "/api/v1/reviews/"+id+"/reply", `{"template":"concern"}`)
	screen, _ := out["screen"].(map[string]any)
	if code != 201 || out["channel"] != "review_reply" || screen["decision"] != "allow" || !strings.Contains(out["context"].(string), "collections") {
		t.Fatalf("reply: %d %v", code, out)
	}
	if code, _ := api(t, s, tok, "POST", "/api/v1/reviews/"+id+"/reply", `{"template":"concern"}`); code != 409 {
		t.Errorf("second reply: %d", code)
	}
	if code, _ := api(t, s, tok, "POST", "/api/v1/reviews/"+id+"/reply", `{"template":"flattery"}`); code != 400 {
		t.Errorf("unknown template: %d", code)
	}
	if code, out := api(t, s, tok, "POST", "/api/v1/reviews/"+id+"/ack", ""); code != 200 || out["acknowledged"] != true {
		t.Errorf("ack: %d %v", code, out)
	}
	if code, _ := api(t, s, tok, "POST", "/api/v1/reviews/9999/ack", ""); code != 404 {
		t.Errorf("ack of no review: %d", code)
	}
}

func TestReviewsPages(t *testing.T) {
	s := newSite(t, "sqlite")
	c := s.browser(t)
	s.login(t, c, chaperone.RoleCompliance)
	upload := func(name string, data []byte) (*http.Response, string) {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("site", "")
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		resp, err := c.Post(s.URL+"/reviews/import", mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	hg, _ := os.ReadFile("../review/testdata/healthgrades.csv")
	resp, _ := upload("hg.csv", hg)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reviews?done=imported&added=2&skipped=0" {
		t.Fatalf("import: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := upload("bad.csv", []byte("Review ID,Review Date,Overall Rating,Reviewer Name,Review Text\nhg-9,10/12/2026,1,Walter P.,\"Knee\nhg-10,bad-date,1,Walter P.,Knee\n"))
	if resp.StatusCode != 400 || !strings.Contains(body, `id="import-error"`) || !strings.Contains(body, "line 3: extraneous") || strings.Contains(body, "Walter") {
		t.Fatalf("malformed import: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, c, s.URL+"/reviews?done=imported&added=2&skipped=0")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(body, "Billing sent my bill to collections") ||
		!strings.Contains(body, "2 new review(s) imported") {
		t.Fatalf("reviews page: %d %s", resp.StatusCode, body)
	}
	if _, body = get(t, c, s.URL+"/reviews?min_rating=4"); strings.Contains(body, "collections") || !strings.Contains(body, "Listened, explained") {
		t.Fatalf("filtered page %s", body)
	}
	_, body = get(t, c, s.URL+"/")
	if !strings.Contains(body, `id="review-alerts"`) || !strings.Contains(body, "1-star review on healthgrades") || strings.Contains(body, "collections") {
		t.Fatalf("dashboard %s", body)
	}
	// a reviewer sees no alerts and no reviews
	r := s.browser(t)
	s.login(t, r, chaperone.RoleReviewer)
	if _, body := get(t, r, s.URL+"/"); strings.Contains(body, "review-alerts") || strings.Contains(body, `href="/reviews"`) {
		t.Fatal("a reviewer sees review alerts")
	}
}
