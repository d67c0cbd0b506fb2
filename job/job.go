// Package job runs chaperone serve's background work as River jobs, on
// the store's own database: SQLite through River's riversqlite driver on
// the store's single writer connection, PostgreSQL through riverpgxv5 on
// a pgx pool opened from the store's DSN. Jobs are rows in that database,
// so they survive restarts, and several serve processes on one PostgreSQL
// share them: each job is locked by one client at a time and runs once.
//
// The jobs: rescreen (an org's published posts screened again, in
// batches, resuming where a stopped run left off), enqueued when the
// rules in force differ from those an org was last re-screened with
// (RescreenStale, at start) and when an org saves its policy
// (PolicyChanged); purge (archive retention, daily), escalate
// (colleague reports past their deadline, every five minutes) and grade
// (the day's presence-grade snapshots, daily), periodic.
// The poll worker (connected sources, package monitor) is added through
// Config.Workers.
//
// cmd/chaperone serve builds one Runner; tests build several.
package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// Defaults of Config.
const (
	DefaultStopTimeout = 10 * time.Second
	DefaultWorkers     = 2
	// RescreenSlice is how long one attempt of a rescreen job screens
	// before it hands the rest of the run to a later attempt (snooze):
	// attempts stay short, so a job whose process died is rescued soon
	// and shutdowns are quick.
	RescreenSlice = 2 * time.Minute
)

// rescreenTimeout bounds one attempt of a rescreen job: a slice and the
// batch under way when it ended. rescueAfter, longer, is when River takes
// a job still marked running (its process died) to be running no more.
const (
	rescreenTimeout = 10 * time.Minute
	rescueAfter     = 15 * time.Minute
)

// Config holds what New needs beyond the store and the service.
type Config struct {
	// Fingerprint identifies the rules in force (see Fingerprint): an
	// org's posts are re-screened when it differs from the one they were
	// last re-screened with. Empty: RescreenStale does nothing.
	Fingerprint string
	// Log receives job failures and River's warnings; never post text.
	// nil means slog.Default().
	Log *slog.Logger
	// Workers adds workers beyond the built-in ones, one river.AddWorker
	// line each: the poll worker of connected sources goes here.
	Workers func(*river.Workers)
	// Periodic adds periodic jobs beyond purge and escalate.
	Periodic []*river.PeriodicJob
	// NoPeriodic leaves out the built-in periodic jobs (purge, escalate):
	// for tests that count jobs.
	NoPeriodic bool
	// MaxWorkers is how many jobs one Runner works at once; 0 means
	// DefaultWorkers.
	MaxWorkers int
	// StopTimeout is how long Stop lets running jobs finish before it
	// cancels them (they resume at the next start); 0 means
	// DefaultStopTimeout.
	StopTimeout time.Duration
	// PollInterval is how often the Runner looks for jobs to run; 0 means
	// River's default (one second). Tests shorten it.
	PollInterval time.Duration
}

// Runner is a River client on the store's database with chaperone's
// workers. It is safe for concurrent use. Build it with New, Start it,
// and Stop it before closing the store.
type Runner struct {
	st     *store.Store
	svc    *service.Service
	cfg    Config
	log    *slog.Logger
	client client
	pool   *pgxpool.Pool // PostgreSQL: River's own pool; nil on SQLite

	// test hooks: the rescreen batch size (0: service.ImportBatch) and
	// a call after each batch's progress is saved
	batch      int
	afterBatch func(ctx context.Context, jobID int64, run service.RescreenRun)
	slice      time.Duration
}

