package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
)

// rawRows returns every value of every row of table, as the database
// holds it.
func rawRows(t *testing.T, e *tenv, table string) [][]byte {
	t.Helper()
	rows, err := e.db.QueryContext(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]byte
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				out = append(out, b)
			} else {
				out = append(out, []byte(fmt.Sprint(v)))
			}
		}
	}
	return out
}

// TestReviewRequestsKeepNoPHIInClear: names, addresses and visit ids are
// nowhere in clear; a sealed address moved to another row does not
// decrypt; the keyed hashes deduplicate and match opt-outs whatever the
// case; a request is claimed once.
func TestReviewRequestsKeepNoPHIInClear(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		day := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
		vs := []review.Visit{{ID: "MRN-0048-2913", Name: "Walter Pruitt", Email: "walter.pruitt@example.com", At: day},
			{Name: "Jessica Mbeki", Email: "jmbeki@example.net", At: day}}
		added, skipped, ids, err := e.AddReviewRequests(ctx, as(f.clinician), f.org.ID, "import", vs)
		if err != nil || added != 2 || skipped != 0 || len(ids) != 2 {
			t.Fatalf("add: %d %d %v %v", added, skipped, ids, err)
		}
		if added, skipped, _, err = e.AddReviewRequests(ctx, as(f.clinician), f.org.ID, "manual", vs); err != nil || added != 0 || skipped != 2 {
			t.Fatalf("again: %d %d %v", added, skipped, err)
		}
		h, err := e.AddressHash(ctx, " Walter.Pruitt@EXAMPLE.com ")
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := e.OptOut(ctx, System, f.org.ID, h, "link"); !ok || err != nil {
			t.Fatalf("opt-out: %v %v", ok, err)
		}
		if ok, err := e.OptOut(ctx, System, f.org.ID, h, "one-click"); ok || err != nil {
			t.Fatalf("opt-out again: %v %v", ok, err)
		}
		for _, table := range []string{"review_requests", "review_optouts", "store_secrets", "review_request_attempts", "audit_events"} {
			for _, v := range rawRows(t, e, table) {
				for _, phi := range []string{"walter", "pruitt", "jmbeki", "Mbeki", "example.com", "example.net", "MRN-0048", "0048-2913"} {
					if containsFold(v, phi) {
						t.Errorf("%s holds %q in clear", table, phi)
					}
				}
			}
		}
		rr, err := e.GetReviewRequest(ctx, ids[0])
		if err != nil || rr.Email != "walter.pruitt@example.com" || rr.PatientName != "Walter Pruitt" || rr.Status != chaperone.RequestOptedOut ||
			!rr.DueAt.Equal(day.Add(chaperone.ReviewRequestDelay)) {
			t.Fatalf("read back: %+v %v", rr, err)
		}
		// a sealed value moved to another row does not decrypt
		blobs := rawBlobs(t, e, "SELECT email_enc FROM review_requests ORDER BY id")
		e.exec(t, "UPDATE review_requests SET email_enc = ? WHERE id = ?", blobs[0], ids[1])
		if _, err := e.GetReviewRequest(ctx, ids[1]); !errors.Is(err, ErrWrongKey) || bytes.Contains([]byte(err.Error()), []byte("walter")) {
			t.Errorf("moved value: %v", err)
		}
		e.exec(t, "UPDATE review_requests SET email_enc = ? WHERE id = ?", blobs[1], ids[1])
		// claimed once; the other is opted out already
		if st, err := e.ClaimReviewRequest(ctx, ids[1], day.Add(-chaperone.ReviewRequestGap)); err != nil || st != chaperone.RequestSending {
			t.Fatalf("claim: %q %v", st, err)
		}
		if st, err := e.ClaimReviewRequest(ctx, ids[1], day); err != nil || st != "" {
			t.Fatalf("claim again: %q %v", st, err)
		}
		if st, err := e.FinishReviewRequest(ctx, ids[1], day.Add(36*time.Hour), "", time.Time{}); err != nil || st != chaperone.RequestSent {
			t.Fatalf("finish: %q %v", st, err)
		}
		if n, err := e.SentSince(ctx, f.org.ID, day.Add(35*time.Hour)); err != nil || n != 1 {
			t.Errorf("sent since: %d %v", n, err)
		}
		verifyOK(t, e.Store)
	})
}
