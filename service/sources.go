package service

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/monitor"
	"github.com/chaperone-project/chaperone/store"
)

// PollMaxPosts bounds the posts one poll of a source reads (the first
// poll of an account with years of posts reads the newest this many;
// import its archive for the rest).
const PollMaxPosts = 2000

var (
	mastodonAcct = regexp.MustCompile(`^@?[A-Za-z0-9_]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$`)
	blueskyActor = regexp.MustCompile(`^@?([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$|^did:plc:[a-z2-7]{24}$`)
)

// AddSource connects a source the watch polls for clinician userID's
// published posts (0: u's own; compliance and admins may connect any
// clinician's of their org): a feed URL (http or https), a Mastodon
// account (user@server) or a Bluesky handle.
func (s *Service) AddSource(ctx context.Context, u chaperone.User, userID int64, kind, target string) (chaperone.Source, error) {
	who, err := s.watchedUser(ctx, u, userID)
	if err != nil {
		return chaperone.Source{}, err
	}
	target = strings.TrimSpace(target)
	switch kind {
	case chaperone.SourceFeed:
		pu, err := url.Parse(target)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" || pu.User != nil {
			return chaperone.Source{}, invalid("a feed is an http or https URL")
		}
	case chaperone.SourceMastodon:
		if !mastodonAcct.MatchString(target) {
			return chaperone.Source{}, invalid("a Mastodon account is user@server, e.g. druiz@med.social")
		}
		target = strings.TrimPrefix(target, "@")
	case chaperone.SourceBluesky:
		if !blueskyActor.MatchString(target) {
			return chaperone.Source{}, invalid("a Bluesky account is its handle, e.g. druiz.bsky.social")
		}
		target = strings.TrimPrefix(target, "@")
	default:
		return chaperone.Source{}, invalid("a source is a feed, a Mastodon account or a Bluesky account")
	}
	var src chaperone.Source
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		src, err = tx.AddSource(ctx, actor(u), chaperone.Source{OrgID: who.OrgID, UserID: who.ID, Kind: kind, Target: target})
		return err
	})
	return src, err
}

// Sources lists u's sources, or with all (compliance and admins) the
// org's.
func (s *Service) Sources(ctx context.Context, u chaperone.User, all bool) ([]chaperone.Source, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	userID := u.ID
	if all {
		if !canAudit(u) {
			return nil, forbidden("only compliance and admins list every clinician's sources")
		}
		userID = 0
	}
	return s.store.ListSources(ctx, u.OrgID, userID)
}

// RemoveSource disconnects a source: its owner, compliance or an admin.
// The posts it brought stay kept.
func (s *Service) RemoveSource(ctx context.Context, u chaperone.User, id int64) error {
	src, err := s.sourceFor(ctx, u, id)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error { return tx.RemoveSource(ctx, actor(u), src.ID) })
}

func (s *Service) sourceFor(ctx context.Context, u chaperone.User, id int64) (chaperone.Source, error) {
	if err := active(u); err != nil {
		return chaperone.Source{}, err
	}
	src, err := s.store.GetSource(ctx, id)
	if err != nil || src.OrgID != u.OrgID || (src.UserID != u.ID && !canAudit(u)) {
		return chaperone.Source{}, chaperone.Errorf(chaperone.ErrNotFound, "source %d not found", id)
	}
	return src, nil
}

// PollSource reads a source once, through the service's outbound
// fetcher, and keeps what is new as its clinician's published posts
// (screened; flagged ones open tasks), then records the poll: the number
// added, or the error's public message. The poll job calls it; so does
// the page's "poll now". It returns what the import did.
func (s *Service) PollSource(ctx context.Context, id int64) (WatchImport, error) {
	src, err := s.store.GetSource(ctx, id)
	if err != nil {
		return WatchImport{}, err
	}
	res, err := s.readSource(ctx, src)
	msg := ""
	if err != nil {
		msg = publicText(err)
	}
	if rerr := s.store.InTx(ctx, func(tx *store.Tx) error { return tx.RecordPoll(ctx, src.ID, res.Added, msg) }); rerr != nil && err == nil {
		err = rerr
	}
	return res, err
}

