package monitor

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chaperone-project/chaperone"
)

// BlueskyCredentials are what posting as one Bluesky account takes.
type BlueskyCredentials struct {
	PDS         string // the account's server, "https://bsky.social" for most
	Identifier  string // the handle or DID
	AppPassword string // an app password, never the account's password
}

// Bluesky reads Bluesky author feeds (ReadAuthorFeed) and, as a
// chaperone.Connector, posts approved drafts (Publish). The service holds
// one, with Credentials looking up an account's server and app password;
// the watch job calls ReadAuthorFeed. All requests go through Fetcher.
type Bluesky struct {
	Fetcher *Fetcher
	// AppView answers public reads (getAuthorFeed, getPosts); default
	// https://public.api.bsky.app.
	AppView string
	// Credentials returns the server and app password of the social
	// account a publication goes to (chaperone.Publication.AccountID and
	// Handle); Publish needs it.
	Credentials func(ctx context.Context, p chaperone.Publication) (BlueskyCredentials, error)
	Retry       Retry
	now         func() time.Time
}

// Collection of posts.
const bskyPost = "app.bsky.feed.post"

// bRecord is an app.bsky.feed.post record, the fields read.
type bRecord struct {
	Text      string `json:"text"`
	CreatedAt string `json:"createdAt"`
	Reply     *struct {
		Root   bRef `json:"root"`
		Parent bRef `json:"parent"`
	} `json:"reply"`
	Embed *struct {
		Images []struct {
			Alt string `json:"alt"`
		} `json:"images"`
	} `json:"embed"`
}

// bRef is com.atproto.repo.strongRef.
type bRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

// bPostView is app.bsky.feed.defs#postView, the fields read.
type bPostView struct {
	URI    string `json:"uri"`
	CID    string `json:"cid"`
	Author struct {
		DID    string `json:"did"`
		Handle string `json:"handle"`
	} `json:"author"`
	Record bRecord `json:"record"`
}

// Platform is "bluesky", the platform name of social accounts.
func (b *Bluesky) Platform() string { return "bluesky" }

func (b *Bluesky) appView() (string, error) {
	if b.AppView == "" {
		return "https://public.api.bsky.app", nil
	}
	return baseURL(b.AppView)
}

