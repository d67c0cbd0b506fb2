package job

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// How often the periodic jobs run (each also runs when a Runner becomes
// the leader, as at start). On PostgreSQL only the leader among the
// serve processes enqueues them, so each runs once.
const (
	PurgeEvery    = 24 * time.Hour
	EscalateEvery = 5 * time.Minute
	// PollEvery is how often the poll job looks for sources due; a
	// source is due when last polled more than SourceInterval ago.
	PollEvery      = 15 * time.Minute
	SourceInterval = time.Hour
	// PollBatch bounds the sources one poll job reads.
	PollBatch = 50
	// GradeEvery is how often the grade job snapshots the presence
	// grades (one snapshot a day per clinician and org: a second run the
	// same day writes nothing).
	GradeEvery = 24 * time.Hour
)

// PurgeArgs are the retention purge's: archive items past their
// retain-until date (and not on hold) are deleted, each audited.
type PurgeArgs struct{}

// Kind is the job's kind in River.
func (PurgeArgs) Kind() string { return "purge" }

// EscalateArgs are the escalation's: colleague reports past their
// deadline go to the compliance officer.
type EscalateArgs struct{}

// Kind is the job's kind in River.
func (EscalateArgs) Kind() string { return "escalate" }

// PollArgs are the poll's: the watch's sources due (feeds, Mastodon and
// Bluesky accounts) are read and what is new is kept and screened.
type PollArgs struct{}

// Kind is the job's kind in River.
func (PollArgs) Kind() string { return "poll" }

// GradeArgs are the grade job's: today's snapshot of the presence grade
// of every clinician and every org, for the grade's trend.
type GradeArgs struct{}

// Kind is the job's kind in River.
func (GradeArgs) Kind() string { return "grade" }

func builtinPeriodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(PurgeEvery),
			func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, &river.InsertOpts{MaxAttempts: 3} },
			&river.PeriodicJobOpts{ID: "purge", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(EscalateEvery),
			func() (river.JobArgs, *river.InsertOpts) { return EscalateArgs{}, &river.InsertOpts{MaxAttempts: 3} },
			&river.PeriodicJobOpts{ID: "escalate", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(PollEvery),
			func() (river.JobArgs, *river.InsertOpts) {
				// one poll at a time: a slow poll is not joined by the next
				return PollArgs{}, &river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
					rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
					rivertype.JobStateRetryable, rivertype.JobStateScheduled,
				}}}
			},
			&river.PeriodicJobOpts{ID: "poll", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(GradeEvery),
			func() (river.JobArgs, *river.InsertOpts) { return GradeArgs{}, &river.InsertOpts{MaxAttempts: 3} },
			&river.PeriodicJobOpts{ID: "grade", RunOnStart: true}),
	}
}

type gradeWorker struct {
	river.WorkerDefaults[GradeArgs]
	svc *service.Service
	log *slog.Logger
}

func (w *gradeWorker) Work(ctx context.Context, _ *river.Job[GradeArgs]) error {
	n, err := w.svc.SnapshotAllGrades(ctx)
	if err != nil {
		w.log.Error("presence grade snapshots", "err", err)
		return err
	}
	if n > 0 {
		w.log.Info("presence grade snapshots", "written", n)
	}
	return nil
}

// Timeout bounds one grade run.
func (w *gradeWorker) Timeout(*river.Job[GradeArgs]) time.Duration { return 10 * time.Minute }

type pollWorker struct {
	river.WorkerDefaults[PollArgs]
	svc *service.Service
	log *slog.Logger
}

func (w *pollWorker) Work(ctx context.Context, _ *river.Job[PollArgs]) error {
	polled, added, err := w.svc.PollDue(ctx, SourceInterval, PollBatch)
	if err != nil {
		w.log.Error("polling sources", "err", err)
		return err
	}
	if polled > 0 {
		w.log.Info("polling sources", "polled", polled, "added", added)
	}
	return nil
}

// Timeout bounds one poll run.
func (w *pollWorker) Timeout(*river.Job[PollArgs]) time.Duration { return 10 * time.Minute }

type purgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	st  *store.Store
	log *slog.Logger
}

func (w *purgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	n, err := w.st.PurgeExpired(ctx, store.System, time.Now())
	if err != nil {
		w.log.Error("archive retention", "err", err)
		return err
	}
	if n > 0 {
		w.log.Info("archive retention", "purged", n)
	}
	return nil
}

type escalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	svc *service.Service
	log *slog.Logger
}

func (w *escalateWorker) Work(ctx context.Context, _ *river.Job[EscalateArgs]) error {
	n, err := w.svc.EscalateDue(ctx, time.Now())
	if err != nil {
		w.log.Error("colleague report escalation", "err", err)
		return err
	}
	if n > 0 {
		w.log.Info("colleague report escalation", "escalated", n)
	}
	return nil
}
