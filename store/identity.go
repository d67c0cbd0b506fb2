package store

import (
	"context"
	"encoding/json"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/npi"
)

// OrgNPIs returns the NPIs recorded for an org's users, by user id.
func (s *Store) OrgNPIs(ctx context.Context, orgID int64) (map[int64]string, error) {
	type row struct {
		user int64
		npi  string
	}
	rows, err := list(ctx, s.rdb, "listing NPIs", s.q("SELECT n.user_id, n.npi FROM user_npis n JOIN users u ON u.id = n.user_id WHERE u.org_id = ?"),
		func(r scanner) (row, error) {
			var x row
			return x, r.Scan(&x.user, &x.npi)
		}, orgID)
	out := map[int64]string{}
	for _, r := range rows {
		out[r.user] = r.npi
	}
	return out, err
}

// SaveNPPES stores (or replaces) NPPES records, all in one transaction,
// and appends identity.import with the count for the org.
func (s *Store) SaveNPPES(ctx context.Context, actor Actor, orgID int64, recs []npi.Record) error {
	return s.InTx(ctx, func(tx *Tx) error {
		now := tx.s.clock()
		for _, r := range recs {
			js, err := json.Marshal(r)
			if err != nil {
				return internal("encoding an NPPES record", err)
			}
			if _, err := tx.tx.ExecContext(ctx, tx.s.q("DELETE FROM nppes_records WHERE npi = ?"), r.NPI); err != nil {
				return dbError("saving an NPPES record", err)
			}
			if _, err := tx.tx.ExecContext(ctx, tx.s.q("INSERT INTO nppes_records (npi, record, imported_at) VALUES (?, ?, ?)"), r.NPI, string(js), tx.s.tv(now)); err != nil {
				return dbError("saving an NPPES record", err)
			}
		}
		_, err := tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionIdentityImport, SubjectKind: "nppes",
			Details: map[string]any{"records": len(recs)}})
		return err
	})
}

// NPPES returns the stored record of an NPI; not found when none.
func (s *Store) NPPES(ctx context.Context, n string) (npi.Record, error) {
	var js string
	if err := s.rdb.QueryRowContext(ctx, s.q("SELECT record FROM nppes_records WHERE npi = ?"), n).Scan(&js); err != nil {
		return npi.Record{}, dbError("reading the NPPES record", err)
	}
	var r npi.Record
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return r, internal("decoding the NPPES record", err)
	}
	return r, nil
}