// ReadAuthorFeed reads actor's posts (a handle or DID), newest first,
// through the AppView's app.bsky.feed.getAuthorFeed (paged by cursor,
// replies included, reposts and pins left out), and hands each to fn as a
// chaperone.Post of Source chaperone.SourceBluesky: ExternalID the post's
// at:// URI, URL its bsky.app address, Text the record's text and its
// pictures' alt texts. It returns how many posts fn was given; an error
// from fn stops it and is returned as is.
func (b *Bluesky) ReadAuthorFeed(ctx context.Context, actor string, opts ReadOptions, fn func(chaperone.Post) error) (int, error) {
	base, err := b.appView()
	if err != nil {
		return 0, err
	}
	actor = strings.TrimPrefix(strings.TrimSpace(actor), "@")
	if actor == "" || len(actor) > 300 || strings.ContainsAny(actor, "/?# ") {
		return 0, errf(chaperone.ErrInvalid, "a Bluesky account is a handle such as rae.bsky.social or a DID")
	}
	pages := opts.MaxPages
	if pages <= 0 {
		pages = 100
	}
	n, cursor := 0, ""
	for page := 0; page < pages; page++ {
		q := url.Values{"actor": {actor}, "limit": {"100"}, "filter": {"posts_with_replies"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/xrpc/app.bsky.feed.getAuthorFeed?"+q.Encode(), nil)
		var out struct {
			Cursor string `json:"cursor"`
			Feed   []struct {
				Post   bPostView `json:"post"`
				Reason *struct {
					Type string `json:"$type"`
				} `json:"reason"`
			} `json:"feed"`
		}
		if err := b.Retry.run(ctx, func() error { _, err := call(b.Fetcher, req, "reading the Bluesky feed", &out); return err }); err != nil {
			return n, err
		}
		for _, it := range out.Feed {
			if it.Reason != nil {
				continue // a repost of someone's post, or a pinned post shown again
			}
			p, ok := it.Post.post()
			if !ok {
				continue
			}
			if done, err := opts.hand(p, fn, &n); done {
				return n, err
			}
		}
		if out.Cursor == "" || out.Cursor == cursor || len(out.Feed) == 0 {
			return n, nil
		}
		cursor = out.Cursor
	}
	return n, nil
}

// atURI splits at://authority/collection/rkey.
func atURI(s string) (authority, collection, rkey string, ok bool) {
	rest, found := strings.CutPrefix(s, "at://")
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// postURL is a post's address on bsky.app.
func postURL(handle, rkey string) string {
	return "https://bsky.app/profile/" + url.PathEscape(handle) + "/post/" + url.PathEscape(rkey)
}

// post turns a post view into a Post; ok is false for what is no post.
func (v *bPostView) post() (chaperone.Post, bool) {
	did, coll, rkey, ok := atURI(v.URI)
	if !ok || coll != bskyPost {
		return chaperone.Post{}, false
	}
	handle := v.Author.Handle
	if handle == "" || handle == "handle.invalid" {
		handle = did
	}
	at, err := time.Parse(time.RFC3339Nano, v.Record.CreatedAt)
	if err != nil {
		return chaperone.Post{}, false
	}
	const limit = 256 << 10
	parts := []string{strings.TrimSpace(v.Record.Text)}
	if v.Record.Embed != nil {
		for _, im := range v.Record.Embed.Images {
			if a := strings.TrimSpace(im.Alt); a != "" {
				parts = append(parts, a)
			}
		}
	}
	p := chaperone.Post{Source: chaperone.SourceBluesky, ExternalID: v.URI, URL: postURL(handle, rkey), Account: handle,
		At: at.UTC(), Text: trimTo(strings.TrimSpace(strings.Join(parts, "\n\n")), limit), Channel: chaperone.ChannelPost}
	if r := v.Record.Reply; r != nil && r.Parent.URI != "" {
		p.InReplyTo = r.Parent.URI
		if pd, _, _, ok := atURI(r.Parent.URI); !ok || pd != did {
			p.Channel = chaperone.ChannelReply
		}
	}
	return p, true
}

// RecordKey is the record key Publish gives the post of an idempotency
// key: a TID (13 characters of base32-sortable) made from the key's
// SHA-256, its time part within 2023, so that every attempt to publish one
// draft version writes the same record and a second write is refused.
func RecordKey(idempotencyKey string) string {
	h := sha256.Sum256([]byte(idempotencyKey))
	v := binary.BigEndian.Uint64(h[:8])
	const start = 1672531200_000000             // 2023-01-01T00:00:00Z, in µs
	micros := start + (v>>10)%(365*24*3600*1e6) // within 2023
	tid := uint64(micros)<<10 | v&0x3FF
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	var out [13]byte
	for i := 12; i >= 0; i-- {
		out[i] = alphabet[tid&31]
		tid >>= 5
	}
	return string(out[:])
}

// session is the answer of com.atproto.server.createSession.
type session struct {
	AccessJwt string `json:"accessJwt"`
	DID       string `json:"did"`
	Handle    string `json:"handle"`
}

// Publish posts p to the Bluesky account p.Handle: it signs in with
// com.atproto.server.createSession (identifier and app password), uploads
// the pictures with com.atproto.repo.uploadBlob into an
// app.bsky.embed.images embed, and writes the post with
// com.atproto.repo.createRecord under the record key RecordKey(p.IdempotencyKey).
// When a write fails (a network error, a 5xx, or the refusal of a record
// key already taken) it reads the record with com.atproto.repo.getRecord:
// if it is there, an earlier attempt posted it and Publish returns it, so
// a retry never posts twice. p.InReplyTo, if set, is the at:// URI or
// bsky.app address of the post answered. It returns the post's bsky.app
// address and its createdAt.
func (b *Bluesky) Publish(ctx context.Context, p chaperone.Publication) (chaperone.Published, error) {
	if p.IdempotencyKey == "" {
		return chaperone.Published{}, errf(chaperone.ErrInvalid, "publishing to Bluesky needs an idempotency key")
	}
	if b.Credentials == nil {
		return chaperone.Published{}, errf(chaperone.ErrInvalid, "no Bluesky credentials are set up")
	}
	if len(p.Media) > 4 {
		return chaperone.Published{}, errf(chaperone.ErrInvalid, "Bluesky takes at most 4 pictures a post, not %d", len(p.Media))
	}
	for i, md := range p.Media {
		if err := checkBlueskyImage(i, md); err != nil {
			return chaperone.Published{}, err
		}
	}
	cr, err := b.Credentials(ctx, p)
	if err != nil {
		return chaperone.Published{}, err
	}
	pds, err := baseURL(cr.PDS)
	if err != nil {
		return chaperone.Published{}, err
	}
	var s session
	err = b.Retry.run(ctx, func() error {
		return b.postJSON(ctx, pds+"/xrpc/com.atproto.server.createSession", "", map[string]string{"identifier": cr.Identifier, "password": cr.AppPassword}, "signing in to Bluesky", &s)
	})
	if err != nil {
		return chaperone.Published{}, err
	}
	if s.AccessJwt == "" || !strings.HasPrefix(s.DID, "did:") {
		return chaperone.Published{}, errf(chaperone.ErrUnavailable, "signing in to Bluesky: %s answered without a session", mustHost(pds))
	}
	if s.Handle == "" {
		s.Handle = s.DID
	}
	rkey := RecordKey(p.IdempotencyKey)
	// An earlier attempt may have posted already.
	if pub, found, err := b.existing(ctx, pds, s, rkey); err != nil || found {
		return pub, err
	}
	now := time.Now
	if b.now != nil {
		now = b.now
	}
	record := map[string]any{"$type": bskyPost, "text": p.Text, "createdAt": now().UTC().Format("2006-01-02T15:04:05.000Z")}
	if p.InReplyTo != "" {
		reply, err := b.replyRef(ctx, p.InReplyTo)
		if err != nil {
			return chaperone.Published{}, err
		}
		record["reply"] = reply
	}
	if len(p.Media) > 0 {
		var images []map[string]any
		for i, md := range p.Media {
			blob, err := b.uploadBlob(ctx, pds, s, i, md)
			if err != nil {
				return chaperone.Published{}, err
			}
			images = append(images, map[string]any{"alt": "", "image": blob})
		}
		record["embed"] = map[string]any{"$type": "app.bsky.embed.images", "images": images}
	}
	in := map[string]any{"repo": s.DID, "collection": bskyPost, "rkey": rkey, "record": record}
	var created struct {
		URI string `json:"uri"`
		CID string `json:"cid"`
	}
	var found chaperone.Published
	err = b.Retry.run(ctx, func() error {
		err := b.postJSON(ctx, pds+"/xrpc/com.atproto.repo.createRecord", s.AccessJwt, in, "posting to Bluesky", &created)
		if err == nil {
			return nil
		}
		var ce *callError
		if errors.As(err, &ce) && (ce.status == 401 || ce.status == 403) {
			return err
		}
		// The write may have landed (its answer lost), or the key be taken
		// by an earlier attempt: look before trying again.
		pub, ok, gerr := b.existing(ctx, pds, s, rkey)
		if gerr == nil && ok {
			found = pub
			return nil
		}
		return err // retried only when it may pass (see Retry)
	})
	if err != nil {
		return chaperone.Published{}, err
	}
	if found.URL != "" {
		return found, nil
	}
	_, _, rk, ok := atURI(created.URI)
	if !ok {
		rk = rkey
	}
	at, _ := time.Parse(time.RFC3339Nano, record["createdAt"].(string))
	return chaperone.Published{URL: postURL(s.Handle, rk), At: at}, nil
}

// existing reads the post at rkey; found is false when there is none.
func (b *Bluesky) existing(ctx context.Context, pds string, s session, rkey string) (chaperone.Published, bool, error) {
	q := url.Values{"repo": {s.DID}, "collection": {bskyPost}, "rkey": {rkey}}
	var out struct {
		URI   string  `json:"uri"`
		Value bRecord `json:"value"`
	}
	err := b.Retry.run(ctx, func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, pds+"/xrpc/com.atproto.repo.getRecord?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+s.AccessJwt)
		_, err := call(b.Fetcher, req, "reading the Bluesky post", &out)
		return err
	})
	if err != nil {
		var ce *chaperone.Error
		if errors.As(err, &ce) && (ce.Code == chaperone.ErrNotFound || ce.Code == chaperone.ErrInvalid && strings.Contains(ce.Msg, "RecordNotFound")) {
			return chaperone.Published{}, false, nil
		}
		return chaperone.Published{}, false, err
	}
	at, _ := time.Parse(time.RFC3339Nano, out.Value.CreatedAt)
	return chaperone.Published{URL: postURL(s.Handle, rkey), At: at.UTC()}, true, nil
}

// replyRef builds a reply's root and parent from the answered post,
// read through the AppView's app.bsky.feed.getPosts.
func (b *Bluesky) replyRef(ctx context.Context, target string) (map[string]bRef, error) {
	uri := target
	if rest, ok := strings.CutPrefix(target, "https://bsky.app/profile/"); ok {
		if who, rk, ok := strings.Cut(rest, "/post/"); ok && who != "" && rk != "" && !strings.ContainsAny(rk, "/?#") {
			uri = "at://" + who + "/" + bskyPost + "/" + rk
		}
	}
	if _, coll, _, ok := atURI(uri); !ok || coll != bskyPost {
		return nil, errf(chaperone.ErrInvalid, "a Bluesky reply needs the at:// URI or bsky.app address of the post answered")
	}
	base, err := b.appView()
	if err != nil {
		return nil, err
	}
	var out struct {
		Posts []bPostView `json:"posts"`
	}
	err = b.Retry.run(ctx, func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/xrpc/app.bsky.feed.getPosts?"+url.Values{"uris": {uri}}.Encode(), nil)
		_, err := call(b.Fetcher, req, "reading the post answered on Bluesky", &out)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out.Posts) == 0 || out.Posts[0].CID == "" {
		return nil, errf(chaperone.ErrNotFound, "the Bluesky post answered is not there (deleted?)")
	}
	parent := bRef{URI: out.Posts[0].URI, CID: out.Posts[0].CID}
	root := parent
	if r := out.Posts[0].Record.Reply; r != nil && r.Root.URI != "" && r.Root.CID != "" {
		root = r.Root
	}
	return map[string]bRef{"root": root, "parent": parent}, nil
}

// uploadBlob sends one picture and returns its blob reference.
func (b *Bluesky) uploadBlob(ctx context.Context, pds string, s session, i int, md chaperone.Media) (json.RawMessage, error) {
	if err := checkBlueskyImage(i, md); err != nil {
		return nil, err
	}
	var out struct {
		Blob json.RawMessage `json:"blob"`
	}
	err := b.Retry.run(ctx, func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, pds+"/xrpc/com.atproto.repo.uploadBlob", bytes.NewReader(md.Data))
		req.Header.Set("Content-Type", md.ContentType)
		req.Header.Set("Authorization", "Bearer "+s.AccessJwt)
		_, err := call(b.Fetcher, req, "uploading a picture to Bluesky", &out)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out.Blob) == 0 || out.Blob[0] != '{' {
		return nil, errf(chaperone.ErrUnavailable, "uploading a picture to Bluesky: %s answered without a blob", mustHost(pds))
	}
	return out.Blob, nil
}

// checkBlueskyImage refuses a picture app.bsky.embed.images does not take.
func checkBlueskyImage(i int, md chaperone.Media) error {
	switch md.ContentType {
	case "image/jpeg", "image/png", "image/webp", "image/gif":
	default:
		return errf(chaperone.ErrInvalid, "picture %d: Bluesky takes JPEG, PNG, WebP or GIF, not %q", i+1, md.ContentType)
	}
	if len(md.Data) > 1_000_000 {
		return errf(chaperone.ErrTooLarge, "picture %d is larger than Bluesky's 1,000,000 bytes", i+1)
	}
	return nil
}

// postJSON posts in as JSON to an XRPC procedure.
func (b *Bluesky) postJSON(ctx context.Context, u, token string, in any, what string, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	_, err = call(b.Fetcher, req, what, out)
	return err
}
