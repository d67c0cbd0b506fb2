package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash"
	"strconv"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// HashSize is the size of an audit event's hash (SHA-256).
const HashSize = sha256.Size

// zeroHash is the PrevHash of the first event.
var zeroHash = make([]byte, HashSize)

// AuditEntry is what a caller says about an event it appends; the store
// adds the sequence number, time, actor and hashes. Details must hold ids,
// counts and statuses only: never PHI (draft text, names, contacts).
type AuditEntry struct {
	OrgID       int64 // 0: not about one org
	Action      chaperone.AuditAction
	SubjectKind string
	SubjectID   string
	Details     map[string]any
}

// Audit appends an event for something that is not a store change: an
// export, a failed sign-in, a settings view. The web layer and the CLI
// call it; store changes append their own events.
func (tx *Tx) Audit(ctx context.Context, actor Actor, e AuditEntry) (chaperone.AuditEvent, error) {
	return tx.audit(ctx, actor, e)
}

// Audit appends an event in a transaction of its own; see Tx.Audit.
func (s *Store) Audit(ctx context.Context, actor Actor, e AuditEntry) (chaperone.AuditEvent, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.AuditEvent, error) { return tx.Audit(ctx, actor, e) })
}

// RecordView appends a phi.view event: actor was shown the PHI of the
// subject (e.g. "draft", "12/3" for version 3 of draft 12, or
// "archive_item", "7"). The web layer calls it whenever it renders draft
// or archived text.
func (tx *Tx) RecordView(ctx context.Context, actor Actor, orgID int64, subjectKind, subjectID string) error {
	_, err := tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionPHIView, SubjectKind: subjectKind, SubjectID: subjectID})
	return err
}

// RecordView appends a phi.view event in a transaction of its own; see
// Tx.RecordView.
func (s *Store) RecordView(ctx context.Context, actor Actor, orgID int64, subjectKind, subjectID string) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.RecordView(ctx, actor, orgID, subjectKind, subjectID) })
}

