package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// MaxDocumentBytes bounds a signed consent document.
const MaxDocumentBytes = 10 << 20

// consentDetails are a consent's free-text elements, kept as one
// encrypted JSON value: any of them may identify the patient.
type consentDetails struct {
	Patient        string `json:"patient"`
	Discloses      string `json:"discloses"`
	DisclosedBy    string `json:"disclosed_by"`
	Recipient      string `json:"recipient"`
	Purpose        string `json:"purpose"`
	ExpiryEvent    string `json:"expiry_event,omitempty"`
	SignedBy       string `json:"signed_by"`
	Representative string `json:"representative,omitempty"`
	RightToRevoke  bool   `json:"right_to_revoke"`
	NoConditioning bool   `json:"no_conditioning"`
	Redisclosure   bool   `json:"redisclosure"`
	RevokedReason  string `json:"revoked_reason,omitempty"`
}

func detailsOf(c chaperone.Consent) consentDetails {
	return consentDetails{Patient: c.Patient, Discloses: c.Discloses, DisclosedBy: c.DisclosedBy, Recipient: c.Recipient,
		Purpose: c.Purpose, ExpiryEvent: c.ExpiryEvent, SignedBy: c.SignedBy, Representative: c.Representative,
		RightToRevoke: c.RightToRevoke, NoConditioning: c.NoConditioning, Redisclosure: c.Redisclosure, RevokedReason: c.RevokedReason}
}

func (d consentDetails) apply(c *chaperone.Consent) {
	c.Patient, c.Discloses, c.DisclosedBy, c.Recipient, c.Purpose = d.Patient, d.Discloses, d.DisclosedBy, d.Recipient, d.Purpose
	c.ExpiryEvent, c.SignedBy, c.Representative = d.ExpiryEvent, d.SignedBy, d.Representative
	c.RightToRevoke, c.NoConditioning, c.Redisclosure, c.RevokedReason = d.RightToRevoke, d.NoConditioning, d.Redisclosure, d.RevokedReason
}

func consentAD(column string, id int64) string { return "consents." + column + "/" + subject(id) }

// CreateConsent records a patient authorisation with its signed document
// (ID, CreatedAt, CreatedBy and the document's hash, type and size are
// set here; details and document are encrypted) and appends
// consent.create. The service checks the core elements first.
func (tx *Tx) CreateConsent(ctx context.Context, actor Actor, c chaperone.Consent, doc []byte, docType string) (chaperone.Consent, error) {
	if len(doc) == 0 || len(doc) > MaxDocumentBytes {
		return c, chaperone.Errorf(chaperone.ErrInvalid, "the signed document must be 1 byte to %d MiB", MaxDocumentBytes>>20)
	}
	if err := c.CheckElements(); err != nil {
		return c, err
	}
	sum := sha256.Sum256(doc)
	c.DocumentSHA256, c.DocumentType, c.DocumentSize = hex.EncodeToString(sum[:]), docType, len(doc)
	c.CreatedBy, c.CreatedAt, c.SignedAt, c.Expires = actor.UserID, tx.s.clock(), norm(c.SignedAt), normOrZero(c.Expires)
	c.RevokedAt, c.RevokedReason = time.Time{}, ""
	media, channels := strings.Join(c.Media, ","), joinChannels(c.Channels)
	// the row id binds the encrypted values, so insert first, then seal
	err := tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO consents (org_id, details_enc, expires_at, signed_at, media, channels,
		doc_sha256, doc_type, doc_size, doc_enc, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		c.OrgID, []byte{}, tx.s.ntv(c.Expires), tx.s.tv(c.SignedAt), media, channels, c.DocumentSHA256, c.DocumentType, c.DocumentSize,
		[]byte{}, c.CreatedBy, tx.s.tv(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return c, dbError("recording the authorisation", err)
	}
	if err := tx.sealConsent(ctx, c, string(doc)); err != nil {
		return c, err
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: c.OrgID, Action: chaperone.ActionConsentCreate, SubjectKind: "consent", SubjectID: subject(c.ID),
		Details: map[string]any{"document_sha256": c.DocumentSHA256, "media": c.Media, "channels": c.Channels, "expires": c.Expires}})
	return c, err
}

// sealConsent writes the encrypted details (and the document, when doc is
// not empty) of consent c.
func (tx *Tx) sealConsent(ctx context.Context, c chaperone.Consent, doc string) error {
	js, err := json.Marshal(detailsOf(c))
	if err != nil {
		return internal("encoding the authorisation", err)
	}
	details, err := tx.s.seal(string(js), consentAD("details", c.ID))
	if err != nil {
		return err
	}
	if doc == "" {
		_, err = tx.tx.ExecContext(ctx, tx.s.q("UPDATE consents SET details_enc = ? WHERE id = ?"), details, c.ID)
		return dbError("saving the authorisation", err)
	}
	docEnc, err := tx.s.seal(doc, consentAD("doc", c.ID))
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q("UPDATE consents SET details_enc = ?, doc_enc = ? WHERE id = ?"), details, docEnc, c.ID)
	return dbError("saving the authorisation", err)
}

