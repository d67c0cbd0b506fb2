package store

import (
	"context"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

const reviewAllPolicy = `
[[route]]
name = "review-everything"
when = "true"
to = "review"
reason = "Every post is read by a reviewer first."
match = [{ decision = "allow" }]
`

const twoRoutePolicy = `
[[route]]
name = "replies-reviewed"
when = "channel == 'reply'"
to = "review"
reason = "Replies are read first."
match = [{ channel = "reply" }]
no_match = [{ channel = "post" }]

[[route]]
name = "residents-blocked"
when = "author.role == 'resident'"
to = "block"
reason = "Residents do not post."
`

func TestOrgPoliciesKeepEveryVersion(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		other, err := e.CreateOrg(ctx, System, "other", "Other Practice")
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.GetOrgPolicy(ctx, f.org.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		if ps, err := e.ListOrgPolicies(ctx, f.org.ID); err != nil || len(ps) != 0 {
			t.Fatalf("list before any policy: %v, %v", ps, err)
		}

		v, err := e.SetOrgPolicy(ctx, as(f.reviewer), f.org.ID, reviewAllPolicy)
		if err != nil || v != 1 {
			t.Fatalf("first policy: version %d, %v", v, err)
		}
		e.clock.Add(time.Minute)
		if v, err = e.SetOrgPolicy(ctx, as(f.reviewer), f.org.ID, twoRoutePolicy); err != nil || v != 2 {
			t.Fatalf("second policy: version %d, %v", v, err)
		}
		// versions are numbered per org
		if v, err := e.SetOrgPolicy(ctx, System, other.ID, reviewAllPolicy); err != nil || v != 1 {
			t.Fatalf("the other org's first policy: version %d, %v", v, err)
		}

		cur, err := e.GetOrgPolicy(ctx, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.OrgID != f.org.ID || cur.Version != 2 || cur.Text != twoRoutePolicy || cur.CreatedBy != f.reviewer.ID || !cur.CreatedAt.Equal(e.clock.Now().UTC().Truncate(time.Microsecond)) {
			t.Fatalf("current policy %+v", cur)
		}
		all, err := e.ListOrgPolicies(ctx, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].Version != 2 || all[1].Version != 1 || all[1].Text != reviewAllPolicy || !all[1].CreatedAt.Before(all[0].CreatedAt) {
			t.Fatalf("history %+v", all)
		}
		if o, err := e.GetOrgPolicy(ctx, other.ID); err != nil || o.Version != 1 || o.CreatedBy != 0 {
			t.Fatalf("the other org's policy %+v, %v", o, err)
		}

		// the event names the version and the routes, and holds no text
		evs, err := e.ListAudit(ctx, AuditFilter{OrgID: f.org.ID})
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, ev := range evs {
			if ev.Action == chaperone.ActionPolicyUpdate {
				details = append(details, ev.SubjectID+" "+string(ev.Details))
				if ev.ActorID != f.reviewer.ID || ev.SubjectKind != "org_policy" {
					t.Errorf("event %+v", ev)
				}
			}
		}
		want := []string{
			subject(f.org.ID, 1) + ` {"routes":["review-everything"],"version":1}`,
			subject(f.org.ID, 2) + ` {"routes":["replies-reviewed","residents-blocked"],"version":2}`,
		}
		if strings.Join(details, "\n") != strings.Join(want, "\n") {
			t.Errorf("policy.update events:\n%s\nwant:\n%s", strings.Join(details, "\n"), strings.Join(want, "\n"))
		}
		verifyOK(t, e.Store)
	})
}

func TestOrgPolicyRefusesInvalidText(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		seq0, _, err := e.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bad := strings.Replace(twoRoutePolicy, "author.role", "author.rol", 1)
		cases := map[string]string{
			"misspelt field": bad,
			"loosens":        strings.Replace(reviewAllPolicy, `to = "review"`, `to = "allow"`, 1),
			"not TOML":       "[[route]\nname =",
			"too large":      strings.Repeat("#", 300<<10),
		}
		for name, text := range cases {
			_, err := e.SetOrgPolicy(ctx, as(f.reviewer), f.org.ID, text)
			if chaperone.CodeOf(err) != chaperone.ErrInvalid {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
		_, err = e.SetOrgPolicy(ctx, as(f.reviewer), f.org.ID, bad)
		if err == nil || !strings.Contains(err.Error(), `route "residents-blocked": when`) {
			t.Errorf("the error does not name the route and the key: %v", err)
		}
		_, err = e.SetOrgPolicy(ctx, System, 424242, reviewAllPolicy)
		wantCode(t, err, chaperone.ErrInvalid) // no such org
		_, err = e.GetOrgPolicy(ctx, f.org.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		if seq, _, _ := e.Head(ctx); seq != seq0 {
			t.Errorf("refused policies appended %d audit events", seq-seq0)
		}
	})
}
