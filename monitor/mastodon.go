package monitor

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/chaperone-project/chaperone"
)

// MastodonCredentials are what posting as one Mastodon account takes.
type MastodonCredentials struct {
	Server string // the account's server, "https://med.social"
	Token  string // an access token with the write:statuses and write:media scopes
}

// Mastodon reads a Mastodon account's statuses (ReadStatuses) and, as a
// chaperone.Connector, posts approved drafts to it (Publish). The service
// holds one, with Credentials looking up the account's server and token;
// the watch job calls ReadStatuses. All requests go through Fetcher.
type Mastodon struct {
	Fetcher *Fetcher
	// Credentials returns the server and token of the social account a
	// publication goes to (chaperone.Publication.AccountID and Handle);
	// Publish needs it.
	Credentials func(ctx context.Context, p chaperone.Publication) (MastodonCredentials, error)
	Retry       Retry
	Visibility  string // of posted statuses: "public" (default), "unlisted", "private"
	// MediaWait bounds the wait for the server to process an uploaded
	// picture (default 30 s).
	MediaWait time.Duration
}

// mAccount is the Account entity of Mastodon's API, the fields read.
type mAccount struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Acct     string `json:"acct"`
	URL      string `json:"url"`
}

// mStatus is the Status entity of Mastodon's API, the fields read.
type mStatus struct {
	ID                 string    `json:"id"`
	URI                string    `json:"uri"`
	URL                *string   `json:"url"`
	CreatedAt          time.Time `json:"created_at"`
	Content            string    `json:"content"`
	SpoilerText        string    `json:"spoiler_text"`
	InReplyToID        *string   `json:"in_reply_to_id"`
	InReplyToAccountID *string   `json:"in_reply_to_account_id"`
	Reblog             *struct {
		ID string `json:"id"`
	} `json:"reblog"`
	Account          mAccount `json:"account"`
	MediaAttachments []struct {
		Description *string `json:"description"`
	} `json:"media_attachments"`
}

// mMedia is the MediaAttachment entity, the fields read.
type mMedia struct {
	ID  string  `json:"id"`
	URL *string `json:"url"`
}

// Platform is "mastodon", the platform name of social accounts.
func (m *Mastodon) Platform() string { return "mastodon" }

// ReadStatuses reads the public statuses of acct ("rae" or
// "rae@med.social") on server, newest first, through GET
// /api/v1/accounts/lookup and GET /api/v1/accounts/:id/statuses (paged by
// max_id, reblogs excluded), and hands each to fn as a chaperone.Post of
// Source chaperone.SourceMastodon: ExternalID the status's URI, Text its
// content warning, content as plain text and pictures' descriptions. It
// returns how many posts fn was given; an error from fn stops it and is
// returned as is. No token is sent: what it reads is public.
func (m *Mastodon) ReadStatuses(ctx context.Context, server, acct string, opts ReadOptions, fn func(chaperone.Post) error) (int, error) {
	base, err := baseURL(server)
	if err != nil {
		return 0, err
	}
	acct = strings.TrimPrefix(strings.TrimSpace(acct), "@")
	if acct == "" || len(acct) > 300 || strings.ContainsAny(acct, "/?#") {
		return 0, errf(chaperone.ErrInvalid, "a Mastodon account is a name such as rae or rae@med.social")
	}
	host := mustHost(base)
	var a mAccount
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/accounts/lookup?acct="+url.QueryEscape(acct), nil)
	if err := m.Retry.run(ctx, func() error { _, err := call(m.Fetcher, req, "looking up the Mastodon account", &a); return err }); err != nil {
		return 0, err
	}
	if a.ID == "" || strings.ContainsAny(a.ID, "/?#") {
		return 0, errf(chaperone.ErrUnavailable, "looking up the Mastodon account: %s answered without an id", host)
	}
	handle := a.Acct
	if !strings.Contains(handle, "@") {
		handle += "@" + host
	}
	pages := opts.MaxPages
	if pages <= 0 {
		pages = 100
	}
	n, maxID := 0, ""
	for page := 0; page < pages; page++ {
		q := url.Values{"limit": {"40"}, "exclude_reblogs": {"true"}}
		if maxID != "" {
			q.Set("max_id", maxID)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/accounts/"+url.PathEscape(a.ID)+"/statuses?"+q.Encode(), nil)
		var sts []mStatus
		if err := m.Retry.run(ctx, func() error { _, err := call(m.Fetcher, req, "reading Mastodon statuses", &sts); return err }); err != nil {
			return n, err
		}
		if len(sts) == 0 {
			return n, nil
		}
		for _, s := range sts {
			if !opts.Since.IsZero() && s.CreatedAt.Before(opts.Since) {
				return n, nil // a reblog's time counts too
			}
			if s.Reblog != nil {
				continue
			}
			if done, err := opts.hand(s.post(handle, a.ID), fn, &n); done {
				return n, err
			}
		}
		if next := sts[len(sts)-1].ID; next != "" && next != maxID {
			maxID = next
		} else {
			return n, nil
		}
	}
	return n, nil
}

// post turns a status of the account accountID into a Post.
func (s *mStatus) post(handle, accountID string) chaperone.Post {
	const limit = 256 << 10
	var parts []string
	if t := strings.TrimSpace(s.SpoilerText); t != "" {
		parts = append(parts, t)
	}
	if t := htmlToText(s.Content, limit); t != "" {
		parts = append(parts, t)
	}
	for _, m := range s.MediaAttachments {
		if m.Description != nil && strings.TrimSpace(*m.Description) != "" {
			parts = append(parts, strings.TrimSpace(*m.Description))
		}
	}
	p := chaperone.Post{Source: chaperone.SourceMastodon, ExternalID: s.URI, Account: handle, At: s.CreatedAt.UTC(),
		Text: trimTo(strings.Join(parts, "\n\n"), limit), Channel: chaperone.ChannelPost}
	if p.ExternalID == "" {
		p.ExternalID = s.ID
	}
	if s.URL != nil && isWebURL(*s.URL) {
		p.URL = *s.URL
	} else if isWebURL(s.URI) {
		p.URL = s.URI
	}
	if s.InReplyToID != nil && *s.InReplyToID != "" {
		p.InReplyTo = *s.InReplyToID
		if s.InReplyToAccountID == nil || *s.InReplyToAccountID != accountID {
			p.Channel = chaperone.ChannelReply
		}
	}
	return p
}

// Publish posts p to the Mastodon account p.Handle: its pictures through
// POST /api/v2/media (waiting for the server to process them), then the
// status through POST /api/v1/statuses with p.IdempotencyKey as the
// Idempotency-Key header, so that a repeat within Mastodon's hour of
// keeping keys answers with the status already posted instead of posting
// again. Failures that may pass are retried (see Retry) with the same key.
// p.InReplyTo, if set, is the id of the status answered. It returns the
// status's url and created_at.
func (m *Mastodon) Publish(ctx context.Context, p chaperone.Publication) (chaperone.Published, error) {
	if p.IdempotencyKey == "" {
		return chaperone.Published{}, errf(chaperone.ErrInvalid, "publishing to Mastodon needs an idempotency key")
	}
	if m.Credentials == nil {
		return chaperone.Published{}, errf(chaperone.ErrInvalid, "no Mastodon credentials are set up")
	}
	cr, err := m.Credentials(ctx, p)
	if err != nil {
		return chaperone.Published{}, err
	}
	base, err := baseURL(cr.Server)
	if err != nil {
		return chaperone.Published{}, err
	}
	if len(p.Media) > 4 {
		return chaperone.Published{}, errf(chaperone.ErrInvalid, "Mastodon takes at most 4 pictures a post, not %d", len(p.Media))
	}
	form := url.Values{"status": {p.Text}}
	vis := m.Visibility
	if vis == "" {
		vis = "public"
	}
	form.Set("visibility", vis)
	if p.InReplyTo != "" {
		if !validID(p.InReplyTo) {
			return chaperone.Published{}, errf(chaperone.ErrInvalid, "a Mastodon reply needs the answered status's id")
		}
		form.Set("in_reply_to_id", p.InReplyTo)
	}
	for i, md := range p.Media {
		id, err := m.upload(ctx, base, cr.Token, i, md)
		if err != nil {
			return chaperone.Published{}, err
		}
		form.Add("media_ids[]", id)
	}
	body := form.Encode()
	var st mStatus
	err = m.Retry.run(ctx, func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/statuses", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+cr.Token)
		req.Header.Set("Idempotency-Key", p.IdempotencyKey)
		_, err := call(m.Fetcher, req, "posting the status to Mastodon", &st)
		return err
	})
	if err != nil {
		return chaperone.Published{}, err
	}
	out := chaperone.Published{At: st.CreatedAt.UTC()}
	if st.URL != nil && isWebURL(*st.URL) {
		out.URL = *st.URL
	} else if isWebURL(st.URI) {
		out.URL = st.URI
	} else {
		return out, errf(chaperone.ErrUnavailable, "posting the status to Mastodon: %s answered without the status's url", mustHost(base))
	}
	return out, nil
}

