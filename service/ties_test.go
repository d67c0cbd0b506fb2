package service

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestIndustryTies(t *testing.T) {
	sample, err := os.ReadFile("../payments/testdata/general_payments_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		_, err := w.svc.ImportOpenPayments(ctx, w.clinician, strings.NewReader(string(sample)))
		wantCode(t, err, chaperone.ErrInvalid) // no NPI yet
		wantCode(t, w.svc.SetNPI(ctx, w.clinician, "1234567890"), chaperone.ErrInvalid)
		if err := w.svc.SetNPI(ctx, w.clinician, "1234567893"); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.ImportOpenPayments(ctx, w.clinician, strings.NewReader(string(sample)+"\"1234567893\",\"broken"))
		wantCode(t, err, chaperone.ErrInvalid)
		if rs := must[[]chaperone.Relationship](t)(w.svc.Relationships(ctx, w.clinician, 0)); len(rs) != 0 {
			t.Fatalf("a failed import stored %d relationships", len(rs))
		}

		post := "Ozempic and Wegovy have changed how I manage type 2 diabetes in clinic."
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Text: post}))
		if v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID)); v.Screen.Result.Has(chaperone.FindingUndisclosedFinancial) {
			t.Fatal("UNDISCLOSED_FINANCIAL before any relationship")
		}

		proposed := must[[]chaperone.Relationship](t)(w.svc.ImportOpenPayments(ctx, w.clinician, strings.NewReader(string(sample))))
		if len(proposed) != 2 || proposed[0].Company != "Novo Nordisk Inc" || proposed[0].Kind != chaperone.TieSpeaking ||
			proposed[0].Status != chaperone.TieProposed || !strings.Contains(proposed[0].Detail, "$2523.17") ||
			proposed[1].Company != "Medtronic USA, Inc." || proposed[1].Kind != chaperone.TieConsulting {
			t.Fatalf("proposed %+v", proposed)
		}
		if again := must[[]chaperone.Relationship](t)(w.svc.ImportOpenPayments(ctx, w.clinician, strings.NewReader(string(sample)))); len(again) != 0 {
			t.Fatalf("re-import proposed %d more", len(again))
		}
		// proposals are not relationships yet
		d2 := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Text: post}))
		if v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d2.ID)); v.Screen.Result.Has(chaperone.FindingUndisclosedFinancial) {
			t.Fatal("a proposal counted as a relationship")
		}
		wantCode(t, w.svc.ConfirmRelationship(ctx, w.clinician2, proposed[0].ID, true), chaperone.ErrNotFound)
		if err := w.svc.ConfirmRelationship(ctx, w.clinician, proposed[0].ID, true); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.ConfirmRelationship(ctx, w.clinician, proposed[0].ID, true), chaperone.ErrConflict)
		if err := w.svc.ConfirmRelationship(ctx, w.clinician, proposed[1].ID, false); err != nil {
			t.Fatal(err)
		}

		d3 := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Text: post}))
		v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d3.ID))
		if !v.Screen.Result.Has(chaperone.FindingUndisclosedFinancial) {
			t.Fatalf("no UNDISCLOSED_FINANCIAL with a confirmed tie: %+v", v.Screen.Result.Findings)
		}
		if v.Disclosure != "Disclosure: I have received speaking fees from Novo Nordisk Inc." {
			t.Fatalf("disclosure %q", v.Disclosure)
		}
		d3 = must[chaperone.Draft](t)(w.svc.Edit(ctx, w.clinician, d3.ID, post+" "+v.Disclosure, ""))
		if v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d3.ID)); v.Screen.Result.Has(chaperone.FindingUndisclosedFinancial) {
			t.Fatalf("the suggested disclosure does not satisfy the screen: %+v", v.Screen.Result.Findings)
		}
		// the stateless screen uses the same ties
		res := must[chaperone.Result](t)(w.svc.Screen(ctx, w.clinician, chaperone.Item{Text: post}))
		if !res.Has(chaperone.FindingUndisclosedFinancial) {
			t.Fatal("Screen ignores the user's relationships")
		}

		// declared by hand; ended more than two years ago no longer counts
		old := must[chaperone.Relationship](t)(w.svc.DeclareRelationship(ctx, w.clinician2, chaperone.Relationship{Company: "AbbVie",
			Kind: chaperone.TieConsulting, From: time.Now().AddDate(-4, 0, 0)}))
		if err := w.svc.EndRelationship(ctx, w.clinician2, old.ID, time.Now().AddDate(-3, 0, 0)); err != nil {
			t.Fatal(err)
		}
		res = must[chaperone.Result](t)(w.svc.Screen(ctx, w.clinician2, chaperone.Item{Text: "Humira has been a game changer for my psoriasis patients."}))
		if res.Has(chaperone.FindingUndisclosedFinancial) {
			t.Fatal("a relationship that ended three years ago still counts")
		}
		_, err = w.svc.DeclareRelationship(ctx, w.clinician2, chaperone.Relationship{Company: "", Kind: chaperone.TieConsulting, From: time.Now()})
		wantCode(t, err, chaperone.ErrInvalid)

		// compliance reads anyone's; clinicians only their own
		if rs := must[[]chaperone.Relationship](t)(w.svc.Relationships(ctx, w.comp, w.clinician.ID)); len(rs) != 1 {
			t.Fatalf("compliance sees %d of the clinician's relationships", len(rs))
		}
		_, err = w.svc.Relationships(ctx, w.clinician2, w.clinician.ID)
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.Relationships(ctx, w.outsider, w.clinician.ID)
		wantCode(t, err, chaperone.ErrNotFound)
	})
}

func TestDisclosureLine(t *testing.T) {
	rs := []chaperone.Relationship{{Company: "Novo Nordisk", Kind: chaperone.TieSpeaking}, {Company: "Medtronic", Kind: chaperone.TieConsulting},
		{Company: "Pfizer", Kind: chaperone.TieResearch}}
	cases := map[int]string{
		1: "Disclosure: I have received speaking fees from Novo Nordisk.",
		2: "Disclosure: I have received speaking fees from Novo Nordisk and consulting fees from Medtronic.",
		3: "Disclosure: I have received speaking fees from Novo Nordisk, consulting fees from Medtronic, and research funding from Pfizer.",
	}
	for n, want := range cases {
		if got := DisclosureLine(rs[:n]); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

func TestCompanyKey(t *testing.T) {
	for _, c := range [][2]string{{"Novo Nordisk Inc", "novo nordisk"}, {"Medtronic USA, Inc.", "medtronic"}, {"AbbVie Inc.", "abbvie"}, {"Inc", "inc"}} {
		if got := companyKey(c[0]); got != c[1] {
			t.Errorf("companyKey(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}
