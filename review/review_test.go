package review

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func parseFile(t *testing.T, name, site string) []Review {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := Parse(f, site)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

func TestParseShapes(t *testing.T) {
	g := parseFile(t, "google.json", "")
	if len(g) != 2 || g[0] != (Review{Site: "google", ExternalID: "AbFvOql1", Reviewer: "Jessica M.", Rating: 2,
		Text: "Waited two hours past my appointment and nobody apologised.", CreatedAt: time.Date(2026, 10, 3, 14, 21, 7, 512000000, time.UTC)}) {
		t.Errorf("google %+v", g)
	}
	if g[1].Reply != "Thank you for your kind words." || g[1].Rating != 5 {
		t.Errorf("google reply %+v", g[1])
	}
	y := parseFile(t, "yelp.json", "")
	if len(y) != 1 || y[0].Site != "yelp" || y[0].Rating != 3 || y[0].Reviewer != "Ella A." || y[0].CreatedAt != time.Date(2026, 9, 28, 18, 41, 13, 0, time.UTC) || !strings.HasPrefix(y[0].URL, "https://www.yelp.com/") {
		t.Errorf("yelp %+v", y)
	}
	h := parseFile(t, "healthgrades.csv", "")
	if len(h) != 2 || h[0].Site != "healthgrades" || h[0].ExternalID != "hg-88120" || h[0].Rating != 1 || h[0].CreatedAt != time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC) || h[1].Reviewer != "Tom K." {
		t.Errorf("healthgrades %+v", h)
	}
}

func TestParseBadInput(t *testing.T) {
	cases := []struct {
		name, data, site, want string
		format                 bool
	}{
		{"empty", "  ", "", "empty", true},
		{"not UTF-8", "id,rating,date\n1,5,2026-01-01\n\xff", "x", "line 3: the export is not valid UTF-8", false},
		{"UTF-16", "\xff\xfei\x00d\x00", "x", "line 1: the export is not valid UTF-8", false},
		{"broken JSON on line 4", "{\n \"reviews\": [\n  {\"id\": 1},\n  {\"id\" 2}\n]}", "", "line 4: JSON syntax error", true},
		{"broken JSON", `{"reviews": [`, "", "JSON syntax error", true},
		{"object without reviews", `{"items": []}`, "", `"reviews" list`, true},
		{"google bad stars", `{"reviews":[{"reviewId":"a","starRating":"SIX","createTime":"2026-01-01T00:00:00Z"}]}`, "", "review 1: the rating must be 1 to 5", false},
		{"google bad date", `{"reviews":[{"reviewId":"a","starRating":"ONE","createTime":"yesterday"}]}`, "", "review 1: createTime", false},
		{"yelp half star", `{"reviews":[{"id":"a","rating":4.5,"time_created":"2026-01-01 10:00:00"}]}`, "", "whole number", false},
		{"generic without site", `[{"id":"a","rating":5,"date":"2026-01-01"}]`, "", "no site", false},
		{"CSV missing column", "Reviewer,Text\nA,B\n", "yelp", "no id column", true},
		{"CSV bad rating", "id,rating,date\nr1,5,2026-01-01\nr2,great,2026-01-02\n", "yelp", "line 3: the rating", false},
		{"CSV bad date", "id,rating,date\nr1,5,someday\n", "yelp", "line 2: the date", false},
		{"CSV broken quote", "id,rating,date,text\nr1,5,2026-01-01,\"open\n", "yelp", "line 2", false},
		{"CSV only header", "id,rating,date\n", "yelp", "no reviews", true},
		{"duplicate ids", "id,rating,date\nr1,5,2026-01-01\nr1,4,2026-01-02\n", "yelp", "repeats the id", false},
		{"too large", strings.Repeat("a", MaxBytes+1), "yelp", "larger than", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Parse(strings.NewReader(c.data), c.site)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if out != nil {
				t.Errorf("a failed import returned %d reviews", len(out))
			}
			if errors.Is(err, ErrFormat) != c.format {
				t.Errorf("ErrFormat %v, want %v (%v)", errors.Is(err, ErrFormat), c.format, err)
			}
		})
	}
}

func TestSuggestAndFill(t *testing.T) {
	for rating, want := range map[int]string{1: "concern", 2: "concern", 3: "neutral", 4: "thanks", 5: "thanks"} {
		if got := Suggest(Review{Rating: rating}).ID; got != want {
			t.Errorf("rating %d: %s, want %s", rating, got, want)
		}
	}
	for _, tp := range Templates {
		s := tp.Fill("Harbor Family Medicine", "(617) 555-0142")
		if strings.Contains(s, "{") {
			t.Errorf("%s: unfilled placeholder in %q", tp.ID, s)
		}
	}
	if _, err := TemplateByID("nope"); err == nil {
		t.Error("unknown template accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"google.json", "yelp.json", "healthgrades.csv"} {
		if b, err := os.ReadFile("testdata/" + n); err == nil {
			f.Add(b, "")
		}
	}
	f.Add([]byte(`[{"site":"x","id":1,"rating":"5 stars","date":"2026-01-01"}]`), "")
	f.Fuzz(func(t *testing.T, data []byte, site string) {
		out, err := Parse(strings.NewReader(string(data)), site)
		if err != nil {
			return
		}
		for _, rv := range out {
			if rv.Rating < 1 || rv.Rating > 5 || rv.ExternalID == "" || rv.Site == "" || rv.CreatedAt.IsZero() {
				t.Fatalf("accepted %+v", rv)
			}
		}
	})
}
