package store

import (
	"cmp"
	"context"
	"strconv"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// MaxTextBytes bounds a draft's text and context, an archived text and a
// review comment.
const MaxTextBytes = 1 << 20

// NewDraft is what CreateDraft needs: where the draft belongs and its
// first version.
type NewDraft struct {
	OrgID     int64
	AuthorID  int64
	AccountID int64 // 0: none yet
	Channel   chaperone.Channel
	Text      string
	Context   string
}

// CreateDraft adds a draft with status draft and its version 1 (text and
// context encrypted), and appends draft.create. The drafts handler calls
// it.
func (tx *Tx) CreateDraft(ctx context.Context, actor Actor, nd NewDraft) (chaperone.Draft, error) {
	now := tx.s.clock()
	d := chaperone.Draft{OrgID: nd.OrgID, AuthorID: nd.AuthorID, AccountID: nd.AccountID, Channel: nd.Channel,
		Status: chaperone.DraftDraft, Version: 1, CreatedAt: now, UpdatedAt: now}
	if !d.Channel.Valid() {
		return d, chaperone.Errorf(chaperone.ErrInvalid, "unknown channel %q", d.Channel)
	}
	if err := checkText(nd.Text, nd.Context); err != nil {
		return d, err
	}
	err := tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO drafts (org_id, author_id, account_id, channel, status, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		d.OrgID, d.AuthorID, nid(d.AccountID), string(d.Channel), string(d.Status), d.Version, tx.s.tv(now), tx.s.tv(now)).Scan(&d.ID)
	if err != nil {
		return d, dbError("creating the draft", err)
	}
	if err := tx.insertVersion(ctx, cmp.Or(actor.UserID, d.AuthorID), d.ID, 1, nd.Text, nd.Context, now); err != nil {
		return d, err
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: d.OrgID, Action: chaperone.ActionDraftCreate, SubjectKind: "draft", SubjectID: subject(d.ID),
		Details: map[string]any{"version": 1, "channel": d.Channel, "author_id": d.AuthorID}})
	return d, err
}

// CreateDraft adds a draft in a transaction of its own; see
// Tx.CreateDraft.
func (s *Store) CreateDraft(ctx context.Context, actor Actor, nd NewDraft) (chaperone.Draft, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.Draft, error) { return tx.CreateDraft(ctx, actor, nd) })
}

// AddVersion adds the next version of a draft (earlier ones are kept),
// makes it current, and appends draft.edit. It does not change the
// draft's status: the workflow decides that. A published draft cannot be
// edited (invalid).
func (tx *Tx) AddVersion(ctx context.Context, actor Actor, draftID int64, text, context string) (chaperone.DraftVersion, error) {
	d, err := getDraft(ctx, tx.s, tx.tx, draftID)
	if err != nil {
		return chaperone.DraftVersion{}, err
	}
	if d.Status == chaperone.DraftPublished {
		return chaperone.DraftVersion{}, chaperone.Errorf(chaperone.ErrInvalid, "draft %d is published and cannot be edited", draftID)
	}
	if err := checkText(text, context); err != nil {
		return chaperone.DraftVersion{}, err
	}
	now := tx.s.clock()
	v := chaperone.DraftVersion{DraftID: draftID, Version: d.Version + 1, Text: text, Context: context,
		CreatedBy: cmp.Or(actor.UserID, d.AuthorID), CreatedAt: now}
	if err := tx.insertVersion(ctx, v.CreatedBy, draftID, v.Version, text, context, now); err != nil {
		return v, err
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q("UPDATE drafts SET version = ?, updated_at = ? WHERE id = ?"), v.Version, tx.s.tv(now), draftID)
	if err != nil {
		return v, dbError("updating the draft", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: d.OrgID, Action: chaperone.ActionDraftEdit, SubjectKind: "draft", SubjectID: subject(draftID),
		Details: map[string]any{"version": v.Version}})
	return v, err
}

