package store

import (
	"context"
	"fmt"
	"testing"
)

func TestListAuditNewestFirst(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		// seq 1 org.create, 2–3 user.create (org f), 4 org.create (other).
		f := newFixture(t, e)
		other, err := e.CreateOrg(ctx, System, "lakeside", "Lakeside")
		if err != nil {
			t.Fatal(err)
		}
		for i := range 6 { // seq 5–10, alternating orgs: f at 5, 7, 9
			org := f.org.ID
			if i%2 == 1 {
				org = other.ID
			}
			if err := e.RecordView(ctx, as(f.reviewer), org, "draft", fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
		}
		seqs := func(filter AuditFilter) string {
			t.Helper()
			evs, err := e.ListAudit(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, ev := range evs {
				out = append(out, ev.Seq)
			}
			return fmt.Sprint(out)
		}
		tests := []struct {
			name   string
			filter AuditFilter
			want   string
		}{
			{"ascending", AuditFilter{}, "[1 2 3 4 5 6 7 8 9 10]"},
			{"ascending limit", AuditFilter{Limit: 3}, "[1 2 3]"},
			{"ascending before", AuditFilter{AfterSeq: 2, BeforeSeq: 6}, "[3 4 5]"},
			{"newest", AuditFilter{Newest: true}, "[10 9 8 7 6 5 4 3 2 1]"},
			{"newest 3", AuditFilter{Newest: true, Limit: 3}, "[10 9 8]"},
			{"next page", AuditFilter{Newest: true, Limit: 3, BeforeSeq: 8}, "[7 6 5]"},
			{"last page", AuditFilter{Newest: true, Limit: 3, BeforeSeq: 2}, "[1]"},
			{"org newest", AuditFilter{OrgID: f.org.ID, Newest: true, Limit: 4}, "[9 7 5 3]"},
			{"org next page", AuditFilter{OrgID: f.org.ID, Newest: true, Limit: 4, BeforeSeq: 3}, "[2 1]"},
			{"other org", AuditFilter{OrgID: other.ID, Newest: true}, "[10 8 6 4]"},
			{"newest after", AuditFilter{Newest: true, AfterSeq: 8}, "[10 9]"},
		}
		for _, tt := range tests {
			if got := seqs(tt.filter); got != tt.want {
				t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
			}
		}
	})
}
