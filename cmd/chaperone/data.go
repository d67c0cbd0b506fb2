package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// storeFlags are the flags of every command that opens the service's
// store: the data directory (SQLite file and encryption key) and an
// optional PostgreSQL URL.
type storeFlags struct {
	data    string
	db      string
	keyFile string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "data `directory` for the SQLite file and the encryption key (default $CHAPERONE_DATA or ./chaperone-data)")
	fs.StringVar(&f.db, "db", "", "database: a postgres:// URL, or a SQLite file (default DATA/chaperone.db; also $CHAPERONE_DB)")
	fs.StringVar(&f.keyFile, "key-file", "", "the 32-byte key that encrypts drafts at rest (default DATA/key, made on first start)")
}

// dataDir returns the data directory.
func (f *storeFlags) dataDir(e *env) string {
	switch {
	case f.data != "":
		return f.data
	case e.getenv("CHAPERONE_DATA") != "":
		return e.getenv("CHAPERONE_DATA")
	}
	return "chaperone-data"
}

// dsn returns the database to open, and a description for messages that
// never shows a password.
func (f *storeFlags) dsn(e *env) (dsn, shown string) {
	dsn = f.db
	if dsn == "" {
		dsn = e.getenv("CHAPERONE_DB")
	}
	if dsn == "" {
		dsn = filepath.Join(f.dataDir(e), "chaperone.db")
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return dsn, "PostgreSQL"
	}
	return dsn, "SQLite " + dsn
}

// open opens the store, creating the data directory and the key when
// they do not exist yet.
func (f *storeFlags) open(ctx context.Context, e *env) (*store.Store, string, error) {
	dir := f.dataDir(e)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "making the data directory", Err: err}
	}
	keyFile := f.keyFile
	if keyFile == "" {
		keyFile = filepath.Join(dir, "key")
	}
	key, err := store.LoadOrCreateKey(keyFile)
	if err != nil {
		return nil, "", err
	}
	dsn, shown := f.dsn(e)
	st, err := store.Open(ctx, dsn, store.Options{Key: key})
	if err != nil {
		return nil, shown, err
	}
	return st, shown, nil
}
