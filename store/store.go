// Package store keeps the records of the chaperone service — orgs, users,
// sessions, social accounts, drafts and their versions, screens, reviews,
// the archive of published posts — and the hash-chained audit log, in
// SQLite (one file, for a single server) or PostgreSQL.
//
// Draft text and context, review comments and archived text are encrypted
// at rest with AES-256-GCM under a keyring (see Options.Keys, Keyring and
// Store.Reencrypt for key rotation). Archive items are immutable but for
// their legal hold (database triggers). Every change is written in a
// transaction together with its audit event (see Store.InTx); reads of PHI
// are audited by an explicit RecordView. Verify checks the audit chain.
//
// The web layer, the API and the CLI use this package; it imports no web
// code, and the screening packages (detect, redact) import none of it.
// Errors are *chaperone.Error values (codes not_found, conflict, invalid,
// too_large, internal) and never contain draft text.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Dialect names a supported database.
type Dialect string

// Dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options configure Open. The zero value opens a store that can read and
// verify the audit log but not read or write encrypted text.
type Options struct {
	// Keys is the keyring for text at rest: its current key encrypts,
	// every key decrypts the values written under it (see Keyring). The
	// CLI and the server set it. Without Keys or Key, methods that read
	// or write draft text, review comments or archived text fail.
	Keys *Keyring
	// Key is a single 32-byte AES-256 key, used when Keys is nil: the
	// keyring of that one key under KeyID (0 means 1). Tests use it.
	Key []byte
	// KeyID is the id of Key, written into every encrypted value so that
	// a value written under another key is reported as such; 0 means 1.
	KeyID byte
	// MaxConns bounds the PostgreSQL pool, or the SQLite read pool
	// (SQLite always has one writer). 0 means 10 (PostgreSQL) or 4.
	MaxConns int
	// NoMigrate opens the database as it is, without applying pending
	// migrations: for tools that only read, such as chaperone audit
	// verify, which must change nothing.
	NoMigrate bool
	// Now is the clock for the times the store writes; nil means
	// time.Now. Tests set it.
	Now func() time.Time
}

// Store is an open database. It is safe for concurrent use; Close it when
// done.
type Store struct {
	dialect Dialect
	db      *sql.DB // writes (SQLite: a single connection)
	rdb     *sql.DB // reads (SQLite: a query-only pool; PostgreSQL: db)
	box     *box    // nil without a key
	now     func() time.Time
	dsn     string // as given to Open (see DSN)
	// txSlots bounds the write transactions open at once on PostgreSQL
	// to fewer than the pool's connections. The service reads through
	// the Store (not the Tx) while it builds what a transaction writes,
	// which takes a second connection; without a reserve, a pool full of
	// transactions waiting for the write lock starves the one holding it
	// until their contexts end. nil on SQLite, whose reads have a pool of
	// their own.
	txSlots chan struct{}

	// hashSecret is the key of the keyed hashes of review requests
	// (see hashKey), loaded on first use.
	secretMu   sync.Mutex
	hashSecret []byte

	noMigrate bool
}

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// openTimeout bounds connecting and migrating when ctx has no deadline.
const openTimeout = time.Minute

// Open opens the store at dsn and applies any pending migrations. A dsn
// starting with postgres:// or postgresql:// is a PostgreSQL URL (pgx);
// anything else is a SQLite file path or file: URI, created if absent.
// The CLI and the server call it once at start-up.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, openTimeout)
		defer cancel()
	}
	s := &Store{now: opts.Now, noMigrate: opts.NoMigrate, dsn: dsn}
	if s.now == nil {
		s.now = time.Now
	}
	ring := opts.Keys
	if ring == nil && opts.Key != nil {
		id := opts.KeyID
		if id == 0 {
			id = 1
		}
		var err error
		if ring, err = NewKeyring(id, map[byte][]byte{id: opts.Key}); err != nil {
			return nil, err
		}
	}
	if ring != nil {
		b, err := newBox(ring)
		if err != nil {
			return nil, err
		}
		s.box = b
	}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		err = s.openPostgres(ctx, dsn, opts.MaxConns)
	} else {
		err = s.openSQLite(ctx, dsn, opts.MaxConns)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openPostgres connects to PostgreSQL and migrates, holding goose's
// session lock so that servers starting together migrate once.
func (s *Store) openPostgres(ctx context.Context, dsn string, maxConns int) error {
	s.dialect = Postgres
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return internal("opening the PostgreSQL database", err)
	}
	db.SetMaxOpenConns(cmpOr(maxConns, 10))
	s.txSlots = make(chan struct{}, max(1, cmpOr(maxConns, 10)-txReserve))
	db.SetConnMaxIdleTime(5 * time.Minute)
	s.db, s.rdb = db, db
	if err := db.PingContext(ctx); err != nil {
		return internal("connecting to PostgreSQL", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return internal("migrating the database", err)
	}
	return s.migrate(ctx, goose.DialectPostgres, "migrations/postgres", goose.WithSessionLocker(locker))
}

// openSQLite opens the writer connection, migrates, then opens the read
// pool. WAL lets readers run beside the writer; _txlock=immediate makes
// every transaction take the write lock when it begins, so transactions
// (and audit appends) are serialised.
func (s *Store) openSQLite(ctx context.Context, dsn string, maxConns int) error {
	s.dialect = SQLite
	const pragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", sqliteURI(dsn)+pragmas+"&_txlock=immediate")
	if err != nil {
		return internal("opening the SQLite database", err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	s.db = db
	if err := db.PingContext(ctx); err != nil {
		return internal("opening the SQLite database", err)
	}
	if err := s.migrate(ctx, goose.DialectSQLite3, "migrations/sqlite"); err != nil {
		return err
	}
	rdb, err := sql.Open("sqlite", sqliteURI(dsn)+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		return internal("opening the SQLite database", err)
	}
	rdb.SetMaxOpenConns(cmpOr(maxConns, 4))
	s.rdb = rdb
	if err := rdb.PingContext(ctx); err != nil {
		return internal("opening the SQLite database", err)
	}
	return nil
}

// sqliteURI turns a path or file: URI into a file: URI ending in ? or &,
// ready for parameters.
func sqliteURI(dsn string) string {
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(dsn)
	}
	if strings.Contains(dsn, "?") {
		return dsn + "&"
	}
	return dsn + "?"
}

// migrate applies the embedded migrations under dir, unless the store
// was opened with NoMigrate.
func (s *Store) migrate(ctx context.Context, dialect goose.Dialect, dir string, opts ...goose.ProviderOption) error {
	if s.noMigrate {
		return nil
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return internal("migrating the database", err)
	}
	p, err := goose.NewProvider(dialect, s.db, fsys, append(opts, goose.WithDisableGlobalRegistry(true))...)
	if err != nil {
		return internal("migrating the database", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return internal("migrating the database", err)
	}
	return nil
}

// Dialect reports which database the store is on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the database. The store must not be used afterwards.
func (s *Store) Close() error {
	var err error
	if s.rdb != nil && s.rdb != s.db {
		err = s.rdb.Close()
	}
	if s.db != nil {
		if cerr := s.db.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q rewrites a query written with ? placeholders for the dialect
// (PostgreSQL wants $1, $2 …). Queries hold no string literals with ?.
func (s *Store) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cmpOr returns n, or def when n <= 0.
func cmpOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// internal wraps err as an internal error described by msg.
func internal(msg string, err error) error {
	return &chaperone.Error{Code: chaperone.ErrInternal, Msg: msg, Err: err}
}