// CreateConsent records an authorisation in a transaction of its own;
// see Tx.CreateConsent.
func (s *Store) CreateConsent(ctx context.Context, actor Actor, c chaperone.Consent, doc []byte, docType string) (chaperone.Consent, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.Consent, error) { return tx.CreateConsent(ctx, actor, c, doc, docType) })
}

const consentColumns = `SELECT id, org_id, details_enc, expires_at, signed_at, media, channels, doc_sha256, doc_type, doc_size,
	revoked_at, created_by, created_at FROM consents`

// GetConsent returns an authorisation, decrypted (not its document).
// Showing it is a PHI view: the caller records it.
func (s *Store) GetConsent(ctx context.Context, id int64) (chaperone.Consent, error) {
	return s.scanConsent(s.rdb.QueryRowContext(ctx, s.q(consentColumns+" WHERE id = ?"), id))
}

// ListConsents returns an org's authorisations, newest first, decrypted.
func (s *Store) ListConsents(ctx context.Context, orgID int64) ([]chaperone.Consent, error) {
	return list(ctx, s.rdb, "listing authorisations", s.q(consentColumns+" WHERE org_id = ? ORDER BY id DESC LIMIT 1000"), s.scanConsent, orgID)
}

func (s *Store) scanConsent(r scanner) (chaperone.Consent, error) {
	var c chaperone.Consent
	var enc []byte
	var media, channels string
	err := r.Scan(&c.ID, &c.OrgID, &enc, tm(&c.Expires), tm(&c.SignedAt), &media, &channels, &c.DocumentSHA256, &c.DocumentType,
		&c.DocumentSize, tm(&c.RevokedAt), &c.CreatedBy, tm(&c.CreatedAt))
	if err != nil {
		return c, dbError("reading the authorisation", err)
	}
	c.Media = splitList(media)
	for _, ch := range splitList(channels) {
		c.Channels = append(c.Channels, chaperone.Channel(ch))
	}
	js, err := s.open(enc, consentAD("details", c.ID))
	if err != nil {
		return chaperone.Consent{}, err
	}
	var d consentDetails
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		return chaperone.Consent{}, internal("decoding the authorisation", err)
	}
	d.apply(&c)
	return c, nil
}

// ConsentDocument returns the signed document of an authorisation and
// its content type, after checking it against the recorded SHA-256.
// Showing it is a PHI view: the caller records it.
func (s *Store) ConsentDocument(ctx context.Context, id int64) ([]byte, string, error) {
	var enc []byte
	var sum, typ string
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT doc_enc, doc_sha256, doc_type FROM consents WHERE id = ?"), id).Scan(&enc, &sum, &typ)
	if err != nil {
		return nil, "", dbError("reading the signed document", err)
	}
	doc, err := s.open(enc, consentAD("doc", id))
	if err != nil {
		return nil, "", err
	}
	if got := sha256.Sum256([]byte(doc)); hex.EncodeToString(got[:]) != sum {
		return nil, "", internal("reading the signed document", ErrWrongKey)
	}
	return []byte(doc), typ, nil
}

// LinkConsent links an authorisation to a draft, so that the draft may be
// published under it, and appends consent.link. Linking twice is a
// conflict.
func (tx *Tx) LinkConsent(ctx context.Context, actor Actor, draftID, consentID int64) error {
	d, err := tx.GetDraft(ctx, draftID)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q("INSERT INTO draft_consents (draft_id, consent_id, linked_by, linked_at) VALUES (?, ?, ?, ?)"),
		draftID, consentID, actor.UserID, tx.s.tv(tx.s.clock()))
	if err != nil {
		return dbError("linking the authorisation", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: d.OrgID, Action: chaperone.ActionConsentLink, SubjectKind: "draft", SubjectID: subject(draftID),
		Details: map[string]any{"consent_id": consentID}})
	return err
}

// LinkConsent links in a transaction of its own; see Tx.LinkConsent.
func (s *Store) LinkConsent(ctx context.Context, actor Actor, draftID, consentID int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.LinkConsent(ctx, actor, draftID, consentID) })
}

// LinkedConsents returns the authorisations linked to a draft, decrypted.
func (s *Store) LinkedConsents(ctx context.Context, draftID int64) ([]chaperone.Consent, error) {
	return list(ctx, s.rdb, "listing linked authorisations",
		s.q(consentColumns+" WHERE id IN (SELECT consent_id FROM draft_consents WHERE draft_id = ?) ORDER BY id"), s.scanConsent, draftID)
}

