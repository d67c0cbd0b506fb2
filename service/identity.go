package service

import (
	"context"
	"io"
	"sort"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/npi"
	"github.com/chaperone-project/chaperone/store"
)

// credentialCite is what a bio with an unsupported credential claim breaks.
const credentialCite = "FSMB Social Media and Electronic Communications policy (2019): present credentials accurately; FTC Act §5 (deceptive claims)"

// IdentityImport is the outcome of an NPPES import.
type IdentityImport struct {
	Records int      `json:"records"` // records stored
	Missing []string `json:"missing"` // the org's NPIs the file did not have
}

// ImportNPPES reads the NPPES monthly file (or any cut of it with the
// published header) and stores the records of the org's clinicians, in
// one transaction. Admins and compliance import. The file is streamed:
// the full monthly file (about 10 GB) works from the CLI.
func (s *Service) ImportNPPES(ctx context.Context, u chaperone.User, r io.Reader) (IdentityImport, error) {
	if err := active(u); err != nil {
		return IdentityImport{}, err
	}
	if !canAudit(u) {
		return IdentityImport{}, forbidden("only compliance and admins import NPPES records")
	}
	return ImportNPPES(ctx, s.store, actor(u), u.OrgID, r)
}

// ImportNPPES stores the NPPES records of an org's clinicians from r, as
// by; Service.ImportNPPES checks the role first, and the CLI's
// `chaperone identity import` calls this directly.
func ImportNPPES(ctx context.Context, st *store.Store, by store.Actor, orgID int64, r io.Reader) (IdentityImport, error) {
	npis, err := st.OrgNPIs(ctx, orgID)
	if err != nil {
		return IdentityImport{}, err
	}
	want := map[string]bool{}
	for _, n := range npis {
		want[n] = true
	}
	if len(want) == 0 {
		return IdentityImport{}, invalid("no clinician of the organisation has recorded an NPI yet")
	}
	found := map[string]npi.Record{}
	if err := npi.Read(r, want, func(rec npi.Record) error { found[rec.NPI] = rec; return nil }); err != nil {
		return IdentityImport{}, chaperone.Errorf(chaperone.ErrInvalid, "the NPPES file: %v", err)
	}
	out := IdentityImport{Records: len(found), Missing: []string{}}
	var recs []npi.Record
	for n := range want {
		if rec, ok := found[n]; ok {
			recs = append(recs, rec)
		} else {
			out.Missing = append(out.Missing, n)
		}
	}
	sort.Strings(out.Missing)
	sort.Slice(recs, func(i, j int) bool { return recs[i].NPI < recs[j].NPI })
	return out, st.SaveNPPES(ctx, by, orgID, recs)
}

// Identity returns the user's NPI and NPPES record (nil when not imported).
func (s *Service) Identity(ctx context.Context, u chaperone.User) (string, *npi.Record, error) {
	n, err := s.NPI(ctx, u)
	if err != nil || n == "" {
		return n, nil, err
	}
	rec, err := s.store.NPPES(ctx, n)
	if chaperone.CodeOf(err) == chaperone.ErrNotFound {
		return n, nil, nil
	}
	if err != nil {
		return n, nil, err
	}
	return n, &rec, nil
}

// addCredentialFindings checks a bio against its author's NPPES record
// and adds a CREDENTIAL_MISMATCH finding for each claim the record does
// not support; a finding raises an allowed bio to review.
func (s *Service) addCredentialFindings(ctx context.Context, authorID int64, it chaperone.Item, res *chaperone.Result) error {
	if it.Channel != chaperone.ChannelBio {
		return nil
	}
	n, err := s.store.UserNPI(ctx, authorID)
	if err != nil || n == "" {
		return err
	}
	rec, err := s.store.NPPES(ctx, n)
	if chaperone.CodeOf(err) == chaperone.ErrNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	for _, m := range npi.CheckClaims(it.Text, rec) {
		res.Findings = append(res.Findings, chaperone.Finding{Rule: "credential-claim", Type: chaperone.FindingCredentialMismatch,
			Score: 0.9, Reason: m.Reason, Cite: credentialCite})
		if res.Decision == chaperone.Allow {
			res.Decision = chaperone.Review
		}
	}
	return nil
}
