package store

import (
	"bytes"
	"context"
	"fmt"

	chaperone "github.com/chaperone-project/chaperone"
)

// ProblemKind says how the audit chain is broken.
type ProblemKind string

// Problem kinds.
const (
	// ProblemEdited: an event's stored hash does not match its content.
	ProblemEdited ProblemKind = "edited"
	// ProblemMissing: an event is gone (a gap in the sequence, or an
	// event chained to one that no longer exists).
	ProblemMissing ProblemKind = "missing"
	// ProblemOutOfOrder: events are intact but not in the order they were
	// chained in.
	ProblemOutOfOrder ProblemKind = "out of order"
)

// Problem is the first break Verify found in the audit chain.
type Problem struct {
	Seq    int64 // where the chain breaks
	Kind   ProblemKind
	Detail string // one line for the operator
}

// String returns "seq N: kind: detail".
func (p *Problem) String() string { return fmt.Sprintf("seq %d: %s: %s", p.Seq, p.Kind, p.Detail) }

// Report is the outcome of Verify.
type Report struct {
	// Events is the number of events verified, in order from seq 1, before
	// the first problem if there is one.
	Events int64
	// HeadSeq and HeadHash are those of the last verified event (0 and
	// zero bytes when none).
	HeadSeq  int64
	HeadHash []byte
	// Problem is nil when the chain is intact.
	Problem *Problem
}

// Verify walks the audit log in sequence order, recomputes every hash and
// checks every link, and reports the first problem: an edited event, a
// missing one, or events out of order. It returns an error only when the
// log cannot be read. It cannot see events cut from the end of the log:
// compare the head with an anchor recorded earlier (Head, CheckAnchor).
// Operators run it through chaperone audit verify.
func (s *Store) Verify(ctx context.Context) (Report, error) {
	rep := Report{HeadHash: zeroHash}
	broken, err := s.walk(ctx, &rep)
	if err != nil || broken == nil {
		return rep, err
	}
	rep.Problem, err = s.diagnose(ctx, rep, broken)
	return rep, err
}

// walk verifies events in order and returns the first one that does not
// verify (or a gap, as a Problem in rep), with rep counting the good ones.
func (s *Store) walk(ctx context.Context, rep *Report) (*chaperone.AuditEvent, error) {
	rows, err := s.rdb.QueryContext(ctx, auditColumns+" ORDER BY seq")
	if err != nil {
		return nil, dbError("reading the audit log", err)
	}
	defer rows.Close()
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		if want := rep.HeadSeq + 1; ev.Seq != want {
			rep.Problem = &Problem{Seq: want, Kind: ProblemMissing,
				Detail: fmt.Sprintf("the log goes from seq %d to seq %d", rep.HeadSeq, ev.Seq)}
			return nil, nil
		}
		if !bytes.Equal(ev.PrevHash, rep.HeadHash) || !bytes.Equal(HashEvent(ev), ev.Hash) {
			return &ev, nil
		}
		rep.Events++
		rep.HeadSeq, rep.HeadHash = ev.Seq, ev.Hash
	}
	return nil, dbError("reading the audit log", rows.Err())
}

// diagnose says what is wrong with ev, the first event that does not
// verify, at the seq after rep's head.
func (s *Store) diagnose(ctx context.Context, rep Report, ev *chaperone.AuditEvent) (*Problem, error) {
	// The event that was chained here (after the head) sits at another seq.
	rows, err := s.rdb.QueryContext(ctx, s.q(auditColumns+" WHERE prev_hash = ? AND seq <> ? ORDER BY seq LIMIT 10"), rep.HeadHash, ev.Seq)
	if err != nil {
		return nil, dbError("reading the audit log", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		moved := c
		moved.Seq = ev.Seq
		if bytes.Equal(HashEvent(moved), c.Hash) {
			return &Problem{Seq: ev.Seq, Kind: ProblemOutOfOrder,
				Detail: fmt.Sprintf("the event chained as seq %d is stored as seq %d", ev.Seq, c.Seq)}, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("reading the audit log", err)
	}
	rows.Close()

	if !bytes.Equal(ev.PrevHash, rep.HeadHash) {
		// What was ev chained to?
		var at int64
		err := s.rdb.QueryRowContext(ctx, s.q("SELECT seq FROM audit_events WHERE hash = ?"), ev.PrevHash).Scan(&at)
		switch {
		case err == nil && at != rep.HeadSeq:
			return &Problem{Seq: ev.Seq, Kind: ProblemOutOfOrder,
				Detail: fmt.Sprintf("seq %d was chained after the event stored as seq %d", ev.Seq, at)}, nil
		case err != nil && chaperone.CodeOf(dbError("", err)) != chaperone.ErrNotFound:
			return nil, dbError("reading the audit log", err)
		default:
			// An edit alone leaves the link intact: the event ev was
			// chained to is gone (or ev's prev_hash itself was altered).
			return &Problem{Seq: ev.Seq, Kind: ProblemMissing,
				Detail: fmt.Sprintf("seq %d was chained to an event that is no longer in the log: an event after seq %d was removed or replaced", ev.Seq, rep.HeadSeq)}, nil
		}
	}
	return &Problem{Seq: ev.Seq, Kind: ProblemEdited, Detail: "the stored hash does not match the event's content"}, nil
}

// CheckAnchor checks the log against an anchor (seq, hash) recorded
// earlier from Head: the event must still be there with that hash. It
// returns nil when it is, and the Problem otherwise — in particular a
// log cut short below the anchor, which Verify alone cannot see.
func (s *Store) CheckAnchor(ctx context.Context, seq int64, hash []byte) (*Problem, error) {
	var h []byte
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT hash FROM audit_events WHERE seq = ?"), seq).Scan(&h)
	if err != nil {
		if chaperone.CodeOf(dbError("", err)) == chaperone.ErrNotFound {
			return &Problem{Seq: seq, Kind: ProblemMissing, Detail: "the anchored event is not in the log: the log was cut short or rewritten"}, nil
		}
		return nil, dbError("reading the audit log", err)
	}
	if !bytes.Equal(h, hash) {
		return &Problem{Seq: seq, Kind: ProblemEdited, Detail: "the event's hash differs from the anchor: the log was rewritten"}, nil
	}
	return nil, nil
}
