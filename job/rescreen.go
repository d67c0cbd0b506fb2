package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// RescreenArgs are a rescreen job's: the org whose published posts are
// screened again. A rescreen is unique by org until it finishes: a second
// one asked for while one waits or runs is the same job.
type RescreenArgs struct {
	OrgID int64 `json:"org_id" river:"unique"`
}

// Kind is the job's kind in River.
func (RescreenArgs) Kind() string { return "rescreen" }

// InsertOpts makes rescreens unique by org while pending, scheduled,
// available, running or waiting to retry.
func (RescreenArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
}

// Rescreen enqueues a rescreen of orgID's posts, and reports whether it
// is a new job (false: one was already waiting or running). The web's
// admin actions and PolicyChanged call it.
func (r *Runner) Rescreen(ctx context.Context, orgID int64) (bool, error) {
	res, err := r.client.Insert(ctx, RescreenArgs{OrgID: orgID}, nil)
	if err != nil {
		return false, internal(fmt.Sprintf("queueing a re-screen of org %d", orgID), err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// PolicyChanged enqueues a rescreen of the org that saved a policy; it
// makes Runner a service.PolicyListener.
func (r *Runner) PolicyChanged(ctx context.Context, orgID int64) error {
	_, err := r.Rescreen(ctx, orgID)
	return err
}

var _ service.PolicyListener = (*Runner)(nil)

// RescreenStale enqueues a rescreen of every org whose posts were last
// re-screened under other rules or another version of its policy than
// those in force (Config.Fingerprint), and returns how many it queued.
// An org with no posts is marked current without a job. serve calls it
// at start.
func (r *Runner) RescreenStale(ctx context.Context) (int, error) {
	if r.cfg.Fingerprint == "" {
		return 0, nil
	}
	orgs, err := r.st.OrgIDs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, org := range orgs {
		want, err := r.orgFingerprint(ctx, org)
		if err != nil {
			return n, err
		}
		have, err := r.st.RescreenFingerprint(ctx, org)
		if err != nil {
			return n, err
		}
		if have == want {
			continue
		}
		ids, err := r.st.PostIDs(ctx, org, 0, 1)
		if err != nil {
			return n, err
		}
		if len(ids) == 0 {
			if err := r.st.FinishRescreen(ctx, 0, org, want); err != nil {
				return n, err
			}
			continue
		}
		added, err := r.Rescreen(ctx, org)
		if err != nil {
			return n, err
		}
		if added {
			n++
		}
	}
	return n, nil
}

// orgFingerprint is what an org's posts are screened under: the rules in
// force and the version of the org's own policy (0: the default).
func (r *Runner) orgFingerprint(ctx context.Context, orgID int64) (string, error) {
	version := 0
	p, err := r.st.GetOrgPolicy(ctx, orgID)
	switch {
	case err == nil:
		version = p.Version
	case chaperone.CodeOf(err) != chaperone.ErrNotFound:
		return "", err
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00policy %d", r.cfg.Fingerprint, version))
	return hex.EncodeToString(sum[:]), nil
}

// errSlice ends an attempt whose slice of time is spent.
var errSlice = errors.New("slice spent")

// rescreenWorker works rescreen jobs: it screens the org's posts in
// batches from where the job's saved progress says, saving progress
// after each committed batch, so that a job stopped part way (shutdown,
// crash, error) goes on from its last saved batch rather than from the
// start. Progress saved under other rules is discarded.
type rescreenWorker struct {
	river.WorkerDefaults[RescreenArgs]
	r *Runner
}

// Timeout bounds one attempt: a slice and its last batch.
func (w *rescreenWorker) Timeout(*river.Job[RescreenArgs]) time.Duration { return rescreenTimeout }

func (w *rescreenWorker) Work(ctx context.Context, j *river.Job[RescreenArgs]) error {
	r, org := w.r, j.Args.OrgID
	fp, err := r.orgFingerprint(ctx, org)
	if err != nil {
		return jobError(org, err)
	}
	saved, ok, err := r.st.GetJobProgress(ctx, j.ID)
	if err != nil {
		return jobError(org, err)
	}
	var run service.RescreenRun
	if ok && saved.Fingerprint == fp {
		run = service.RescreenRun{AfterID: saved.AfterID, Rescreen: service.Rescreen{Screened: saved.Screened, Changed: saved.Changed}}
	}
	start, batches := time.Now(), 0
	run, err = r.svc.ContinueRescreen(ctx, org, run, r.batch, func(run service.RescreenRun) error {
		batches++
		// the batch is committed: record it even if the job is being
		// cancelled, so that it is not screened again
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := r.st.SaveJobProgress(sctx, store.JobProgress{JobID: j.ID, OrgID: org, AfterID: run.AfterID,
			Screened: run.Screened, Changed: run.Changed, Fingerprint: fp}); err != nil {
			return err
		}
		if r.afterBatch != nil {
			r.afterBatch(ctx, j.ID, run)
		}
		if time.Since(start) >= r.slice {
			return errSlice
		}
		return nil
	})
	switch {
	case errors.Is(err, errSlice):
		return river.JobSnooze(0)
	case err != nil && ctx.Err() != nil && batches > 0:
		// stopped after some progress: go on at once at the next start,
		// without counting an attempt
		return river.JobSnooze(0)
	case err != nil:
		return jobError(org, err)
	}
	if err := r.st.FinishRescreen(ctx, j.ID, org, fp); err != nil {
		return jobError(org, err)
	}
	return river.RecordOutput(ctx, run)
}

// jobError is the error a job records: the store's and the service's
// errors name records and keys, never post text.
func jobError(orgID int64, err error) error {
	return &chaperone.Error{Code: chaperone.CodeOf(err), Msg: fmt.Sprintf("re-screening the posts of org %d", orgID), Err: err}
}
