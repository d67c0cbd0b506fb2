package service

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// policyRecorder is a PolicyListener that records the orgs it is told of.
type policyRecorder struct {
	orgs []int64
	err  error
}

func (r *policyRecorder) PolicyChanged(_ context.Context, orgID int64) error {
	r.orgs = append(r.orgs, orgID)
	return r.err
}

func TestPolicyChangeTellsTheListener(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		rec := &policyRecorder{}
		w.svc.OnPolicyChange(rec)
		must[PolicyView](t)(w.svc.SetOrgPolicy(ctx, w.admin, reviewEverythingText))
		// a refused save tells nobody
		if _, err := w.svc.SetOrgPolicy(ctx, w.clinician, reviewEverythingText); err == nil {
			t.Fatal("a clinician saved the policy")
		}
		// the listener's error does not undo the save
		rec.err = errors.New("queue down")
		v := must[PolicyView](t)(w.svc.SetOrgPolicy(ctx, w.admin, blockPostsText))
		if len(rec.orgs) != 2 || rec.orgs[0] != w.admin.OrgID || rec.orgs[1] != w.admin.OrgID || v.Version != 2 {
			t.Fatalf("told %v, version %d", rec.orgs, v.Version)
		}
		w.svc.OnPolicyChange(nil)
		must[PolicyView](t)(w.svc.SetOrgPolicy(ctx, w.admin, reviewEverythingText))
		if len(rec.orgs) != 2 {
			t.Fatalf("told after removal: %v", rec.orgs)
		}
	})
}

func TestContinueRescreen(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		var posts []chaperone.Post
		for i := range 5 {
			posts = append(posts, xPost(fmt.Sprint(i+1), "Loved the Paxlovid data at the conference today."))
		}
		if _, err := w.svc.ImportPosts(ctx, w.clinician, 0, postsOf(posts...), nil); err != nil {
			t.Fatal(err)
		}
		must[chaperone.Relationship](t)(w.svc.DeclareRelationship(ctx, w.clinician, chaperone.Relationship{Company: "Pfizer",
			Kind: chaperone.TieConsulting, From: time.Now().AddDate(-1, 0, 0)}))
		// the first attempt stops after its first batch of 2
		stop := errors.New("stop")
		var runs []RescreenRun
		first, err := w.svc.ContinueRescreen(ctx, w.clinician.OrgID, RescreenRun{}, 2, func(r RescreenRun) error { runs = append(runs, r); return stop })
		if !errors.Is(err, stop) || first.Screened != 2 || first.Changed != 2 || len(runs) != 1 || runs[0] != first {
			t.Fatalf("first attempt: %+v %v %v", first, err, runs)
		}
		// the second goes on from there and counts the whole run
		runs = nil
		all, err := w.svc.ContinueRescreen(ctx, w.clinician.OrgID, first, 2, func(r RescreenRun) error { runs = append(runs, r); return nil })
		if err != nil || all.Screened != 5 || all.Changed != 5 || len(runs) != 2 || runs[0].AfterID <= first.AfterID {
			t.Fatalf("second attempt: %+v %v %v", all, err, runs)
		}
		open := must[[]chaperone.PublishedPost](t)(w.svc.PublishedPosts(ctx, w.clinician, PostFilter{Status: chaperone.PostOpen}))
		if len(open) != 5 {
			t.Fatalf("%d posts open", len(open))
		}
	})
}
