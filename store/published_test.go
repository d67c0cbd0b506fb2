package store

import (
	"context"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestPublishedPosts(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		day := func(d int) time.Time { return time.Date(2024, 3, d, 9, 0, 0, 0, time.UTC) }
		post := func(id, text string, at time.Time, d chaperone.Decision) ScreenedPost {
			return ScreenedPost{Post: chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: id, URL: "https://x.com/druiz/status/" + id,
				Account: "druiz", At: at, Text: text, Channel: chaperone.ChannelPost},
				Screen: chaperone.Result{Decision: d, Findings: []chaperone.Finding{}}}
		}
		batch := []ScreenedPost{
			post("101", "Discharged Walter Pruitt today", day(1), chaperone.Block),
			post("102", "Flu shots are in", day(2), chaperone.Allow),
			post("103", "Tough case in the ER tonight", day(3), chaperone.Review),
		}
		imp := func(ps []ScreenedPost) (ImportStats, error) {
			return inTx1(ctx, e.Store, func(tx *Tx) (ImportStats, error) {
				return tx.ImportPosts(ctx, as(f.clinician), f.org.ID, f.clinician.ID, ps)
			})
		}
		st, err := imp(batch)
		if err != nil || st != (ImportStats{Added: 3, Open: 2}) {
			t.Fatalf("import: %+v %v", st, err)
		}
		// the same archive again adds nothing; a new post is added
		st, err = imp(append(batch, post("104", "Our new clinic", time.Time{}, chaperone.Allow)))
		if err != nil || st != (ImportStats{Added: 1, Skipped: 3}) {
			t.Fatalf("re-import: %+v %v", st, err)
		}
		// a bad post refuses the whole batch
		bad := post("", "no id", day(5), chaperone.Allow)
		if _, err := imp([]ScreenedPost{post("105", "fine", day(5), chaperone.Allow), bad}); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Fatalf("bad post: %v", err)
		}
		all, err := e.ListPublished(ctx, PostFilter{OrgID: f.org.ID})
		if err != nil || len(all) != 4 || all[0].ExternalID != "103" || all[3].ExternalID != "104" || all[2].Text != "Discharged Walter Pruitt today" {
			t.Fatalf("list: %v %+v", err, all)
		}
		if all[2].FlaggedAt.IsZero() || !all[1].FlaggedAt.IsZero() {
			t.Errorf("flagged at: %v / %v", all[2].FlaggedAt, all[1].FlaggedAt)
		}
		open, _ := e.ListPublished(ctx, PostFilter{OrgID: f.org.ID, Status: chaperone.PostOpen})
		flagged, _ := e.ListPublished(ctx, PostFilter{OrgID: f.org.ID, Flagged: true, Limit: 1})
		page2, _ := e.ListPublished(ctx, PostFilter{OrgID: f.org.ID, BeforeAt: all[1].At, BeforeID: all[1].ID})
		if len(open) != 2 || len(flagged) != 1 || len(page2) != 2 || page2[0].ExternalID != "101" {
			t.Fatalf("filters: %d open, %d flagged, page 2 %+v", len(open), len(flagged), page2)
		}
		for _, b := range rawBlobs(t, e, "SELECT text_enc FROM published_posts") {
			if containsFold(b, "Pruitt") {
				t.Fatal("a post is stored in clear")
			}
		}

		// resolve, then a re-screen leaves a resolved post alone and moves
		// the others
		blocked, flu := all[2], all[1]
		if err := e.InTx(ctx, func(tx *Tx) error { return tx.ResolvePost(ctx, as(f.clinician), blocked.ID, chaperone.PostDeleted, 0) }); err != nil {
			t.Fatal(err)
		}
		if err := e.InTx(ctx, func(tx *Tx) error { return tx.ResolvePost(ctx, as(f.clinician), blocked.ID, chaperone.PostClear, 0) }); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Fatalf("resolve as clear: %v", err)
		}
		err = e.InTx(ctx, func(tx *Tx) error {
			for _, id := range []int64{blocked.ID, flu.ID} {
				if _, err := tx.RescreenPost(ctx, id, chaperone.Result{Decision: chaperone.Review}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := e.GetPublished(ctx, blocked.ID)
		gotFlu, _ := e.GetPublished(ctx, flu.ID)
		if got.Status != chaperone.PostDeleted || got.ResolvedBy != f.clinician.ID || got.Screen.Decision != chaperone.Review ||
			gotFlu.Status != chaperone.PostOpen || gotFlu.FlaggedAt.IsZero() {
			t.Fatalf("after re-screen: %+v / %+v", got, gotFlu)
		}
		counts, err := e.PostCounts(ctx, f.org.ID, f.clinician.ID)
		if err != nil || counts[chaperone.PostOpen] != 2 || counts[chaperone.PostDeleted] != 1 || counts[chaperone.PostClear] != 1 {
			t.Fatalf("counts %v %v", counts, err)
		}
		ids, err := e.PostIDs(ctx, f.org.ID, all[3].ID-1, 10)
		if err != nil || len(ids) == 0 {
			t.Fatalf("ids %v %v", ids, err)
		}
	})
}
