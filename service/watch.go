package service

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/monitor"
	"github.com/chaperone-project/chaperone/report"
	"github.com/chaperone-project/chaperone/store"
)

// ImportBatch is how many posts one transaction of an import keeps: an
// import that fails part way keeps the batches before, and importing the
// same archive again adds only what is missing.
const ImportBatch = 500

// PostReader yields the posts of a source (an archive, a feed, an
// account) to fn, stopping at fn's first error. The monitor package's
// readers have this shape.
type PostReader func(fn func(chaperone.Post) error) error

// WatchImport is what an import did.
type WatchImport struct {
	Total   int `json:"total,omitempty"` // posts in the source, when counted first (ImportArchive)
	Read    int `json:"read"`            // posts the source yielded
	Added   int `json:"added"`           // kept for the first time
	Skipped int `json:"skipped"`         // already kept (same source and id)
	// Open counts the added posts whose screen opened a task; Decisions
	// counts the posts read by decision.
	Open      int                        `json:"open"`
	Decisions map[chaperone.Decision]int `json:"decisions"`
}

// ImportPosts screens and keeps the posts read from a source as the
// published posts of clinician userID: each is screened as its author's
// text on its channel, kept with its screen (encrypted), and a post whose
// screen is not allow opens a task. Posts already kept (same source and
// id) are skipped, so importing the same archive again adds nothing twice.
// Clinicians import their own posts; compliance and admins anyone's in
// their org. progress, when not nil, is called after every batch with the
// posts read so far. When the reader fails part way, the posts it yielded
// before are kept and its error returned.
func (s *Service) ImportPosts(ctx context.Context, u chaperone.User, userID int64, read PostReader, progress func(WatchImport)) (WatchImport, error) {
	sum := WatchImport{Decisions: map[chaperone.Decision]int{}}
	author, err := s.watchedUser(ctx, u, userID)
	if err != nil {
		return sum, err
	}
	base, err := s.authorBase(ctx, author)
	if err != nil {
		return sum, err
	}
	batch := make([]store.ScreenedPost, 0, ImportBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		s.screenPosts(base, batch)
		for _, p := range batch {
			sum.Decisions[p.Screen.Decision]++
		}
		st, err := inTx(ctx, s.store, func(tx *store.Tx) (store.ImportStats, error) {
			return tx.ImportPosts(ctx, actor(u), author.OrgID, author.ID, batch)
		})
		if err != nil {
			return err
		}
		sum.Added, sum.Skipped, sum.Open = sum.Added+st.Added, sum.Skipped+st.Skipped, sum.Open+st.Open
		batch = batch[:0]
		if progress != nil {
			progress(sum)
		}
		return nil
	}
	err = read(func(p chaperone.Post) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !p.Channel.Valid() {
			p.Channel = chaperone.ChannelPost
		}
		sum.Read++
		batch = append(batch, store.ScreenedPost{Post: p})
		if len(batch) == ImportBatch {
			return flush()
		}
		return nil
	})
	// keep what was read before a reader's error too: a truncated
	// archive keeps its first posts, and importing it again adds the rest
	if ferr := flush(); err == nil {
		err = ferr
	}
	return sum, err
}

// screenPosts screens a batch of posts as the author of base, on all
// cores.
func (s *Service) screenPosts(base chaperone.Item, posts []store.ScreenedPost) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(posts)) {
		wg.Go(func() {
			for i := range next {
				it := base
				it.ID, it.Channel, it.Text = posts[i].ExternalID, posts[i].Channel, posts[i].Text
				posts[i].Screen = s.engine.Screen(it)
			}
		})
	}
	for i := range posts {
		next <- i
	}
	close(next)
	wg.Wait()
}

// inTx runs fn in a transaction and returns its value.
func inTx[T any](ctx context.Context, st *store.Store, fn func(tx *store.Tx) (T, error)) (T, error) {
	var v T
	err := st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v, err
}

// CanImport checks that u may import published posts for clinician
// userID (0: themselves), before an upload is taken.
func (s *Service) CanImport(ctx context.Context, u chaperone.User, userID int64) error {
	_, err := s.watchedUser(ctx, u, userID)
	return err
}