// AddVersion adds a version in a transaction of its own; see
// Tx.AddVersion.
func (s *Store) AddVersion(ctx context.Context, actor Actor, draftID int64, text, context string) (chaperone.DraftVersion, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.DraftVersion, error) { return tx.AddVersion(ctx, actor, draftID, text, context) })
}

// insertVersion encrypts and inserts one version, written by createdBy
// (the author when the system writes it).
func (tx *Tx) insertVersion(ctx context.Context, createdBy int64, draftID int64, version int, text, context string, now time.Time) error {
	textEnc, err := tx.s.seal(text, versionAD("text", draftID, version))
	if err != nil {
		return err
	}
	ctxEnc, err := tx.s.seal(context, versionAD("context", draftID, version))
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q(`INSERT INTO draft_versions (draft_id, version, text_enc, context_enc, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`), draftID, version, textEnc, ctxEnc, createdBy, tx.s.tv(now))
	return dbError("saving the draft version", err)
}

// versionAD is the additional data that binds an encrypted column value
// to its draft version.
func versionAD(column string, draftID int64, version int) string {
	return "draft_versions." + column + "/" + subject(draftID) + "/" + strconv.Itoa(version)
}

// checkText bounds PHI fields.
func checkText(texts ...string) error {
	for _, t := range texts {
		if len(t) > MaxTextBytes {
			return chaperone.Errorf(chaperone.ErrTooLarge, "text longer than %d bytes", MaxTextBytes)
		}
	}
	return nil
}

// SetDraftStatus moves a draft from status from to status to and appends
// the event for it (draft.submit, draft.block, draft.override,
// draft.publish, else draft.status). If the draft is no longer in status
// from — someone else moved it — it is a conflict and nothing changes.
// The workflow decides which moves are allowed.
func (tx *Tx) SetDraftStatus(ctx context.Context, actor Actor, draftID int64, from, to chaperone.DraftStatus) error {
	if !to.Valid() || !from.Valid() {
		return chaperone.Errorf(chaperone.ErrInvalid, "unknown draft status")
	}
	var orgID int64
	var version int
	err := tx.tx.QueryRowContext(ctx, tx.s.q("UPDATE drafts SET status = ?, updated_at = ? WHERE id = ? AND status = ? RETURNING org_id, version"),
		string(to), tx.s.tv(tx.s.clock()), draftID, string(from)).Scan(&orgID, &version)
	if chaperone.CodeOf(dbError("", err)) == chaperone.ErrNotFound {
		if _, gerr := getDraft(ctx, tx.s, tx.tx, draftID); gerr != nil {
			return gerr
		}
		return chaperone.Errorf(chaperone.ErrConflict, "draft %d is no longer %s", draftID, from)
	}
	if err != nil {
		return dbError("setting the draft's status", err)
	}
	action := chaperone.ActionDraftStatus
	switch to {
	case chaperone.DraftInReview:
		action = chaperone.ActionDraftSubmit
	case chaperone.DraftBlocked:
		action = chaperone.ActionDraftBlock
	case chaperone.DraftOverridden:
		action = chaperone.ActionDraftOverride
	case chaperone.DraftPublished:
		action = chaperone.ActionDraftPublish
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: action, SubjectKind: "draft", SubjectID: subject(draftID),
		Details: map[string]any{"from": from, "to": to, "version": version}})
	return err
}

// SetDraftStatus moves a draft in a transaction of its own; see
// Tx.SetDraftStatus.
func (s *Store) SetDraftStatus(ctx context.Context, actor Actor, draftID int64, from, to chaperone.DraftStatus) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.SetDraftStatus(ctx, actor, draftID, from, to) })
}

const draftColumns = "SELECT id, org_id, author_id, account_id, channel, status, version, created_at, updated_at FROM drafts"

// GetDraft returns the draft with the given id (no text: see GetVersion).
func (s *Store) GetDraft(ctx context.Context, id int64) (chaperone.Draft, error) {
	return getDraft(ctx, s, s.rdb, id)
}

