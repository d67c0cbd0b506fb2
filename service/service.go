// Package service is the workflow of chaperone serve: a clinician composes
// a draft, the engine screens every version, the organisation's policy
// routes it (allow may publish, review goes to the reviewer queue, block
// must be edited or overridden by compliance with a written reason),
// reviewers approve, send back or reject it, and a published draft is
// archived with its screen result and approval chain. Every step is an
// audit event written in the same transaction as the change (store.Tx).
//
// The web UI and the JSON API call it; it holds the role checks, so that
// both enforce the same rules. It imports no web code.
package service

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
	"github.com/chaperone-project/chaperone/monitor"
	"github.com/chaperone-project/chaperone/photo"
	"github.com/chaperone-project/chaperone/policy"
	"github.com/chaperone-project/chaperone/redact"
	"github.com/chaperone-project/chaperone/store"
)

// DefaultRetention is how long published items are archived: HIPAA asks
// for six years (45 CFR 164.316(b)(2)(i)).
const DefaultRetention = 6 * 365 * 24 * time.Hour

// MinOverrideReason is the shortest written reason for overriding a block.
const MinOverrideReason = 20

// Service runs the draft workflow over a store, an engine and a policy.
// It is safe for concurrent use.
type Service struct {
	store      *store.Store
	engine     *detect.Engine
	defaults   atomic.Pointer[defaultPolicy]
	orgs       policyCache
	connectors map[string]chaperone.Connector
	retention  time.Duration
	now        func() time.Time
	log        *slog.Logger
	phone      string // the practice's phone number, for review replies
	images     photo.Tools
	fetcher    *monitor.Fetcher
	// blueskyAppView is where Bluesky reads go ("" for the public one).
	blueskyAppView string
	mastodonURL    func(server string) string
	// policyListener is told of saved org policies (OnPolicyChange).
	policyListener atomic.Pointer[PolicyListener]
	// requests is how review requests are sent (see reviewrequests.go).
	requests requestConfig
}

// defaultPolicy is the policy of orgs that have not saved their own, and
// its text (empty when not known).
type defaultPolicy struct {
	p    *policy.Policy
	text string
}

// Config holds what New needs beyond the store and the engine.
type Config struct {
	// Policy routes the drafts of orgs that have not saved a policy of
	// their own (chaperone serve --policy); nil means policy.Default().
	Policy *policy.Policy
	// PolicyText is Policy's TOML, shown to admins as the starting point
	// for their org's own; with Policy nil it is policy.DefaultFile().
	PolicyText string
	Connectors []chaperone.Connector
	Retention  time.Duration    // 0: DefaultRetention
	Now        func() time.Time // nil: time.Now
	// Log receives errors the workflow recovers from (a stored policy
	// that no longer loads); never draft text. nil means slog.Default().
	Log *slog.Logger
	// PracticePhone is the number review replies invite reviewers to
	// call (chaperone serve --practice-phone); empty leaves the reply
	// templates' fallback ("the number on our website"). It is the
	// practice's own contact, so the screen never takes it for PHI.
	PracticePhone string
	// Images are the programs that look at the pixels of pictures
	// attached to drafts (Tesseract for text, facedetect for faces); a
	// nil one is not installed, and pictures then go to review.
	Images photo.Tools
	// Fetcher makes the watch's outbound requests (feeds, Mastodon,
	// Bluesky) within its address guard and limits; nil means this
	// server fetches nothing, and polling a source says so.
	Fetcher *monitor.Fetcher
	// BlueskyAppView overrides Bluesky's public read endpoint, and
	// MastodonURL the base URL of a Mastodon server (default
	// https://SERVER): for tests against local servers.
	BlueskyAppView string
	MastodonURL    func(server string) string
	// ReviewRequests configures the sending of review requests; its zero
	// value queues them and sends nothing.
	ReviewRequests ReviewRequestConfig
}