// watchedUser is the clinician whose published posts u may import or
// read: u themselves (userID 0 or their own id), or, for compliance and
// admins, any user of their org.
func (s *Service) watchedUser(ctx context.Context, u chaperone.User, userID int64) (chaperone.User, error) {
	if err := active(u); err != nil {
		return u, err
	}
	if userID == 0 || userID == u.ID {
		return u, nil
	}
	if !canAudit(u) {
		return u, forbidden("only compliance and admins handle another clinician's published posts")
	}
	other, err := s.store.GetUser(ctx, userID)
	if err != nil || other.OrgID != u.OrgID {
		return u, chaperone.Errorf(chaperone.ErrNotFound, "user %d not found", userID)
	}
	return other, nil
}

// authorBase is the item every text of author is screened as: their
// name, role and declared relationships, and the practice's phone.
func (s *Service) authorBase(ctx context.Context, author chaperone.User) (chaperone.Item, error) {
	it := chaperone.Item{Author: chaperone.Author{Role: string(author.Role), Name: author.DisplayName}}
	ties, _, err := s.activeTies(ctx, author.ID, s.now())
	if err != nil {
		return it, err
	}
	it.Author.Relationships = ties
	if s.phone != "" {
		it.Author.ClinicContacts = []string{s.phone}
	}
	return it, nil
}

// PostFilter selects published posts for PublishedPosts.
type PostFilter struct {
	UserID  int64 // 0: u's own, or with All every clinician's (compliance and admins)
	All     bool
	Status  chaperone.PostStatus
	Source  string
	Flagged bool
	// paging: the last post of the previous page
	BeforeAt time.Time
	BeforeID int64
	Limit    int
}

// PublishedPosts lists published posts, newest first: u's own, or for
// compliance and admins any clinician's or all of the org's. It records a
// PHI view.
func (s *Service) PublishedPosts(ctx context.Context, u chaperone.User, f PostFilter) ([]chaperone.PublishedPost, error) {
	userID := f.UserID
	if f.All {
		if !canAudit(u) {
			return nil, forbidden("only compliance and admins list every clinician's published posts")
		}
	} else {
		who, err := s.watchedUser(ctx, u, f.UserID)
		if err != nil {
			return nil, err
		}
		userID = who.ID
	}
	if f.Status != "" && !validPostStatus(f.Status) {
		return nil, invalid("unknown status %q", f.Status)
	}
	posts, err := s.store.ListPublished(ctx, store.PostFilter{OrgID: u.OrgID, UserID: userID, Status: f.Status, Source: f.Source,
		Flagged: f.Flagged, BeforeAt: f.BeforeAt, BeforeID: f.BeforeID, Limit: f.Limit})
	if err != nil {
		return nil, err
	}
	if len(posts) > 0 {
		if err := s.store.RecordView(ctx, actor(u), u.OrgID, "published_posts", fmt.Sprintf("user:%d/status:%s", userID, f.Status)); err != nil {
			return nil, err
		}
	}
	return posts, nil
}

// PostCounts counts u's published posts by status (the org's, for
// compliance and admins with all).
func (s *Service) PostCounts(ctx context.Context, u chaperone.User, all bool) (map[chaperone.PostStatus]int, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	userID := u.ID
	if all {
		if !canAudit(u) {
			return nil, forbidden("only compliance and admins count every clinician's posts")
		}
		userID = 0
	}
	return s.store.PostCounts(ctx, u.OrgID, userID)
}

func validPostStatus(st chaperone.PostStatus) bool {
	for _, x := range chaperone.PostStatuses {
		if x == st {
			return true
		}
	}
	return false
}

// ResolvePost closes the task a published post's findings opened: its
// author (or compliance, or an admin) says it was edited or deleted on
// the platform; compliance accepts it as it is; or anyone who may see it
// opens a breach incident for it (with description), which the compliance
// records then follow. PostOpen reopens a closed task (compliance and
// admins). It returns the post as it now is.
func (s *Service) ResolvePost(ctx context.Context, u chaperone.User, id int64, status chaperone.PostStatus, description string) (chaperone.PublishedPost, error) {
	p, err := s.postFor(ctx, u, id)
	if err != nil {
		return p, err
	}
	switch status {
	case chaperone.PostEdited, chaperone.PostDeleted:
	case chaperone.PostAccepted, chaperone.PostOpen:
		if !canAudit(u) {
			return p, forbidden("only compliance and admins accept a flagged post as it is or reopen its task")
		}
	case chaperone.PostIncident:
	default:
		return p, invalid("close the task as edited, deleted, accepted or incident")
	}
	if status != chaperone.PostOpen && p.Status == chaperone.PostClear {
		return p, conflict("post %d has no open task", id)
	}
	var incident int64
	if status == chaperone.PostIncident {
		description = strings.TrimSpace(description)
		if description == "" {
			description = fmt.Sprintf("Published post %d (%s", p.ID, p.Source)
			if p.URL != "" {
				description += ", " + p.URL
			}
			description += ") was flagged by the screen."
		}
		b, err := s.OpenIncident(ctx, u, description, 0, time.Time{})
		if err != nil {
			return p, err
		}
		incident = b.ID
	}
	if err := s.store.InTx(ctx, func(tx *store.Tx) error { return tx.ResolvePost(ctx, actor(u), id, status, incident) }); err != nil {
		return p, err
	}
	return s.store.GetPublished(ctx, id)
}

