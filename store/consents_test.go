package store

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// sampleConsent is a complete authorisation for the fixture's org.
func sampleConsent(orgID int64, signed time.Time) chaperone.Consent {
	return chaperone.Consent{OrgID: orgID, Patient: "Walter Pruitt, chart 00482913",
		Discloses: "Before-and-after photos of Walter Pruitt's left knee", DisclosedBy: "Riverside Family Practice",
		Recipient: "The public, on the practice's social media", Purpose: "Patient education", Expires: signed.AddDate(1, 0, 0),
		SignedBy: "Walter Pruitt", SignedAt: signed, RightToRevoke: true, NoConditioning: true, Redisclosure: true,
		Media: []string{"text", "photo"}, Channels: []chaperone.Channel{chaperone.ChannelPost, chaperone.ChannelImageCaption}}
}

var pdf = []byte("%PDF-1.4\n% signed authorisation for Walter Pruitt\n%%EOF\n")

func TestConsentsAndTakedowns(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		c, err := e.CreateConsent(ctx, as(f.clinician), sampleConsent(f.org.ID, e.clock.Now()), pdf, "application/pdf")
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.GetConsent(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Patient != "Walter Pruitt, chart 00482913" || got.SignedBy != "Walter Pruitt" || !got.RightToRevoke || len(got.Media) != 2 ||
			got.Channels[1] != chaperone.ChannelImageCaption || got.DocumentSize != len(pdf) || got.CreatedBy != f.clinician.ID || !got.Expires.Equal(c.Expires) {
			t.Fatalf("consent read back as %+v", got)
		}
		doc, typ, err := e.ConsentDocument(ctx, c.ID)
		if err != nil || !bytes.Equal(doc, pdf) || typ != "application/pdf" {
			t.Fatalf("document: %v %q", err, typ)
		}
		for _, b := range rawBlobs(t, e, "SELECT details_enc FROM consents UNION ALL SELECT doc_enc FROM consents") {
			if containsFold(b, "Pruitt") || containsFold(b, "00482913") {
				t.Fatal("a consent is stored in clear")
			}
		}
		// an incomplete authorisation is refused and nothing is stored
		bad := sampleConsent(f.org.ID, e.clock.Now())
		bad.NoConditioning = false
		if _, err := e.CreateConsent(ctx, as(f.clinician), bad, pdf, "application/pdf"); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Fatalf("incomplete consent: %v", err)
		}
		if cs, _ := e.ListConsents(ctx, f.org.ID); len(cs) != 1 {
			t.Fatalf("%d consents after a refused one", len(cs))
		}

		// two drafts linked to it, one published
		pub, err := e.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost, Text: "Walter's knee, one year on"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost, Text: "draft"})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []int64{pub.ID, other.ID} {
			if err := e.LinkConsent(ctx, as(f.clinician), d, c.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.LinkConsent(ctx, as(f.clinician), pub.ID, c.ID); chaperone.CodeOf(err) != chaperone.ErrConflict {
			t.Fatalf("linking twice: %v", err)
		}
		linked, err := e.LinkedConsents(ctx, pub.ID)
		if err != nil || len(linked) != 1 || linked[0].ID != c.ID {
			t.Fatalf("linked %v %+v", err, linked)
		}
		item, err := e.InsertArchiveItem(ctx, as(f.clinician), chaperone.ArchiveItem{DraftID: pub.ID, PublishedURL: "https://example.org/p/1",
			PublishedAt: e.clock.Now(), Text: "Walter's knee, one year on", RetainUntil: e.clock.Now().AddDate(6, 0, 0),
			ScreenResult: json.RawMessage(`{}`), ApprovalChain: json.RawMessage(`[]`)})
		if err != nil {
			t.Fatal(err)
		}

		due := e.clock.Now().Add(48 * time.Hour)
		tasks, err := e.RevokeConsent(ctx, as(f.reviewer), c.ID, "Patient asked by phone on 3 Nov", due)
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != 1 || tasks[0].ArchiveItemID != item.ID || tasks[0].PublishedURL != "https://example.org/p/1" || !tasks[0].Due.Equal(norm(due)) {
			t.Fatalf("tasks %+v", tasks)
		}
		if _, err := e.RevokeConsent(ctx, as(f.reviewer), c.ID, "again", due); chaperone.CodeOf(err) != chaperone.ErrConflict {
			t.Fatalf("revoking twice: %v", err)
		}
		got, _ = e.GetConsent(ctx, c.ID)
		if got.RevokedAt.IsZero() || got.RevokedReason != "Patient asked by phone on 3 Nov" || got.ValidAt(e.clock.Now()) == nil {
			t.Fatalf("revoked consent %+v", got)
		}
		open, err := e.ListTakedowns(ctx, f.org.ID, true)
		if err != nil || len(open) != 1 {
			t.Fatalf("open tasks %v %d", err, len(open))
		}
		if err := e.CompleteTakedown(ctx, as(f.clinician), open[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := e.CompleteTakedown(ctx, as(f.clinician), open[0].ID); chaperone.CodeOf(err) != chaperone.ErrConflict {
			t.Fatalf("completing twice: %v", err)
		}
		if open, _ := e.ListTakedowns(ctx, f.org.ID, true); len(open) != 0 {
			t.Fatalf("%d open after completion", len(open))
		}
		all, _ := e.ListTakedowns(ctx, f.org.ID, false)
		if len(all) != 1 || all[0].DoneBy != f.clinician.ID || all[0].DoneAt.IsZero() {
			t.Fatalf("done task %+v", all)
		}
		acts := actions(t, e.Store)
		for _, want := range []chaperone.AuditAction{chaperone.ActionConsentCreate, chaperone.ActionConsentLink, chaperone.ActionConsentRevoke,
			chaperone.ActionTakedownCreate, chaperone.ActionTakedownDone} {
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
