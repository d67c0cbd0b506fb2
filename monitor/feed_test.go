package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chaperone-project/chaperone"
)

const rss2 = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Dr Kim's clinic notes</title>
  <link>https://clinic.example.org/</link>
  <description>Notes</description>
  <item>
    <title>Flu season is here</title>
    <link>https://clinic.example.org/posts/flu</link>
    <guid isPermaLink="false">clinic-post-17</guid>
    <pubDate>Tue, 10 Oct 2023 08:00:00 +0000</pubDate>
    <description>Short summary</description>
    <content:encoded><![CDATA[<p>Book your <b>flu shot</b> &amp; COVID booster.</p><p>Walk-ins<br/>welcome.</p><script>alert(1)</script>]]></content:encoded>
    <dc:creator>Rae Kim</dc:creator>
  </item>
  <item>
    <link>https://clinic.example.org/posts/hours</link>
    <pubDate>Wed, 11 Oct 2023 09:30:00 GMT</pubDate>
    <description>&lt;p&gt;New hours: 8&amp;ndash;6&lt;/p&gt;</description>
  </item>
  <item>
    <title></title>
    <description></description>
  </item>
</channel>
</rss>`

const atomDoc = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Rae Kim, MD</title>
  <link href="https://raekim.example.org/" rel="alternate"/>
  <link href="https://raekim.example.org/feed.atom" rel="self"/>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2023-12-13T18:30:02Z</updated>
  <entry>
    <title type="text">On sleep &amp; shifts</title>
    <link rel="alternate" href="https://raekim.example.org/2023/sleep"/>
    <id>tag:raekim.example.org,2023:sleep</id>
    <published>2023-12-13T18:30:02Z</published>
    <updated>2023-12-14T10:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Night shifts are hard.</p><p>Here is <em>what helps</em>.</p></div></content>
  </entry>
  <entry>
    <title type="html">Clinic &lt;em&gt;news&lt;/em&gt;</title>
    <link href="https://raekim.example.org/2023/news"/>
    <id>tag:raekim.example.org,2023:news</id>
    <updated>2023-12-01T00:00:00+01:00</updated>
    <summary type="html">&lt;p&gt;We moved to Main St.&lt;/p&gt;</summary>
  </entry>
</feed>`

const rss1 = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://blog.example.org/">
    <title>Old blog</title>
    <link>https://blog.example.org/</link>
    <items><rdf:Seq><rdf:li resource="https://blog.example.org/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://blog.example.org/1">
    <title>First post</title>
    <link>https://blog.example.org/1</link>
    <description>Hello from the RDF days.</description>
    <dc:date>2004-05-06T07:08:09Z</dc:date>
  </item>