// upload sends one picture and waits until the server has processed it.
func (m *Mastodon) upload(ctx context.Context, base, token string, i int, md chaperone.Media) (string, error) {
	ext := map[string]string{"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}[md.ContentType]
	if ext == "" {
		return "", errf(chaperone.ErrInvalid, "picture %d: Mastodon takes JPEG, PNG, GIF or WebP, not %q", i+1, md.ContentType)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="picture-%d.%s"`, i+1, ext))
	h.Set("Content-Type", md.ContentType)
	w, _ := mw.CreatePart(h)
	w.Write(md.Data)
	mw.Close()
	var ma mMedia
	var status int
	err := m.Retry.run(ctx, func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v2/media", bytes.NewReader(buf.Bytes()))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := call(m.Fetcher, req, fmt.Sprintf("uploading picture %d to Mastodon", i+1), &ma)
		if resp != nil {
			status = resp.StatusCode
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if ma.ID == "" || strings.ContainsAny(ma.ID, "/?#") {
		return "", errf(chaperone.ErrUnavailable, "uploading picture %d to Mastodon: the answer has no media id", i+1)
	}
	// 202: the server processes the picture; GET /api/v1/media/:id answers
	// 206 until it is done, then 200.
	deadline := time.Now().Add(orDefault(m.MediaWait, 30*time.Second))
	for status == http.StatusAccepted || ma.URL == nil {
		if time.Now().After(deadline) {
			return "", errf(chaperone.ErrUnavailable, "uploading picture %d to Mastodon: the server did not finish processing it in time", i+1)
		}
		if err := sleepCtx(ctx, orDefault(m.Retry.Base, time.Second)); err != nil {
			return "", err
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/media/"+url.PathEscape(ma.ID), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		var again mMedia
		resp, err := call(m.Fetcher, req, fmt.Sprintf("checking picture %d on Mastodon", i+1), &again)
		if err != nil {
			if ce, ok := err.(*callError); ok && ce.transient {
				continue
			}
			return "", err
		}
		status = resp.StatusCode
		if status == http.StatusOK && again.URL != nil {
			break
		}
	}
	return ma.ID, nil
}

// mustHost is the host of a URL baseURL accepted.
func mustHost(base string) string {
	u, _ := url.Parse(base)
	return u.Hostname()
}
