package job

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
	"github.com/chaperone-project/chaperone/store/storetest"
)

// paxlovid is a post that is clear until its author declares a tie to
// Pfizer, and then opens a task.
const paxlovid = "Loved the Paxlovid data at the conference today."

// env is an org with a clinician and an admin on a fresh database.
type env struct {
	dsn             string
	key             []byte
	st              *store.Store
	svc             *service.Service
	org             chaperone.Org
	clinician, boss chaperone.User
}

// backends runs fn on a fresh env on each database.
func backends(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range storetest.Backends {
		t.Run(b, func(t *testing.T) { fn(t, newEnv(t, b)) })
	}
}

func newEnv(t *testing.T, backend string) *env {
	t.Helper()
	e := &env{dsn: storetest.DSN(t, backend), key: make([]byte, store.KeySize)}
	rand.Read(e.key)
	e.open(t, e.key)
	ctx := context.Background()
	var err error
	if e.org, err = e.st.CreateOrg(ctx, store.System, "riverside", "Riverside Family Practice"); err != nil {
		t.Fatal(err)
	}
	if e.clinician, _, err = service.CreateUser(ctx, e.st, store.System, e.org.ID, "ames@riverside.example", "Dr Ames", chaperone.RoleClinician); err != nil {
		t.Fatal(err)
	}
	if e.boss, _, err = service.CreateUser(ctx, e.st, store.System, e.org.ID, "admin@riverside.example", "Admin", chaperone.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	return e
}

// open opens the store (and a service over it) under key, as a serve
// process starting would.
func (e *env) open(t *testing.T, key []byte) {
	t.Helper()
	st, err := store.Open(context.Background(), e.dsn, store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, err := detect.New()
	if err != nil {
		t.Fatal(err)
	}
	e.st, e.svc = st, service.New(st, eng, service.Config{})
}

// importPosts imports n Paxlovid posts as the clinician's and declares
// the tie that makes a re-screen open a task on each.
func (e *env) importPosts(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	read := func(fn func(chaperone.Post) error) error {
		for i := range n {
			p := chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: fmt.Sprint(i + 1), Account: "ames",
				At: time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), Text: paxlovid}
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	}
	if sum, err := e.svc.ImportPosts(ctx, e.clinician, 0, read, nil); err != nil || sum.Added != n || sum.Open != 0 {
		t.Fatalf("import: %+v %v", sum, err)
	}
	if _, err := e.svc.DeclareRelationship(ctx, e.clinician, chaperone.Relationship{Company: "Pfizer",
		Kind: chaperone.TieConsulting, From: time.Now().AddDate(-1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
}

// openPosts counts the org's posts with an open task.
func (e *env) openPosts(t *testing.T) int {
	t.Helper()
	n, err := e.svc.PostCounts(context.Background(), e.boss, true)
	if err != nil {
		t.Fatal(err)
	}
	return n[chaperone.PostOpen]
}

// rescreenEvents returns the details of the org's watch.rescreen events.
func (e *env) rescreenEvents(t *testing.T) []service.Rescreen {
	t.Helper()
	evs, err := e.st.ListAudit(context.Background(), store.AuditFilter{OrgID: e.org.ID})
	if err != nil {
		t.Fatal(err)
	}
	var out []service.Rescreen
	for _, ev := range evs {
		if ev.Action == chaperone.ActionWatchRescreen {
			var r service.Rescreen
			if err := json.Unmarshal(ev.Details, &r); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
	}
	return out
}

// runner builds a Runner on e's store with the test settings and tune
// applied, subscribed to job events, not started; it is stopped when the
// test ends.
func (e *env) runner(t *testing.T, cfg Config, tune func(*Runner)) (*Runner, <-chan *river.Event) {
	t.Helper()
	cfg.NoPeriodic = true
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 20 * time.Millisecond
	}
	r, err := New(context.Background(), e.st, e.svc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if tune != nil {
		tune(r)
	}
	events, cancel := r.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobSnoozed)
	t.Cleanup(func() {
		cancel()
		ctx, done := context.WithTimeout(context.Background(), 20*time.Second)
		defer done()
		r.Stop(ctx)
	})
	return r, events
}

func start(t *testing.T, r *Runner) {
	t.Helper()
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// waitEvent waits for the first event of kind for a job of kind jobKind,
// and fails t after a deadline.
func waitEvent(t *testing.T, events <-chan *river.Event, kind river.EventKind, jobKind string) *river.Event {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Kind == kind && ev.Job.Kind == jobKind {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event for a %s job in 30s", kind, jobKind)
		}
	}
}

func TestRescreenJob(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.importPosts(t, 5)
		r, events := e.runner(t, Config{Fingerprint: "rules-1"}, func(r *Runner) { r.batch = 2 })
		// a second request while the first waits is the same job
		if added, err := r.Rescreen(ctx, e.org.ID); err != nil || !added {
			t.Fatalf("rescreen: %v %v", added, err)
		}
		if added, err := r.Rescreen(ctx, e.org.ID); err != nil || added {
			t.Fatalf("second rescreen: %v %v", added, err)
		}
		start(t, r)
		ev := waitEvent(t, events, river.EventKindJobCompleted, "rescreen")
		if got := e.openPosts(t); got != 5 {
			t.Fatalf("%d posts open after the re-screen, want 5", got)
		}
		if evs := e.rescreenEvents(t); len(evs) != 1 || evs[0] != (service.Rescreen{Screened: 5, Changed: 5}) {
			t.Fatalf("watch.rescreen events: %+v", evs)
		}
		var out service.RescreenRun
		if err := json.Unmarshal(ev.Job.Output(), &out); err != nil || out.Screened != 5 {
			t.Fatalf("output %s: %v", ev.Job.Output(), err)
		}
		if _, ok, err := e.st.GetJobProgress(ctx, ev.Job.ID); ok || err != nil {
			t.Fatalf("progress left behind: %v %v", ok, err)
		}
		// the org is current: nothing is stale under the same rules
		if n, err := r.RescreenStale(ctx); err != nil || n != 0 {
			t.Fatalf("stale under the same rules: %d %v", n, err)
		}
		// once finished, a new request is a new job
		if added, err := r.Rescreen(ctx, e.org.ID); err != nil || !added {
			t.Fatalf("rescreen after the first finished: %v %v", added, err)
		}
		waitEvent(t, events, river.EventKindJobCompleted, "rescreen")
		if evs := e.rescreenEvents(t); len(evs) != 2 || evs[1] != (service.Rescreen{Screened: 5}) {
			t.Fatalf("watch.rescreen events: %+v", evs)
		}
	})
}

func TestRescreenWhenRulesOrPolicyChange(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.importPosts(t, 3)
		empty, err := e.st.CreateOrg(ctx, store.System, "hillside", "Hillside Clinic")
		if err != nil {
			t.Fatal(err)
		}
		r, events := e.runner(t, Config{Fingerprint: "rules-1"}, nil)
		start(t, r)
		// never re-screened: the org with posts gets a job, the empty one
		// is marked current
		if n, err := r.RescreenStale(ctx); err != nil || n != 1 {
			t.Fatalf("stale at first start: %d %v", n, err)
		}
		waitEvent(t, events, river.EventKindJobCompleted, "rescreen")
		if fp, _ := e.st.RescreenFingerprint(ctx, empty.ID); fp == "" {
			t.Fatal("the org without posts is not marked current")
		}
		if n, err := r.RescreenStale(ctx); err != nil || n != 0 {
			t.Fatalf("stale again: %d %v", n, err)
		}
		// an org's new policy queues a re-screen of it
		e.svc.OnPolicyChange(r)
		if _, err := e.svc.SetOrgPolicy(ctx, e.boss, "[[route]]\nname = \"all\"\nwhen = \"true\"\nto = \"review\"\nreason = \"Read first.\"\nmatch = [{ decision = \"allow\" }]\n"); err != nil {
			t.Fatal(err)
		}
		waitEvent(t, events, river.EventKindJobCompleted, "rescreen")
		if n := len(e.rescreenEvents(t)); n != 2 {
			t.Fatalf("%d re-screens after the policy change, want 2", n)
		}
		// other rules at the next start: every org with posts again
		r2, _ := e.runner(t, Config{Fingerprint: "rules-2"}, nil)
		if n, err := r2.RescreenStale(ctx); err != nil || n != 1 {
			t.Fatalf("stale under new rules: %d %v", n, err)
		}
	})
}

