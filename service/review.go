package service

import (
	"context"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// Queue lists the drafts waiting for review in u's org, newest first.
// Only reviewers, compliance and admins have a queue.
func (s *Service) Queue(ctx context.Context, u chaperone.User) ([]chaperone.Draft, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	if !canReview(u) {
		return nil, forbidden("only reviewers, compliance and admins see the review queue")
	}
	return s.store.ListDrafts(ctx, store.DraftFilter{OrgID: u.OrgID, Status: chaperone.DraftInReview})
}

// Blocked lists the org's blocked drafts, for compliance to override.
func (s *Service) Blocked(ctx context.Context, u chaperone.User) ([]chaperone.Draft, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	if u.Role != chaperone.RoleCompliance {
		return nil, forbidden("only compliance sees blocked drafts of others")
	}
	return s.store.ListDrafts(ctx, store.DraftFilter{OrgID: u.OrgID, Status: chaperone.DraftBlocked})
}

// reviewMoves is where each review action takes a draft in review.
var reviewMoves = map[chaperone.ReviewKind]chaperone.DraftStatus{
	chaperone.ReviewApprove:        chaperone.DraftApproved,
	chaperone.ReviewRequestChanges: chaperone.DraftChangesRequested,
	chaperone.ReviewReject:         chaperone.DraftRejected,
}

// Review records a reviewer's decision on the current version of a draft
// in review: approve, request changes or reject. Nobody reviews their own
// draft; asking for changes or rejecting needs a comment, which the
// author sees.
func (s *Service) Review(ctx context.Context, u chaperone.User, id int64, action chaperone.ReviewKind, comment string) (chaperone.Draft, error) {
	d, err := s.draftFor(ctx, u, id)
	if err != nil {
		return d, err
	}
	to, ok := reviewMoves[action]
	switch {
	case !canReview(u):
		return d, forbidden("only reviewers, compliance and admins review drafts")
	case d.AuthorID == u.ID:
		return d, forbidden("nobody reviews their own draft")
	case !ok:
		return d, invalid("unknown review action %q (approve, request_changes or reject)", action)
	case d.Status != chaperone.DraftInReview:
		return d, conflict("a draft that is %s is not waiting for review", d.Status)
	case action != chaperone.ReviewApprove && strings.TrimSpace(comment) == "":
		return d, invalid("say what should change: a comment is required to %s", strings.ReplaceAll(string(action), "_", " "))
	case len(comment) > store.MaxTextBytes:
		return d, chaperone.Errorf(chaperone.ErrTooLarge, "the comment is longer than %d bytes", store.MaxTextBytes)
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddReview(ctx, actor(u), chaperone.ReviewAction{DraftID: d.ID, Version: d.Version, Action: action, Comment: comment}); err != nil {
			return err
		}
		return tx.SetDraftStatus(ctx, actor(u), d.ID, chaperone.DraftInReview, to)
	})
	if err != nil {
		return d, err
	}
	return s.store.GetDraft(ctx, d.ID)
}

// Override releases a blocked draft for publication. Only a compliance
// officer who is not the author may override, with a written reason of
// at least MinOverrideReason characters, kept in the approval chain.
func (s *Service) Override(ctx context.Context, u chaperone.User, id int64, reason string) (chaperone.Draft, error) {
	d, err := s.draftFor(ctx, u, id)
	if err != nil {
		return d, err
	}
	switch {
	case u.Role != chaperone.RoleCompliance:
		return d, forbidden("only a compliance officer overrides a block")
	case d.AuthorID == u.ID:
		return d, forbidden("nobody overrides the block on their own draft")
	case d.Status != chaperone.DraftBlocked:
		return d, conflict("a draft that is %s is not blocked", d.Status)
	case len(strings.TrimSpace(reason)) < MinOverrideReason:
		return d, invalid("write the reason for the override (at least %d characters)", MinOverrideReason)
	case len(reason) > store.MaxTextBytes:
		return d, chaperone.Errorf(chaperone.ErrTooLarge, "the reason is longer than %d bytes", store.MaxTextBytes)
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddReview(ctx, actor(u), chaperone.ReviewAction{DraftID: d.ID, Version: d.Version, Action: chaperone.ReviewOverride, Comment: reason}); err != nil {
			return err
		}
		return tx.SetDraftStatus(ctx, actor(u), d.ID, chaperone.DraftBlocked, chaperone.DraftOverridden)
	})
	if err != nil {
		return d, err
	}
	return s.store.GetDraft(ctx, d.ID)
}
