package service

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/policy"
	"github.com/chaperone-project/chaperone/store"
)

const reviewEverythingText = `
[[route]]
name = "review-everything"
when = "true"
to = "review"
reason = "Every post is read by a reviewer first."
match = [{ decision = "allow" }]
`

const blockPostsText = `
[[route]]
name = "no-posts"
when = "channel == 'post'"
to = "block"
reason = "This practice does not post."
match = [{ channel = "post" }]
no_match = [{ channel = "bio" }]
`

const cleanPost = "Flu shots are in: book at the front desk."

// submitClean writes and submits a clean post as u and returns its status.
func submitClean(t *testing.T, w *world, u chaperone.User) (chaperone.DraftStatus, DraftView) {
	t.Helper()
	ctx := context.Background()
	d := must[chaperone.Draft](t)(w.svc.Create(ctx, u, Compose{Text: cleanPost}))
	d, _, err := w.svc.Submit(ctx, u, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d.Status, must[DraftView](t)(w.svc.View(ctx, u, d.ID))
}

func TestOrgPolicyRoutesTheOrgsDrafts(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		if st, _ := submitClean(t, w, w.clinician); st != chaperone.DraftApproved {
			t.Fatalf("a clean post under the default policy is %s", st)
		}
		v := must[PolicyView](t)(w.svc.OrgPolicy(ctx, w.comp))
		if !v.Default || v.Version != 0 || v.Text != string(policy.DefaultFile()) || len(v.Routes) != len(policy.Default().Routes()) || len(v.History) != 0 {
			t.Fatalf("the default policy view %+v", v)
		}

		v = must[PolicyView](t)(w.svc.SetOrgPolicy(ctx, w.admin, reviewEverythingText))
		if v.Default || v.Version != 1 || v.Text != reviewEverythingText || len(v.Routes) != 1 || v.Routes[0].Name != "review-everything" ||
			v.UpdatedBy != w.admin.ID || len(v.History) != 1 {
			t.Fatalf("after saving: %+v", v)
		}
		st, view := submitClean(t, w, w.clinician)
		if st != chaperone.DraftInReview || len(view.Route.Matches) != 1 || view.Route.Matches[0].Route != "review-everything" {
			t.Fatalf("a clean post under review-everything is %s, route %+v", st, view.Route)
		}
		// the other org still routes by the default
		if st, _ := submitClean(t, w, w.outsider); st != chaperone.DraftApproved {
			t.Fatalf("the other org's clean post is %s", st)
		}
		// a new version takes effect at once (the cache follows the version)
		must[PolicyView](t)(w.svc.SetOrgPolicy(ctx, w.admin, blockPostsText))
		if st, _ := submitClean(t, w, w.clinician); st != chaperone.DraftBlocked {
			t.Fatalf("a post under no-posts is %s", st)
		}
		// a second service on the same store (another server) sees it too
		other := New(w.st, engine(t), Config{})
		d := must[chaperone.Draft](t)(other.Create(ctx, w.clinician, Compose{Text: cleanPost}))
		if d, _, err := other.Submit(ctx, w.clinician, d.ID); err != nil || d.Status != chaperone.DraftBlocked {
			t.Fatalf("another service instance: %v %s", err, d.Status)
		}

		v = must[PolicyView](t)(w.svc.OrgPolicy(ctx, w.comp))
		if v.Version != 2 || len(v.History) != 2 || v.History[0].Version != 2 || v.History[1].Version != 1 {
			t.Fatalf("history %+v", v.History)
		}
		var updates []string
		for _, e := range must[[]chaperone.AuditEvent](t)(w.st.ListAudit(ctx, store.AuditFilter{})) {
			if e.Action == chaperone.ActionPolicyUpdate {
				updates = append(updates, string(e.Details))
				if e.ActorID != w.admin.ID {
					t.Errorf("policy.update by %d, want the admin", e.ActorID)
				}
			}
		}
		if strings.Join(updates, " ") != `{"routes":["review-everything"],"version":1} {"routes":["no-posts"],"version":2}` {
			t.Errorf("policy.update events %v", updates)
		}
	})
}

