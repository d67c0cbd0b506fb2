package monitor

import (
	"context"
	"encoding/json"
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

// Fixtures shaped like the lexicons' outputs (docs.bsky.app):
// app.bsky.feed.getAuthorFeed's feedViewPost, com.atproto.server.createSession,
// com.atproto.repo.uploadBlob, createRecord and getRecord.
const bDID = "did:plc:raekim7ulhn3kz2hsh3phrwv"

func bPostJSON(did, handle, rkey, created, text, extra string) string {
	return fmt.Sprintf(`{
      "uri": "at://%s/app.bsky.feed.post/%s",
      "cid": "bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgf5kpqcsgz7soqcyy",
      "author": {"did": %q, "handle": %q, "displayName": "Dr Rae Kim", "avatar": "https://cdn.bsky.app/img/avatar/plain/%s/bafkreia@jpeg", "associated": {"chat": {"allowIncoming": "following"}}, "labels": [], "createdAt": "2023-04-28T18:20:00.000Z"},
      "record": {"$type": "app.bsky.feed.post", "createdAt": %q, "langs": ["en"], "text": %q%s},
      "replyCount": 0, "repostCount": 1, "likeCount": 4, "quoteCount": 0,
      "indexedAt": %q,
      "viewer": {"threadMuted": false, "embeddingDisabled": false},
      "labels": []
    }`, did, rkey, did, handle, did, created, text, extra, created)
}

type fakeBluesky struct {
	mu          sync.Mutex
	records     map[string]json.RawMessage // rkey → record
	creates     int
	lagGets     int // getRecord answers RecordNotFound this many times first
	gets        int
	lastCreate  map[string]any
	sessions    int
	blobs       int
	authorPages int
}

func (f *fakeBluesky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	auth := r.Header.Get("Authorization") == "Bearer eyJhbGciOiJFUzI1NksifQ.access"
	switch r.URL.Path {
	case "/xrpc/app.bsky.feed.getAuthorFeed":
		f.authorPages++
		q := r.URL.Query()
		if q.Get("actor") != "raekim.bsky.social" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"InvalidRequest","message":"Profile not found"}`)
			return
		}
		if q.Get("cursor") == "" {
			io.WriteString(w, `{"feed": [
  {"post": `+bPostJSON(bDID, "raekim.bsky.social", "3l6oveex3ii2l", "2024-10-16T18:00:00.000Z", "Vaccines save lives. Clinic open late Thursday.", "")+`},
  {"post": `+bPostJSON("did:plc:someoneelse", "other.bsky.social", "3l6ov2aaaaa2l", "2024-10-15T18:00:00.000Z", "Someone else's words", "")+`,
   "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": {"did": "`+bDID+`", "handle": "raekim.bsky.social"}, "indexedAt": "2024-10-15T19:00:00.000Z"}},
  {"post": `+bPostJSON(bDID, "raekim.bsky.social", "3l6ouzzzzzz2l", "2024-10-14T18:00:00.000Z", "@doc.bsky.social agreed",
				`, "reply": {"root": {"uri": "at://did:plc:docdocdoc/app.bsky.feed.post/3l6oaaaaaaa2l", "cid": "bafyreiroot"}, "parent": {"uri": "at://did:plc:docdocdoc/app.bsky.feed.post/3l6oaaaaaaa2l", "cid": "bafyreiroot"}}`)+`}
], "cursor": "2024-10-14T18:00:00.000Z"}`)
			return
		}
		io.WriteString(w, `{"feed": [
  {"post": `+bPostJSON(bDID, "raekim.bsky.social", "3l6ouyyyyyy2l", "2024-10-13T18:00:00.000Z", "New clinic wing",
			`, "embed": {"$type": "app.bsky.embed.images", "images": [{"alt": "Ribbon cutting, staff only", "image": {"$type": "blob", "ref": {"$link": "bafkreig"}, "mimeType": "image/jpeg", "size": 123456}, "aspectRatio": {"width": 4, "height": 3}}]}`)+`}
]}`)
	case "/xrpc/app.bsky.feed.getPosts":
		io.WriteString(w, `{"posts": [`+bPostJSON("did:plc:docdocdoc", "doc.bsky.social", "3l6obbbbbbb2l", "2024-10-12T18:00:00.000Z", "a reply in a thread",
			`, "reply": {"root": {"uri": "at://did:plc:docdocdoc/app.bsky.feed.post/3l6oaaaaaaa2l", "cid": "bafyreiroot"}, "parent": {"uri": "at://did:plc:docdocdoc/app.bsky.feed.post/3l6oaaaaaaa2l", "cid": "bafyreiroot"}}`)+`]}`)
	case "/xrpc/com.atproto.server.createSession":
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		f.sessions++
		if in["identifier"] != "raekim.bsky.social" || in["password"] != "abcd-efgh-ijkl-mnop" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"AuthenticationRequired","message":"Invalid identifier or password"}`)
			return
		}
		io.WriteString(w, `{"did": "`+bDID+`", "didDoc": {}, "handle": "raekim.bsky.social", "email": "rae@example.org", "emailConfirmed": true, "emailAuthFactor": false,
  "accessJwt": "eyJhbGciOiJFUzI1NksifQ.access", "refreshJwt": "eyJhbGciOiJFUzI1NksifQ.refresh", "active": true}`)
	case "/xrpc/com.atproto.repo.uploadBlob":
		if !auth {
			w.WriteHeader(401)
			return
		}
		f.blobs++
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, `{"blob": {"$type": "blob", "ref": {"$link": "bafkreibabalobzn6cd366ukcsjycp4yymjymgfxcv6xczmlgpemzkz3cfa"}, "mimeType": %q, "size": %d}}`, r.Header.Get("Content-Type"), len(body))
	case "/xrpc/com.atproto.repo.createRecord":
		if !auth {
			w.WriteHeader(401)
			return
		}
		var in struct {
			Repo, Collection, Rkey string
			Record                 json.RawMessage
		}
		json.NewDecoder(r.Body).Decode(&in)
		json.Unmarshal(in.Record, &f.lastCreate)
		if in.Repo != bDID || in.Collection != "app.bsky.feed.post" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"InvalidRequest","message":"bad repo"}`)
			return
		}
		if _, ok := f.records[in.Rkey]; ok {
			// What a PDS answers today for a key already taken.
			w.WriteHeader(500)
			io.WriteString(w, `{"error":"InternalServerError","message":"Internal Server Error"}`)
			return
		}
		f.creates++
		f.records[in.Rkey] = in.Record
		// The record is written, the answer lost.
		w.WriteHeader(503)
		io.WriteString(w, `PATIENTSECRET`)
	case "/xrpc/com.atproto.repo.getRecord":
		q := r.URL.Query()
		f.gets++
		rec, ok := f.records[q.Get("rkey")]
		if !ok || f.gets <= f.lagGets {
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":"RecordNotFound","message":"Could not locate record: at://%s/%s/%s"}`, q.Get("repo"), q.Get("collection"), q.Get("rkey"))
			return
		}
		fmt.Fprintf(w, `{"uri": "at://%s/app.bsky.feed.post/%s", "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm", "value": %s}`, bDID, q.Get("rkey"), rec)
	default:
		w.WriteHeader(404)
		io.WriteString(w, `{"error":"MethodNotImplemented","message":"Method Not Implemented"}`)
	}
}

