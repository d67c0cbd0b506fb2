package store

import (
	"context"
	"database/sql"
)

// Actor is who makes a change, as recorded in the audit log: a signed-in
// user, or the system (UserID 0) for jobs such as retention.
type Actor struct {
	UserID int64
}

// System is the actor of changes no user asked for.
var System = Actor{}

// Tx is a write transaction, opened by Store.InTx. Its write methods make
// the change and append the audit event for it in the same transaction,
// so both are committed or neither. A Tx must not be used after the
// function given to InTx returns, nor from several goroutines.
type Tx struct {
	s  *Store
	tx *sql.Tx
}

// txReserve is how many of the PostgreSQL pool's connections are kept
// from write transactions, for the reads made beside them (see
// Store.txSlots).
const txReserve = 3

// auditLockKey is the PostgreSQL advisory lock that serialises write
// transactions, and so audit appends ("chaperon" in ASCII).
const auditLockKey int64 = 0x63686170_65726f6e

// InTx runs fn in a write transaction and commits it if fn returns nil;
// if fn returns an error or panics, or ctx ends, nothing is written.
// Write transactions are serialised (SQLite: BEGIN IMMEDIATE on the
// single writer connection; PostgreSQL: pg_advisory_xact_lock taken when
// the transaction begins), so the audit chain never forks; keep fn short
// and never call Store methods from inside it (use tx), or it waits for
// itself. Any caller that needs several changes to be atomic uses it; the
// Store's write methods are InTx around one Tx method.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if s.txSlots != nil {
		select {
		case s.txSlots <- struct{}{}:
			defer func() { <-s.txSlots }()
		case <-ctx.Done():
			return dbError("beginning a transaction", ctx.Err())
		}
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError("beginning a transaction", err)
	}
	done := false
	defer func() {
		if !done {
			sqlTx.Rollback()
		}
	}()
	if s.dialect == Postgres {
		if _, err := sqlTx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey); err != nil {
			return dbError("taking the write lock", err)
		}
	}
	if err := fn(&Tx{s: s, tx: sqlTx}); err != nil {
		return err
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		return dbError("committing", err)
	}
	return nil
}

// inTx1 runs fn, which returns a value, in InTx.
func inTx1[T any](ctx context.Context, s *Store, fn func(tx *Tx) (T, error)) (T, error) {
	var v T
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}