func TestRescreenResumesAfterRestart(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.importPosts(t, 6)
		// the first process is stopped during its first batch's hook,
		// after that batch is committed and its progress saved
		first := make(chan service.RescreenRun, 1)
		r1, events1 := e.runner(t, Config{Fingerprint: "rules-1", StopTimeout: 50 * time.Millisecond}, func(r *Runner) {
			r.batch = 2
			r.afterBatch = func(ctx context.Context, _ int64, run service.RescreenRun) {
				first <- run
				<-ctx.Done() // hold the job until the stop cancels it
			}
		})
		if _, err := r1.Rescreen(ctx, e.org.ID); err != nil {
			t.Fatal(err)
		}
		start(t, r1)
		var done1 service.RescreenRun
		select {
		case done1 = <-first:
		case <-time.After(30 * time.Second):
			t.Fatal("the first batch did not finish in 30s")
		}
		stop, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := r1.Stop(stop); err != nil {
			t.Fatal(err)
		}
		waitEvent(t, events1, river.EventKindJobSnoozed, "rescreen")
		if done1.Screened != 2 || e.openPosts(t) != 2 || len(e.rescreenEvents(t)) != 0 {
			t.Fatalf("after the stop: run %+v, %d open", done1, e.openPosts(t))
		}

		// a new process on the same database (the store reopened) goes on
		// from the saved batch
		e.st.Close()
		e.open(t, e.key)
		var mu sync.Mutex
		var runs []service.RescreenRun
		r2, events2 := e.runner(t, Config{Fingerprint: "rules-1"}, func(r *Runner) {
			r.batch = 2
			r.afterBatch = func(_ context.Context, _ int64, run service.RescreenRun) {
				mu.Lock()
				runs = append(runs, run)
				mu.Unlock()
			}
		})
		start(t, r2)
		ev := waitEvent(t, events2, river.EventKindJobCompleted, "rescreen")
		mu.Lock()
		defer mu.Unlock()
		if len(runs) != 2 || runs[0].Screened != 4 || runs[0].AfterID <= done1.AfterID || runs[1].Screened != 6 {
			t.Fatalf("the second process's batches: %+v (the first stopped at %+v)", runs, done1)
		}
		if got := e.openPosts(t); got != 6 {
			t.Fatalf("%d posts open, want 6", got)
		}
		if evs := e.rescreenEvents(t); len(evs) != 1 || evs[0] != (service.Rescreen{Screened: 6, Changed: 6}) {
			t.Fatalf("watch.rescreen events: %+v", evs)
		}
		if ev.Job.Attempt != 1 {
			t.Errorf("the stop counted as a failed attempt: attempt %d", ev.Job.Attempt)
		}

	})
}