// postFor loads a published post u may handle: their own, or any of their
// org's for compliance and admins.
func (s *Service) postFor(ctx context.Context, u chaperone.User, id int64) (chaperone.PublishedPost, error) {
	if err := active(u); err != nil {
		return chaperone.PublishedPost{}, err
	}
	p, err := s.store.GetPublished(ctx, id)
	if err != nil || p.OrgID != u.OrgID || (p.UserID != u.ID && !canAudit(u)) {
		return chaperone.PublishedPost{}, chaperone.Errorf(chaperone.ErrNotFound, "post %d not found", id)
	}
	return p, nil
}

// Rescreen is what a re-screen of published posts did.
type Rescreen struct {
	Screened int `json:"screened"`
	Changed  int `json:"changed"` // posts whose status moved (clear to open, or back)
}

// RescreenOrg screens every kept post of an org again with the current
// rules and ties (after the rules, the policy or a clinician's declared
// relationships change) and appends one watch.rescreen event with the
// counts. It walks the posts in batches from afterID, and calls done after
// each batch with the last id, so that a job can resume where it stopped.
// The jobs call it; it checks no role.
func (s *Service) RescreenOrg(ctx context.Context, orgID, afterID int64, done func(lastID int64) error) (Rescreen, error) {
	run, err := s.ContinueRescreen(ctx, orgID, RescreenRun{AfterID: afterID}, 0, func(run RescreenRun) error {
		if done != nil {
			return done(run.AfterID)
		}
		return nil
	})
	return run.Rescreen, err
}

// RescreenRun is where a re-screen of an org's posts stands: the last
// post id screened and the counts so far. The job package keeps it
// between attempts.
type RescreenRun struct {
	AfterID int64 `json:"after_id"`
	Rescreen
}

// ContinueRescreen is RescreenOrg for a run that may have begun before:
// it screens the org's posts after run.AfterID, batch at a time (0 means
// ImportBatch), adds to run's counts, and calls done with the run so far
// after each batch is committed; done's error stops the run and is
// returned. The watch.rescreen event at the end counts the whole run. The
// rescreen job calls it; it checks no role.
func (s *Service) ContinueRescreen(ctx context.Context, orgID int64, run RescreenRun, batch int, done func(RescreenRun) error) (RescreenRun, error) {
	if batch <= 0 {
		batch = ImportBatch
	}
	bases := map[int64]chaperone.Item{}
	for {
		ids, err := s.store.PostIDs(ctx, orgID, run.AfterID, batch)
		if err != nil || len(ids) == 0 {
			if err == nil {
				err = s.store.InTx(ctx, func(tx *store.Tx) error { return tx.RecordRescreen(ctx, orgID, run.Screened, run.Changed) })
			}
			return run, err
		}
		type screened struct {
			id  int64
			res chaperone.Result
		}
		var out []screened
		for _, id := range ids {
			p, err := s.store.GetPublished(ctx, id)
			if err != nil {
				return run, err
			}
			base, ok := bases[p.UserID]
			if !ok {
				author, err := s.store.GetUser(ctx, p.UserID)
				if err != nil {
					return run, err
				}
				if base, err = s.authorBase(ctx, author); err != nil {
					return run, err
				}
				bases[p.UserID] = base
			}
			it := base
			it.ID, it.Channel, it.Text = p.ExternalID, p.Channel, p.Text
			out = append(out, screened{id, s.engine.Screen(it)})
		}
		changed := 0
		err = s.store.InTx(ctx, func(tx *store.Tx) error {
			changed = 0
			for _, x := range out {
				c, err := tx.RescreenPost(ctx, x.id, x.res)
				if err != nil {
					return err
				}
				if c {
					changed++
				}
			}
			return nil
		})
		if err != nil {
			return run, err
		}
		run.Changed += changed
		run.Screened += len(ids)
		run.AfterID = ids[len(ids)-1]
		if done != nil {
			if err := done(run); err != nil {
				return run, err
			}
		}
	}
}

