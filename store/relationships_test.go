package store

import (
	"context"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestRelationshipsAndNPI(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		from := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
		r, err := e.AddRelationship(ctx, as(f.clinician), chaperone.Relationship{UserID: f.clinician.ID, Company: " Novo Nordisk ",
			Kind: chaperone.TieSpeaking, From: from, Source: chaperone.TieOpenPayments, Status: chaperone.TieProposed, Detail: "2 payments"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Company != "Novo Nordisk" || r.OrgID != f.org.ID {
			t.Fatalf("added %+v", r)
		}
		for _, bad := range []chaperone.Relationship{
			{UserID: f.clinician.ID, Company: "X", Kind: "bribe", From: from, Status: chaperone.TieConfirmed},
			{UserID: f.clinician.ID, Company: "X", Kind: chaperone.TieGifts, Status: chaperone.TieConfirmed},
			{UserID: f.clinician.ID, Company: "X", Kind: chaperone.TieGifts, From: from, To: from.AddDate(0, 0, -1), Status: chaperone.TieConfirmed},
			{UserID: f.clinician.ID, Company: "X", Kind: chaperone.TieGifts, From: from, Status: chaperone.TieDismissed},
		} {
			if _, err := e.AddRelationship(ctx, as(f.clinician), bad); chaperone.CodeOf(err) != chaperone.ErrInvalid {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		if err := e.SetRelationshipStatus(ctx, as(f.clinician), r.ID, chaperone.TieProposed, chaperone.TieConfirmed, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := e.SetRelationshipStatus(ctx, as(f.clinician), r.ID, chaperone.TieProposed, chaperone.TieDismissed, time.Time{}); chaperone.CodeOf(err) != chaperone.ErrConflict {
			t.Fatalf("dismissing a confirmed one: %v", err)
		}
		end := from.AddDate(1, 0, 0)
		if err := e.SetRelationshipStatus(ctx, as(f.clinician), r.ID, chaperone.TieConfirmed, chaperone.TieConfirmed, end); err != nil {
			t.Fatal(err)
		}
		got, err := e.GetRelationship(ctx, r.ID)
		if err != nil || got.Status != chaperone.TieConfirmed || !got.To.Equal(end) || !got.ActiveAt(end.AddDate(1, 0, 0)) || got.ActiveAt(end.AddDate(3, 0, 0)) {
			t.Fatalf("relationship %+v, %v", got, err)
		}
		if rs, _ := e.ListRelationships(ctx, f.clinician.ID, false); len(rs) != 1 {
			t.Fatalf("%d relationships", len(rs))
		}

		if n, err := e.UserNPI(ctx, f.clinician.ID); err != nil || n != "" {
			t.Fatalf("NPI before: %q %v", n, err)
		}
		for _, n := range []string{"1234567893", "1245319599"} {
			if err := e.SetUserNPI(ctx, as(f.clinician), f.clinician.ID, n); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := e.UserNPI(ctx, f.clinician.ID); n != "1245319599" {
			t.Fatalf("NPI %q", n)
		}
		acts := actions(t, e.Store)
		for _, want := range []chaperone.AuditAction{chaperone.ActionTiePropose, chaperone.ActionTieConfirm, chaperone.ActionTieEnd, chaperone.ActionUserNPI} {
			found := false
			for _, a := range acts {
				found = found || a == want
			}
			if !found {
				t.Errorf("no %s event", want)
			}
		}
		verifyOK(t, e.Store)
	})
}
