package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// Posts already published (table published_posts): the watch's record of
// what clinicians have put out, each with its latest screen. The text is
// encrypted, bound to the post's org, source and external id; the rest
// (source, URL, account, dates, decision, findings, status) holds no PHI
// and is kept in clear for filtering.

func publishedAD(orgID int64, source, externalID string) string {
	return fmt.Sprintf("published_posts.text/%d/%q/%q", orgID, source, externalID)
}

// MaxPostIDBytes bounds a post's source, external id, account and
// in-reply-to; MaxPostURLBytes its URL.
const (
	MaxPostIDBytes  = 512
	MaxPostURLBytes = 4096
)

// ScreenedPost is a post to keep with its screen, for ImportPosts.
type ScreenedPost struct {
	chaperone.Post
	Screen chaperone.Result
}

// ImportStats are the counts of one ImportPosts call.
type ImportStats struct {
	Added, Skipped int // Skipped: already kept (same source and id)
	// Open counts the added posts whose screen opened a task.
	Open int
}

// ImportPosts keeps a clinician's published posts with their screens in
// this transaction, skipping those already kept (same org, source and
// external id), and appends one watch.import event with the counts and
// sources (never text). A post whose screen is not allow opens a task
// (status open). Every post is checked first; one that is not valid
// makes it return an error naming its position, and the caller's
// transaction writes nothing.
func (tx *Tx) ImportPosts(ctx context.Context, actor Actor, orgID, userID int64, posts []ScreenedPost) (ImportStats, error) {
	var st ImportStats
	for i, p := range posts {
		if err := checkPost(p.Post); err != nil {
			return st, chaperone.Errorf(chaperone.ErrInvalid, "post %d: %s", i+1, err)
		}
	}
	stmt, err := tx.tx.PrepareContext(ctx, tx.s.q(`INSERT INTO published_posts (org_id, user_id, source, external_id, url, account,
		published_at, channel, in_reply_to, text_enc, decision, result, screened_at, flagged_at, status, imported_at, imported_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, source, external_id) DO NOTHING RETURNING id`))
	if err != nil {
		return st, dbError("keeping the posts", err)
	}
	defer stmt.Close()
	now := tx.s.clock()
	sources := map[string]bool{}
	for _, p := range posts {
		sources[p.Source] = true
		text, err := tx.s.seal(p.Text, publishedAD(orgID, p.Source, p.ExternalID))
		if err != nil {
			return st, err
		}
		res, err := json.Marshal(p.Screen)
		if err != nil {
			return st, internal("encoding a screen", err)
		}
		status := statusOf(p.Screen.Decision)
		var id int64
		var flagged any
		if status == chaperone.PostOpen {
			flagged = tx.s.tv(now)
		}
		err = stmt.QueryRowContext(ctx, orgID, userID, p.Source, p.ExternalID, p.URL, p.Account, tx.s.ntv(p.At), string(p.Channel),
			p.InReplyTo, text, string(p.Screen.Decision), string(res), tx.s.tv(now), flagged, string(status), tx.s.tv(now), nid(actor.UserID)).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			st.Skipped++
		case err != nil:
			return st, dbError("keeping the posts", err)
		default:
			st.Added++
			if status == chaperone.PostOpen {
				st.Open++
			}
		}
	}
	names := make([]string, 0, len(sources))
	for s := range sources {
		names = append(names, s)
	}
	slices.Sort(names)
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionWatchImport, SubjectKind: "user", SubjectID: subject(userID),
		Details: map[string]any{"added": st.Added, "skipped": st.Skipped, "open": st.Open, "sources": names}})
	return st, err
}

// statusOf is the status a screen gives a post that has no task yet.
func statusOf(d chaperone.Decision) chaperone.PostStatus {
	if d == chaperone.Allow {
		return chaperone.PostClear
	}
	return chaperone.PostOpen
}

// checkPost validates a post before it is kept. Its messages never quote
// the post.
func checkPost(p chaperone.Post) error {
	switch {
	case p.Source == "" || len(p.Source) > 100:
		return errors.New("the source must be 1 to 100 characters")
	case strings.TrimSpace(p.ExternalID) == "" || len(p.ExternalID) > MaxPostIDBytes:
		return fmt.Errorf("the post id must be 1 to %d bytes", MaxPostIDBytes)
	case len(p.Account) > MaxPostIDBytes || len(p.InReplyTo) > MaxPostIDBytes || len(p.URL) > MaxPostURLBytes:
		return errors.New("the account, the URL or what it answers is too long")
	case len(p.Text) > MaxTextBytes:
		return fmt.Errorf("the text is longer than %d bytes", MaxTextBytes)
	case !p.Channel.Valid():
		return fmt.Errorf("unknown channel %q", p.Channel)
	}
	return nil
}

