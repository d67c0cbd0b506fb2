package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
)

// Patients' online reviews (table patient_reviews). The reviewer's name
// and the text are encrypted, bound to the review's org, site and id on
// the site; the rest (site, rating, dates, URL) is kept in clear for
// filtering and holds no PHI.

// patientReviewAD binds an encrypted column of a review to its row: the
// org, site and external id are the row's unique key.
func patientReviewAD(column string, orgID int64, site, externalID string) string {
	return fmt.Sprintf("patient_reviews.%s/%d/%q/%q", column, orgID, site, externalID)
}

// ImportReviews adds an org's reviews in this transaction, skipping those
// already kept (same site and external id), and appends one review.import
// event with the counts and sites (never text or names). Every review is
// checked first; one that is not valid makes it return an error naming
// its position, and the caller's transaction writes nothing.
func (tx *Tx) ImportReviews(ctx context.Context, actor Actor, orgID int64, rs []review.Review) (added, skipped int, err error) {
	if orgID == 0 {
		return 0, 0, chaperone.Errorf(chaperone.ErrInvalid, "importing reviews needs an org")
	}
	for i, rv := range rs {
		if err := checkReview(rv); err != nil {
			return 0, 0, chaperone.Errorf(chaperone.ErrInvalid, "review %d: %s", i+1, err)
		}
	}
	stmt, err := tx.tx.PrepareContext(ctx, tx.s.q(`INSERT INTO patient_reviews (org_id, site, external_id, reviewer_enc, rating, text_enc,
		posted_at, url, replied_on_site, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, site, external_id) DO NOTHING RETURNING id`))
	if err != nil {
		return 0, 0, dbError("importing reviews", err)
	}
	defer stmt.Close()
	now := tx.s.clock()
	sites := map[string]bool{}
	for _, rv := range rs {
		site, ext := normSite(rv.Site), strings.TrimSpace(rv.ExternalID)
		sites[site] = true
		name, err := tx.s.seal(rv.Reviewer, patientReviewAD("reviewer", orgID, site, ext))
		if err != nil {
			return 0, 0, err
		}
		text, err := tx.s.seal(rv.Text, patientReviewAD("text", orgID, site, ext))
		if err != nil {
			return 0, 0, err
		}
		var id int64
		err = stmt.QueryRowContext(ctx, orgID, site, ext, name, rv.Rating, text, tx.s.tv(rv.CreatedAt), rv.URL, rv.Reply != "",
			tx.s.tv(now), nid(actor.UserID)).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows): // already kept
			skipped++
		case err != nil:
			return 0, 0, dbError("importing reviews", err)
		default:
			added++
		}
	}
	names := make([]string, 0, len(sites))
	for s := range sites {
		names = append(names, s)
	}
	slices.Sort(names)
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionReviewImport, SubjectKind: "org", SubjectID: subject(orgID),
		Details: map[string]any{"added": added, "skipped": skipped, "sites": names}})
	if err != nil {
		return 0, 0, err
	}
	return added, skipped, nil
}

// ImportReviews imports in a transaction of its own: all the reviews or,
// on any error, none; see Tx.ImportReviews.
func (s *Store) ImportReviews(ctx context.Context, actor Actor, orgID int64, rs []review.Review) (added, skipped int, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		var err error
		added, skipped, err = tx.ImportReviews(ctx, actor, orgID, rs)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return added, skipped, nil
}

func normSite(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// checkReview validates a review before it is stored. Its messages never
// quote the review.
func checkReview(rv review.Review) error {
	site, ext := normSite(rv.Site), strings.TrimSpace(rv.ExternalID)
	switch {
	case site == "" || len(site) > 100:
		return errors.New("the site must be 1 to 100 characters")
	case ext == "" || len(ext) > 200:
		return errors.New("the review id must be 1 to 200 characters")
	case rv.Rating < 1 || rv.Rating > 5:
		return errors.New("the rating must be 1 to 5")
	case rv.CreatedAt.IsZero():
		return errors.New("no date")
	case len(rv.Text) > MaxTextBytes || len(rv.Reviewer) > 1000 || len(rv.URL) > 4096:
		return errors.New("the text, the reviewer's name or the URL is too long")
	}
	return nil
}

// ReviewFilter selects reviews for ListPatientReviews. OrgID is required;
// zero values select everything.
type ReviewFilter struct {
	OrgID                int64
	Site                 string
	MinRating, MaxRating int       // 0: unbounded
	From, To             time.Time // posted in [From, To); zero: unbounded
	// Unreplied keeps reviews with no reply draft and no reply on the
	// site; New keeps those nobody has acknowledged.
	Unreplied, New bool
	// For paging, newest first: reviews before (BeforePosted, BeforeID),
	// the last review of the previous page; ignored when BeforeID is 0.
	BeforePosted time.Time
	BeforeID     int64
	Limit        int // 0 or over 500 means 500
}

const patientReviewColumns = `SELECT id, org_id, site, external_id, reviewer_enc, rating, text_enc, posted_at, url, replied_on_site,
	imported_at, imported_by, acknowledged_at, acknowledged_by, reply_draft_id FROM patient_reviews`

// ListPatientReviews returns an org's reviews matching f, newest posted
// first, decrypted. Showing them is a PHI view: the caller records it.
func (s *Store) ListPatientReviews(ctx context.Context, f ReviewFilter) ([]chaperone.PatientReview, error) {
	if f.OrgID == 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "listing reviews needs an org")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	query, args := patientReviewColumns+" WHERE org_id = ?", []any{f.OrgID}
	add := func(cond string, vs ...any) { query, args = query+" AND "+cond, append(args, vs...) }
	if f.Site != "" {
		add("site = ?", normSite(f.Site))
	}
	if f.MinRating > 0 {
		add("rating >= ?", f.MinRating)
	}
	if f.MaxRating > 0 {
		add("rating <= ?", f.MaxRating)
	}
	if !f.From.IsZero() {
		add("posted_at >= ?", s.tv(f.From))
	}
	if !f.To.IsZero() {
		add("posted_at < ?", s.tv(f.To))
	}
	if f.Unreplied {
		add("reply_draft_id IS NULL AND replied_on_site = ?", false)
	}
	if f.New {
		add("acknowledged_at IS NULL")
	}
	if f.BeforeID != 0 {
		add("(posted_at < ? OR (posted_at = ? AND id < ?))", s.tv(f.BeforePosted), s.tv(f.BeforePosted), f.BeforeID)
	}
	return list(ctx, s.rdb, "listing reviews", s.q(query+" ORDER BY posted_at DESC, id DESC LIMIT ?"), s.scanPatientReview, append(args, f.Limit)...)
}