// GetDraft returns the draft with the given id as the transaction sees it.
func (tx *Tx) GetDraft(ctx context.Context, id int64) (chaperone.Draft, error) {
	return getDraft(ctx, tx.s, tx.tx, id)
}

func getDraft(ctx context.Context, s *Store, q querier, id int64) (chaperone.Draft, error) {
	return scanDraft(q.QueryRowContext(ctx, s.q(draftColumns+" WHERE id = ?"), id))
}

func scanDraft(r scanner) (chaperone.Draft, error) {
	var d chaperone.Draft
	var channel, status string
	err := r.Scan(&d.ID, &d.OrgID, &d.AuthorID, nullable(&d.AccountID), &channel, &status, &d.Version, tm(&d.CreatedAt), tm(&d.UpdatedAt))
	d.Channel, d.Status = chaperone.Channel(channel), chaperone.DraftStatus(status)
	return d, dbError("reading the draft", err)
}

// DraftFilter selects drafts for ListDrafts. OrgID is required.
type DraftFilter struct {
	OrgID    int64
	AuthorID int64                 // 0: any author
	Status   chaperone.DraftStatus // "": any status
	BeforeID int64                 // for paging: drafts with smaller ids
	Limit    int                   // 0 or over 500 means 500
}

// ListDrafts returns an org's drafts matching f, newest (highest id)
// first, without text: for queues and lists.
func (s *Store) ListDrafts(ctx context.Context, f DraftFilter) ([]chaperone.Draft, error) {
	if f.OrgID == 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "listing drafts needs an org")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	query, args := draftColumns+" WHERE org_id = ?", []any{f.OrgID}
	if f.AuthorID != 0 {
		query, args = query+" AND author_id = ?", append(args, f.AuthorID)
	}
	if f.Status != "" {
		query, args = query+" AND status = ?", append(args, string(f.Status))
	}
	if f.BeforeID != 0 {
		query, args = query+" AND id < ?", append(args, f.BeforeID)
	}
	return list(ctx, s.rdb, "listing drafts", s.q(query+" ORDER BY id DESC LIMIT ?"), scanDraft, append(args, f.Limit)...)
}

const versionColumns = "SELECT draft_id, version, text_enc, context_enc, created_by, created_at FROM draft_versions"

// GetVersion returns a version of a draft, decrypted; version 0 means the
// current one. Showing it to someone is a PHI view: the caller records
// it with RecordView.
func (s *Store) GetVersion(ctx context.Context, draftID int64, version int) (chaperone.DraftVersion, error) {
	query, args := versionColumns+" WHERE draft_id = ? AND version = ?", []any{draftID, version}
	if version == 0 {
		query, args = versionColumns+" WHERE draft_id = ? AND version = (SELECT version FROM drafts WHERE id = ?)", []any{draftID, draftID}
	}
	return s.scanVersion(s.rdb.QueryRowContext(ctx, s.q(query), args...))
}

// ListVersions returns every version of a draft, oldest first, decrypted.
func (s *Store) ListVersions(ctx context.Context, draftID int64) ([]chaperone.DraftVersion, error) {
	return list(ctx, s.rdb, "listing draft versions", s.q(versionColumns+" WHERE draft_id = ? ORDER BY version"), s.scanVersion, draftID)
}

func (s *Store) scanVersion(r scanner) (chaperone.DraftVersion, error) {
	var v chaperone.DraftVersion
	var textEnc, ctxEnc []byte
	if err := r.Scan(&v.DraftID, &v.Version, &textEnc, &ctxEnc, &v.CreatedBy, tm(&v.CreatedAt)); err != nil {
		return v, dbError("reading the draft version", err)
	}
	var err error
	if v.Text, err = s.open(textEnc, versionAD("text", v.DraftID, v.Version)); err != nil {
		return chaperone.DraftVersion{}, err
	}
	if v.Context, err = s.open(ctxEnc, versionAD("context", v.DraftID, v.Version)); err != nil {
		return chaperone.DraftVersion{}, err
	}
	return v, nil
}
