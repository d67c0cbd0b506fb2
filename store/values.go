package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteTime is how times are kept in SQLite: UTC, microseconds, fixed
// width, so that they sort and compare as text.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// norm returns t in UTC, truncated to microseconds: what both databases
// keep exactly, so a time reads back equal to what was written (and an
// audit event's hash still matches).
func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// clock returns the store's current time, normalised.
func (s *Store) clock() time.Time { return norm(s.now()) }

// tv returns t as a query argument for the dialect.
func (s *Store) tv(t time.Time) any {
	if s.dialect == SQLite {
		return norm(t).Format(sqliteTime)
	}
	return norm(t)
}

// ntv returns t as a query argument, NULL when t is zero.
func (s *Store) ntv(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.tv(t)
}

// timeDest scans a time column of either dialect into *t; NULL gives the
// zero time.
type timeDest struct{ t *time.Time }

// Scan implements sql.Scanner.
func (d timeDest) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = v.UTC()
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("cannot read a time from %T", src)
	}
	return nil
}

func (d timeDest) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("bad time in the database: %w", err)
	}
	*d.t = t.UTC()
	return nil
}

// tm returns a scan destination for a time column.
func tm(t *time.Time) timeDest { return timeDest{t} }

// nid returns id as a query argument, NULL when id is 0 ("none").
func nid(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// idDest scans a nullable id column into *id; NULL gives 0.
type idDest struct{ id *int64 }

// Scan implements sql.Scanner.
func (d idDest) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*d.id = n.Int64
	return nil
}

// nullable returns a scan destination for a nullable id column.
func nullable(id *int64) idDest { return idDest{id} }

// dbError turns a database error into a *chaperone.Error: no rows is
// not_found, a unique violation conflict, a foreign-key violation invalid
// (a referenced record does not exist), anything else internal. what names
// the operation ("creating the user"); it must not hold PHI.
func dbError(what string, err error) error {
	if err == nil {
		return nil
	}
	var ce *chaperone.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return chaperone.Errorf(chaperone.ErrNotFound, "%s: not found", what)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return chaperone.Errorf(chaperone.ErrConflict, "%s: already exists (%s)", what, pe.ConstraintName)
		case "23503":
			return chaperone.Errorf(chaperone.ErrInvalid, "%s: refers to a record that does not exist (%s)", what, pe.ConstraintName)
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return chaperone.Errorf(chaperone.ErrConflict, "%s: already exists", what)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return chaperone.Errorf(chaperone.ErrInvalid, "%s: refers to a record that does not exist", what)
		}
	}
	return internal(what, err)
}

// scanner is a row to scan: *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// list runs a query and scans every row with scan.
func list[T any](ctx context.Context, q querier, what, query string, scan func(scanner) (T, error), args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbError(what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, dbError(what, rows.Err())
}
