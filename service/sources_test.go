package service

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/monitor"
)

// watchServer is a local stand-in for a clinic blog's RSS feed and a
// Mastodon server, answering in the documented shapes.
func watchServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor blog</title><link>https://harbor.example/</link>
<item><guid>post-1</guid><link>https://harbor.example/1</link><pubDate>Mon, 06 Jan 2025 09:00:00 +0000</pubDate><title>Flu season</title><description>Get your flu shot this week.</description></item>
<item><guid>post-2</guid><link>https://harbor.example/2</link><pubDate>Tue, 07 Jan 2025 09:00:00 +0000</pubDate><title>A good day</title><description>Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913.</description></item>
</channel></rss>`)
	})
	mux.HandleFunc("GET /api/v1/accounts/lookup", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("acct") != "druiz" {
			http.Error(w, `{"error":"Record not found"}`, 404)
			return
		}
		fmt.Fprint(w, `{"id":"109","username":"druiz","acct":"druiz","display_name":"Dr. Ana Ruiz","url":"https://med.social/@druiz"}`)
	})
	mux.HandleFunc("GET /api/v1/accounts/109/statuses", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("max_id") != "" {
			fmt.Fprint(w, `[]`)
			return
		}
		acct := `{"id":"109","username":"druiz","acct":"druiz","url":"https://med.social/@druiz"}`
		fmt.Fprintf(w, `[{"id":"2","uri":"https://med.social/users/druiz/statuses/2","url":"https://med.social/@druiz/2","created_at":"2025-02-02T10:00:00.000Z","content":"<p>Saw Walter Pruitt (DOB 3/14/1931) in clinic today!</p>","spoiler_text":"","in_reply_to_id":null,"reblog":null,"account":%s,"media_attachments":[]},
{"id":"1","uri":"https://med.social/users/druiz/statuses/1","url":"https://med.social/@druiz/1","created_at":"2025-02-01T10:00:00.000Z","content":"<p>Hydrate!</p>","spoiler_text":"","in_reply_to_id":null,"reblog":null,"account":%s,"media_attachments":[]}]`, acct, acct)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSourcesPolled(t *testing.T) {
	srv := watchServer(t)
	fetcher, err := monitor.NewFetcher(monitor.FetchConfig{Allow: []string{"127.0.0.1/32"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Fetcher: fetcher, MastodonURL: func(string) string { return srv.URL }}
	backendsWith(t, cfg, func(t *testing.T, w *world) {
		ctx := context.Background()
		feed := must[chaperone.Source](t)(w.svc.AddSource(ctx, w.clinician, 0, chaperone.SourceFeed, srv.URL+"/feed.xml"))
		masto := must[chaperone.Source](t)(w.svc.AddSource(ctx, w.clinician, 0, chaperone.SourceMastodon, "@druiz@med.social"))
		for _, bad := range []struct{ kind, target string }{
			{chaperone.SourceFeed, "ftp://example.org/feed"}, {chaperone.SourceMastodon, "druiz"},
			{chaperone.SourceBluesky, "not a handle"}, {"myspace", "x"},
		} {
			_, err := w.svc.AddSource(ctx, w.clinician, 0, bad.kind, bad.target)
			wantCode(t, err, chaperone.ErrInvalid)
		}
		_, err := w.svc.AddSource(ctx, w.clinician, 0, chaperone.SourceFeed, srv.URL+"/feed.xml")
		wantCode(t, err, chaperone.ErrConflict)
		_, err = w.svc.AddSource(ctx, w.clinician2, w.clinician.ID, chaperone.SourceFeed, srv.URL+"/other.xml")
		wantCode(t, err, chaperone.ErrForbidden)

		polled, added, err := w.svc.PollDue(ctx, time.Hour, 10)
		if err != nil || polled != 2 || added != 4 {
			t.Fatalf("poll: %d polled, %d added, %v", polled, added, err)
		}
		open := must[[]chaperone.PublishedPost](t)(w.svc.PublishedPosts(ctx, w.clinician, PostFilter{Status: chaperone.PostOpen}))
		if len(open) != 2 {
			t.Fatalf("open tasks: %+v", open)
		}
		for _, p := range open {
			if p.URL == "" || p.At.IsZero() || (p.Source != chaperone.SourceFeed && p.Source != chaperone.SourceMastodon) {
				t.Errorf("post %+v", p)
			}
		}
		// polled again within the hour: nothing is due; a forced poll adds nothing new
		if polled, _, _ := w.svc.PollDue(ctx, time.Hour, 10); polled != 0 {
			t.Errorf("polled %d sources again within the hour", polled)
		}
		res, err := w.svc.PollSource(ctx, masto.ID)
		if err != nil || res.Added != 0 || res.Skipped != 2 {
			t.Fatalf("second poll: %+v %v", res, err)
		}
		srcs := must[[]chaperone.Source](t)(w.svc.Sources(ctx, w.clinician, false))
		if len(srcs) != 2 || srcs[0].PolledAt.IsZero() || srcs[0].LastError != "" || srcs[0].Added != 2 {
			t.Fatalf("sources: %+v", srcs)
		}
		// a source that fails records why, without post text
		broken := must[chaperone.Source](t)(w.svc.AddSource(ctx, w.clinician, 0, chaperone.SourceFeed, srv.URL+"/missing.xml"))
		if _, err := w.svc.PollSource(ctx, broken.ID); err == nil {
			t.Fatal("polling a missing feed worked")
		}
		got, _ := w.st.GetSource(ctx, broken.ID)
		if got.LastError == "" || strings.Contains(got.LastError, "O'Connell") {
			t.Errorf("last error %q", got.LastError)
		}
		// without the allow-list, the local server is refused
		strict, _ := monitor.NewFetcher(monitor.FetchConfig{})
		svc2 := New(w.st, w.svc.Engine(), Config{Fetcher: strict})
		if _, err := svc2.PollSource(ctx, feed.ID); err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("a loopback feed without the allow-list: %v", err)
		}
		if err := w.svc.RemoveSource(ctx, w.clinician2, feed.ID); chaperone.CodeOf(err) != chaperone.ErrNotFound {
			t.Errorf("a colleague removing the source: %v", err)
		}
		if err := w.svc.RemoveSource(ctx, w.clinician, feed.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPublishingCredentials(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		secret, _ := json.Marshal(MastodonSecret{Server: "https://med.social", Token: "tok-123"})
		if err := w.svc.SetCredentials(ctx, w.clinician2, w.proAccount.ID, secret); chaperone.CodeOf(err) != chaperone.ErrNotFound {
			t.Fatalf("another user's account: %v", err)
		}
		if err := w.svc.SetCredentials(ctx, w.clinician, w.proAccount.ID, []byte(`{"server":"med.social"}`)); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Fatalf("incomplete: %v", err)
		}
		if err := w.svc.SetCredentials(ctx, w.clinician, w.personalAccount.ID, secret); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Fatalf("an instagram account: %v", err)
		}
		if err := w.svc.SetCredentials(ctx, w.clinician, w.proAccount.ID, secret); err != nil {
			t.Fatal(err)
		}
		cr, err := w.svc.MastodonCredentials(ctx, chaperone.Publication{AccountID: w.proAccount.ID})
		if err != nil || cr.Token != "tok-123" || cr.Server != "https://med.social" {
			t.Fatalf("credentials: %+v %v", cr, err)
		}
		if _, err := w.svc.MastodonCredentials(ctx, chaperone.Publication{AccountID: w.personalAccount.ID}); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Errorf("no credentials: %v", err)
		}
	})
}

// TestPublishThroughMastodon publishes an approved draft through the
// Mastodon connector with the account's saved credentials: the status is
// posted once with the draft's idempotency key, and the URL the server
// returns is archived.
func TestPublishThroughMastodon(t *testing.T) {
	var posts []string
	var keys []string
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/statuses", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-123" {
			http.Error(w, `{"error":"The access token is invalid"}`, 401)
			return
		}
		r.ParseForm()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		posts = append(posts, r.PostFormValue("status")+r.URL.Query().Get("status"))
		fmt.Fprint(w, `{"id":"77","uri":"https://med.social/users/druiz/statuses/77","url":"https://med.social/@druiz/77","created_at":"2026-11-24T10:00:00.000Z","content":"<p>x</p>","account":{"id":"109","username":"druiz","acct":"druiz"}}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	fetcher, err := monitor.NewFetcher(monitor.FetchConfig{Allow: []string{"127.0.0.1/32"}})
	if err != nil {
		t.Fatal(err)
	}
	var svc *Service
	masto := &monitor.Mastodon{Fetcher: fetcher, Credentials: func(ctx context.Context, p chaperone.Publication) (monitor.MastodonCredentials, error) {
		return svc.MastodonCredentials(ctx, p)
	}}
	backendsWith(t, Config{Fetcher: fetcher, Connectors: []chaperone.Connector{masto}}, func(t *testing.T, w *world) {
		svc = w.svc
		posts, keys = nil, nil
		ctx := context.Background()
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{AccountID: w.proAccount.ID, Text: "Flu shots are in: book at the front desk."}))
		d, _, err := w.svc.Submit(ctx, w.clinician, d.ID)
		if err != nil || d.Status != chaperone.DraftApproved {
			t.Fatalf("submit: %v %s", err, d.Status)
		}
		// no credentials yet: a clear error, nothing posted
		_, err = w.svc.Publish(ctx, w.clinician, d.ID, "")
		if chaperone.CodeOf(err) == "" || len(posts) != 0 {
			t.Fatalf("publish without credentials: %v, %d posts", err, len(posts))
		}
		secret, _ := json.Marshal(MastodonSecret{Server: srv.URL, Token: "tok-123"})
		if err := w.svc.SetCredentials(ctx, w.clinician, w.proAccount.ID, secret); err != nil {
			t.Fatal(err)
		}
		item, err := w.svc.Publish(ctx, w.clinician, d.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if item.PublishedURL != "https://med.social/@druiz/77" || len(posts) != 1 || !strings.Contains(posts[0], "Flu shots") ||
			keys[0] != fmt.Sprintf("chaperone-draft-%d-v1", d.ID) {
			t.Fatalf("published %+v; posts %q keys %q", item, posts, keys)
		}
	})
}