func (s *Service) readSource(ctx context.Context, src chaperone.Source) (WatchImport, error) {
	if s.fetcher == nil {
		return WatchImport{}, chaperone.Errorf(chaperone.ErrUnavailable, "this server does not fetch from the internet")
	}
	author, err := s.store.GetUser(ctx, src.UserID)
	if err != nil {
		return WatchImport{}, err
	}
	opts := monitor.ReadOptions{MaxPosts: PollMaxPosts}
	var read PostReader
	switch src.Kind {
	case chaperone.SourceFeed:
		read = func(fn func(chaperone.Post) error) error {
			_, err := monitor.FetchFeed(ctx, s.fetcher, src.Target, monitor.DefaultLimits(), func(p chaperone.Post) error {
				p.Account = cmpOr(p.Account, src.Target)
				return fn(p)
			})
			return err
		}
	case chaperone.SourceMastodon:
		user, server, _ := strings.Cut(src.Target, "@")
		m := &monitor.Mastodon{Fetcher: s.fetcher}
		read = func(fn func(chaperone.Post) error) error {
			_, err := m.ReadStatuses(ctx, s.mastodonURL(server), user, opts, fn)
			return err
		}
	case chaperone.SourceBluesky:
		b := &monitor.Bluesky{Fetcher: s.fetcher, AppView: s.blueskyAppView}
		read = func(fn func(chaperone.Post) error) error {
			_, err := b.ReadAuthorFeed(ctx, src.Target, opts, fn)
			return err
		}
	default:
		return WatchImport{}, invalid("unknown source kind %q", src.Kind)
	}
	return s.ImportPosts(ctx, author, 0, read, nil)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// PollDue polls every enabled source last polled more than every ago
// (or never), oldest first, at most limit of them, and returns how many
// were polled and how many posts they added. A failing source is
// recorded on the source and the rest go on. The poll job calls it.
func (s *Service) PollDue(ctx context.Context, every time.Duration, limit int) (polled, added int, err error) {
	due, err := s.store.DueSources(ctx, s.now().Add(-every), limit)
	if err != nil {
		return 0, 0, err
	}
	for _, src := range due {
		if err := ctx.Err(); err != nil {
			return polled, added, err
		}
		res, err := s.PollSource(ctx, src.ID)
		polled++
		added += res.Added
		if err != nil {
			s.log.Warn("polling a source", "source", src.ID, "kind", src.Kind, "err", publicText(err))
		}
	}
	return polled, added, nil
}

// MastodonSecret and BlueskySecret are the publishing credentials a
// clinician stores for a social account, as JSON (encrypted at rest).
type (
	MastodonSecret struct {
		Server string `json:"server"` // https://med.social
		Token  string `json:"token"`  // an access token with write:statuses and write:media
	}
	BlueskySecret struct {
		PDS         string `json:"pds"`        // https://bsky.social
		Identifier  string `json:"identifier"` // the handle or DID
		AppPassword string `json:"app_password"`
	}
)

// SetCredentials stores the publishing credentials of one of u's social
// accounts (a Mastodon or Bluesky account), so that approved drafts for
// it are posted by chaperone. secret is MastodonSecret or BlueskySecret
// as JSON. Only the account's owner sets them; they are never shown again.
func (s *Service) SetCredentials(ctx context.Context, u chaperone.User, accountID int64, secret []byte) error {
	if err := active(u); err != nil {
		return err
	}
	acct, err := s.store.GetAccount(ctx, accountID)
	if err != nil || acct.UserID != u.ID {
		return chaperone.Errorf(chaperone.ErrNotFound, "account %d not found", accountID)
	}
	var clean []byte
	switch strings.ToLower(acct.Platform) {
	case "mastodon":
		var m MastodonSecret
		if err := json.Unmarshal(secret, &m); err != nil || !httpsURL(m.Server) || strings.TrimSpace(m.Token) == "" {
			return invalid("Mastodon credentials are the server's https URL and an access token")
		}
		clean, _ = json.Marshal(m)
	case "bluesky":
		var b BlueskySecret
		if err := json.Unmarshal(secret, &b); err != nil || !httpsURL(b.PDS) || b.Identifier == "" || b.AppPassword == "" {
			return invalid("Bluesky credentials are the PDS's https URL, the handle and an app password")
		}
		clean, _ = json.Marshal(b)
	default:
		return invalid("chaperone posts to Mastodon and Bluesky; %s accounts are published by hand", acct.Platform)
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error { return tx.SetCredentials(ctx, actor(u), u.OrgID, accountID, string(clean)) })
}

func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// MastodonCredentials and BlueskyCredentials look up a publication's
// account credentials for the connectors (cmd/chaperone wires them).
func (s *Service) MastodonCredentials(ctx context.Context, p chaperone.Publication) (monitor.MastodonCredentials, error) {
	var m MastodonSecret
	if err := s.secret(ctx, p.AccountID, &m); err != nil {
		return monitor.MastodonCredentials{}, err
	}
	return monitor.MastodonCredentials{Server: m.Server, Token: m.Token}, nil
}

// BlueskyCredentials: see MastodonCredentials.
func (s *Service) BlueskyCredentials(ctx context.Context, p chaperone.Publication) (monitor.BlueskyCredentials, error) {
	var b BlueskySecret
	if err := s.secret(ctx, p.AccountID, &b); err != nil {
		return monitor.BlueskyCredentials{}, err
	}
	return monitor.BlueskyCredentials{PDS: b.PDS, Identifier: b.Identifier, AppPassword: b.AppPassword}, nil
}

func (s *Service) secret(ctx context.Context, accountID int64, v any) error {
	js, err := s.store.Credentials(ctx, accountID)
	if err != nil {
		return err
	}
	if js == "" {
		return invalid("the account has no publishing credentials: add them on the Accounts page, or publish by hand and give the URL")
	}
	if err := json.Unmarshal([]byte(js), v); err != nil {
		return chaperone.Errorf(chaperone.ErrInternal, "reading the account's credentials")
	}
	return nil
}
