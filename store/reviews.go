package store

import (
	"context"
	"strconv"

	chaperone "github.com/chaperone-project/chaperone"
)

// reviewEvents is the audit action of each review kind.
var reviewEvents = map[chaperone.ReviewKind]chaperone.AuditAction{
	chaperone.ReviewApprove:        chaperone.ActionReviewApprove,
	chaperone.ReviewRequestChanges: chaperone.ActionReviewRequestChanges,
	chaperone.ReviewReject:         chaperone.ActionReviewReject,
	chaperone.ReviewOverride:       chaperone.ActionDraftOverride,
}

// AddReview records actor's review of a draft version (ReviewerID is the
// actor; the comment is encrypted) and appends review.approve,
// review.request_changes, review.reject or draft.override. It does not
// move the draft: the workflow calls SetDraftStatus in the same
// transaction.
func (tx *Tx) AddReview(ctx context.Context, actor Actor, r chaperone.ReviewAction) (chaperone.ReviewAction, error) {
	r.ReviewerID, r.At = actor.UserID, tx.s.clock()
	switch {
	case r.ReviewerID == 0:
		return r, chaperone.Errorf(chaperone.ErrInvalid, "a review needs a reviewer")
	case !r.Action.Valid():
		return r, chaperone.Errorf(chaperone.ErrInvalid, "unknown review action %q", r.Action)
	}
	if err := checkText(r.Comment); err != nil {
		return r, err
	}
	d, err := getDraft(ctx, tx.s, tx.tx, r.DraftID)
	if err != nil {
		return r, err
	}
	enc, err := tx.s.seal(r.Comment, reviewAD(r.DraftID, r.Version))
	if err != nil {
		return r, err
	}
	err = tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO review_actions (draft_id, version, reviewer_id, action, comment_enc, at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), r.DraftID, r.Version, r.ReviewerID, string(r.Action), enc, tx.s.tv(r.At)).Scan(&r.ID)
	if err != nil {
		return r, dbError("saving the review", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: d.OrgID, Action: reviewEvents[r.Action], SubjectKind: "draft", SubjectID: subject(r.DraftID),
		Details: map[string]any{"version": r.Version, "review_id": r.ID}})
	return r, err
}

// AddReview records a review in a transaction of its own; see
// Tx.AddReview.
func (s *Store) AddReview(ctx context.Context, actor Actor, r chaperone.ReviewAction) (chaperone.ReviewAction, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.ReviewAction, error) { return tx.AddReview(ctx, actor, r) })
}

// ListReviews returns every review of a draft, oldest first, with the
// comments decrypted.
func (s *Store) ListReviews(ctx context.Context, draftID int64) ([]chaperone.ReviewAction, error) {
	return list(ctx, s.rdb, "listing reviews", s.q(`SELECT id, draft_id, version, reviewer_id, action, comment_enc, at
		FROM review_actions WHERE draft_id = ? ORDER BY id`), s.scanReview, draftID)
}

func (s *Store) scanReview(r scanner) (chaperone.ReviewAction, error) {
	var ra chaperone.ReviewAction
	var action string
	var enc []byte
	if err := r.Scan(&ra.ID, &ra.DraftID, &ra.Version, &ra.ReviewerID, &action, &enc, tm(&ra.At)); err != nil {
		return ra, dbError("reading the review", err)
	}
	ra.Action = chaperone.ReviewKind(action)
	var err error
	ra.Comment, err = s.open(enc, reviewAD(ra.DraftID, ra.Version))
	return ra, err
}

// reviewAD binds an encrypted comment to its draft version.
func reviewAD(draftID int64, version int) string {
	return "review_actions.comment/" + subject(draftID) + "/" + strconv.Itoa(version)
}
