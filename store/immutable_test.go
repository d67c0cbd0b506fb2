package store

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestArchiveIsImmutable(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		d, err := e.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost, Text: "Flu shots are in"})
		if err != nil {
			t.Fatal(err)
		}
		// The triggers compare with the database's clock, not the store's.
		past, future := time.Now().AddDate(-1, 0, 0), time.Now().AddDate(6, 0, 0)
		insert := func(name string, retain time.Time, hold bool) int64 {
			t.Helper()
			it, err := e.InsertArchiveItem(ctx, as(f.reviewer), chaperone.ArchiveItem{DraftID: d.ID, PublishedURL: "https://x.example/" + name,
				PublishedAt: past.AddDate(-6, 0, 0), Text: "Flu shots are in (" + name + ")", ScreenResult: json.RawMessage(`{"decision":"allow"}`),
				ApprovalChain: json.RawMessage(`[]`), RetainUntil: retain, LegalHold: hold})
			if err != nil {
				t.Fatal(err)
			}
			return it.ID
		}
		expired, held, kept := insert("expired", past, false), insert("held", past, true), insert("kept", future, false)
		other := insert("other", future, false)
		var otherBlob []byte
		if err := e.db.QueryRowContext(ctx, e.q("SELECT text_enc FROM archive_items WHERE id = ?"), other).Scan(&otherBlob); err != nil {
			t.Fatal(err)
		}
		otherKey := append([]byte{}, otherBlob...)
		otherKey[1] = 9 // same format and length, another key id: what rotation writes

		refused := func(what, query string, args ...any) {
			t.Helper()
			_, err := e.db.ExecContext(ctx, e.q(query), args...)
			if err == nil {
				t.Errorf("%s: allowed", what)
			}
		}
		refused("text", "UPDATE archive_items SET text_enc = ? WHERE id = ?", otherBlob, kept)
		refused("url", "UPDATE archive_items SET published_url = 'https://evil.example' WHERE id = ?", kept)
		refused("screen result", `UPDATE archive_items SET screen_result = '{"decision":"block"}' WHERE id = ?`, kept)
		refused("approval chain", "UPDATE archive_items SET approval_chain = '[1]' WHERE id = ?", kept)
		refused("retention", "UPDATE archive_items SET retain_until = ? WHERE id = ?", e.tv(past), kept)
		refused("publication time", "UPDATE archive_items SET published_at = ? WHERE id = ?", e.tv(future), kept)
		refused("draft", "UPDATE archive_items SET draft_id = draft_id + 0, org_id = org_id + 1 WHERE id = ?", kept)
		refused("id", "UPDATE archive_items SET id = id + 100 WHERE id = ?", kept)
		refused("hold and text together", "UPDATE archive_items SET legal_hold = ?, text_enc = ? WHERE id = ?", true, otherBlob, kept)
		refused("shorter value under another key id", "UPDATE archive_items SET text_enc = ? WHERE id = ?", otherKey[:len(otherKey)-1], other)
		refused("delete unexpired", "DELETE FROM archive_items WHERE id = ?", kept)
		refused("delete held", "DELETE FROM archive_items WHERE id = ?", held)
		refused("delete all", "DELETE FROM archive_items")
		if e.Dialect() == Postgres {
			refused("truncate", "TRUNCATE archive_items")
		}
		_, err = e.db.ExecContext(ctx, e.q("UPDATE archive_items SET published_url = 'x' WHERE id = ?"), kept)
		if err == nil || !containsFold([]byte(err.Error()), "archive items are immutable: only legal_hold may change") {
			t.Errorf("the refusal says why: %v", err)
		}
		_, err = e.db.ExecContext(ctx, e.q("DELETE FROM archive_items WHERE id = ?"), held)
		if err == nil || !containsFold([]byte(err.Error()), "on legal hold or not yet expired") {
			t.Errorf("the refusal says why: %v", err)
		}
		got, err := e.GetArchiveItem(ctx, kept)
		if err != nil || got.Text != "Flu shots are in (kept)" || got.PublishedURL != "https://x.example/kept" || got.RetainUntil != norm(future) || got.LegalHold {
			t.Errorf("after the refused changes: %+v, %v", got, err)
		}

		// The legal hold toggles, through the store and in raw SQL.
		if err := e.SetLegalHold(ctx, as(f.reviewer), kept, true); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.GetArchiveItem(ctx, kept); !got.LegalHold {
			t.Error("hold not set")
		}
		refused("delete held (was unexpired)", "DELETE FROM archive_items WHERE id = ?", kept)
		if err := e.SetLegalHold(ctx, as(f.reviewer), kept, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.ExecContext(ctx, e.q("UPDATE archive_items SET legal_hold = ? WHERE id = ?"), true, other); err != nil {
			t.Errorf("raw legal hold update: %v", err)
		}
		// Key rotation's change passes: same format and length, another key id.
		if _, err := e.db.ExecContext(ctx, e.q("UPDATE archive_items SET text_enc = ? WHERE id = ?"), otherKey, other); err != nil {
			t.Errorf("re-encryption-shaped update: %v", err)
		}

		// The purge deletes what is past retention and not held; releasing
		// the hold lets the next purge take it.
		n, err := e.PurgeExpired(ctx, System, time.Now())
		if err != nil || n != 1 {
			t.Fatalf("PurgeExpired: %d, %v; want 1", n, err)
		}
		_, err = e.GetArchiveItem(ctx, expired)
		wantCode(t, err, chaperone.ErrNotFound)
		if err := e.SetLegalHold(ctx, as(f.reviewer), held, false); err != nil {
			t.Fatal(err)
		}
		if n, err := e.PurgeExpired(ctx, System, time.Now()); err != nil || n != 1 {
			t.Errorf("PurgeExpired after release: %d, %v; want 1", n, err)
		}
		var left []int64
		rows, err := e.db.QueryContext(ctx, "SELECT id FROM archive_items ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			left = append(left, id)
		}
		rows.Close()
		if fmt.Sprint(left) != fmt.Sprint([]int64{kept, other}) {
			t.Errorf("left %v, want %v", left, []int64{kept, other})
		}
		// A purge run with a clock ahead of the database's cannot take
		// items the database does not consider expired.
		_, err = e.PurgeExpired(ctx, System, future.AddDate(1, 0, 0))
		if err == nil {
			t.Error("purge ahead of the database's clock deleted unexpired items")
		}
		if seq, _, _ := e.Head(ctx); seq == 0 {
			t.Fatal("no events")
		}
		verifyOK(t, e.Store)
	})
}
