package service

import (
	"context"
	"fmt"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/report"
	"github.com/chaperone-project/chaperone/store"
)

// canAudit reports whether u's role may read the org's archive and audit
// log: compliance officers and admins.
func canAudit(u chaperone.User) bool {
	return u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin
}

// Archive lists the org's published items in [from, to) (zero times are
// unbounded), oldest first, for compliance and admins. Listing shows the
// texts, so it is recorded as a view of each.
func (s *Service) Archive(ctx context.Context, u chaperone.User, from, to time.Time) ([]chaperone.ArchiveItem, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	if !canAudit(u) {
		return nil, forbidden("only compliance and admins read the archive")
	}
	items, err := s.store.ListArchive(ctx, store.ArchiveFilter{OrgID: u.OrgID, From: from, To: to})
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		for _, it := range items {
			if err := tx.RecordView(ctx, actor(u), u.OrgID, "archive_item", fmt.Sprint(it.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	return items, err
}

// ArchivedItem returns one archived item to compliance, admins or the
// draft's author, and records the view.
func (s *Service) ArchivedItem(ctx context.Context, u chaperone.User, id int64) (chaperone.ArchiveItem, error) {
	it, err := s.archivedFor(ctx, u, id)
	if err != nil {
		return it, err
	}
	return it, s.store.RecordView(ctx, actor(u), u.OrgID, "archive_item", fmt.Sprint(it.ID))
}

func (s *Service) archivedFor(ctx context.Context, u chaperone.User, id int64) (chaperone.ArchiveItem, error) {
	if err := active(u); err != nil {
		return chaperone.ArchiveItem{}, err
	}
	it, err := s.store.GetArchiveItem(ctx, id)
	if err != nil {
		return it, err
	}
	if it.OrgID == u.OrgID && !canAudit(u) {
		d, err := s.store.GetDraft(ctx, it.DraftID)
		if err == nil && d.AuthorID == u.ID {
			return it, nil
		}
	}
	if it.OrgID != u.OrgID || !canAudit(u) {
		return chaperone.ArchiveItem{}, chaperone.Errorf(chaperone.ErrNotFound, "archive item %d not found", id)
	}
	return it, nil
}

// SetHold puts an archived item on legal hold, or releases it: while on
// hold it is kept past its retention date. Compliance only.
func (s *Service) SetHold(ctx context.Context, u chaperone.User, id int64, on bool) error {
	if err := active(u); err != nil {
		return err
	}
	if u.Role != chaperone.RoleCompliance {
		return forbidden("only compliance places or releases a legal hold")
	}
	it, err := s.store.GetArchiveItem(ctx, id)
	if err != nil || it.OrgID != u.OrgID {
		return chaperone.Errorf(chaperone.ErrNotFound, "archive item %d not found", id)
	}
	return s.store.SetLegalHold(ctx, actor(u), id, on)
}

// Evidence builds the evidence pack of archived items: one item (ids) or
// every item published in [from, to), with the reviews and comments of
// each, for compliance and admins. The export is an audit event.
func (s *Service) Evidence(ctx context.Context, u chaperone.User, ids []int64, from, to time.Time) (report.Evidence, error) {
	ev := report.Evidence{Generated: s.now().UTC(), From: from, To: to, GeneratedBy: u.DisplayName}
	if err := active(u); err != nil {
		return ev, err
	}
	if !canAudit(u) {
		return ev, forbidden("only compliance and admins export the archive")
	}
	org, err := s.store.GetOrg(ctx, u.OrgID)
	if err != nil {
		return ev, err
	}
	ev.Org = org.Name
	var items []chaperone.ArchiveItem
	if len(ids) > 0 {
		for _, id := range ids {
			it, err := s.archivedFor(ctx, u, id)
			if err != nil {
				return ev, err
			}
			items = append(items, it)
		}
	} else {
		f := store.ArchiveFilter{OrgID: u.OrgID, From: from, To: to}
		for {
			page, err := s.store.ListArchive(ctx, f)
			if err != nil {
				return ev, err
			}
			items = append(items, page...)
			if len(page) < 500 {
				break
			}
			f.AfterPublished, f.AfterID = page[len(page)-1].PublishedAt, page[len(page)-1].ID
		}
	}
	names := map[int64]string{}
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := fmt.Sprintf("user %d", id)
		if x, err := s.store.GetUser(ctx, id); err == nil {
			n = x.DisplayName + " <" + x.Email + ">"
		}
		names[id] = n
		return n
	}
	for _, it := range items {
		d, err := s.store.GetDraft(ctx, it.DraftID)
		if err != nil {
			return ev, err
		}
		reviews, err := s.store.ListReviews(ctx, it.DraftID)
		if err != nil {
			return ev, err
		}
		e := report.EvidenceItem{Item: it, Author: name(d.AuthorID), Channel: d.Channel}
		for _, r := range reviews {
			e.Reviews = append(e.Reviews, report.EvidenceReview{ReviewAction: r, Reviewer: name(r.ReviewerID)})
		}
		ev.Items = append(ev.Items, e)
	}
	head, hash, err := s.store.Head(ctx)
	if err != nil {
		return ev, err
	}
	_, err = s.store.Audit(ctx, actor(u), store.AuditEntry{OrgID: u.OrgID, Action: chaperone.ActionArchiveExport, SubjectKind: "archive",
		Details: map[string]any{"items": len(ev.Items), "from": from, "to": to, "ids": ids}})
	ev.AuditHead, ev.AuditHash = head, fmt.Sprintf("%x", hash)
	return ev, err
}
