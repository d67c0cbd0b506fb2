package store

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
)

// exportFile parses one of the review package's sample exports.
func exportFile(t *testing.T, name string) []review.Review {
	t.Helper()
	f, err := os.Open("../review/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, err := review.Parse(f, "")
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestPatientReviewsImportListAck(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		google, yelp, hg := exportFile(t, "google.json"), exportFile(t, "yelp.json"), exportFile(t, "healthgrades.csv")
		for _, c := range []struct {
			rs                  []review.Review
			wantAdded, wantSkip int
		}{{google, 2, 0}, {yelp, 1, 0}, {hg, 2, 0}, {google, 0, 2}, {append(append([]review.Review{}, hg...), yelp...), 0, 3}} {
			added, skipped, err := e.ImportReviews(ctx, as(f.clinician), f.org.ID, c.rs)
			if err != nil || added != c.wantAdded || skipped != c.wantSkip {
				t.Fatalf("import: %v, added %d skipped %d, want %d %d", err, added, skipped, c.wantAdded, c.wantSkip)
			}
		}
		ev := lastEvent(t, e.Store)
		if ev.Action != chaperone.ActionReviewImport || ev.OrgID != f.org.ID || ev.ActorID != f.clinician.ID ||
			string(ev.Details) != `{"added":0,"sites":["healthgrades","yelp"],"skipped":3}` {
			t.Fatalf("import event %+v %s", ev, ev.Details)
		}
		for _, b := range rawBlobs(t, e, "SELECT reviewer_enc FROM patient_reviews UNION ALL SELECT text_enc FROM patient_reviews") {
			if containsFold(b, "Jessica") || containsFold(b, "collections") || containsFold(b, "Tom K.") {
				t.Fatal("a review is stored in clear")
			}
		}

		ids := func(fl ReviewFilter) []string {
			t.Helper()
			fl.OrgID = f.org.ID
			rs, err := e.ListPatientReviews(ctx, fl)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rs {
				out = append(out, r.ExternalID)
			}
			return out
		}
		same := func(what string, got []string, want ...string) {
			t.Helper()
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s: %v, want %v", what, got, want)
			}
		}
		// newest posted first
		same("all", ids(ReviewFilter{}), "hg-88121", "hg-88120", "AbFvOql2", "AbFvOql1", "xAG4O7l-t1ubbwVAlPnDKg")
		same("yelp", ids(ReviewFilter{Site: "Yelp"}), "xAG4O7l-t1ubbwVAlPnDKg")
		same("low", ids(ReviewFilter{MaxRating: 2}), "hg-88120", "AbFvOql1")
		same("high", ids(ReviewFilter{MinRating: 4}), "hg-88121", "AbFvOql2")
		same("3 only", ids(ReviewFilter{MinRating: 3, MaxRating: 3}), "xAG4O7l-t1ubbwVAlPnDKg")
		same("october 1-10", ids(ReviewFilter{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 11, 0, 0, 0, 0, time.UTC)}), "AbFvOql2", "AbFvOql1")
		same("unreplied", ids(ReviewFilter{Unreplied: true}), "hg-88121", "hg-88120", "AbFvOql1", "xAG4O7l-t1ubbwVAlPnDKg")
		same("other org", nil)
		// paging
		page1, _ := e.ListPatientReviews(ctx, ReviewFilter{OrgID: f.org.ID, Limit: 2})
		last := page1[len(page1)-1]
		same("page 2", ids(ReviewFilter{Limit: 2, BeforePosted: last.CreatedAt, BeforeID: last.ID}), "AbFvOql2", "AbFvOql1")

		all, _ := e.ListPatientReviews(ctx, ReviewFilter{OrgID: f.org.ID})
		hgLow := all[1]
		got, err := e.GetPatientReview(ctx, hgLow.ID)
		if err != nil || got.Reviewer != "Anonymous" || got.Text != "Billing sent my bill to collections, twice." || got.Rating != 1 || got.Site != "healthgrades" ||
			got.ImportedBy != f.clinician.ID || !got.ImportedAt.Equal(norm(e.clock.Now())) || got.Acknowledged() || !got.CreatedAt.Equal(time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("review read back as %v %+v", err, got)
		}
		if y, _ := e.ListPatientReviews(ctx, ReviewFilter{OrgID: f.org.ID, Site: "yelp"}); len(y) != 1 || !strings.HasPrefix(y[0].URL, "https://www.yelp.com/") {
			t.Fatalf("yelp %+v", y)
		}

		// acknowledging ends the alert; twice changes nothing
		same("new and low", ids(ReviewFilter{New: true, MaxRating: chaperone.LowRating}), "hg-88120", "AbFvOql1")
		if err := e.AcknowledgeReview(ctx, as(f.reviewer), hgLow.ID); err != nil {
			t.Fatal(err)
		}
		seq, _, _ := e.Head(ctx)
		if err := e.AcknowledgeReview(ctx, as(f.clinician), hgLow.ID); err != nil {
			t.Fatal(err)
		}
		if seq2, _, _ := e.Head(ctx); seq2 != seq {
			t.Error("a second acknowledgement was audited")
		}
		wantCode(t, e.AcknowledgeReview(ctx, as(f.clinician), 9999), chaperone.ErrNotFound)
		same("new and low after ack", ids(ReviewFilter{New: true, MaxRating: chaperone.LowRating}), "AbFvOql1")
		if got, _ := e.GetPatientReview(ctx, hgLow.ID); got.AcknowledgedBy != f.reviewer.ID || got.AcknowledgedAt.IsZero() {
			t.Fatalf("acknowledged %+v", got)
		}

		// a reply draft
		d, err := e.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelReviewReply, Text: "Thank you."})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.SetReviewReply(ctx, as(f.clinician), hgLow.ID, 0, d.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.SetReviewReply(ctx, as(f.clinician), hgLow.ID, 0, d.ID), chaperone.ErrConflict)
		wantCode(t, e.SetReviewReply(ctx, as(f.clinician), hgLow.ID, d.ID, 9999), chaperone.ErrInvalid) // no such draft
		if got, _ := e.GetPatientReview(ctx, hgLow.ID); got.ReplyDraftID != d.ID || !got.Replied() {
			t.Fatalf("reply %+v", got)
		}
		same("unreplied after reply", ids(ReviewFilter{Unreplied: true}), "hg-88121", "AbFvOql1", "xAG4O7l-t1ubbwVAlPnDKg")

		// one bad review refuses the whole batch
		bad := []review.Review{{Site: "yelp", ExternalID: "new-1", Rating: 4, CreatedAt: e.clock.Now(), Text: "fine"},
			{Site: "yelp", ExternalID: "new-2", Rating: 9, CreatedAt: e.clock.Now(), Text: "Walter Pruitt's knee"}}
		_, _, err = e.ImportReviews(ctx, as(f.clinician), f.org.ID, bad)
		wantCode(t, err, chaperone.ErrInvalid)
		if !strings.Contains(err.Error(), "review 2") || strings.Contains(err.Error(), "Walter") {
			t.Errorf("error %q", err)
		}
		if rs, _ := e.ListPatientReviews(ctx, ReviewFilter{OrgID: f.org.ID}); len(rs) != 5 {
			t.Fatalf("%d reviews after a refused import", len(rs))
		}

		for _, ev := range mustAudit(t, e.Store) {
			if containsFold(ev.Details, "Jessica") || containsFold(ev.Details, "collections") {
				t.Fatalf("audit details hold review text: %s", ev.Details)
			}
		}
		acts := actions(t, e.Store)
		for _, want := range []chaperone.AuditAction{chaperone.ActionReviewImport, chaperone.ActionReviewAck, chaperone.ActionReviewReply} {
			if !hasAction(acts, want) {
				t.Errorf("no %s event", want)
			}
		}
		verifyOK(t, e.Store)
	})
}

// TestPatientReviewsAreBoundToTheirRow: a review's encrypted text copied
// onto another review does not decrypt.
func TestPatientReviewsAreBoundToTheirRow(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		if _, _, err := e.ImportReviews(ctx, System, f.org.ID, exportFile(t, "healthgrades.csv")); err != nil {
			t.Fatal(err)
		}
		e.exec(t, "UPDATE patient_reviews SET text_enc = (SELECT text_enc FROM patient_reviews WHERE external_id = ?) WHERE external_id = ?", "hg-88120", "hg-88121")
		_, err := e.ListPatientReviews(ctx, ReviewFilter{OrgID: f.org.ID})
		if !errors.Is(err, ErrWrongKey) {
			t.Fatalf("moved ciphertext: %v", err)
		}
	})
}

func mustAudit(t *testing.T, s *Store) []chaperone.AuditEvent {
	t.Helper()
	evs, err := s.ListAudit(context.Background(), AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func hasAction(acts []chaperone.AuditAction, want chaperone.AuditAction) bool {
	for _, a := range acts {
		if a == want {
			return true
		}
	}
	return false
}
