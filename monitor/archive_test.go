package monitor

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chaperone-project/chaperone"
)

// zipOf builds a zip archive of name → content, in the given order.
func zipOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[i+1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll runs ReadArchive over data and collects the posts.
func readAll(data []byte, l Limits) ([]chaperone.Post, Summary, error) {
	var posts []chaperone.Post
	sum, err := ReadArchive(context.Background(), bytes.NewReader(data), int64(len(data)), l, func(p chaperone.Post) error {
		posts = append(posts, p)
		return nil
	})
	return posts, sum, err
}

// xTweetJSON is one element of data/tweets.js, shaped like X's archive.
func xTweetJSON(id, text, created, replyID, replyTo string) string {
	reply := `"in_reply_to_status_id_str" : null, "in_reply_to_screen_name" : null,`
	if replyID != "" {
		reply = fmt.Sprintf(`"in_reply_to_status_id_str" : %q, "in_reply_to_status_id" : %q, "in_reply_to_user_id_str" : "99", "in_reply_to_screen_name" : %q,`, replyID, replyID, replyTo)
	}
	return fmt.Sprintf(`{
    "tweet" : {
      "edit_info" : { "initial" : { "editTweetIds" : [ %q ], "editableUntil" : "2018-10-10T21:19:24.000Z", "editsRemaining" : "5", "isEditEligible" : true } },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "display_text_range" : [ "0", "%d" ],
      "favorite_count" : "3",
      "id_str" : %q,
      "truncated" : false,
      "retweet_count" : "0",
      "id" : %q,
      %s
      "created_at" : %q,
      "favorited" : false,
      "full_text" : %q,
      "lang" : "en"
    }
  }`, id, len(text), id, id, reply, created, text)
}

func xTweetsJS(tweets ...string) string {
	return "window.YTD.tweets.part0 = [ " + strings.Join(tweets, ", ") + " ]"
}

const xAccountJS = `window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "rae@example.org",
      "createdVia" : "web",
      "username" : "DrRaeKim",
      "accountId" : "1234567",
      "createdAt" : "2011-03-04T05:06:07.000Z",
      "accountDisplayName" : "Dr Rae Kim"
    }
  }
]`

// fbPostsJSON is Facebook's your_posts_1.json, with its mojibake: "é" is
// written as the two escapes of its UTF-8 bytes.
const fbPostsJSON = `[
  {
    "timestamp": 1577880000,
    "data": [ { "post": "Caf\u00c3\u00a9 talk on vaccines tonight \u00e2\u0080\u0094 all welcome" } ],
    "title": "Rae Kim updated her status."
  },
  {
    "timestamp": 1577966400,
    "attachments": [ { "data": [ { "media": { "uri": "your_facebook_activity/posts/media/x.jpg", "creation_timestamp": 1577966400, "description": "Our new clinic wing", "title": "Mobile uploads" } } ] } ],
    "data": [ { "update_timestamp": 1577966400 } ],
    "title": "Rae Kim added a new photo."
  },
  {
    "timestamp": 1578052800,
    "data": [ { "update_timestamp": 1578052800 } ],
    "title": "Rae Kim shared a memory."
  }
]`

// igPostsJSON is Instagram's posts_1.json: one post of several pictures
// (title at the top) and one of a single picture (title in the media).
const igPostsJSON = `[
  {
    "media": [
      { "uri": "media/posts/202001/a.jpg", "creation_timestamp": 1578000000, "media_metadata": {}, "title": "" },
      { "uri": "media/posts/202001/b.jpg", "creation_timestamp": 1578000000, "title": "" }
    ],
    "title": "Marathon medical tent \u00f0\u009f\u008f\u0083 thanks volunteers",
    "creation_timestamp": 1578000000
  },
  {
    "media": [ { "uri": "media/posts/202002/c.jpg", "creation_timestamp": 1580000000, "title": "Flu shots at the front desk" } ]
  },
  {
    "media": [ { "uri": "media/posts/202003/d.jpg", "creation_timestamp": 1583000000, "title": "" } ]
  }
]`

const igPersonalJSON = `{
  "profile_user": [
    { "media_map_data": {}, "string_map_data": {
        "Email": { "href": "", "value": "rae@example.org", "timestamp": 0 },
        "Username": { "href": "", "value": "dr.raekim", "timestamp": 0 },
        "Name": { "href": "", "value": "Rae Kim", "timestamp": 0 } } }
  ]
}`

const liSharesCSV = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n" +
	"2023-05-06 07:08:09,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7061234567890123456,\"Proud of our team.\n\nNew \"\"stroke pathway\"\" launched today.\",,,MEMBER_NETWORK\n" +
	"2023-06-07 08:09:10,https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7071234567890123456,,https://example.org/article,,MEMBER_NETWORK\n"

func TestReadArchive(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	tweets := xTweetsJS(
		xTweetJSON("1050118621198921728", "Grand rounds at 8 &amp; coffee after", "Wed Oct 10 20:19:24 +0000 2018", "", ""),
		xTweetJSON("1050118621198921729", "@colleague agreed, see you there", "Thu Oct 11 09:00:00 +0000 2018", "1050000000000000000", "colleague"),
		xTweetJSON("1050118621198921730", "and part 2 of the thread", "Thu Oct 11 09:01:00 +0000 2018", "1050118621198921728", "DrRaeKim"),
		xTweetJSON("1050118621198921731", "RT @someone: their words", "Thu Oct 11 10:00:00 +0000 2018", "", ""),
	)
	oldTweets := `window.YTD.tweet.part0 = [ { "id_str" : "42", "full_text" : "old format", "created_at" : "Mon Jan 02 15:04:05 +0000 2017" } ]`
	tests := []struct {
		name    string
		data    []byte
		format  string
		account string
		want    []chaperone.Post
		skipped map[string]int
	}{
		{"x archive", zipOf(t, "data/account.js", xAccountJS, "data/tweets.js", tweets, "data/tweets_media/1-a.jpg", "JPEG"),
			chaperone.SourceXArchive, "DrRaeKim", []chaperone.Post{
				{Source: "x-archive", ExternalID: "1050118621198921728", URL: "https://x.com/DrRaeKim/status/1050118621198921728", Account: "DrRaeKim", At: at("2018-10-10T20:19:24Z"), Text: "Grand rounds at 8 & coffee after", Channel: chaperone.ChannelPost},
				{Source: "x-archive", ExternalID: "1050118621198921729", URL: "https://x.com/DrRaeKim/status/1050118621198921729", Account: "DrRaeKim", At: at("2018-10-11T09:00:00Z"), Text: "@colleague agreed, see you there", Channel: chaperone.ChannelReply, InReplyTo: "https://x.com/colleague/status/1050000000000000000"},
				{Source: "x-archive", ExternalID: "1050118621198921730", URL: "https://x.com/DrRaeKim/status/1050118621198921730", Account: "DrRaeKim", At: at("2018-10-11T09:01:00Z"), Text: "and part 2 of the thread", Channel: chaperone.ChannelPost, InReplyTo: "https://x.com/DrRaeKim/status/1050118621198921728"},
			}, map[string]int{"retweet": 1}},
		{"x archive in a folder, old tweet.js", zipOf(t, "twitter-2017/data/tweet.js", oldTweets),
			chaperone.SourceXArchive, "", []chaperone.Post{
				{Source: "x-archive", ExternalID: "42", URL: "https://x.com/i/status/42", At: at("2017-01-02T15:04:05Z"), Text: "old format", Channel: chaperone.ChannelPost},
			}, nil},
		{"bare tweets.js", []byte(tweets), chaperone.SourceXArchive, "", nil, map[string]int{"retweet": 1}},
		{"facebook zip", zipOf(t, "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json", fbPostsJSON),
			chaperone.SourceFacebookArchive, "", []chaperone.Post{
				{Source: "facebook-archive", At: at("2020-01-01T12:00:00Z"), Text: "Café talk on vaccines tonight — all welcome", Channel: chaperone.ChannelPost},
				{Source: "facebook-archive", At: at("2020-01-02T12:00:00Z"), Text: "Our new clinic wing", Channel: chaperone.ChannelPost},
			}, map[string]int{"empty": 1}},
		{"facebook bare json", []byte(fbPostsJSON), chaperone.SourceFacebookArchive, "", nil, map[string]int{"empty": 1}},
		{"instagram zip", zipOf(t, "personal_information/personal_information/personal_information.json", igPersonalJSON, "your_instagram_activity/content/posts_1.json", igPostsJSON),
			chaperone.SourceInstagramArchive, "dr.raekim", []chaperone.Post{
				{Source: "instagram-archive", Account: "dr.raekim", At: time.Unix(1578000000, 0).UTC(), Text: "Marathon medical tent 🏃 thanks volunteers", Channel: chaperone.ChannelPost},
				{Source: "instagram-archive", Account: "dr.raekim", At: time.Unix(1580000000, 0).UTC(), Text: "Flu shots at the front desk", Channel: chaperone.ChannelPost},
			}, map[string]int{"empty": 1}},
		{"instagram bare json", []byte(igPostsJSON), chaperone.SourceInstagramArchive, "", nil, map[string]int{"empty": 1}},
		{"linkedin zip", zipOf(t, "Profile.csv", "First Name,Last Name\nRae,Kim\n", "Shares.csv", liSharesCSV),
			chaperone.SourceLinkedInArchive, "", []chaperone.Post{
				{Source: "linkedin-archive", ExternalID: "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7061234567890123456", URL: "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7061234567890123456",
					At: at("2023-05-06T07:08:09Z"), Text: "Proud of our team.\n\nNew \"stroke pathway\" launched today.", Channel: chaperone.ChannelPost},
			}, map[string]int{"empty": 1}},
		{"linkedin bare csv", []byte(liSharesCSV), chaperone.SourceLinkedInArchive, "", nil, map[string]int{"empty": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			posts, sum, err := readAll(tc.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Format != tc.format || sum.Account != tc.account {
				t.Errorf("format %q account %q, want %q %q", sum.Format, sum.Account, tc.format, tc.account)
			}
			if sum.Read != len(posts) || fmt.Sprint(sum.SkipReasons) != fmt.Sprint(tc.skipped) {
				t.Errorf("summary %+v, want skipped %v", sum, tc.skipped)
			}
			for i, p := range posts {
				if p.ExternalID == "" || p.Source != tc.format || p.At.IsZero() || !p.Channel.Valid() {
					t.Errorf("post %d incomplete: %+v", i, p)
				}
			}
			if tc.want == nil {
				return
			}
			if len(posts) != len(tc.want) {
				t.Fatalf("got %d posts, want %d: %+v", len(posts), len(tc.want), posts)
			}
			for i, w := range tc.want {
				if w.ExternalID == "" {
					w.ExternalID = contentID(w.At, w.Text)
				}
				if posts[i] != w {
					t.Errorf("post %d:\n got %+v\nwant %+v", i, posts[i], w)
				}
			}
			// Re-reading gives the same ids: a re-import adds nothing.
			again, _, err := readAll(tc.data, Limits{})
			if err != nil || len(again) != len(posts) {
				t.Fatalf("re-read: %v", err)
			}
			for i := range again {
				if again[i].ExternalID != posts[i].ExternalID {
					t.Errorf("post %d's id changed on re-read", i)
				}
			}
		})
	}
}

// rawZip builds a zip with one entry whose header claims claimed bytes
// uncompressed while its data inflates to actual bytes of zeros: what a
// zip bomb does to readers that trust the header.
func rawZip(t testing.TB, name string, actual int, claimed uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	crc := crc32.NewIEEE()
	prefix := []byte("window.YTD.tweets.part0 = [")
	fw.Write(prefix)
	crc.Write(prefix)
	actual -= len(prefix)
	zeros := bytes.Repeat([]byte(" "), 1<<20)
	for left := actual; left > 0; left -= len(zeros) {
		n := min(left, len(zeros))
		fw.Write(zeros[:n])
		crc.Write(zeros[:n])
	}
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: claimed})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}

