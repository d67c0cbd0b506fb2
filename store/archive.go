package store

import (
	"context"
	"encoding/json"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// Archive items are the records of published posts that regulators and
// litigators may ask for. They are kept until RetainUntil, and past it
// while on legal hold; PurgeExpired removes the rest.

// InsertArchiveItem archives a published post (ID is set by the store,
// OrgID taken from the draft; the text is encrypted) and appends
// archive.insert. The publish step calls it in the same transaction as
// SetDraftStatus(…, published).
func (tx *Tx) InsertArchiveItem(ctx context.Context, actor Actor, it chaperone.ArchiveItem) (chaperone.ArchiveItem, error) {
	d, err := getDraft(ctx, tx.s, tx.tx, it.DraftID)
	if err != nil {
		return it, err
	}
	it.OrgID = d.OrgID
	it.PublishedAt, it.RetainUntil = norm(it.PublishedAt), norm(it.RetainUntil)
	if it.PublishedAt.IsZero() || it.RetainUntil.IsZero() {
		return it, chaperone.Errorf(chaperone.ErrInvalid, "an archive item needs a publication time and a retention date")
	}
	if err := checkText(it.Text); err != nil {
		return it, err
	}
	for _, j := range []*json.RawMessage{&it.ScreenResult, &it.ApprovalChain} {
		if len(*j) == 0 {
			*j = json.RawMessage("null")
		} else if !json.Valid(*j) {
			return it, chaperone.Errorf(chaperone.ErrInvalid, "an archive item's screen result and approval chain must be JSON")
		}
	}
	enc, err := tx.s.seal(it.Text, archiveAD(it.DraftID))
	if err != nil {
		return it, err
	}
	err = tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO archive_items
		(draft_id, org_id, published_url, published_at, text_enc, screen_result, approval_chain, retain_until, legal_hold)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		it.DraftID, it.OrgID, it.PublishedURL, tx.s.tv(it.PublishedAt), enc, string(it.ScreenResult), string(it.ApprovalChain),
		tx.s.tv(it.RetainUntil), it.LegalHold).Scan(&it.ID)
	if err != nil {
		return it, dbError("archiving the post", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: it.OrgID, Action: chaperone.ActionArchiveInsert, SubjectKind: "archive_item",
		SubjectID: subject(it.ID), Details: map[string]any{"draft_id": it.DraftID, "retain_until": it.RetainUntil, "legal_hold": it.LegalHold}})
	return it, err
}

// InsertArchiveItem archives a post in a transaction of its own; see
// Tx.InsertArchiveItem.
func (s *Store) InsertArchiveItem(ctx context.Context, actor Actor, it chaperone.ArchiveItem) (chaperone.ArchiveItem, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.ArchiveItem, error) { return tx.InsertArchiveItem(ctx, actor, it) })
}

// SetLegalHold puts an archive item on legal hold (on) or releases it,
// and appends archive.hold or archive.release. Compliance calls it.
func (tx *Tx) SetLegalHold(ctx context.Context, actor Actor, id int64, on bool) error {
	var orgID int64
	err := tx.tx.QueryRowContext(ctx, tx.s.q("UPDATE archive_items SET legal_hold = ? WHERE id = ? RETURNING org_id"), on, id).Scan(&orgID)
	if err != nil {
		return dbError("setting the legal hold", err)
	}
	action := chaperone.ActionArchiveRelease
	if on {
		action = chaperone.ActionArchiveHold
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: action, SubjectKind: "archive_item", SubjectID: subject(id)})
	return err
}

// SetLegalHold sets or releases a legal hold in a transaction of its own;
// see Tx.SetLegalHold.
func (s *Store) SetLegalHold(ctx context.Context, actor Actor, id int64, on bool) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.SetLegalHold(ctx, actor, id, on) })
}

// purgeBatch bounds the archive items one purge transaction deletes.
const purgeBatch = 200

// PurgeExpired deletes the archive items whose RetainUntil is before now
// and that are not on legal hold, appending archive.purge for each in the
// same transaction, and returns how many it deleted. It works in batches,
// one transaction each, so a failure part-way leaves whole batches done.
// The retention job calls it (actor System).
func (s *Store) PurgeExpired(ctx context.Context, actor Actor, now time.Time) (int, error) {
	total := 0
	for {
		n, err := inTx1(ctx, s, func(tx *Tx) (int, error) { return tx.purgeBatch(ctx, actor, now) })
		total += n
		if err != nil || n < purgeBatch {
			return total, err
		}
	}
}

