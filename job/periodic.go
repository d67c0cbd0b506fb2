package job

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// How often the periodic jobs run (each also runs when a Runner becomes
// the leader, as at start). On PostgreSQL only the leader among the
// serve processes enqueues them, so each runs once.
const (
	PurgeEvery    = 24 * time.Hour
	EscalateEvery = 5 * time.Minute
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

func builtinPeriodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(PurgeEvery),
			func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, &river.InsertOpts{MaxAttempts: 3} },
			&river.PeriodicJobOpts{ID: "purge", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(EscalateEvery),
			func() (river.JobArgs, *river.InsertOpts) { return EscalateArgs{}, &river.InsertOpts{MaxAttempts: 3} },
			&river.PeriodicJobOpts{ID: "escalate", RunOnStart: true}),
	}
}

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