func TestBlueskyReadAuthorFeed(t *testing.T) {
	fake := &fakeBluesky{records: map[string]json.RawMessage{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	b := &Bluesky{Fetcher: loopbackFetcher(t, FetchConfig{}), AppView: srv.URL, Retry: Retry{Base: time.Millisecond}}
	var posts []chaperone.Post
	n, err := b.ReadAuthorFeed(context.Background(), "@raekim.bsky.social", ReadOptions{}, func(p chaperone.Post) error { posts = append(posts, p); return nil })
	if err != nil || n != 3 || fake.authorPages != 2 {
		t.Fatalf("n %d pages %d err %v", n, fake.authorPages, err)
	}
	want := []chaperone.Post{
		{Source: "bluesky", ExternalID: "at://" + bDID + "/app.bsky.feed.post/3l6oveex3ii2l", URL: "https://bsky.app/profile/raekim.bsky.social/post/3l6oveex3ii2l",
			Account: "raekim.bsky.social", At: time.Date(2024, 10, 16, 18, 0, 0, 0, time.UTC), Text: "Vaccines save lives. Clinic open late Thursday.", Channel: chaperone.ChannelPost},
		{Source: "bluesky", ExternalID: "at://" + bDID + "/app.bsky.feed.post/3l6ouzzzzzz2l", URL: "https://bsky.app/profile/raekim.bsky.social/post/3l6ouzzzzzz2l",
			Account: "raekim.bsky.social", At: time.Date(2024, 10, 14, 18, 0, 0, 0, time.UTC), Text: "@doc.bsky.social agreed", Channel: chaperone.ChannelReply,
			InReplyTo: "at://did:plc:docdocdoc/app.bsky.feed.post/3l6oaaaaaaa2l"},
		{Source: "bluesky", ExternalID: "at://" + bDID + "/app.bsky.feed.post/3l6ouyyyyyy2l", URL: "https://bsky.app/profile/raekim.bsky.social/post/3l6ouyyyyyy2l",
			Account: "raekim.bsky.social", At: time.Date(2024, 10, 13, 18, 0, 0, 0, time.UTC), Text: "New clinic wing\n\nRibbon cutting, staff only", Channel: chaperone.ChannelPost},
	}
	for i := range want {
		if posts[i] != want[i] {
			t.Errorf("post %d:\n got %+v\nwant %+v", i, posts[i], want[i])
		}
	}
	if _, err := b.ReadAuthorFeed(context.Background(), "nobody.example", ReadOptions{}, func(chaperone.Post) error { return nil }); chaperone.CodeOf(err) != chaperone.ErrInvalid || !strings.Contains(err.Error(), "answered 400 InvalidRequest") {
		t.Fatalf("unknown actor: %v", err)
	}
	n, _ = b.ReadAuthorFeed(context.Background(), "raekim.bsky.social", ReadOptions{MaxPosts: 1}, func(chaperone.Post) error { return nil })
	if n != 1 {
		t.Fatalf("MaxPosts: %d", n)
	}
}

func TestBlueskyPublish(t *testing.T) {
	fake := &fakeBluesky{records: map[string]json.RawMessage{}, lagGets: 2}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	b := &Bluesky{Fetcher: loopbackFetcher(t, FetchConfig{}), AppView: srv.URL, Retry: Retry{Base: time.Millisecond},
		now: func() time.Time { return time.Date(2024, 11, 1, 9, 30, 0, 123e6, time.UTC) },
		Credentials: func(_ context.Context, pub chaperone.Publication) (BlueskyCredentials, error) {
			handle := pub.Handle
			return BlueskyCredentials{PDS: srv.URL, Identifier: handle, AppPassword: "abcd-efgh-ijkl-mnop"}, nil
		}}
	var _ chaperone.Connector = b
	pub := chaperone.Publication{DraftID: 9, IdempotencyKey: "chaperone-draft-9-v1", Platform: "bluesky", Handle: "raekim.bsky.social", Text: "Clinic open late Thursday",
		InReplyTo: "https://bsky.app/profile/doc.bsky.social/post/3l6obbbbbbb2l", Media: []chaperone.Media{{ContentType: "image/png", Data: []byte("\x89PNG fake")}}}
	got, err := b.Publish(context.Background(), pub)
	if err != nil {
		t.Fatal(err)
	}
	rkey := RecordKey(pub.IdempotencyKey)
	want := chaperone.Published{URL: "https://bsky.app/profile/raekim.bsky.social/post/" + rkey, At: time.Date(2024, 11, 1, 9, 30, 0, 123e6, time.UTC)}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	// The first write landed but its answer was lost; the retry's write
	// was refused as the key was taken, and the record was read back.
	if fake.creates != 1 || len(fake.records) != 1 {
		t.Fatalf("%d records created, want 1", fake.creates)
	}
	rec := fake.lastCreate
	embed, _ := rec["embed"].(map[string]any)
	reply, _ := rec["reply"].(map[string]any)
	if rec["$type"] != "app.bsky.feed.post" || rec["text"] != pub.Text || rec["createdAt"] != "2024-11-01T09:30:00.123Z" ||
		embed["$type"] != "app.bsky.embed.images" || reply == nil {
		t.Fatalf("record %v", rec)
	}
	if root := reply["root"].(map[string]any); root["uri"] != "at://did:plc:docdocdoc/app.bsky.feed.post/3l6oaaaaaaa2l" || root["cid"] != "bafyreiroot" {
		t.Fatalf("reply root %v", root)
	}
	if parent := reply["parent"].(map[string]any); parent["uri"] != "at://did:plc:docdocdoc/app.bsky.feed.post/3l6obbbbbbb2l" {
		t.Fatalf("reply parent %v", parent)
	}
	img := embed["images"].([]any)[0].(map[string]any)["image"].(map[string]any)
	if img["$type"] != "blob" || img["mimeType"] != "image/png" {
		t.Fatalf("image %v", img)
	}
	// Publishing again finds the post and writes nothing.
	again, err := b.Publish(context.Background(), pub)
	if err != nil || again.URL != want.URL || fake.creates != 1 {
		t.Fatalf("again: %+v %v creates %d", again, err, fake.creates)
	}
	// A wrong app password is refused without retries or quoting.
	b.Credentials = func(context.Context, chaperone.Publication) (BlueskyCredentials, error) {
		return BlueskyCredentials{PDS: srv.URL, Identifier: "raekim.bsky.social", AppPassword: "wrong"}, nil
	}
	before := fake.sessions
	_, err = b.Publish(context.Background(), chaperone.Publication{IdempotencyKey: "k", Text: "x"})
	if chaperone.CodeOf(err) != chaperone.ErrUnauthenticated || fake.sessions != before+1 || strings.Contains(err.Error(), "Invalid identifier") {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := b.Publish(context.Background(), chaperone.Publication{IdempotencyKey: "k", Text: "x", Media: []chaperone.Media{{ContentType: "image/png", Data: make([]byte, 1_000_001)}}}); chaperone.CodeOf(err) != chaperone.ErrTooLarge {
		t.Fatalf("big picture: %v", err)
	}
}

func TestRecordKey(t *testing.T) {
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	seen := map[string]bool{}
	for i := range 1000 {
		k := RecordKey(fmt.Sprintf("chaperone-draft-%d-v1", i))
		if len(k) != 13 || !strings.ContainsRune("234567abcdefghij", rune(k[0])) || strings.Trim(k, alphabet) != "" {
			t.Fatalf("RecordKey = %q is not a TID", k)
		}
		if k != RecordKey(fmt.Sprintf("chaperone-draft-%d-v1", i)) || seen[k] {
			t.Fatalf("RecordKey %q not deterministic or repeated", k)
		}
		seen[k] = true
		var v uint64
		for _, c := range k {
			v = v<<5 | uint64(strings.IndexRune(alphabet, c))
		}
		at := time.UnixMicro(int64(v >> 10)).UTC()
		if at.Year() != 2023 {
			t.Fatalf("RecordKey %q's time %v is not in 2023", k, at)
		}
	}
}
