package job

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/chaperone-project/chaperone/service"
)

// ReviewRequestsEvery is how often the send job looks for review requests
// due (service.SendDueReviewRequests).
const ReviewRequestsEvery = 5 * time.Minute

// ReviewRequestsArgs are the send job's: every org's review requests due
// are sent, within each org's hourly limit.
type ReviewRequestsArgs struct{}

// Kind is the job's kind in River.
func (ReviewRequestsArgs) Kind() string { return "review_requests" }

// InsertOpts makes the send job unique while it waits or runs: one
// sender at a time, so that a slow run is not joined by the next.
func (ReviewRequestsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
}

// reviewRequestsPeriodic is the send job, every ReviewRequestsEvery and
// at start.
func reviewRequestsPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(ReviewRequestsEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ReviewRequestsArgs{}, nil },
		&river.PeriodicJobOpts{ID: "review_requests", RunOnStart: true})
}

// SendReviewRequests enqueues a run of the send job now (nothing new
// when one waits or runs). Tests call it; the periodic job does the rest.
func (r *Runner) SendReviewRequests(ctx context.Context) error {
	if _, err := r.client.Insert(ctx, ReviewRequestsArgs{}, nil); err != nil {
		return internal("queueing the review requests' send job", err)
	}
	return nil
}

type reviewRequestsWorker struct {
	river.WorkerDefaults[ReviewRequestsArgs]
	svc *service.Service
	log *slog.Logger
}

// Work sends what is due; it logs counts only, never an address.
func (w *reviewRequestsWorker) Work(ctx context.Context, _ *river.Job[ReviewRequestsArgs]) error {
	rep, err := w.svc.SendDueReviewRequests(ctx, time.Now())
	if err != nil {
		w.log.Error("sending review requests", "err", err, "sent", rep.Sent)
		return err
	}
	if rep != (service.SendReport{}) {
		w.log.Info("sending review requests", "sent", rep.Sent, "opted_out", rep.OptedOut, "recent", rep.Recent,
			"failed", rep.Failed, "retry", rep.Retry, "orgs_waiting", rep.Waiting)
	}
	return nil
}

// Timeout bounds one run: at most an hour's limit of messages per org.
func (w *reviewRequestsWorker) Timeout(*river.Job[ReviewRequestsArgs]) time.Duration {
	return 20 * time.Minute
}