// purgeBatch deletes up to purgeBatch expired items.
func (tx *Tx) purgeBatch(ctx context.Context, actor Actor, now time.Time) (int, error) {
	type victim struct {
		id, orgID, draftID int64
		retainUntil        time.Time
	}
	victims, err := list(ctx, tx.tx, "finding expired archive items", tx.s.q(`SELECT id, org_id, draft_id, retain_until FROM archive_items
		WHERE retain_until < ? AND NOT legal_hold ORDER BY id LIMIT ?`), func(r scanner) (victim, error) {
		var v victim
		return v, r.Scan(&v.id, &v.orgID, &v.draftID, tm(&v.retainUntil))
	}, tx.s.tv(now), purgeBatch)
	if err != nil {
		return 0, dbError("finding expired archive items", err)
	}
	for _, v := range victims {
		if _, err := tx.tx.ExecContext(ctx, tx.s.q("DELETE FROM archive_items WHERE id = ?"), v.id); err != nil {
			return 0, dbError("purging an archive item", err)
		}
		_, err := tx.audit(ctx, actor, AuditEntry{OrgID: v.orgID, Action: chaperone.ActionArchivePurge, SubjectKind: "archive_item",
			SubjectID: subject(v.id), Details: map[string]any{"draft_id": v.draftID, "retain_until": v.retainUntil}})
		if err != nil {
			return 0, err
		}
	}
	return len(victims), nil
}

const archiveColumns = `SELECT id, draft_id, org_id, published_url, published_at, text_enc, screen_result, approval_chain,
	retain_until, legal_hold FROM archive_items`

// GetArchiveItem returns the archive item with the given id, decrypted.
// Showing it is a PHI view: the caller records it with RecordView.
func (s *Store) GetArchiveItem(ctx context.Context, id int64) (chaperone.ArchiveItem, error) {
	return s.scanArchiveItem(s.rdb.QueryRowContext(ctx, s.q(archiveColumns+" WHERE id = ?"), id))
}

// ArchiveFilter selects archive items for ListArchive: an org's items
// published in [From, To).
type ArchiveFilter struct {
	OrgID    int64
	From, To time.Time // zero: unbounded
	// For paging: items after (AfterPublished, AfterID), the last item of
	// the previous page; ignored when AfterID is 0.
	AfterPublished time.Time
	AfterID        int64
	Limit          int // 0 or over 500 means 500
}

// ListArchive returns the org's archive items published in the range, by
// publication time then id, decrypted (for the archive view and exports;
// exports append archive.export).
func (s *Store) ListArchive(ctx context.Context, f ArchiveFilter) ([]chaperone.ArchiveItem, error) {
	if f.OrgID == 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "listing the archive needs an org")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	query, args := archiveColumns+" WHERE org_id = ?", []any{f.OrgID}
	if f.AfterID != 0 {
		query, args = query+" AND (published_at > ? OR (published_at = ? AND id > ?))",
			append(args, s.tv(f.AfterPublished), s.tv(f.AfterPublished), f.AfterID)
	}
	if !f.From.IsZero() {
		query, args = query+" AND published_at >= ?", append(args, s.tv(f.From))
	}
	if !f.To.IsZero() {
		query, args = query+" AND published_at < ?", append(args, s.tv(f.To))
	}
	return list(ctx, s.rdb, "listing the archive", s.q(query+" ORDER BY published_at, id LIMIT ?"), s.scanArchiveItem, append(args, f.Limit)...)
}

func (s *Store) scanArchiveItem(r scanner) (chaperone.ArchiveItem, error) {
	var it chaperone.ArchiveItem
	var enc []byte
	var result, chain string
	err := r.Scan(&it.ID, &it.DraftID, &it.OrgID, &it.PublishedURL, tm(&it.PublishedAt), &enc, &result, &chain,
		tm(&it.RetainUntil), &it.LegalHold)
	if err != nil {
		return it, dbError("reading the archive item", err)
	}
	it.ScreenResult, it.ApprovalChain = json.RawMessage(result), json.RawMessage(chain)
	if it.Text, err = s.open(enc, archiveAD(it.DraftID)); err != nil {
		return chaperone.ArchiveItem{}, err
	}
	return it, nil
}

// archiveAD binds an encrypted archived text to its draft.
func archiveAD(draftID int64) string { return "archive_items.text/" + subject(draftID) }
