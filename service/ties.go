package service

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/npi"
	"github.com/chaperone-project/chaperone/payments"
	"github.com/chaperone-project/chaperone/store"
)

// maxImportedPayments bounds the payments one Open Payments import keeps
// for one clinician (a busy speaker has a few hundred a year).
const maxImportedPayments = 100_000

// SetNPI records the user's own National Provider Identifier, after its
// check digit.
func (s *Service) SetNPI(ctx context.Context, u chaperone.User, n string) error {
	if err := active(u); err != nil {
		return err
	}
	n = strings.TrimSpace(n)
	if err := npi.Check(n); err != nil {
		return invalid("%v", err)
	}
	return s.store.SetUserNPI(ctx, actor(u), u.ID, n)
}

// NPI returns the user's recorded NPI ("" when none).
func (s *Service) NPI(ctx context.Context, u chaperone.User) (string, error) {
	if err := active(u); err != nil {
		return "", err
	}
	return s.store.UserNPI(ctx, u.ID)
}

// DeclareRelationship records one of the user's own industry
// relationships, confirmed.
func (s *Service) DeclareRelationship(ctx context.Context, u chaperone.User, r chaperone.Relationship) (chaperone.Relationship, error) {
	if err := active(u); err != nil {
		return r, err
	}
	r.UserID, r.Source, r.Status = u.ID, chaperone.TieDeclared, chaperone.TieConfirmed
	return s.store.AddRelationship(ctx, actor(u), r)
}

// Relationships lists a user's relationships: their own, or anyone's in
// the org for compliance and admins (userID 0 means u).
func (s *Service) Relationships(ctx context.Context, u chaperone.User, userID int64) ([]chaperone.Relationship, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	if userID == 0 {
		userID = u.ID
	}
	if userID != u.ID {
		if !canAudit(u) {
			return nil, forbidden("only compliance and admins see others' relationships")
		}
		other, err := s.store.GetUser(ctx, userID)
		if err != nil || other.OrgID != u.OrgID {
			return nil, chaperone.Errorf(chaperone.ErrNotFound, "user %d not found", userID)
		}
	}
	return s.store.ListRelationships(ctx, userID, false)
}

// ownTie loads a relationship of u's own.
func (s *Service) ownTie(ctx context.Context, u chaperone.User, id int64) (chaperone.Relationship, error) {
	if err := active(u); err != nil {
		return chaperone.Relationship{}, err
	}
	r, err := s.store.GetRelationship(ctx, id)
	if err != nil || r.UserID != u.ID {
		return chaperone.Relationship{}, chaperone.Errorf(chaperone.ErrNotFound, "relationship %d not found", id)
	}
	return r, nil
}

// ConfirmRelationship confirms (or, with confirm false, dismisses) a
// relationship an import proposed. Only the clinician it is about decides.
func (s *Service) ConfirmRelationship(ctx context.Context, u chaperone.User, id int64, confirm bool) error {
	if _, err := s.ownTie(ctx, u, id); err != nil {
		return err
	}
	to := chaperone.TieConfirmed
	if !confirm {
		to = chaperone.TieDismissed
	}
	return s.store.SetRelationshipStatus(ctx, actor(u), id, chaperone.TieProposed, to, time.Time{})
}

// EndRelationship records that a confirmed relationship ended at end.
// Posts keep needing a disclosure for chaperone.DisclosureLookback after.
func (s *Service) EndRelationship(ctx context.Context, u chaperone.User, id int64, end time.Time) error {
	r, err := s.ownTie(ctx, u, id)
	if err != nil {
		return err
	}
	if end.IsZero() || end.Before(r.From) {
		return invalid("the end date must be on or after the start, %s", r.From.Format(time.DateOnly))
	}
	return s.store.SetRelationshipStatus(ctx, actor(u), id, chaperone.TieConfirmed, chaperone.TieConfirmed, end)
}

