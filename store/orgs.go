package store

import (
	"context"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// CreateOrg adds an org and appends org.create. Admin tooling calls it.
func (tx *Tx) CreateOrg(ctx context.Context, actor Actor, slug, name string) (chaperone.Org, error) {
	o := chaperone.Org{Slug: strings.ToLower(strings.TrimSpace(slug)), Name: strings.TrimSpace(name), CreatedAt: tx.s.clock()}
	if o.Slug == "" || o.Name == "" {
		return o, chaperone.Errorf(chaperone.ErrInvalid, "an org needs a slug and a name")
	}
	err := tx.tx.QueryRowContext(ctx, tx.s.q("INSERT INTO orgs (slug, name, created_at) VALUES (?, ?, ?) RETURNING id"),
		o.Slug, o.Name, tx.s.tv(o.CreatedAt)).Scan(&o.ID)
	if err != nil {
		return o, dbError("creating the org", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: o.ID, Action: chaperone.ActionOrgCreate, SubjectKind: "org", SubjectID: subject(o.ID),
		Details: map[string]any{"slug": o.Slug}})
	return o, err
}

// CreateOrg adds an org in a transaction of its own; see Tx.CreateOrg.
func (s *Store) CreateOrg(ctx context.Context, actor Actor, slug, name string) (chaperone.Org, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.Org, error) { return tx.CreateOrg(ctx, actor, slug, name) })
}

const orgColumns = "SELECT id, slug, name, created_at FROM orgs"

// GetOrg returns the org with the given id.
func (s *Store) GetOrg(ctx context.Context, id int64) (chaperone.Org, error) {
	return scanOrg(s.rdb.QueryRowContext(ctx, s.q(orgColumns+" WHERE id = ?"), id))
}

// GetOrgBySlug returns the org with the given slug, for sign-in.
func (s *Store) GetOrgBySlug(ctx context.Context, slug string) (chaperone.Org, error) {
	return scanOrg(s.rdb.QueryRowContext(ctx, s.q(orgColumns+" WHERE slug = ?"), strings.ToLower(strings.TrimSpace(slug))))
}

func scanOrg(r scanner) (chaperone.Org, error) {
	var o chaperone.Org
	err := r.Scan(&o.ID, &o.Slug, &o.Name, tm(&o.CreatedAt))
	return o, dbError("reading the org", err)
}
