package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// postsOf is a PostReader over posts.
func postsOf(posts ...chaperone.Post) PostReader {
	return func(fn func(chaperone.Post) error) error {
		for _, p := range posts {
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	}
}

func xPost(id, text string) chaperone.Post {
	return chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: id, URL: "https://x.com/druiz/status/" + id, Account: "druiz",
		At: time.Date(2023, 5, 1, 9, 0, 0, 0, time.UTC), Text: text}
}

func TestImportPublishedPosts(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		archive := postsOf(
			xPost("1", "Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913."),
			xPost("2", "Flu shots are in: book at the front desk."),
			xPost("3", "Loved the Paxlovid data at the conference today."),
		)
		var seen []int
		sum, err := w.svc.ImportPosts(ctx, w.clinician, 0, archive, func(p WatchImport) { seen = append(seen, p.Read) })
		if err != nil || sum.Read != 3 || sum.Added != 3 || sum.Open != 1 || sum.Decisions[chaperone.Block] != 1 || len(seen) != 1 {
			t.Fatalf("import: %+v %v (progress %v)", sum, err, seen)
		}
		again, err := w.svc.ImportPosts(ctx, w.clinician, 0, archive, nil)
		if err != nil || again.Added != 0 || again.Skipped != 3 {
			t.Fatalf("re-import: %+v %v", again, err)
		}
		// a reader that fails part way keeps what came before
		boom := errors.New("truncated archive")
		_, err = w.svc.ImportPosts(ctx, w.clinician, 0, func(fn func(chaperone.Post) error) error {
			if err := fn(xPost("4", "Our clinic opens at 8.")); err != nil {
				return err
			}
			return boom
		}, nil)
		if !errors.Is(err, boom) {
			t.Fatalf("failing reader: %v", err)
		}

		// who sees what
		mine := must[[]chaperone.PublishedPost](t)(w.svc.PublishedPosts(ctx, w.clinician, PostFilter{}))
		if len(mine) != 4 {
			t.Fatalf("%d posts kept", len(mine))
		}
		open := must[[]chaperone.PublishedPost](t)(w.svc.PublishedPosts(ctx, w.clinician, PostFilter{Status: chaperone.PostOpen}))
		if len(open) != 1 || open[0].ExternalID != "1" || open[0].Screen.Decision != chaperone.Block {
			t.Fatalf("open: %+v", open)
		}
		_, err = w.svc.PublishedPosts(ctx, w.clinician2, PostFilter{UserID: w.clinician.ID})
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.PublishedPosts(ctx, w.clinician, PostFilter{All: true})
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.ImportPosts(ctx, w.clinician2, w.clinician.ID, archive, nil)
		wantCode(t, err, chaperone.ErrForbidden)
		if all := must[[]chaperone.PublishedPost](t)(w.svc.PublishedPosts(ctx, w.comp, PostFilter{All: true})); len(all) != 4 {
			t.Fatalf("compliance sees %d", len(all))
		}
		_, err = w.svc.PublishedPosts(ctx, w.outsider, PostFilter{UserID: w.clinician.ID})
		wantCode(t, err, chaperone.ErrNotFound)

		// tasks: the author deletes it; only compliance accepts or reopens
		_, err = w.svc.ResolvePost(ctx, w.clinician, open[0].ID, chaperone.PostAccepted, "")
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.ResolvePost(ctx, w.clinician2, open[0].ID, chaperone.PostDeleted, "")
		wantCode(t, err, chaperone.ErrNotFound)
		p := must[chaperone.PublishedPost](t)(w.svc.ResolvePost(ctx, w.clinician, open[0].ID, chaperone.PostDeleted, ""))
		if p.Status != chaperone.PostDeleted || p.ResolvedBy != w.clinician.ID {
			t.Fatalf("deleted: %+v", p)
		}
		p = must[chaperone.PublishedPost](t)(w.svc.ResolvePost(ctx, w.comp, open[0].ID, chaperone.PostOpen, ""))
		p = must[chaperone.PublishedPost](t)(w.svc.ResolvePost(ctx, w.clinician, p.ID, chaperone.PostIncident, ""))
		if p.Status != chaperone.PostIncident || p.IncidentID == 0 {
			t.Fatalf("incident: %+v", p)
		}
		b := must[chaperone.BreachIncident](t)(w.svc.Incident(ctx, w.comp, p.IncidentID))
		if b.Description == "" {
			t.Fatalf("incident %+v", b)
		}
		var clear chaperone.PublishedPost
		for _, x := range mine {
			if x.ExternalID == "2" {
				clear = x
			}
		}
		_, err = w.svc.ResolvePost(ctx, w.clinician, clear.ID, chaperone.PostDeleted, "")
		wantCode(t, err, chaperone.ErrConflict)

		// declaring a tie to Pfizer and re-screening opens a task on the
		// Paxlovid post; the resolved one keeps its status
		must[chaperone.Relationship](t)(w.svc.DeclareRelationship(ctx, w.clinician, chaperone.Relationship{Company: "Pfizer",
			Kind: chaperone.TieConsulting, From: time.Now().AddDate(-1, 0, 0)}))
		var batches []int64
		r, err := w.svc.RescreenOrg(ctx, w.clinician.OrgID, 0, func(last int64) error { batches = append(batches, last); return nil })
		if err != nil || r.Screened != 4 || r.Changed != 1 || len(batches) != 1 {
			t.Fatalf("rescreen: %+v %v %v", r, err, batches)
		}
		counts := must[map[chaperone.PostStatus]int](t)(w.svc.PostCounts(ctx, w.clinician, false))
		if counts[chaperone.PostOpen] != 1 || counts[chaperone.PostIncident] != 1 || counts[chaperone.PostClear] != 2 {
			t.Fatalf("counts after rescreen: %v", counts)
		}
		evs, err := w.st.ListAudit(ctx, store.AuditFilter{OrgID: w.clinician.OrgID})
		if err != nil {
			t.Fatal(err)
		}
		n := map[chaperone.AuditAction]int{}
		for _, ev := range evs {
			n[ev.Action]++
			if js := fmt.Sprint(ev.Details); strings.Contains(js, "O'Connell") || strings.Contains(js, "Paxlovid") || strings.Contains(js, "0048") {
				t.Errorf("audit details hold post text: %s", js)
			}
		}
		if n[chaperone.ActionWatchImport] != 3 || n[chaperone.ActionWatchResolve] != 3 || n[chaperone.ActionWatchRescreen] != 1 {
			t.Errorf("audit: %v", n)
		}
	})
}