</rdf:RDF>`

func parseAll(doc string, l Limits) ([]chaperone.Post, FeedSummary, error) {
	var posts []chaperone.Post
	sum, err := ParseFeed(context.Background(), strings.NewReader(doc), "https://feeds.example.org/x", l, func(p chaperone.Post) error {
		posts = append(posts, p)
		return nil
	})
	return posts, sum, err
}

func TestParseFeed(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t.UTC() }
	const acct = "https://feeds.example.org/x"
	tests := []struct {
		name  string
		doc   string
		sum   FeedSummary
		posts []chaperone.Post
	}{
		{"rss 2.0", rss2, FeedSummary{Kind: "rss", Title: "Dr Kim's clinic notes", Link: "https://clinic.example.org/", Read: 2, Skipped: 1}, []chaperone.Post{
			{Source: "feed", ExternalID: "clinic-post-17", URL: "https://clinic.example.org/posts/flu", Account: acct, At: at("2023-10-10T08:00:00Z"),
				Text: "Flu season is here\n\nBook your flu shot & COVID booster.\n\nWalk-ins\nwelcome.", Channel: chaperone.ChannelPost},
			{Source: "feed", ExternalID: "https://clinic.example.org/posts/hours", URL: "https://clinic.example.org/posts/hours", Account: acct, At: at("2023-10-11T09:30:00Z"),
				Text: "New hours: 8–6", Channel: chaperone.ChannelPost},
		}},
		{"atom", atomDoc, FeedSummary{Kind: "atom", Title: "Rae Kim, MD", Link: "https://raekim.example.org/", Read: 2}, []chaperone.Post{
			{Source: "feed", ExternalID: "tag:raekim.example.org,2023:sleep", URL: "https://raekim.example.org/2023/sleep", Account: acct, At: at("2023-12-13T18:30:02Z"),
				Text: "On sleep & shifts\n\nNight shifts are hard.\n\nHere is what helps.", Channel: chaperone.ChannelPost},
			{Source: "feed", ExternalID: "tag:raekim.example.org,2023:news", URL: "https://raekim.example.org/2023/news", Account: acct, At: at("2023-11-30T23:00:00Z"),
				Text: "Clinic news\n\nWe moved to Main St.", Channel: chaperone.ChannelPost},
		}},
		{"rss 1.0", rss1, FeedSummary{Kind: "rdf", Title: "Old blog", Link: "https://blog.example.org/", Read: 1}, []chaperone.Post{
			{Source: "feed", ExternalID: "https://blog.example.org/1", URL: "https://blog.example.org/1", Account: acct, At: at("2004-05-06T07:08:09Z"),
				Text: "First post\n\nHello from the RDF days.", Channel: chaperone.ChannelPost},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			posts, sum, err := parseAll(tc.doc, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if sum != tc.sum {
				t.Errorf("summary %+v, want %+v", sum, tc.sum)
			}
			if len(posts) != len(tc.posts) {
				t.Fatalf("%d posts, want %d: %+v", len(posts), len(tc.posts), posts)
			}
			for i := range posts {
				if posts[i] != tc.posts[i] {
					t.Errorf("post %d:\n got %+v\nwant %+v", i, posts[i], tc.posts[i])
				}
			}
		})
	}
}

func TestParseFeedHostile(t *testing.T) {
	laughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title><description>PATIENTSECRET</description></item></channel></rss>`
	external := `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>`
	deep := `<rss version="2.0"><channel><item><description>` + strings.Repeat("<a>", 5000) + strings.Repeat("</a>", 5000) + `</description></item></channel></rss>`
	deepOutside := `<rss version="2.0">` + strings.Repeat("<x>", 5000) + strings.Repeat("</x>", 5000) + `</rss>`
	var many strings.Builder
	many.WriteString(`<rss version="2.0"><channel>`)
	for i := range 101 {
		fmt.Fprintf(&many, "<item><title>t%d</title></item>", i)
	}
	many.WriteString(`</channel></rss>`)
	huge := `<rss version="2.0"><channel><item><description>` + strings.Repeat("PATIENTSECRET ", 100000) + `</description></item></channel></rss>`
	l := Limits{EntryBytes: 1 << 20, Posts: 100, TextBytes: 4096, Depth: 32}
	tests := []struct {
		name string
		doc  string
		code chaperone.ErrorCode
		msg  string
	}{
		{"billion laughs", laughs, chaperone.ErrInvalid, "an entity that is not XML's or HTML's (entity definitions are not expanded)"},
		{"external entity", external, chaperone.ErrInvalid, "entity definitions are not expanded"},
		{"deep nesting outside entries", deepOutside, chaperone.ErrTooLarge, "deeper than 32 levels"},
		{"too many entries", many.String(), chaperone.ErrTooLarge, "more than 100 entries"},
		{"huge document", huge, chaperone.ErrTooLarge, "the feed is larger than 1 MiB"},
		{"long text", `<rss version="2.0"><channel><item><description>` + strings.Repeat("PATIENTSECRET ", 1000) + `</description></item></channel></rss>`, chaperone.ErrTooLarge, "entry 1: the text is longer than 4 KiB"},
		{"not a feed", `<html><body>PATIENTSECRET</body></html>`, chaperone.ErrInvalid, "not an RSS or Atom feed: the root element is <html>"},
		{"not XML", `{"PATIENTSECRET": 1}`, chaperone.ErrInvalid, "not an RSS or Atom feed"},
		{"malformed", `<rss version="2.0"><channel><item><title>PATIENTSECRET</item>`, chaperone.ErrInvalid, "not well-formed XML: line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := parseAll(tc.doc, l)
			var ce *chaperone.Error
			if !errors.As(err, &ce) || ce.Code != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err %v, want %s with %q", err, tc.code, tc.msg)
			}
			if strings.Contains(err.Error(), "PATIENTSECRET") || strings.Contains(err.Error(), "lol") {
				t.Errorf("the error quotes the input: %q", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// Deep markup inside an entry is bounded by encoding/xml and the size
	// limit, and yields plain text.
	if _, _, err := parseAll(deep, l); err != nil && chaperone.CodeOf(err) == chaperone.ErrInternal {
		t.Fatalf("deep entry: %v", err)
	}
}

func TestFetchFeed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.atom":
			w.Header().Set("Content-Type", "application/atom+xml")
			io.WriteString(w, atomDoc)
		case "/latin1.rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			io.WriteString(w, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><item><guid>1</guid><description>Caf\xe9</description></item></channel></rss>")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	var posts []chaperone.Post
	collect := func(p chaperone.Post) error { posts = append(posts, p); return nil }
	sum, err := FetchFeed(context.Background(), loopbackFetcher(t, FetchConfig{}), srv.URL+"/feed.atom", Limits{}, collect)
	if err != nil || sum.Read != 2 || posts[0].Account != srv.URL+"/feed.atom" {
		t.Fatalf("sum %+v err %v", sum, err)
	}
	posts = nil
	if _, err := FetchFeed(context.Background(), loopbackFetcher(t, FetchConfig{}), srv.URL+"/latin1.rss", Limits{}, collect); err != nil || len(posts) != 1 || posts[0].Text != "Café" {
		t.Fatalf("latin-1 feed: %v %+v", err, posts)
	}
	if _, err := FetchFeed(context.Background(), loopbackFetcher(t, FetchConfig{}), srv.URL+"/missing", Limits{}, collect); chaperone.CodeOf(err) != chaperone.ErrUnavailable || !strings.Contains(err.Error(), "answered 404") {
		t.Fatalf("missing feed: %v", err)
	}
	strict, _ := NewFetcher(FetchConfig{})
	if _, err := FetchFeed(context.Background(), strict, srv.URL+"/feed.atom", Limits{}, collect); chaperone.CodeOf(err) != chaperone.ErrInvalid || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("loopback without allow-list: %v", err)
	}
}

