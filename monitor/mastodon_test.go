package monitor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaperone-project/chaperone"
)

// Fixtures shaped like the Account, Status and MediaAttachment entities
// of docs.joinmastodon.org.
const mAccountJSON = `{
  "id": "109302",
  "username": "raekim",
  "acct": "raekim",
  "display_name": "Dr Rae Kim",
  "locked": false,
  "bot": false,
  "discoverable": true,
  "group": false,
  "created_at": "2022-11-05T00:00:00.000Z",
  "note": "<p>Family physician.</p>",
  "url": "https://med.example/@raekim",
  "avatar": "https://med.example/avatars/original/missing.png",
  "avatar_static": "https://med.example/avatars/original/missing.png",
  "header": "https://med.example/headers/original/missing.png",
  "header_static": "https://med.example/headers/original/missing.png",
  "followers_count": 120,
  "following_count": 80,
  "statuses_count": 3,
  "last_status_at": "2023-12-08",
  "emojis": [],
  "fields": []
}`

func mStatusJSON(host, id, created, content, replyID, replyAcct string, reblog bool, alt string) string {
	q := func(s string) string {
		if s == "" {
			return "null"
		}
		return fmt.Sprintf("%q", s)
	}
	rb := "null"
	if reblog {
		rb = `{"id": "1", "content": "<p>someone else</p>"}`
	}
	media := "[]"
	if alt != "" {
		media = fmt.Sprintf(`[{"id": "22345792", "type": "image", "url": "https://files.med.example/media_attachments/files/022/345/792/original/57859aede991da25.jpeg", "preview_url": "https://files.med.example/x.jpeg", "remote_url": null, "text_url": null, "meta": {}, "description": %q, "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%%M-:IUWGWAt6M}"}]`, alt)
	}
	return fmt.Sprintf(`{
  "id": %q,
  "created_at": %q,
  "in_reply_to_id": %s,
  "in_reply_to_account_id": %s,
  "sensitive": false,
  "spoiler_text": "",
  "visibility": "public",
  "language": "en",
  "uri": "https://med.example/users/raekim/statuses/%s",
  "url": "https://med.example/@raekim/%s",
  "replies_count": 0,
  "reblogs_count": 0,
  "favourites_count": 1,
  "edited_at": null,
  "favourited": false,
  "reblogged": false,
  "muted": false,
  "bookmarked": false,
  "pinned": false,
  "content": %q,
  "filtered": [],
  "reblog": %s,
  "application": {"name": "Web", "website": null},
  "account": %s,
  "media_attachments": %s,
  "mentions": [],
  "tags": [],
  "emojis": [],
  "card": null,
  "poll": null
}`, id, created, q(replyID), q(replyAcct), id, id, content, rb, mAccountJSON, media)
}

// fakeMastodon answers like a Mastodon server; the first POST of each
// Idempotency-Key creates the status and then fails with 503, as if the
// answer had been lost.
type fakeMastodon struct {
	mu       sync.Mutex
	created  map[string]string // idempotency key → status JSON
	posts    int
	attempts int
	keys     []string
	forms    []string
	mediaGet int
}