func TestOrgPolicyRoles(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		for _, u := range []chaperone.User{w.clinician, w.reviewer, w.comp, w.outsider} {
			_, err := w.svc.SetOrgPolicy(ctx, u, reviewEverythingText)
			wantCode(t, err, chaperone.ErrForbidden)
		}
		for _, u := range []chaperone.User{w.clinician, w.reviewer} {
			_, err := w.svc.OrgPolicy(ctx, u)
			wantCode(t, err, chaperone.ErrForbidden)
		}
		disabled := w.admin
		disabled.Disabled = true
		_, err := w.svc.SetOrgPolicy(ctx, disabled, reviewEverythingText)
		wantCode(t, err, chaperone.ErrForbidden)
		for _, o := range []int64{w.admin.OrgID, w.outsider.OrgID} {
			if ps := must[[]chaperone.OrgPolicy](t)(w.st.ListOrgPolicies(ctx, o)); len(ps) != 0 {
				t.Fatalf("refused callers stored %d policies", len(ps))
			}
		}
		if st, _ := submitClean(t, w, w.clinician); st != chaperone.DraftApproved {
			t.Fatalf("a clean post is %s after refused policy changes", st)
		}
		// an admin of one org changes only their own org's policy
		must[PolicyView](t)(w.svc.SetOrgPolicy(ctx, w.admin, reviewEverythingText))
		if v := must[PolicyView](t)(w.svc.OrgPolicy(ctx, w.outsider)); !v.Default {
			t.Fatalf("the other org sees %+v", v)
		}
	})
}

func TestInvalidOrgPolicyIsRefused(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		head0, _, err := w.st.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bad := strings.Replace(blockPostsText, "channel == 'post'", "author.rol == 'resident'", 1)
		_, err = w.svc.SetOrgPolicy(ctx, w.admin, bad)
		wantCode(t, err, chaperone.ErrInvalid)
		if !strings.Contains(err.Error(), `route "no-posts": when`) || !strings.Contains(err.Error(), "rol") {
			t.Errorf("the error does not name the route, the key and the problem: %v", err)
		}
		for _, text := range []string{
			strings.Replace(reviewEverythingText, `to = "review"`, `to = "allow"`, 1), // loosening
			strings.Replace(blockPostsText, `channel = "bio"`, `channel = "post"`, 1), // a failing example
			"[[route]]\nname = ",
		} {
			_, err := w.svc.SetOrgPolicy(ctx, w.admin, text)
			wantCode(t, err, chaperone.ErrInvalid)
		}
		if ps := must[[]chaperone.OrgPolicy](t)(w.st.ListOrgPolicies(ctx, w.admin.OrgID)); len(ps) != 0 {
			t.Fatalf("%d invalid policies stored", len(ps))
		}
		if head, _, _ := w.st.Head(ctx); head != head0 {
			t.Errorf("refused policies appended %d audit events", head-head0)
		}
		if v := must[PolicyView](t)(w.svc.OrgPolicy(ctx, w.admin)); !v.Default {
			t.Fatalf("after refused saves: %+v", v)
		}
	})
}

// TestUnloadablePolicyReviewsEverything checks the fallback for a stored
// policy that no longer parses: every draft is reviewed, never allowed, and
// the error is logged once.
func TestUnloadablePolicyReviewsEverything(t *testing.T) {
	var logs bytes.Buffer
	s := New(nil, nil, Config{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	rec := chaperone.OrgPolicy{OrgID: 7, Version: 3, Text: strings.Replace(reviewEverythingText, "true", "author.rol == 'x'", 1)}
	for range 2 {
		p := s.orgs.compiled(s, rec)
		out, err := p.Route(policy.Input{Result: chaperone.Result{Decision: chaperone.Allow}})
		if err != nil || out.Decision != chaperone.Review || len(out.Matches) != 1 || out.Matches[0].Route != UnreadablePolicyRoute {
			t.Fatalf("an unloadable policy routes allow to %+v (%v)", out, err)
		}
		out, _ = p.Route(policy.Input{Result: chaperone.Result{Decision: chaperone.Block}})
		if out.Decision != chaperone.Block {
			t.Fatalf("the fallback loosened a block to %s", out.Decision)
		}
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "org=7 version=3") {
		t.Errorf("logged %d errors:\n%s", n, logs.String())
	}
	// a valid newer version replaces it
	rec.Version, rec.Text = 4, blockPostsText
	out, _ := s.orgs.compiled(s, rec).Route(policy.Input{Channel: "post", Result: chaperone.Result{Decision: chaperone.Allow}})
	if out.Decision != chaperone.Block {
		t.Fatalf("version 4 routes a post to %s", out.Decision)
	}
}