// ImportOpenPayments reads a CMS Open Payments general-payments file,
// keeps the payments to the user's NPI, and proposes one relationship per
// paying company not already recorded (confirmed, proposed or dismissed),
// all in one transaction, as ongoing from the first payment (the payment
// dates are in the detail). The clinician then confirms, ends or dismisses
// them.
func (s *Service) ImportOpenPayments(ctx context.Context, u chaperone.User, r io.Reader) ([]chaperone.Relationship, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	n, err := s.store.UserNPI(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if n == "" {
		return nil, invalid("record your NPI first: the import keeps only payments to it")
	}
	var ps []payments.Payment
	err = payments.Read(r, n, func(p payments.Payment) error {
		if len(ps) >= maxImportedPayments {
			return fmt.Errorf("more than %d payments to one NPI", maxImportedPayments)
		}
		ps = append(ps, p)
		return nil
	})
	if err != nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "the Open Payments file: %v", err)
	}
	known, err := s.store.ListRelationships(ctx, u.ID, true)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, k := range known {
		have[companyKey(k.Company)] = true
	}
	var out []chaperone.Relationship
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		for _, t := range payments.Ties(ps) {
			if have[companyKey(t.Company)] {
				continue
			}
			r, err := tx.AddRelationship(ctx, actor(u), chaperone.Relationship{UserID: u.ID, Company: t.Company, Kind: kindOf(t.Natures),
				From: t.From, Source: chaperone.TieOpenPayments, Status: chaperone.TieProposed, Detail: tieDetail(t)})
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// companyKey compares company names without case, punctuation or the
// corporate suffix: "Novo Nordisk Inc" is "Novo Nordisk, Inc.".
func companyKey(name string) string {
	f := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == ' ' || r == ',' || r == '.' })
	for len(f) > 1 {
		switch f[len(f)-1] {
		case "inc", "llc", "ltd", "corp", "corporation", "co", "company", "lp", "plc", "usa", "us", "gmbh", "ag", "sa":
			f = f[:len(f)-1]
			continue
		}
		break
	}
	return strings.Join(f, " ")
}

// kindOf maps Open Payments natures of payment to a relationship kind,
// the most significant first.
func kindOf(natures []string) chaperone.RelationshipKind {
	rank := func(n string) (chaperone.RelationshipKind, int) {
		l := strings.ToLower(n)
		switch {
		case strings.Contains(l, "ownership") || strings.Contains(l, "investment"):
			return chaperone.TieOwnership, 6
		case strings.Contains(l, "royalty") || strings.Contains(l, "license"):
			return chaperone.TieRoyalty, 5
		case strings.Contains(l, "speaker") || strings.Contains(l, "faculty") || strings.Contains(l, "honoraria"):
			// "Compensation for services other than consulting, including
			// serving as faculty or as a speaker"
			return chaperone.TieSpeaking, 3
		case strings.Contains(l, "consulting"):
			return chaperone.TieConsulting, 4
		case strings.Contains(l, "grant") || strings.Contains(l, "research"):
			return chaperone.TieResearch, 2
		case strings.Contains(l, "food") || strings.Contains(l, "gift") || strings.Contains(l, "travel") || strings.Contains(l, "education") || strings.Contains(l, "entertainment"):
			return chaperone.TieGifts, 1
		}
		return chaperone.TieOther, 0
	}
	best, bestRank := chaperone.TieOther, -1
	for _, n := range natures {
		if k, r := rank(n); r > bestRank {
			best, bestRank = k, r
		}
	}
	return best
}

func tieDetail(t payments.Tie) string {
	natures := append([]string(nil), t.Natures...)
	sort.Strings(natures)
	d := fmt.Sprintf("Open Payments: %d payment(s), $%.2f, %s to %s; %s", t.Payments, t.Total,
		t.From.Format(time.DateOnly), t.To.Format(time.DateOnly), strings.Join(natures, "; "))
	if len(t.Products) > 0 {
		d += "; products: " + strings.Join(t.Products, ", ")
	}
	return d
}

// activeTies returns the companies of a user's confirmed relationships in
// force at t (or ended within a year), for the screen.
func (s *Service) activeTies(ctx context.Context, userID int64, t time.Time) ([]string, []chaperone.Relationship, error) {
	rs, err := s.store.ListRelationships(ctx, userID, false)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	var active []chaperone.Relationship
	for _, r := range rs {
		if r.ActiveAt(t) {
			names = append(names, r.Company)
			active = append(active, r)
		}
	}
	return names, active, nil
}

// DisclosureLine suggests the line that discloses a post's relationships:
// "Disclosure: I have received consulting fees from Novo Nordisk."
func DisclosureLine(rs []chaperone.Relationship) string {
	if len(rs) == 0 {
		return ""
	}
	what := map[chaperone.RelationshipKind]string{
		chaperone.TieConsulting: "consulting fees from", chaperone.TieSpeaking: "speaking fees from", chaperone.TieResearch: "research funding from",
		chaperone.TieOwnership: "an ownership interest in", chaperone.TieRoyalty: "royalties from", chaperone.TieGifts: "meals or gifts from",
		chaperone.TieOther: "payments from",
	}
	var parts []string
	for _, r := range rs {
		parts = append(parts, what[r.Kind]+" "+r.Company)
	}
	if len(parts) > 1 {
		parts[len(parts)-1] = "and " + parts[len(parts)-1]
	}
	sep := ", "
	if len(parts) == 2 {
		sep = " "
	}
	return "Disclosure: I have received " + strings.Join(parts, sep) + "."
}