// PostFilter selects posts for ListPublished. OrgID is required; zero
// values select everything.
type PostFilter struct {
	OrgID  int64
	UserID int64
	Status chaperone.PostStatus
	Source string
	// Flagged keeps posts whose screen is not allow, whatever their
	// status.
	Flagged bool
	// For paging, newest first: posts before (BeforeAt, BeforeID), the
	// last post of the previous page; ignored when BeforeID is 0.
	BeforeAt time.Time
	BeforeID int64
	Limit    int // 0 or over 500 means 500
}

const publishedColumns = `SELECT id, org_id, user_id, source, external_id, url, account, published_at, channel, in_reply_to, text_enc,
	result, screened_at, flagged_at, status, resolved_by, resolved_at, incident_id, imported_at FROM published_posts`

// ListPublished returns the posts matching f, newest published first
// (posts without a date last), decrypted. Showing them is a PHI view: the
// caller records it.
func (s *Store) ListPublished(ctx context.Context, f PostFilter) ([]chaperone.PublishedPost, error) {
	if f.OrgID == 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "listing posts needs an org")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	query, args := publishedColumns+" WHERE org_id = ?", []any{f.OrgID}
	add := func(cond string, vs ...any) { query, args = query+" AND "+cond, append(args, vs...) }
	if f.UserID != 0 {
		add("user_id = ?", f.UserID)
	}
	if f.Status != "" {
		add("status = ?", string(f.Status))
	}
	if f.Source != "" {
		add("source = ?", f.Source)
	}
	if f.Flagged {
		add("decision <> ?", string(chaperone.Allow))
	}
	if f.BeforeID != 0 {
		add("(COALESCE(published_at, ?) < ? OR (COALESCE(published_at, ?) = ? AND id < ?))",
			s.tv(time.Time{}), s.tv(f.BeforeAt), s.tv(time.Time{}), s.tv(f.BeforeAt), f.BeforeID)
	}
	return list(ctx, s.rdb, "listing posts", s.q(query+" ORDER BY COALESCE(published_at, ?) DESC, id DESC LIMIT ?"),
		s.scanPublished, append(args, s.tv(time.Time{}), f.Limit)...)
}

// GetPublished returns one post, decrypted. Showing it is a PHI view: the
// caller records it.
func (s *Store) GetPublished(ctx context.Context, id int64) (chaperone.PublishedPost, error) {
	return s.scanPublished(s.rdb.QueryRowContext(ctx, s.q(publishedColumns+" WHERE id = ?"), id))
}

func (s *Store) scanPublished(r scanner) (chaperone.PublishedPost, error) {
	var p chaperone.PublishedPost
	var text []byte
	var channel, result, status string
	err := r.Scan(&p.ID, &p.OrgID, &p.UserID, &p.Source, &p.ExternalID, &p.URL, &p.Account, tm(&p.At), &channel, &p.InReplyTo, &text,
		&result, tm(&p.ScreenedAt), tm(&p.FlaggedAt), &status, nullable(&p.ResolvedBy), tm(&p.ResolvedAt), nullable(&p.IncidentID), tm(&p.ImportedAt))
	if err != nil {
		return p, dbError("reading the post", err)
	}
	p.Channel, p.Status = chaperone.Channel(channel), chaperone.PostStatus(status)
	if err := json.Unmarshal([]byte(result), &p.Screen); err != nil {
		return chaperone.PublishedPost{}, internal("decoding a post's screen", err)
	}
	if p.Text, err = s.open(text, publishedAD(p.OrgID, p.Source, p.ExternalID)); err != nil {
		return chaperone.PublishedPost{}, err
	}
	return p, nil
}