// client is what Runner uses of a *river.Client, whichever its driver.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// New applies River's migrations to the store's database and builds a
// Runner with the built-in workers and cfg's. It starts nothing.
func New(ctx context.Context, st *store.Store, svc *service.Service, cfg Config) (*Runner, error) {
	r := &Runner{st: st, svc: svc, cfg: cfg, log: cfg.Log, slice: RescreenSlice}
	if r.log == nil {
		r.log = slog.Default()
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &rescreenWorker{r: r})
	river.AddWorker(workers, &reviewRequestsWorker{svc: svc, log: r.log})
	river.AddWorker(workers, &purgeWorker{st: st, log: r.log})
	river.AddWorker(workers, &escalateWorker{svc: svc, log: r.log})
	river.AddWorker(workers, &pollWorker{svc: svc, log: r.log})
	river.AddWorker(workers, &gradeWorker{svc: svc, log: r.log})
	if cfg.Workers != nil {
		cfg.Workers(workers)
	}
	periodic := cfg.Periodic
	if !cfg.NoPeriodic {
		periodic = append(append(builtinPeriodic(), reviewRequestsPeriodic()), periodic...)
	}
	rc := &river.Config{
		Logger:               slog.New(minLevel{r.log.Handler(), slog.LevelWarn}),
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmpOr(cfg.MaxWorkers, DefaultWorkers)}},
		Workers:              workers,
		PeriodicJobs:         periodic,
		RescueStuckJobsAfter: rescueAfter,
		SoftStopTimeout:      cmpOr(cfg.StopTimeout, DefaultStopTimeout),
		FetchPollInterval:    cfg.PollInterval,
	}
	if cfg.PollInterval > 0 && cfg.PollInterval < river.FetchCooldownDefault {
		rc.FetchCooldown = cfg.PollInterval
	}
	var err error
	switch st.Dialect() {
	case store.SQLite:
		// One writer: River shares the store's writer connection (WAL,
		// busy_timeout, BEGIN IMMEDIATE), so its transactions and the
		// store's queue on it instead of meeting as SQLITE_BUSY. It
		// polls for jobs: no other process writes to the file, and its
		// notification listener would poll the writer every 50 ms.
		rc.PollOnly = true
		drv := riversqlite.New(st.WriteDB())
		if err = migrate(ctx, drv, r.log); err == nil {
			r.client, err = river.NewClient(drv, rc)
		}
	case store.Postgres:
		if r.pool, err = openPool(ctx, st.DSN()); err != nil {
			return nil, err
		}
		drv := riverpgxv5.New(r.pool)
		if err = migratePostgres(ctx, r.pool, drv, r.log); err == nil {
			r.client, err = river.NewClient(drv, rc)
		}
	default:
		err = fmt.Errorf("no job driver for %q", st.Dialect())
	}
	if err != nil {
		r.closePool()
		var ce *chaperone.Error
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, internal("starting the job queue", err)
	}
	return r, nil
}

// openPool opens River's PostgreSQL pool from the store's DSN.
func openPool(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, internal("reading the PostgreSQL URL for the job queue", err)
	}
	// River holds one connection to listen, and uses a few to fetch,
	// complete and maintain jobs.
	pc.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, internal("connecting the job queue to PostgreSQL", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, internal("connecting the job queue to PostgreSQL", err)
	}
	return pool, nil
}

// migrateLockKey is the PostgreSQL advisory lock that serialises River's
// migrations between processes starting together ("chapriv" in ASCII).
const migrateLockKey int64 = 0x63686170_726976

// migratePostgres applies River's migrations holding migrateLockKey, so
// that servers starting together migrate once.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool, drv *riverpgxv5.Driver, log *slog.Logger) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey)
	return migrate(ctx, drv, log)
}

// migrate applies River's pending migrations with drv.
func migrate[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], log *slog.Logger) error {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(minLevel{log.Handler(), slog.LevelWarn})})
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrating the job queue: %w", err)
	}
	return nil
}

// Start starts working jobs, until Stop: ctx bounds the start only (a
// River client whose start context ends would cancel its jobs at once,
// with no graceful stop). serve calls it once.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
		return internal("starting the job queue", err)
	}
	return nil
}

// Stop stops the Runner: it takes no new jobs, lets running ones finish
// for Config.StopTimeout, then cancels them (a rescreen saves where it
// got and resumes at the next start), and closes River's pool. ctx bounds
// the whole stop. serve calls it on SIGTERM, before closing the store.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err != nil {
		// past ctx: cancel what is still running, and wait a little for
		// the jobs to record that they stopped
		hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if herr := r.client.StopAndCancel(hard); herr == nil {
			err = nil
		}
	}
	r.closePool()
	if err != nil {
		return internal("stopping the job queue", err)
	}
	return nil
}

func (r *Runner) closePool() {
	if r.pool != nil {
		r.pool.Close()
	}
}

// minLevel drops records below min: River logs every job at info.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// cmpOr returns n, or def when n <= 0.
func cmpOr[T int | time.Duration](n, def T) T {
	if n <= 0 {
		return def
	}
	return n
}

// internal wraps err as an internal error described by msg.
func internal(msg string, err error) error {
	return &chaperone.Error{Code: chaperone.ErrInternal, Msg: msg, Err: err}
}