// New returns a service. cmd/chaperone builds one at start-up.
func New(st *store.Store, eng *detect.Engine, cfg Config) *Service {
	s := &Service{store: st, engine: eng, connectors: map[string]chaperone.Connector{},
		retention: cfg.Retention, now: cfg.Now, log: cfg.Log, phone: strings.TrimSpace(cfg.PracticePhone), images: cfg.Images,
		fetcher: cfg.Fetcher, blueskyAppView: cfg.BlueskyAppView, mastodonURL: cfg.MastodonURL}
	if s.mastodonURL == nil {
		s.mastodonURL = func(server string) string { return "https://" + server }
	}
	if s.retention <= 0 {
		s.retention = DefaultRetention
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	d := &defaultPolicy{p: cfg.Policy, text: cfg.PolicyText}
	if d.p == nil {
		d.p, d.text = policy.Default(), string(policy.DefaultFile())
	}
	s.defaults.Store(d)
	s.requests = newRequestConfig(cfg.ReviewRequests)
	for _, c := range cfg.Connectors {
		s.connectors[strings.ToLower(c.Platform())] = c
	}
	return s
}

// Store returns the service's store, for reads the workflow does not
// guard (lists of users, the audit log for compliance).
func (s *Service) Store() *store.Store { return s.store }

// Engine returns the screening engine.
func (s *Service) Engine() *detect.Engine { return s.engine }

// Policy returns the default routing policy: the one in force for orgs
// that have not saved their own (see SetOrgPolicy).
func (s *Service) Policy() *policy.Policy { return s.defaults.Load().p }

// SetPolicy replaces the default routing policy (orgs with a policy of
// their own keep it); drafts already routed keep their status. Its text
// is not known, so the policy page shows only its routes.
func (s *Service) SetPolicy(p *policy.Policy) { s.defaults.Store(&defaultPolicy{p: p}) }

// actor is the audit actor for a user.
func actor(u chaperone.User) store.Actor { return store.Actor{UserID: u.ID} }

// forbidden is the error for a move the user's role does not allow.
func forbidden(format string, args ...any) error {
	return chaperone.Errorf(chaperone.ErrForbidden, format, args...)
}

func invalid(format string, args ...any) error {
	return chaperone.Errorf(chaperone.ErrInvalid, format, args...)
}

func conflict(format string, args ...any) error {
	return chaperone.Errorf(chaperone.ErrConflict, format, args...)
}

// canReview reports whether u's role may review others' drafts.
func canReview(u chaperone.User) bool {
	return u.Role == chaperone.RoleReviewer || u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin
}

// active checks that u may act at all.
func active(u chaperone.User) error {
	if u.ID == 0 || u.Disabled || !u.Role.Valid() {
		return forbidden("this user may not act")
	}
	return nil
}

// draftFor loads a draft that u may see: their own, or any of their org's
// for reviewers, compliance and admins. Others get not-found, so that
// draft ids reveal nothing.
func (s *Service) draftFor(ctx context.Context, u chaperone.User, id int64) (chaperone.Draft, error) {
	if err := active(u); err != nil {
		return chaperone.Draft{}, err
	}
	d, err := s.store.GetDraft(ctx, id)
	if err != nil {
		return d, err
	}
	if d.OrgID != u.OrgID || (d.AuthorID != u.ID && !canReview(u)) {
		return chaperone.Draft{}, chaperone.Errorf(chaperone.ErrNotFound, "draft %d not found", id)
	}
	return d, nil
}

// item builds what the engine screens for a draft version.
func (s *Service) item(ctx context.Context, author chaperone.User, d chaperone.Draft, text, context string) (chaperone.Item, chaperone.SocialAccount, error) {
	it := chaperone.Item{ID: fmt.Sprint(d.ID), Channel: d.Channel, Text: text, Context: context,
		Author: chaperone.Author{Role: string(author.Role), Name: author.DisplayName}}
	ties, _, err := s.activeTies(ctx, author.ID, s.now())
	if err != nil {
		return it, chaperone.SocialAccount{}, err
	}
	it.Author.Relationships = ties
	if s.phone != "" {
		it.Author.ClinicContacts = []string{s.phone}
	}
	var acct chaperone.SocialAccount
	if d.AccountID != 0 {
		a, err := s.store.GetAccount(ctx, d.AccountID)
		if err != nil {
			return it, acct, err
		}
		acct = a
		it.Author.Account = a.Kind
	}
	return it, acct, nil
}

// Rewrite returns the safe rewrite of a text with its screen result.
func Rewrite(it chaperone.Item, res chaperone.Result) string {
	return redact.New(redact.Tag).Rewrite(it, res)
}