func TestRescreenStartsOverUnderOtherRules(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.importPosts(t, 3)
		r, events := e.runner(t, Config{Fingerprint: "rules-2"}, nil)
		res, err := r.client.Insert(ctx, RescreenArgs{OrgID: e.org.ID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// progress saved by a run under the old rules, past every post
		if err := e.st.SaveJobProgress(ctx, store.JobProgress{JobID: res.Job.ID, OrgID: e.org.ID, AfterID: 1 << 40, Screened: 3, Fingerprint: "old"}); err != nil {
			t.Fatal(err)
		}
		start(t, r)
		waitEvent(t, events, river.EventKindJobCompleted, "rescreen")
		if got := e.openPosts(t); got != 3 {
			t.Fatalf("%d posts open, want 3: the run resumed the old rules' progress", got)
		}
	})
}

// countArgs are the jobs of the two-process test.
type countArgs struct {
	N int `json:"n"`
}

func (countArgs) Kind() string { return "count" }

// countWorker counts how often each job runs, and which runner ran it.
type countWorker struct {
	river.WorkerDefaults[countArgs]
	name string
	mu   *sync.Mutex
	runs map[int64][]string
}

func (w *countWorker) Work(ctx context.Context, j *river.Job[countArgs]) error {
	w.mu.Lock()
	w.runs[j.ID] = append(w.runs[j.ID], w.name)
	w.mu.Unlock()
	select { // a little work, so that both runners take some
	case <-time.After(2 * time.Millisecond):
	case <-ctx.Done():
	}
	return nil
}

