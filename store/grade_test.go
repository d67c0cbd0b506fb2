package store

import (
	"context"
	"encoding/json"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestGradeSnapshotsAndCounts(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		snaps := []GradeSnapshot{{Score: 62, Parts: json.RawMessage(`[{"id":"clinicians"}]`)}, {UserID: f.clinician.ID, Score: 89}}
		if n, err := e.SaveGradeSnapshots(ctx, System, f.org.ID, "2026-11-02", snaps); err != nil || n != 2 {
			t.Fatalf("save: %d %v", n, err)
		}
		// the first of the day stands
		snaps[0].Score = 10
		if n, err := e.SaveGradeSnapshots(ctx, System, f.org.ID, "2026-11-02", snaps); err != nil || n != 0 {
			t.Fatalf("save again: %d %v", n, err)
		}
		if _, err := e.SaveGradeSnapshots(ctx, System, f.org.ID, "2026-11-03", []GradeSnapshot{{Score: 101}}); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Fatalf("score 101: %v", err)
		}
		if _, err := e.SaveGradeSnapshots(ctx, System, f.org.ID, "Nov 3", snaps); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Fatalf("bad day: %v", err)
		}
		must := func(n int, err error) {
			t.Helper()
			if err != nil || n != 1 {
				t.Fatalf("save: %d %v", n, err)
			}
		}
		must(e.SaveGradeSnapshots(ctx, System, f.org.ID, "2026-11-05", snaps[:1]))
		got, err := e.GradeSnapshots(ctx, f.org.ID, 0, "2026-11-01", "2026-11-04")
		if err != nil || len(got) != 1 || got[0].Score != 62 || string(got[0].Parts) != `[{"id":"clinicians"}]` {
			t.Fatalf("org snapshots: %v %+v", err, got)
		}
		if got, _ := e.GradeSnapshots(ctx, f.org.ID, f.clinician.ID, "2026-11-01", "2026-11-30"); len(got) != 1 || got[0].Score != 89 || string(got[0].Parts) != "[]" {
			t.Fatalf("clinician's snapshots: %+v", got)
		}
		n := 0
		evs, _ := e.ListAudit(ctx, AuditFilter{OrgID: f.org.ID})
		for _, ev := range evs {
			if ev.Action == chaperone.ActionGradeSnapshot {
				n++
			}
		}
		if n != 2 { // 2026-11-02 and -05; nothing written, nothing audited
			t.Fatalf("%d grade.snapshot events", n)
		}

		// open tasks by decision
		post := func(id string, d chaperone.Decision) ScreenedPost {
			return ScreenedPost{Post: chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: id, Text: "t", Channel: chaperone.ChannelPost},
				Screen: chaperone.Result{Decision: d, Findings: []chaperone.Finding{}}}
		}
		if err := e.InTx(ctx, func(tx *Tx) error {
			_, err := tx.ImportPosts(ctx, as(f.clinician), f.org.ID, f.clinician.ID,
				[]ScreenedPost{post("1", chaperone.Block), post("2", chaperone.Block), post("3", chaperone.Review), post("4", chaperone.Allow)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		posts, open, err := e.OpenTasks(ctx, f.org.ID, f.clinician.ID)
		if err != nil || posts != 4 || open[chaperone.Block] != 2 || open[chaperone.Review] != 1 || open[chaperone.Allow] != 0 {
			t.Fatalf("open tasks: %d %v %v", posts, open, err)
		}
	})
}