func (m *fakeMastodon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v1/accounts/lookup":
		if r.URL.Query().Get("acct") != "raekim" {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":"Record not found"}`)
			return
		}
		io.WriteString(w, mAccountJSON)
	case r.Method == "GET" && r.URL.Path == "/api/v1/accounts/109302/statuses":
		if r.URL.Query().Get("exclude_reblogs") != "true" {
			w.WriteHeader(400)
			return
		}
		switch r.URL.Query().Get("max_id") {
		case "":
			io.WriteString(w, "["+mStatusJSON(r.Host, "111000000000000003", "2023-12-08T03:48:33.901Z", `<p>Flu clinic open <a href="https://med.example/tags/flu" class="mention hashtag" rel="tag">#<span>flu</span></a></p><p>All welcome</p>`, "", "", false, "")+
				","+mStatusJSON(r.Host, "111000000000000002", "2023-12-07T10:00:00.000Z", "<p>boost</p>", "", "", true, "")+"]")
		case "111000000000000002":
			io.WriteString(w, "["+mStatusJSON(r.Host, "111000000000000001", "2023-12-06T10:00:00.000Z", `<p><span class="h-card"><a href="https://other.example/@doc" class="u-url mention">@<span>doc</span></a></span> agreed</p>`, "110999", "55", false, "Chest X-ray, no name visible")+"]")
		default:
			io.WriteString(w, "[]")
		}
	case r.Method == "POST" && r.URL.Path == "/api/v2/media":
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"The access token is invalid"}`)
			return
		}
		if f, _, err := r.FormFile("file"); err != nil {
			w.WriteHeader(422)
			return
		} else {
			f.Close()
		}
		w.WriteHeader(202)
		io.WriteString(w, `{"id": "22348641", "type": "image", "url": null, "preview_url": "https://files.med.example/small.jpeg", "remote_url": null, "text_url": null, "meta": {}, "description": null, "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}"}`)
	case r.Method == "GET" && r.URL.Path == "/api/v1/media/22348641":
		m.mediaGet++
		if m.mediaGet == 1 {
			w.WriteHeader(206)
			io.WriteString(w, `{"id": "22348641", "type": "image", "url": null, "preview_url": null, "remote_url": null, "meta": {}, "description": null}`)
			return
		}
		io.WriteString(w, `{"id": "22348641", "type": "image", "url": "https://files.med.example/original.jpeg", "preview_url": null, "remote_url": null, "meta": {}, "description": null}`)
	case r.Method == "POST" && r.URL.Path == "/api/v1/statuses":
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"The access token is invalid"}`)
			return
		}
		m.attempts++
		key := r.Header.Get("Idempotency-Key")
		m.keys = append(m.keys, key)
		r.ParseForm()
		m.forms = append(m.forms, r.PostForm.Encode())
		if st, ok := m.created[key]; ok {
			io.WriteString(w, st)
			return
		}
		m.posts++
		id := fmt.Sprint(112000000000000000 + m.posts)
		m.created[key] = mStatusJSON(r.Host, id, "2024-01-02T03:04:05.678Z", "<p>"+r.PostForm.Get("status")+"</p>", r.PostForm.Get("in_reply_to_id"), "", false, "")
		w.WriteHeader(503)
		io.WriteString(w, "<html>upstream busy, your text was PATIENTSECRET</html>")
	default:
		w.WriteHeader(404)
		io.WriteString(w, `{"error":"Record not found"}`)
	}
}

func TestMastodonReadStatuses(t *testing.T) {
	srv := httptest.NewServer(&fakeMastodon{created: map[string]string{}})
	defer srv.Close()
	m := &Mastodon{Fetcher: loopbackFetcher(t, FetchConfig{}), Retry: Retry{Base: time.Millisecond}}
	var posts []chaperone.Post
	n, err := m.ReadStatuses(context.Background(), srv.URL, "@raekim", ReadOptions{}, func(p chaperone.Post) error { posts = append(posts, p); return nil })
	if err != nil || n != 2 {
		t.Fatalf("n %d err %v", n, err)
	}
	want := []chaperone.Post{
		{Source: "mastodon", ExternalID: "https://med.example/users/raekim/statuses/111000000000000003", URL: "https://med.example/@raekim/111000000000000003",
			Account: "raekim@127.0.0.1", At: time.Date(2023, 12, 8, 3, 48, 33, 901e6, time.UTC), Text: "Flu clinic open #flu\n\nAll welcome", Channel: chaperone.ChannelPost},
		{Source: "mastodon", ExternalID: "https://med.example/users/raekim/statuses/111000000000000001", URL: "https://med.example/@raekim/111000000000000001",
			Account: "raekim@127.0.0.1", At: time.Date(2023, 12, 6, 10, 0, 0, 0, time.UTC), Text: "@doc agreed\n\nChest X-ray, no name visible", Channel: chaperone.ChannelReply, InReplyTo: "110999"},
	}
	for i := range want {
		if posts[i] != want[i] {
			t.Errorf("post %d:\n got %+v\nwant %+v", i, posts[i], want[i])
		}
	}
	// Since stops at older statuses.
	n, err = m.ReadStatuses(context.Background(), srv.URL, "raekim", ReadOptions{Since: time.Date(2023, 12, 7, 0, 0, 0, 0, time.UTC)}, func(chaperone.Post) error { return nil })
	if err != nil || n != 1 {
		t.Fatalf("since: n %d err %v", n, err)
	}
	if _, err := m.ReadStatuses(context.Background(), srv.URL, "nobody", ReadOptions{}, func(chaperone.Post) error { return nil }); chaperone.CodeOf(err) != chaperone.ErrNotFound {
		t.Fatalf("unknown account: %v", err)
	}
	if _, err := m.ReadStatuses(context.Background(), "ftp://x", "raekim", ReadOptions{}, nil); chaperone.CodeOf(err) != chaperone.ErrInvalid {
		t.Fatalf("bad server: %v", err)
	}
}

