package service

import (
	"context"
	"sync"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/policy"
)

// PolicyView is an org's routing policy as the policy page and the API
// show it to admins and compliance: the routes in force, the TOML text
// and the history of saved versions.
type PolicyView struct {
	// Version is the org's policy version in force, from 1; 0 when the
	// org has not saved one and the service's default routes its drafts.
	Version int `json:"version"`
	// Default reports that the service's default policy is in force.
	Default bool `json:"default"`
	// Text is the TOML of the policy in force: the starting point for
	// an admin's edit. It is empty for a default whose text is unknown.
	Text string `json:"text"`
	// Routes are the routes in force, in file order.
	Routes    []policy.Route `json:"routes"`
	UpdatedBy int64          `json:"updated_by,omitempty"`
	UpdatedAt time.Time      `json:"updated_at,omitzero"`
	// History is every saved version, newest first.
	History []PolicyVersion `json:"history"`
}

// PolicyVersion is one saved version of an org's policy, for the history.
type PolicyVersion struct {
	Version   int       `json:"version"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// OrgPolicy returns the routing policy of u's org for admins and
// compliance (the policy page, GET /api/v1/policy). Reading it is not an
// audit event: it holds no PHI.
func (s *Service) OrgPolicy(ctx context.Context, u chaperone.User) (PolicyView, error) {
	if err := active(u); err != nil {
		return PolicyView{}, err
	}
	if !canAudit(u) {
		return PolicyView{}, forbidden("only admins and compliance read the routing policy")
	}
	v := PolicyView{History: []PolicyVersion{}}
	rec, err := s.store.GetOrgPolicy(ctx, u.OrgID)
	switch {
	case chaperone.CodeOf(err) == chaperone.ErrNotFound:
		d := s.defaults.Load()
		v.Default, v.Text, v.Routes = true, d.text, d.p.Routes()
	case err != nil:
		return PolicyView{}, err
	default:
		v.Version, v.Text, v.UpdatedBy, v.UpdatedAt = rec.Version, rec.Text, rec.CreatedBy, rec.CreatedAt
		v.Routes = s.orgs.compiled(s, rec).Routes()
	}
	all, err := s.store.ListOrgPolicies(ctx, u.OrgID)
	if err != nil {
		return PolicyView{}, err
	}
	for _, p := range all {
		v.History = append(v.History, PolicyVersion{Version: p.Version, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt})
	}
	if v.Routes == nil {
		v.Routes = []policy.Route{}
	}
	return v, nil
}

// SetOrgPolicy saves text as the next version of the routing policy of
// the admin's org, in force for every draft routed from then on (drafts
// already routed keep their status). Only admins change it. The text is
// checked with policy.Parse first; an invalid policy is refused with the
// parser's message, which names the route and the key, and nothing is
// stored. The policy page and PUT /api/v1/policy call it.
func (s *Service) SetOrgPolicy(ctx context.Context, admin chaperone.User, text string) (PolicyView, error) {
	if err := active(admin); err != nil {
		return PolicyView{}, err
	}
	if admin.Role != chaperone.RoleAdmin {
		return PolicyView{}, forbidden("only admins change the routing policy")
	}
	p, err := policy.Parse([]byte(text))
	if err != nil {
		return PolicyView{}, err
	}
	version, err := s.store.SetOrgPolicy(ctx, actor(admin), admin.OrgID, text)
	if err != nil {
		return PolicyView{}, err
	}
	s.orgs.put(admin.OrgID, version, p)
	s.policyChanged(ctx, admin.OrgID)
	return s.OrgPolicy(ctx, admin)
}

// policyFor returns the policy that routes the drafts of an org: its own
// latest version, else the service's default. A store error is returned,
// so that a draft is never routed by the wrong policy.
func (s *Service) policyFor(ctx context.Context, orgID int64) (*policy.Policy, error) {
	rec, err := s.store.GetOrgPolicy(ctx, orgID)
	if chaperone.CodeOf(err) == chaperone.ErrNotFound {
		return s.Policy(), nil
	}
	if err != nil {
		return nil, err
	}
	return s.orgs.compiled(s, rec), nil
}

// policyCache holds the compiled policy of each org's latest version seen,
// so that routing a draft compiles nothing unless the org's policy
// changed.
type policyCache struct {
	mu   sync.Mutex
	orgs map[int64]cachedPolicy
}

type cachedPolicy struct {
	version int
	p       *policy.Policy
}

// compiled returns the compiled policy of a stored version. A stored
// policy was valid when it was saved; if it no longer loads (a later
// chaperone refuses what an earlier one accepted), the org's drafts all go
// to review, never to allow, and the error is logged once per version.
func (c *policyCache) compiled(s *Service, rec chaperone.OrgPolicy) *policy.Policy {
	c.mu.Lock()
	got, ok := c.orgs[rec.OrgID]
	c.mu.Unlock()
	if ok && got.version == rec.Version {
		return got.p
	}
	p, err := policy.Parse([]byte(rec.Text))
	if err != nil {
		s.log.Error("an organisation's stored routing policy does not load; its drafts all go to review until an admin saves a new version",
			"org", rec.OrgID, "version", rec.Version, "err", err)
		p = reviewEverything()
	}
	c.put(rec.OrgID, rec.Version, p)
	return p
}

// put caches p as version of an org's policy, unless a newer version is
// cached already.
func (c *policyCache) put(orgID int64, version int, p *policy.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.orgs == nil {
		c.orgs = map[int64]cachedPolicy{}
	}
	if got, ok := c.orgs[orgID]; ok && got.version > version {
		return
	}
	c.orgs[orgID] = cachedPolicy{version: version, p: p}
}

// UnreadablePolicyRoute names the one route of the policy that stands in
// for a stored policy that does not load: it sends every draft to review.
const UnreadablePolicyRoute = "stored-policy-unreadable"

var reviewEverything = sync.OnceValue(func() *policy.Policy {
	p, err := policy.New([]policy.Route{{Name: UnreadablePolicyRoute, When: "true", To: string(chaperone.Review),
		Reason: "The organisation's routing policy could not be loaded, so every draft is reviewed."}})
	if err != nil {
		panic("service: the fallback policy is invalid: " + err.Error())
	}
	return p
})