func TestReadArchiveHostile(t *testing.T) {
	small := Limits{EntryBytes: 1 << 20, TotalBytes: 3 << 20, Posts: 100, TextBytes: 1000, Depth: 16, Entries: 50}
	many := make([]string, 0, 120)
	for i := range 60 {
		many = append(many, fmt.Sprintf("f%d.txt", i), "x")
	}
	nested := "window.YTD.tweets.part0 = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	var posts []string
	for i := range 101 {
		posts = append(posts, xTweetJSON(fmt.Sprint(1000+i), "hello", "Wed Oct 10 20:19:24 +0000 2018", "", ""))
	}
	tests := []struct {
		name string
		data []byte
		code chaperone.ErrorCode
		msg  string
	}{
		// archive/zip itself refuses more bytes than the header claims.
		{"zip bomb with a lying header", rawZip(t, "data/tweets.js", 20<<20, 100), chaperone.ErrInvalid, "data/tweets.js"},
		{"zip bomb under a header claiming less than the limit", rawZip(t, "data/tweets.js", 20<<20, 1<<20-1), chaperone.ErrInvalid, "data/tweets.js"},
		{"zip bomb with an honest header", rawZip(t, "data/tweets.js", 50<<20, 50<<20), chaperone.ErrTooLarge, "larger than 1 MiB"},
		{"total over the limit", zipOf(t, "data/tweets.js", xTweetsJS(), "data/tweets-part1.js", "window.YTD.tweets.part1 = ["+strings.Repeat(" ", 900<<10)+"]",
			"data/tweets-part2.js", "window.YTD.tweets.part2 = ["+strings.Repeat(" ", 900<<10)+"]", "data/tweets-part3.js", "window.YTD.tweets.part3 = ["+strings.Repeat(" ", 900<<10)+"]",
			"data/tweets-part4.js", "window.YTD.tweets.part4 = ["+strings.Repeat(" ", 900<<10)+"]"), chaperone.ErrTooLarge, "3 MiB uncompressed in all"},
		{"bare file over the limit", []byte("[" + strings.Repeat(" ", 2<<20) + "]"), chaperone.ErrTooLarge, "the file is larger than 1 MiB uncompressed"},
		{"nested JSON", zipOf(t, "data/tweets.js", nested), chaperone.ErrTooLarge, "deeper than 16 levels"},
		{"nested JSON, bare", []byte(`[{"timestamp":1,"data":` + strings.Repeat(`[`, 5000) + strings.Repeat(`]`, 5000) + `}]`), chaperone.ErrTooLarge, "deeper than 16"},
		{"traversal", zipOf(t, "../../etc/cron.d/x", "x", "data/tweets.js", xTweetsJS()), chaperone.ErrInvalid, `has a ".." component in its name: refused as hostile`},
		{"traversal inside", zipOf(t, "data/../../tweets.js", "x"), chaperone.ErrInvalid, "hostile"},
		{"absolute path", zipOf(t, "/etc/passwd", "x"), chaperone.ErrInvalid, "an absolute path"},
		{"windows path", zipOf(t, `C:\Windows\x.js`, "x"), chaperone.ErrInvalid, "drive letter"},
		{"backslash traversal", zipOf(t, `data\..\..\x.js`, "x"), chaperone.ErrInvalid, "hostile"},
		{"too many entries", zipOf(t, many...), chaperone.ErrTooLarge, "more than the 50 examined"},
		{"too many posts", zipOf(t, "data/tweets.js", xTweetsJS(posts...)), chaperone.ErrTooLarge, "more than 100 posts"},
		{"text too long", zipOf(t, "data/tweets.js", xTweetsJS(xTweetJSON("1", strings.Repeat("PATIENTSECRET ", 100), "Wed Oct 10 20:19:24 +0000 2018", "", ""))), chaperone.ErrTooLarge, "post 1: the text is longer than 1000 bytes"},
		{"not an export", zipOf(t, "readme.txt", "hello"), chaperone.ErrInvalid, "not an X, Facebook, Instagram or LinkedIn export: the zip has none of"},
		{"not a file we know", []byte("%PDF-1.4 PATIENTSECRET"), chaperone.ErrInvalid, "not an X, Facebook, Instagram or LinkedIn export"},
		{"empty", nil, chaperone.ErrInvalid, "the file is empty"},
		{"bad date", zipOf(t, "data/tweets.js", xTweetsJS(xTweetJSON("7", "PATIENTSECRET", "yesterday", "", ""))), chaperone.ErrInvalid, "data/tweets.js: post 1 (id 7): created_at"},
		{"bad JSON", zipOf(t, "data/tweets.js", "window.YTD.tweets.part0 = [ {\"tweet\": {\"full_text\": \"PATIENTSECRET\" ]"), chaperone.ErrInvalid, "data/tweets.js: post 1: invalid JSON near byte"},
		{"truncated JSON", zipOf(t, "data/tweets.js", "window.YTD.tweets.part0 = [ {\"tweet\": {\"full_text\": \"PATIENTSECRET"), chaperone.ErrInvalid, "ends early"},
		{"bad CSV date", []byte("Date,ShareLink,ShareCommentary\nnot a date,,PATIENTSECRET\n"), chaperone.ErrInvalid, "Shares.csv: line 2 (post 1): the Date"},
		{"corrupt zip", append([]byte("PK\x03\x04"), make([]byte, 100)...), chaperone.ErrInvalid, "the zip cannot be read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := readAll(tc.data, small)
			var ce *chaperone.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err %v (%T), want a *chaperone.Error", err, err)
			}
			if ce.Code != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err %q (%s), want %s with %q", err, ce.Code, tc.code, tc.msg)
			}
			if strings.Contains(err.Error(), "PATIENTSECRET") {
				t.Errorf("the error quotes the post: %q", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestReadArchiveArchiveSize(t *testing.T) {
	_, err := ReadArchive(context.Background(), bytes.NewReader(nil), 10<<30, Limits{}, func(chaperone.Post) error { return nil })
	if chaperone.CodeOf(err) != chaperone.ErrTooLarge {
		t.Fatalf("err %v", err)
	}
}

func TestReadArchiveCallbackError(t *testing.T) {
	stop := errors.New("stop")
	data := zipOf(t, "data/tweets.js", xTweetsJS(xTweetJSON("1", "a", "Wed Oct 10 20:19:24 +0000 2018", "", ""), xTweetJSON("2", "b", "Wed Oct 10 20:19:24 +0000 2018", "", "")))
	n := 0
	sum, err := ReadArchive(context.Background(), bytes.NewReader(data), int64(len(data)), Limits{}, func(chaperone.Post) error { n++; return stop })
	if err != stop || n != 1 || sum.Read != 0 {
		t.Fatalf("err %v, n %d, read %d", err, n, sum.Read)
	}
}

func TestFixMojibake(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                    "plain",
		"Caf\u00c3\u00a9":          "Café",
		"\u00f0\u009f\u0098\u0080": "😀",
		"Café":                     "Café",    // not mojibake: Ã© would be, é alone is not valid UTF-8 as a byte
		"naïve 😀":                  "naïve 😀", // runes above U+00FF: left alone
		"\u00c3":                   "\u00c3",
	} {
		if got := fixMojibake(in); got != want {
			t.Errorf("fixMojibake(%q) = %q, want %q", in, got, want)
		}
	}
}

// xArchive10k builds an X archive of 10,000 tweets.
func xArchive10k(t testing.TB) []byte {
	tweets := make([]string, 10000)
	for i := range tweets {
		tweets[i] = xTweetJSON(fmt.Sprint(1050118621198921728+i), fmt.Sprintf("Post %d: clinic hours change next week, see the website for details &amp; updates", i),
			"Wed Oct 10 20:19:24 +0000 2018", "", "")
	}
	return zipOf(t, "data/account.js", xAccountJS, "data/tweets.js", xTweetsJS(tweets...))
}

func TestReadArchiveX10k(t *testing.T) {
	data := xArchive10k(t)
	posts, sum, err := readAll(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 10000 || sum.Read != 10000 || posts[9999].ExternalID != fmt.Sprint(1050118621198921728+9999) {
		t.Fatalf("read %d posts, summary %+v", len(posts), sum)
	}
}

func BenchmarkReadArchiveX10k(b *testing.B) {
	data := xArchive10k(b)
	n := 0
	for b.Loop() {
		sum, err := ReadArchive(context.Background(), bytes.NewReader(data), int64(len(data)), Limits{}, func(chaperone.Post) error { return nil })
		if err != nil || sum.Read != 10000 {
			b.Fatal(err, sum.Read)
		}
		n += sum.Read
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "posts/s")
}

func FuzzReadArchive(f *testing.F) {
	f.Add(zipOf(f, "data/account.js", xAccountJS, "data/tweets.js", xTweetsJS(xTweetJSON("1", "a &amp; b", "Wed Oct 10 20:19:24 +0000 2018", "2", "x"))))
	f.Add([]byte(xTweetsJS(xTweetJSON("1", "a", "Wed Oct 10 20:19:24 +0000 2018", "", ""))))
	f.Add([]byte(fbPostsJSON))
	f.Add([]byte(igPostsJSON))
	f.Add([]byte(liSharesCSV))
	f.Add(zipOf(f, "posts/your_posts_1.json", fbPostsJSON))
	f.Add(zipOf(f, "content/posts_1.json", igPostsJSON))
	l := Limits{EntryBytes: 64 << 10, TotalBytes: 128 << 10, Posts: 1000, TextBytes: 4096, Depth: 32, Entries: 100}
	f.Fuzz(func(t *testing.T, data []byte) {
		seen := map[string]bool{}
		_, err := ReadArchive(context.Background(), bytes.NewReader(data), int64(len(data)), l, func(p chaperone.Post) error {
			if p.ExternalID == "" || p.Source == "" || !p.Channel.Valid() || len(p.Text) > l.TextBytes || strings.TrimSpace(p.Text) == "" {
				t.Fatalf("yielded %+v", p)
			}
			seen[p.ExternalID] = true
			return nil
		})
		var ce *chaperone.Error
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("error %v (%T) is not a *chaperone.Error", err, err)
		}
	})
}

func TestBudgetReaderCountsInflatedBytes(t *testing.T) {
	total := int64(3 << 20)
	br := &budgetReader{r: bytes.NewReader(make([]byte, 2<<20)), left: 1 << 20, limit: 1 << 20, total: &total, tlim: 3 << 20, name: "data/tweets.js"}
	n, err := io.Copy(io.Discard, br)
	if chaperone.CodeOf(err) != chaperone.ErrTooLarge || n > 1<<20+64<<10 {
		t.Fatalf("read %d bytes, err %v", n, err)
	}
}
