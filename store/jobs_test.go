package store

import (
	"context"
	"testing"
)

func TestJobBookkeeping(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		other, err := e.CreateOrg(ctx, System, "Hillside", "Hillside Clinic")
		if err != nil {
			t.Fatal(err)
		}
		ids, err := e.OrgIDs(ctx)
		if err != nil || len(ids) != 2 || ids[0] != f.org.ID || ids[1] != other.ID {
			t.Fatalf("org ids: %v %v", ids, err)
		}
		if p, ok, err := e.GetJobProgress(ctx, 7); err != nil || ok || p.JobID != 7 {
			t.Fatalf("no progress yet: %+v %v %v", p, ok, err)
		}
		want := JobProgress{JobID: 7, OrgID: f.org.ID, AfterID: 41, Screened: 3, Changed: 1, Fingerprint: "a1"}
		if err := e.SaveJobProgress(ctx, want); err != nil {
			t.Fatal(err)
		}
		want.AfterID, want.Screened = 99, 6
		if err := e.SaveJobProgress(ctx, want); err != nil {
			t.Fatal(err)
		}
		if p, ok, err := e.GetJobProgress(ctx, 7); err != nil || !ok || p != want {
			t.Fatalf("progress: %+v %v %v", p, ok, err)
		}
		if fp, err := e.RescreenFingerprint(ctx, f.org.ID); err != nil || fp != "" {
			t.Fatalf("fingerprint before: %q %v", fp, err)
		}
		for _, fp := range []string{"a1", "b2"} {
			if err := e.FinishRescreen(ctx, 7, f.org.ID, fp); err != nil {
				t.Fatal(err)
			}
		}
		if fp, err := e.RescreenFingerprint(ctx, f.org.ID); err != nil || fp != "b2" {
			t.Fatalf("fingerprint after: %q %v", fp, err)
		}
		if fp, _ := e.RescreenFingerprint(ctx, other.ID); fp != "" {
			t.Fatalf("the other org has %q", fp)
		}
		if _, ok, err := e.GetJobProgress(ctx, 7); err != nil || ok {
			t.Fatalf("progress after finish: %v %v", ok, err)
		}
		if e.DSN() != e.dsn || e.WriteDB() == nil {
			t.Fatalf("DSN %q", e.DSN())
		}
	})
}