func TestHTMLToText(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":                                 "plain text",
		"<p>a</p><p>b</p>":                           "a\n\nb",
		"<b>bold</b>er and <i>more</i>":              "bolder and more",
		"one<br>two":                                 "one\ntwo",
		"<ul><li>x</li><li>y</li></ul>":              "x\ny",
		"<style>p{}</style>text<script>x()</script>": "text",
		`<img alt="X-ray of a wrist"> seen today`:    "X-ray of a wrist seen today",
		"&lt;not a tag&gt; &amp; &nbsp;done":         "<not a tag> & done",
		`<p><span class="h-card"><a href="https://m.example/@a">@<span>a</span></a></span> hi</p>`: "@a hi",
	} {
		if got := htmlToText(in, 1000); got != want {
			t.Errorf("htmlToText(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseFeed(f *testing.F) {
	for _, s := range []string{rss2, atomDoc, rss1, `<feed><entry><content type="xhtml"><div>x</div></content></entry></feed>`} {
		f.Add([]byte(s))
	}
	l := Limits{EntryBytes: 1 << 20, Posts: 1000, TextBytes: 4096, Depth: 32}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseFeed(context.Background(), strings.NewReader(string(data)), "https://f.example/", l, func(p chaperone.Post) error {
			if p.ExternalID == "" || p.Source != chaperone.SourceFeed || len(p.Text) > l.TextBytes || strings.TrimSpace(p.Text) == "" {
				t.Fatalf("yielded %+v", p)
			}
			return nil
		})
		var ce *chaperone.Error
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("error %v (%T) is not a *chaperone.Error", err, err)
		}
	})
}