// AuditReport builds the audit report of the posts published in
// [from, to): u's own, another clinician's (userID, compliance and admins)
// or, with all, the whole organisation's (compliance and admins). It is
// a records export: audited, and it quotes no post text. It carries the
// subject's presence grade, with the grade's daily snapshots in the
// period as its trend.
func (s *Service) AuditReport(ctx context.Context, u chaperone.User, userID int64, all bool, from, to time.Time) (report.Audit, error) {
	var a report.Audit
	switch {
	case from.IsZero() || to.IsZero() || !from.Before(to):
		return a, invalid("give a period: from before to")
	case to.Sub(from) > 20*366*24*time.Hour:
		return a, invalid("the period is at most 20 years")
	}
	subject, scope := "All clinicians", int64(0)
	if all {
		if err := active(u); err != nil {
			return a, err
		}
		if !canAudit(u) {
			return a, forbidden("only compliance and admins report on the whole organisation")
		}
	} else {
		who, err := s.watchedUser(ctx, u, userID)
		if err != nil {
			return a, err
		}
		subject, scope = who.DisplayName, who.ID
	}
	org, err := s.store.GetOrg(ctx, u.OrgID)
	if err != nil {
		return a, err
	}
	var posts []chaperone.PublishedPost
	f := store.PostFilter{OrgID: u.OrgID, UserID: scope}
	for {
		page, err := s.store.ListPublished(ctx, f)
		if err != nil {
			return a, err
		}
		posts = append(posts, page...)
		if len(page) < 500 {
			break
		}
		last := page[len(page)-1]
		f.BeforeAt, f.BeforeID = last.At, last.ID
	}
	users, err := s.store.ListUsers(ctx, u.OrgID)
	if err != nil {
		return a, err
	}
	names := map[int64]string{}
	for _, x := range users {
		names[x.ID] = x.DisplayName
	}
	now := s.now().UTC()
	a = report.NewAudit(org.Name, subject, from.UTC(), to.UTC(), now, u.DisplayName, posts, names)
	if a.Grade, err = s.auditGrade(ctx, u.OrgID, scope, from, to); err != nil {
		return a, err
	}
	_, err = s.store.Audit(ctx, actor(u), store.AuditEntry{OrgID: u.OrgID, Action: chaperone.ActionRecordsExport, SubjectKind: "audit_report",
		SubjectID: fmt.Sprint(scope), Details: map[string]any{"from": from.UTC(), "to": to.UTC(), "posts": a.Posts, "open": a.Open}})
	return a, err
}

// ImportArchive imports a platform export (see monitor.ReadArchive: the X
// archive, Facebook's and Instagram's JSON exports, LinkedIn's Shares.csv)
// as clinician userID's published posts, through ImportPosts. A first pass
// counts the posts, so that progress (called after every batch) carries
// the total; it also refuses a file that is not an export before anything
// is kept. The CLI's audit import and the web UI's upload call it.
func (s *Service) ImportArchive(ctx context.Context, u chaperone.User, userID int64, r io.ReaderAt, size int64, progress func(WatchImport)) (WatchImport, monitor.Summary, error) {
	if _, err := s.watchedUser(ctx, u, userID); err != nil {
		return WatchImport{}, monitor.Summary{}, err
	}
	limits := monitor.DefaultLimits()
	total := 0
	if _, err := monitor.ReadArchive(ctx, r, size, limits, func(chaperone.Post) error { total++; return nil }); err != nil {
		return WatchImport{}, monitor.Summary{}, err
	}
	if progress != nil {
		progress(WatchImport{Total: total, Decisions: map[chaperone.Decision]int{}})
	}
	var sum monitor.Summary
	res, err := s.ImportPosts(ctx, u, userID, func(fn func(chaperone.Post) error) error {
		var err error
		sum, err = monitor.ReadArchive(ctx, r, size, limits, fn)
		return err
	}, func(w WatchImport) {
		if progress != nil {
			w.Total = total
			progress(w)
		}
	})
	res.Total = total
	return res, sum, err
}