// RevokeConsent marks an authorisation revoked at the store's clock with
// the reason (encrypted), appends consent.revoke, and opens a takedown
// task, due at due, for every archived item whose draft was linked to it
// (takedown.create each), all in one transaction. It returns the tasks.
func (tx *Tx) RevokeConsent(ctx context.Context, actor Actor, id int64, reason string, due time.Time) ([]chaperone.TakedownTask, error) {
	c, err := tx.s.scanConsent(tx.tx.QueryRowContext(ctx, tx.s.q(consentColumns+" WHERE id = ?"), id))
	if err != nil {
		return nil, err
	}
	if !c.RevokedAt.IsZero() {
		return nil, chaperone.Errorf(chaperone.ErrConflict, "authorisation %d is already revoked", id)
	}
	now := tx.s.clock()
	c.RevokedAt, c.RevokedReason = now, reason
	if _, err := tx.tx.ExecContext(ctx, tx.s.q("UPDATE consents SET revoked_at = ? WHERE id = ?"), tx.s.tv(now), id); err != nil {
		return nil, dbError("revoking the authorisation", err)
	}
	if err := tx.sealConsent(ctx, c, ""); err != nil {
		return nil, err
	}
	if _, err := tx.audit(ctx, actor, AuditEntry{OrgID: c.OrgID, Action: chaperone.ActionConsentRevoke, SubjectKind: "consent", SubjectID: subject(id)}); err != nil {
		return nil, err
	}
	type item struct {
		id, draftID int64
		url         string
	}
	items, err := list(ctx, tx.tx, "finding items published under the authorisation", tx.s.q(`SELECT a.id, a.draft_id, a.published_url
		FROM archive_items a JOIN draft_consents dc ON dc.draft_id = a.draft_id WHERE dc.consent_id = ? ORDER BY a.id`),
		func(r scanner) (item, error) {
			var it item
			return it, r.Scan(&it.id, &it.draftID, &it.url)
		}, id)
	if err != nil {
		return nil, err
	}
	var tasks []chaperone.TakedownTask
	for _, it := range items {
		t := chaperone.TakedownTask{OrgID: c.OrgID, ConsentID: id, ArchiveItemID: it.id, DraftID: it.draftID, PublishedURL: it.url,
			Due: norm(due), CreatedAt: now}
		err := tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO takedown_tasks (org_id, consent_id, archive_item_id, draft_id, published_url,
			due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), t.OrgID, id, it.id, it.draftID, it.url, tx.s.tv(t.Due), tx.s.tv(now)).Scan(&t.ID)
		if err != nil {
			return nil, dbError("opening a takedown task", err)
		}
		if _, err := tx.audit(ctx, actor, AuditEntry{OrgID: c.OrgID, Action: chaperone.ActionTakedownCreate, SubjectKind: "takedown", SubjectID: subject(t.ID),
			Details: map[string]any{"consent_id": id, "archive_item_id": it.id, "due": t.Due}}); err != nil {
			return nil, err
		}
		tasks = append(tasks, t)
	}
	return tasks, nil
}

// RevokeConsent revokes in a transaction of its own; see
// Tx.RevokeConsent.
func (s *Store) RevokeConsent(ctx context.Context, actor Actor, id int64, reason string, due time.Time) ([]chaperone.TakedownTask, error) {
	return inTx1(ctx, s, func(tx *Tx) ([]chaperone.TakedownTask, error) { return tx.RevokeConsent(ctx, actor, id, reason, due) })
}

const takedownColumns = "SELECT id, org_id, consent_id, archive_item_id, draft_id, published_url, due_at, done_at, done_by, created_at FROM takedown_tasks"

func scanTakedown(r scanner) (chaperone.TakedownTask, error) {
	var t chaperone.TakedownTask
	err := r.Scan(&t.ID, &t.OrgID, &t.ConsentID, &t.ArchiveItemID, &t.DraftID, &t.PublishedURL, tm(&t.Due), tm(&t.DoneAt), nullable(&t.DoneBy), tm(&t.CreatedAt))
	return t, dbError("reading the takedown task", err)
}

// ListTakedowns returns an org's takedown tasks, soonest due first; with
// open, only those not done.
func (s *Store) ListTakedowns(ctx context.Context, orgID int64, open bool) ([]chaperone.TakedownTask, error) {
	q := takedownColumns + " WHERE org_id = ?"
	if open {
		q += " AND done_at IS NULL"
	}
	return list(ctx, s.rdb, "listing takedown tasks", s.q(q+" ORDER BY due_at, id LIMIT 1000"), scanTakedown, orgID)
}

// GetTakedown returns one takedown task.
func (s *Store) GetTakedown(ctx context.Context, id int64) (chaperone.TakedownTask, error) {
	return scanTakedown(s.rdb.QueryRowContext(ctx, s.q(takedownColumns+" WHERE id = ?"), id))
}

// CompleteTakedown marks a task done by the actor and appends
// takedown.done; a task already done is a conflict.
func (s *Store) CompleteTakedown(ctx context.Context, actor Actor, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var orgID int64
		err := tx.tx.QueryRowContext(ctx, tx.s.q("UPDATE takedown_tasks SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL RETURNING org_id"),
			tx.s.tv(tx.s.clock()), actor.UserID, id).Scan(&orgID)
		if chaperone.CodeOf(dbError("", err)) == chaperone.ErrNotFound {
			return chaperone.Errorf(chaperone.ErrConflict, "takedown task %d does not exist or is already done", id)
		}
		if err != nil {
			return dbError("completing the takedown task", err)
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionTakedownDone, SubjectKind: "takedown", SubjectID: subject(id)})
		return err
	})
}

func normOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return norm(t)
}

func joinChannels(cs []chaperone.Channel) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return strings.Join(out, ",")
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