// audit appends the event for e to the chain. The transaction already
// holds the write lock (see InTx), so the last event read here stays the
// last until commit.
func (tx *Tx) audit(ctx context.Context, actor Actor, e AuditEntry) (chaperone.AuditEvent, error) {
	if e.Action == "" {
		return chaperone.AuditEvent{}, chaperone.Errorf(chaperone.ErrInvalid, "audit event without an action")
	}
	details := []byte("{}")
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil { // map keys come out sorted
			return chaperone.AuditEvent{}, internal("encoding audit details", err)
		}
	}
	ev := chaperone.AuditEvent{
		At: tx.s.clock(), OrgID: e.OrgID, ActorID: actor.UserID, Action: e.Action,
		SubjectKind: e.SubjectKind, SubjectID: e.SubjectID, Details: details,
	}
	seq, prev, err := head(ctx, tx.s, tx.tx)
	if err != nil {
		return chaperone.AuditEvent{}, err
	}
	ev.Seq, ev.PrevHash = seq+1, prev
	ev.Hash = HashEvent(ev)
	_, err = tx.tx.ExecContext(ctx, tx.s.q(`INSERT INTO audit_events
		(seq, at, org_id, actor_id, action, subject_kind, subject_id, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		ev.Seq, tx.s.tv(ev.At), nid(ev.OrgID), nid(ev.ActorID), string(ev.Action),
		ev.SubjectKind, ev.SubjectID, string(ev.Details), ev.PrevHash, ev.Hash)
	if err != nil {
		return chaperone.AuditEvent{}, dbError("appending to the audit log", err)
	}
	return ev, nil
}

// Head returns the sequence number and hash of the last audit event, or
// 0 and 32 zero bytes when the log is empty. Operators record it
// elsewhere (a ticket, a signed e-mail, another system) as an anchor:
// Verify alone cannot tell that events were cut from the end of the log,
// but CheckAnchor can, against an anchor recorded earlier.
func (s *Store) Head(ctx context.Context) (seq int64, hash []byte, err error) {
	return head(ctx, s, s.rdb)
}

func head(ctx context.Context, s *Store, q querier) (int64, []byte, error) {
	var seq int64
	var h []byte
	err := q.QueryRowContext(ctx, "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").Scan(&seq, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, zeroHash, nil
	}
	if err != nil {
		return 0, nil, dbError("reading the audit log's head", err)
	}
	return seq, h, nil
}

// AuditFilter selects audit events for ListAudit.
type AuditFilter struct {
	OrgID     int64 // 0: every org
	AfterSeq  int64 // events after this one
	BeforeSeq int64 // events before this one; 0: no bound
	// Newest lists the newest matching events first (descending seq), so
	// that Limit keeps the most recent ones: the audit view's pages, with
	// BeforeSeq set to the last seq shown for the next, older page.
	Newest bool
	Limit  int // at most this many; 0 or over 1000 means 1000
}

// ListAudit returns audit events in sequence order (or newest first with
// Newest), for the audit view and exports.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]chaperone.AuditEvent, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	query := auditColumns + " WHERE seq > ?"
	args := []any{f.AfterSeq}
	if f.BeforeSeq != 0 {
		query += " AND seq < ?"
		args = append(args, f.BeforeSeq)
	}
	if f.OrgID != 0 {
		query += " AND org_id = ?"
		args = append(args, f.OrgID)
	}
	order := " ORDER BY seq LIMIT ?"
	if f.Newest {
		order = " ORDER BY seq DESC LIMIT ?"
	}
	return list(ctx, s.rdb, "listing audit events", s.q(query+order), scanEvent, append(args, f.Limit)...)
}

const auditColumns = `SELECT seq, at, org_id, actor_id, action, subject_kind, subject_id, details, prev_hash, hash FROM audit_events`

// scanEvent reads a row of auditColumns.
func scanEvent(r scanner) (chaperone.AuditEvent, error) {
	var ev chaperone.AuditEvent
	var action, details string
	err := r.Scan(&ev.Seq, tm(&ev.At), nullable(&ev.OrgID), nullable(&ev.ActorID), &action,
		&ev.SubjectKind, &ev.SubjectID, &details, &ev.PrevHash, &ev.Hash)
	if err != nil {
		return ev, dbError("reading an audit event", err)
	}
	ev.Action, ev.Details = chaperone.AuditAction(action), json.RawMessage(details)
	return ev, nil
}

// HashEvent returns the hash of ev: SHA-256 over a domain tag and ev's
// fields and PrevHash, each length-prefixed (strings and bytes) or fixed
// width (numbers), the time as UTC RFC 3339 with nanoseconds, ids with a
// presence byte (0 is NULL). ev.Hash is ignored. Anyone holding an export
// of the log can recompute it.
func HashEvent(ev chaperone.AuditEvent) []byte {
	h := sha256.New()
	writeBytes(h, []byte("chaperone audit event v1"))
	writeInt(h, ev.Seq)
	writeBytes(h, []byte(ev.At.UTC().Format(time.RFC3339Nano)))
	writeOptID(h, ev.OrgID)
	writeOptID(h, ev.ActorID)
	writeBytes(h, []byte(ev.Action))
	writeBytes(h, []byte(ev.SubjectKind))
	writeBytes(h, []byte(ev.SubjectID))
	writeBytes(h, ev.Details)
	writeBytes(h, ev.PrevHash)
	return h.Sum(nil)
}

func writeInt(h hash.Hash, n int64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
}

func writeBytes(h hash.Hash, b []byte) {
	writeInt(h, int64(len(b)))
	h.Write(b)
}

func writeOptID(h hash.Hash, id int64) {
	if id == 0 {
		h.Write([]byte{0})
		return
	}
	h.Write([]byte{1})
	writeInt(h, id)
}

// subject formats ids as an audit subject id: "12", or "12/3" for
// version 3 of draft 12.
func subject(ids ...int64) string {
	b := make([]byte, 0, 24)
	for i, id := range ids {
		if i > 0 {
			b = append(b, '/')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(b)
}