// GetPatientReview returns one review, decrypted. Showing it is a PHI
// view: the caller records it.
func (s *Store) GetPatientReview(ctx context.Context, id int64) (chaperone.PatientReview, error) {
	return s.scanPatientReview(s.rdb.QueryRowContext(ctx, s.q(patientReviewColumns+" WHERE id = ?"), id))
}

func (s *Store) scanPatientReview(r scanner) (chaperone.PatientReview, error) {
	var pr chaperone.PatientReview
	var name, text []byte
	err := r.Scan(&pr.ID, &pr.OrgID, &pr.Site, &pr.ExternalID, &name, &pr.Rating, &text, tm(&pr.CreatedAt), &pr.URL, &pr.RepliedOnSite,
		tm(&pr.ImportedAt), nullable(&pr.ImportedBy), tm(&pr.AcknowledgedAt), nullable(&pr.AcknowledgedBy), nullable(&pr.ReplyDraftID))
	if err != nil {
		return pr, dbError("reading the review", err)
	}
	if pr.Reviewer, err = s.open(name, patientReviewAD("reviewer", pr.OrgID, pr.Site, pr.ExternalID)); err != nil {
		return chaperone.PatientReview{}, err
	}
	if pr.Text, err = s.open(text, patientReviewAD("text", pr.OrgID, pr.Site, pr.ExternalID)); err != nil {
		return chaperone.PatientReview{}, err
	}
	return pr, nil
}

// AcknowledgeReview marks a review as seen by the actor, which ends its
// low-rating alert, and appends review.ack. A review already acknowledged
// stays as it was (no event); an unknown one is not found.
func (tx *Tx) AcknowledgeReview(ctx context.Context, actor Actor, id int64) error {
	var orgID int64
	err := tx.tx.QueryRowContext(ctx, tx.s.q(`UPDATE patient_reviews SET acknowledged_at = ?, acknowledged_by = ?
		WHERE id = ? AND acknowledged_at IS NULL RETURNING org_id`), tx.s.tv(tx.s.clock()), nid(actor.UserID), id).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := tx.tx.QueryRowContext(ctx, tx.s.q("SELECT 1 FROM patient_reviews WHERE id = ?"), id).Scan(&n); err != nil {
			return dbError(fmt.Sprintf("review %d", id), err)
		}
		return nil
	}
	if err != nil {
		return dbError("acknowledging the review", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionReviewAck, SubjectKind: "patient_review", SubjectID: subject(id)})
	return err
}

// AcknowledgeReview acknowledges in a transaction of its own; see
// Tx.AcknowledgeReview.
func (s *Store) AcknowledgeReview(ctx context.Context, actor Actor, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.AcknowledgeReview(ctx, actor, id) })
}

// SetReviewReply links a reply draft to a review and appends
// review.reply. prev is the reply draft the caller saw (0: none): if the
// review has another by now — someone else replied meanwhile — it is a
// conflict and nothing changes.
func (tx *Tx) SetReviewReply(ctx context.Context, actor Actor, id, prev, draftID int64) error {
	var orgID int64
	err := tx.tx.QueryRowContext(ctx, tx.s.q(`UPDATE patient_reviews SET reply_draft_id = ? WHERE id = ? AND COALESCE(reply_draft_id, 0) = ?
		RETURNING org_id`), draftID, id, prev).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return chaperone.Errorf(chaperone.ErrConflict, "review %d does not exist or has another reply by now", id)
	}
	if err != nil {
		return dbError("linking the reply", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionReviewReply, SubjectKind: "patient_review", SubjectID: subject(id),
		Details: map[string]any{"draft_id": draftID}})
	return err
}

// SetReviewReply links in a transaction of its own; see
// Tx.SetReviewReply.
func (s *Store) SetReviewReply(ctx context.Context, actor Actor, id, prev, draftID int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.SetReviewReply(ctx, actor, id, prev, draftID) })
}
