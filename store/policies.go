package store

import (
	"context"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/policy"
)

// SetOrgPolicy stores text as the next version of the org's routing policy
// (1 for the first; earlier versions are kept) and appends policy.update
// with the version and the route names. The text must parse with
// policy.Parse: an invalid policy is refused (invalid, with the parser's
// message naming the route and the key) and nothing is written, so the
// table only ever holds policies that loaded when they were saved. The
// service's SetOrgPolicy calls it after its role check.
func (tx *Tx) SetOrgPolicy(ctx context.Context, actor Actor, orgID int64, text string) (int, error) {
	if orgID == 0 {
		return 0, chaperone.Errorf(chaperone.ErrInvalid, "a policy needs an org")
	}
	p, err := policy.Parse([]byte(text))
	if err != nil {
		return 0, err
	}
	var version int
	// the transaction holds the write lock (see InTx), so no other
	// writer takes the same version; the primary key would refuse it
	err = tx.tx.QueryRowContext(ctx, tx.s.q("SELECT COALESCE(MAX(version), 0) + 1 FROM org_policies WHERE org_id = ?"), orgID).Scan(&version)
	if err != nil {
		return 0, dbError("numbering the policy version", err)
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q("INSERT INTO org_policies (org_id, version, text, created_by, created_at) VALUES (?, ?, ?, ?, ?)"),
		orgID, version, text, nid(actor.UserID), tx.s.tv(tx.s.clock()))
	if err != nil {
		return 0, dbError("saving the policy", err)
	}
	names := []string{}
	for _, r := range p.Routes() {
		names = append(names, r.Name)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionPolicyUpdate, SubjectKind: "org_policy",
		SubjectID: subject(orgID, int64(version)), Details: map[string]any{"version": version, "routes": names}})
	if err != nil {
		return 0, err
	}
	return version, nil
}

// SetOrgPolicy stores a policy version in a transaction of its own; see
// Tx.SetOrgPolicy.
func (s *Store) SetOrgPolicy(ctx context.Context, actor Actor, orgID int64, text string) (int, error) {
	return inTx1(ctx, s, func(tx *Tx) (int, error) { return tx.SetOrgPolicy(ctx, actor, orgID, text) })
}

const orgPolicyColumns = "SELECT org_id, version, text, created_by, created_at FROM org_policies"

// GetOrgPolicy returns the org's policy in force: its highest version.
// An org that never saved one gets not-found, and the service routes its
// drafts by its default policy.
func (s *Store) GetOrgPolicy(ctx context.Context, orgID int64) (chaperone.OrgPolicy, error) {
	return scanOrgPolicy(s.rdb.QueryRowContext(ctx, s.q(orgPolicyColumns+" WHERE org_id = ? ORDER BY version DESC LIMIT 1"), orgID))
}

// ListOrgPolicies returns every version of the org's policy, newest
// first, for the policy page's history.
func (s *Store) ListOrgPolicies(ctx context.Context, orgID int64) ([]chaperone.OrgPolicy, error) {
	return list(ctx, s.rdb, "listing policy versions", s.q(orgPolicyColumns+" WHERE org_id = ? ORDER BY version DESC"), scanOrgPolicy, orgID)
}

func scanOrgPolicy(r scanner) (chaperone.OrgPolicy, error) {
	var p chaperone.OrgPolicy
	err := r.Scan(&p.OrgID, &p.Version, &p.Text, nullable(&p.CreatedBy), tm(&p.CreatedAt))
	return p, dbError("reading the policy", err)
}