func TestMastodonPublish(t *testing.T) {
	fake := &fakeMastodon{created: map[string]string{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	m := &Mastodon{Fetcher: loopbackFetcher(t, FetchConfig{}), Retry: Retry{Base: time.Millisecond},
		Credentials: func(_ context.Context, pub chaperone.Publication) (MastodonCredentials, error) {
			handle := pub.Handle
			if handle != "raekim" {
				return MastodonCredentials{}, chaperone.Errorf(chaperone.ErrNotFound, "no such account")
			}
			return MastodonCredentials{Server: srv.URL, Token: "tok"}, nil
		}}
	var _ chaperone.Connector = m
	pub := chaperone.Publication{DraftID: 7, IdempotencyKey: "chaperone-draft-7-v2", Platform: "mastodon", Handle: "raekim", Text: "Flu shots today", InReplyTo: "110999",
		Media: []chaperone.Media{{ContentType: "image/png", Data: []byte("\x89PNG fake"), SHA256: "x"}}}
	got, err := m.Publish(context.Background(), pub)
	if err != nil {
		t.Fatal(err)
	}
	want := chaperone.Published{URL: "https://med.example/@raekim/112000000000000001", At: time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if fake.posts != 1 || fake.attempts != 2 || fake.keys[0] != "chaperone-draft-7-v2" || fake.keys[1] != fake.keys[0] {
		t.Fatalf("posts %d attempts %d keys %v: want one post, two attempts with the same key", fake.posts, fake.attempts, fake.keys)
	}
	if !strings.Contains(fake.forms[0], "media_ids%5B%5D=22348641") || !strings.Contains(fake.forms[0], "in_reply_to_id=110999") || fake.mediaGet != 2 {
		t.Fatalf("form %q, media polled %d times", fake.forms[0], fake.mediaGet)
	}
	// The service publishing again (after a crash) gets the same status.
	again, err := m.Publish(context.Background(), pub)
	if err != nil || again != want || fake.posts != 1 {
		t.Fatalf("again: %+v %v, posts %d", again, err, fake.posts)
	}
	// Failures that do not pass are not retried, and errors hold no body.
	m.Credentials = func(context.Context, chaperone.Publication) (MastodonCredentials, error) {
		return MastodonCredentials{Server: srv.URL, Token: "wrong"}, nil
	}
	before := fake.attempts
	_, err = m.Publish(context.Background(), chaperone.Publication{IdempotencyKey: "k2", Handle: "raekim", Text: "x"})
	if chaperone.CodeOf(err) != chaperone.ErrUnauthenticated || fake.attempts != before || strings.Contains(err.Error(), "invalid") {
		t.Fatalf("bad token: %v", err)
	}
}

func TestMastodonPublishGivesUp(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(503)
		io.WriteString(w, "PATIENTSECRET")
	}))
	defer srv.Close()
	m := &Mastodon{Fetcher: loopbackFetcher(t, FetchConfig{}), Retry: Retry{Attempts: 3, Base: time.Millisecond},
		Credentials: func(context.Context, chaperone.Publication) (MastodonCredentials, error) {
			return MastodonCredentials{Server: srv.URL, Token: "tok"}, nil
		}}
	_, err := m.Publish(context.Background(), chaperone.Publication{IdempotencyKey: "k", Text: "PATIENTSECRET"})
	if chaperone.CodeOf(err) != chaperone.ErrUnavailable || calls != 3 || strings.Contains(err.Error(), "PATIENTSECRET") ||
		!strings.Contains(err.Error(), "posting the status to Mastodon: 127.0.0.1 answered 503") {
		t.Fatalf("calls %d err %v", calls, err)
	}
}
