package job

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
	"github.com/chaperone-project/chaperone/mailer"
	"github.com/chaperone-project/chaperone/mailer/smtptest"
	"github.com/chaperone-project/chaperone/service"
)

// TestReviewRequestsJob: the send job sends the requests due over SMTP,
// and a second run sends nothing twice.
func TestReviewRequestsJob(t *testing.T) {
	srv := smtptest.Start(t)
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		eng, err := detect.New()
		if err != nil {
			t.Fatal(err)
		}
		e.svc = service.New(e.st, eng, service.Config{ReviewRequests: service.ReviewRequestConfig{
			Mail: &mailer.SMTP{Addr: srv.Addr}, From: "reviews@riverside.example", PublicURL: "https://chaperone.riverside.example"}})
		if _, err := e.svc.SetReviewLinks(ctx, e.boss, chaperone.ReviewLinks{Google: "https://g.page/r/riverside/review"}); err != nil {
			t.Fatal(err)
		}
		to := "pat-" + string(e.st.Dialect()) + "@example.com"
		if _, err := e.svc.AddVisit(ctx, e.clinician, "Pat Doe", to, time.Now().AddDate(0, 0, -2).Format(time.DateOnly)); err != nil {
			t.Fatal(err)
		}
		r, events := e.runner(t, Config{}, nil)
		start(t, r)
		for run := range 2 {
			if err := r.SendReviewRequests(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case ev := <-events:
				if ev.Kind != river.EventKindJobCompleted || ev.Job.Kind != "review_requests" {
					t.Fatalf("run %d: %s %s %v", run, ev.Kind, ev.Job.Kind, ev.Job.Errors)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("run %d: no job done in 30s", run)
			}
		}
		n := 0
		for _, m := range srv.Messages() {
			if strings.Join(m.To, ",") == to {
				n++
				if !strings.Contains(m.Data, "List-Unsubscribe: <https://chaperone.riverside.example/unsubscribe/") || strings.Contains(m.Data, "Pat Doe") {
					t.Errorf("message:\n%s", m.Data)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d messages to %s, want 1", n, to)
		}
	})
}
