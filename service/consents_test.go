package service

import (
	"context"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

var signedPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% authorisation signed by the patient\n%%EOF\n")

func consentFor(signed time.Time) chaperone.Consent {
	return chaperone.Consent{Patient: "Walter Pruitt", Discloses: "Photos of his left knee before and after surgery",
		DisclosedBy: "Harbor Family Medicine", Recipient: "The public, on the practice's accounts", Purpose: "Patient education",
		Expires: signed.AddDate(1, 0, 0), SignedBy: "Walter Pruitt", SignedAt: signed, RightToRevoke: true, NoConditioning: true,
		Redisclosure: true, Media: []string{"text", "photo"}, Channels: []chaperone.Channel{chaperone.ChannelImageCaption, chaperone.ChannelPost}}
}

// TestConsentGate: a caption that needs consent cannot be published until
// a valid, in-scope authorisation is linked; revoking it opens a takedown.
func TestConsentGate(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Channel: chaperone.ChannelImageCaption,
			Text: "Before and after photos of my patient's knee replacement, one year on! Amazing recovery."}))
		v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID))
		if !v.Screen.Result.Has(chaperone.FindingConsentNeeded) {
			t.Fatalf("no CONSENT_NEEDED: %+v", v.Screen.Result.Findings)
		}
		d, _, err := w.svc.Submit(ctx, w.clinician, d.ID)
		if err != nil || d.Status != chaperone.DraftInReview {
			t.Fatalf("submit: %v %s", err, d.Status)
		}
		must[chaperone.Draft](t)(w.svc.Review(ctx, w.reviewer, d.ID, chaperone.ReviewApprove, ""))
		_, err = w.svc.Publish(ctx, w.clinician, d.ID, "https://instagram.com/p/abc")
		wantCode(t, err, chaperone.ErrConflict)
		if !strings.Contains(err.Error(), "164.508") {
			t.Errorf("gate error %q does not say why", err)
		}

		now := time.Now()
		// recording: incomplete forms, wrong roles and non-documents are refused
		bad := consentFor(now)
		bad.Redisclosure = false
		_, err = w.svc.RecordConsent(ctx, w.clinician, bad, signedPDF)
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = w.svc.RecordConsent(ctx, w.reviewer, consentFor(now), signedPDF)
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.RecordConsent(ctx, w.clinician, consentFor(now), []byte("just some text, not a signed form"))
		wantCode(t, err, chaperone.ErrInvalid)

		textOnly := consentFor(now)
		textOnly.Media = []string{"text"}
		narrow := must[chaperone.Consent](t)(w.svc.RecordConsent(ctx, w.clinician, textOnly, signedPDF))
		err = w.svc.LinkConsent(ctx, w.clinician, d.ID, narrow.ID)
		wantCode(t, err, chaperone.ErrInvalid) // a caption goes with a photo

		c := must[chaperone.Consent](t)(w.svc.RecordConsent(ctx, w.clinician, consentFor(now), signedPDF))
		if c.DocumentType != "application/pdf" || len(c.DocumentSHA256) != 64 {
			t.Fatalf("consent %+v", c)
		}
		err = w.svc.LinkConsent(ctx, w.clinician2, d.ID, c.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		if err := w.svc.LinkConsent(ctx, w.clinician, d.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		item := must[chaperone.ArchiveItem](t)(w.svc.Publish(ctx, w.clinician, d.ID, "https://instagram.com/p/abc"))

		// who sees what
		_, err = w.svc.Consent(ctx, w.clinician2, c.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		_, err = w.svc.Consent(ctx, w.outsider, c.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		if got := must[chaperone.Consent](t)(w.svc.Consent(ctx, w.comp, c.ID)); got.Patient != "Walter Pruitt" {
			t.Fatalf("compliance reads %+v", got)
		}
		doc, typ, err := w.svc.ConsentDocument(ctx, w.clinician, c.ID)
		if err != nil || string(doc) != string(signedPDF) || typ != "application/pdf" {
			t.Fatalf("document: %v %s", err, typ)
		}
		if list := must[[]chaperone.Consent](t)(w.svc.Consents(ctx, w.clinician2)); len(list) != 0 {
			t.Fatalf("another clinician lists %d consents", len(list))
		}

		// revocation opens a takedown task for the published post
		_, err = w.svc.RevokeConsent(ctx, w.comp, c.ID, " ")
		wantCode(t, err, chaperone.ErrInvalid)
		tasks := must[[]chaperone.TakedownTask](t)(w.svc.RevokeConsent(ctx, w.comp, c.ID, "Patient called on 3 Nov to withdraw"))
		if len(tasks) != 1 || tasks[0].ArchiveItemID != item.ID || tasks[0].Due.Sub(tasks[0].CreatedAt) > TakedownWindow || tasks[0].Due.Sub(tasks[0].CreatedAt) < TakedownWindow-time.Minute {
			t.Fatalf("tasks %+v", tasks)
		}
		open := must[[]chaperone.TakedownTask](t)(w.svc.Takedowns(ctx, w.clinician, false))
		if len(open) != 1 {
			t.Fatalf("the author sees %d open takedowns", len(open))
		}
		if got := must[[]chaperone.TakedownTask](t)(w.svc.Takedowns(ctx, w.clinician2, false)); len(got) != 0 {
			t.Fatalf("another clinician sees %d takedowns", len(got))
		}
		err = w.svc.CompleteTakedown(ctx, w.clinician2, open[0].ID)
		wantCode(t, err, chaperone.ErrForbidden)
		if err := w.svc.CompleteTakedown(ctx, w.clinician, open[0].ID); err != nil {
			t.Fatal(err)
		}
		// a revoked authorisation backs nothing new
		d2 := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Channel: chaperone.ChannelImageCaption,
			Text: "Before and after photos of my patient's knee replacement, one year on! Amazing recovery."}))
		err = w.svc.LinkConsent(ctx, w.clinician, d2.ID, c.ID)
		wantCode(t, err, chaperone.ErrConflict)
	})
}

func TestExpiringConsents(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		now := time.Now()
		soon := consentFor(now.AddDate(-1, 0, 10)) // expires in about 10 days
		later := consentFor(now)
		must[chaperone.Consent](t)(w.svc.RecordConsent(ctx, w.clinician, soon, signedPDF))
		must[chaperone.Consent](t)(w.svc.RecordConsent(ctx, w.clinician, later, signedPDF))
		exp := must[[]chaperone.Consent](t)(w.svc.ExpiringConsents(ctx, w.clinician))
		if len(exp) != 1 || !exp[0].Expires.Equal(soon.Expires.UTC().Truncate(time.Microsecond)) {
			t.Fatalf("expiring %+v", exp)
		}
	})
}