func TestTwoProcessesOnePostgres(t *testing.T) {
	e := newEnv(t, "postgres")
	ctx := context.Background()
	var mu sync.Mutex
	runs := map[int64][]string{}
	var runners []*Runner
	var events []<-chan *river.Event
	for _, name := range []string{"a", "b"} {
		// each Runner has its own River client and pool, as a serve
		// process would
		e.open(t, e.key)
		r, ev := e.runner(t, Config{MaxWorkers: 4, Workers: func(w *river.Workers) {
			river.AddWorker(w, &countWorker{name: name, mu: &mu, runs: runs})
		}}, nil)
		runners, events = append(runners, r), append(events, ev)
	}
	for _, r := range runners {
		start(t, r)
	}
	const n = 60
	ids := map[int64]bool{}
	for i := range n {
		res, err := runners[i%2].client.Insert(ctx, countArgs{N: i}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids[res.Job.ID] = true
	}
	// wait until every job is completed in the database
	deadline := time.Now().Add(60 * time.Second)
	for id := range ids {
		for {
			j, err := runners[0].client.JobGet(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State == rivertype.JobStateCompleted {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %d is %s after 60s", id, j.State)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	by := map[string]int{}
	for id := range ids {
		if len(runs[id]) != 1 {
			t.Errorf("job %d ran %d times (%v)", id, len(runs[id]), runs[id])
		}
		for _, name := range runs[id] {
			by[name]++
		}
	}
	if len(runs) != n {
		t.Errorf("%d jobs ran, want %d", len(runs), n)
	}
	t.Logf("jobs run by each process: %v", by)
}

func TestRescreenErrorsHoldNoPostText(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.importPosts(t, 2)
		// a process that has the wrong key cannot read the posts
		e.st.Close()
		other := make([]byte, store.KeySize)
		rand.Read(other)
		e.open(t, other)
		r, events := e.runner(t, Config{Fingerprint: "rules-1"}, nil)
		if _, err := r.Rescreen(ctx, e.org.ID); err != nil {
			t.Fatal(err)
		}
		start(t, r)
		ev := waitEvent(t, events, river.EventKindJobFailed, "rescreen")
		if len(ev.Job.Errors) == 0 {
			t.Fatal("the failed job recorded no error")
		}
		msg := ev.Job.Errors[len(ev.Job.Errors)-1].Error
		if !strings.Contains(msg, fmt.Sprintf("org %d", e.org.ID)) {
			t.Errorf("error %q does not say what failed", msg)
		}
		for _, word := range []string{"Paxlovid", "conference", "Loved"} {
			if strings.Contains(msg, word) {
				t.Errorf("the job's error holds post text: %q", msg)
			}
		}
	})
}

func TestPeriodicJobsRunAtStart(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		// the built-in periodic jobs (purge, escalate, poll, grade) run when a Runner
		// starts, as the goroutine loops they replace did
		r, err := New(context.Background(), e.st, e.svc, Config{PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		events, cancel := r.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
		defer cancel()
		start(t, r)
		defer r.Stop(context.Background())
		done := map[string]bool{}
		deadline := time.After(30 * time.Second)
		for !done["purge"] || !done["escalate"] || !done["poll"] || !done["grade"] {
			select {
			case ev := <-events:
				if ev.Kind != river.EventKindJobCompleted {
					t.Fatalf("%s job failed: %v", ev.Job.Kind, ev.Job.Errors)
				}
				done[ev.Job.Kind] = true
			case <-deadline:
				t.Fatalf("periodic jobs done after 30s: %v", done)
			}
		}
		// the grade job wrote today's snapshots: the org's and its clinician's
		today := time.Now().UTC().Format(time.DateOnly)
		for _, who := range []int64{0, e.clinician.ID} {
			snaps, err := e.st.GradeSnapshots(context.Background(), e.org.ID, who, today, today)
			if err != nil || len(snaps) != 1 {
				t.Errorf("user %d's snapshot today: %v %+v", who, err, snaps)
			}
		}
	})
}