// PostCounts counts an org's posts (of one user when userID is not 0) by
// status.
func (s *Store) PostCounts(ctx context.Context, orgID, userID int64) (map[chaperone.PostStatus]int, error) {
	query, args := "SELECT status, COUNT(*) FROM published_posts WHERE org_id = ?", []any{orgID}
	if userID != 0 {
		query, args = query+" AND user_id = ?", append(args, userID)
	}
	type row struct {
		status string
		n      int
	}
	rows, err := list(ctx, s.rdb, "counting posts", s.q(query+" GROUP BY status"), func(r scanner) (row, error) {
		var x row
		return x, r.Scan(&x.status, &x.n)
	}, args...)
	if err != nil {
		return nil, err
	}
	out := map[chaperone.PostStatus]int{}
	for _, x := range rows {
		out[chaperone.PostStatus(x.status)] = x.n
	}
	return out, nil
}

// RescreenPost stores a new screen of a kept post. A post with no task
// yet (clear or open) takes the status the new screen gives; a resolved
// one keeps its status. It reports whether the status changed; the
// caller audits the run as a whole (watch.rescreen).
func (tx *Tx) RescreenPost(ctx context.Context, id int64, res chaperone.Result) (bool, error) {
	js, err := json.Marshal(res)
	if err != nil {
		return false, internal("encoding a screen", err)
	}
	var old string
	if err := tx.tx.QueryRowContext(ctx, tx.s.q("SELECT status FROM published_posts WHERE id = ?"), id).Scan(&old); err != nil {
		return false, dbError(fmt.Sprintf("post %d", id), err)
	}
	status := chaperone.PostStatus(old)
	if !status.Resolved() {
		status = statusOf(res.Decision)
	}
	now := tx.s.clock()
	query, args := "UPDATE published_posts SET decision = ?, result = ?, screened_at = ?, status = ?", []any{string(res.Decision), string(js), tx.s.tv(now), string(status)}
	if status == chaperone.PostOpen && old != string(chaperone.PostOpen) {
		query, args = query+", flagged_at = ?", append(args, tx.s.tv(now))
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q(query+" WHERE id = ?"), append(args, id)...)
	if err != nil {
		return false, dbError("saving the new screen", err)
	}
	return string(status) != old, nil
}

// ResolvePost closes (or, with PostOpen, reopens) a post's task: edited
// or deleted on the platform, accepted as it is, or an incident opened
// (incidentID). It appends watch.resolve with the statuses and ids.
func (tx *Tx) ResolvePost(ctx context.Context, actor Actor, id int64, status chaperone.PostStatus, incidentID int64) error {
	if !status.Resolved() && status != chaperone.PostOpen {
		return chaperone.Errorf(chaperone.ErrInvalid, "a task is closed as edited, deleted, accepted or incident, or reopened as open")
	}
	var orgID int64
	var old string
	err := tx.tx.QueryRowContext(ctx, tx.s.q("SELECT org_id, status FROM published_posts WHERE id = ?"), id).Scan(&orgID, &old)
	if err != nil {
		return dbError(fmt.Sprintf("post %d", id), err)
	}
	now := tx.s.clock()
	query, args := "UPDATE published_posts SET status = ?, resolved_by = ?, resolved_at = ?, incident_id = ?",
		[]any{string(status), nid(actor.UserID), tx.s.tv(now), nid(incidentID)}
	if status == chaperone.PostOpen { // reopened: a new task
		query, args = "UPDATE published_posts SET status = ?, resolved_by = NULL, resolved_at = NULL, incident_id = NULL, flagged_at = ?",
			[]any{string(status), tx.s.tv(now)}
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q(query+" WHERE id = ?"), append(args, id)...)
	if err != nil {
		return dbError("closing the task", err)
	}
	details := map[string]any{"from": old, "to": string(status)}
	if incidentID != 0 {
		details["incident_id"] = incidentID
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionWatchResolve, SubjectKind: "published_post", SubjectID: subject(id),
		Details: details})
	return err
}

// PostIDs returns the ids of an org's posts after afterID, in id order,
// at most limit: the batches a re-screen walks.
func (s *Store) PostIDs(ctx context.Context, orgID, afterID int64, limit int) ([]int64, error) {
	return list(ctx, s.rdb, "listing posts", s.q("SELECT id FROM published_posts WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?"),
		func(r scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, orgID, afterID, limit)
}

// RecordRescreen appends watch.rescreen for a finished re-screen of an
// org's posts, with its counts.
func (tx *Tx) RecordRescreen(ctx context.Context, orgID int64, screened, changed int) error {
	_, err := tx.audit(ctx, System, AuditEntry{OrgID: orgID, Action: chaperone.ActionWatchRescreen, SubjectKind: "org", SubjectID: subject(orgID),
		Details: map[string]any{"screened": screened, "changed": changed}})
	return err
}
