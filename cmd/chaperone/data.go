package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
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
	fs.StringVar(&f.keyFile, "key-file", "", "the keyring `file` that encrypts drafts at rest (default DATA/key, made on first start); $CHAPERONE_KEY, when set, is the current key")
}

// keyPath returns the keyring file: --key-file, else DATA/key.
func (f *storeFlags) keyPath(e *env) string {
	if f.keyFile != "" {
		return f.keyFile
	}
	return filepath.Join(f.dataDir(e), "key")
}

// keys returns the keyring the store opens with. When $CHAPERONE_KEY
// ([ID:]BASE64) is set, its key is the current one and the key file's
// keys, if there is a key file, decrypt older values; otherwise the key
// file is the keyring, made with a new key when create is set and there
// is none. file is the key file's own keyring (nil when there is none):
// what key rotation rewrites, for the $CHAPERONE_KEY key is never written
// to disk.
func (f *storeFlags) keys(e *env, create bool) (ring, file *store.Keyring, err error) {
	path := f.keyPath(e)
	env := e.getenv("CHAPERONE_KEY")
	if env == "" {
		if create {
			file, err = store.LoadOrCreateKeyring(path)
		} else {
			file, err = store.ReadKeyring(path)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: fmt.Sprintf("no key file at %s and $CHAPERONE_KEY is not set (give --key-file or --data)", path), Err: fs.ErrNotExist}
		}
		return file, file, err
	}
	id, key, err := store.ParseKey(env)
	if err != nil {
		return nil, nil, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "$CHAPERONE_KEY", Err: err}
	}
	file, err = store.ReadKeyring(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	ring, err = file.WithCurrent(id, key)
	if err != nil {
		return nil, nil, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "$CHAPERONE_KEY and " + path, Err: err}
	}
	return ring, file, nil
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

// open opens the store, creating the data directory and the key file
// when they do not exist yet (and $CHAPERONE_KEY is not set).
func (f *storeFlags) open(ctx context.Context, e *env) (*store.Store, string, error) {
	dir := f.dataDir(e)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "making the data directory", Err: err}
	}
	ring, _, err := f.keys(e, true)
	if err != nil {
		return nil, "", err
	}
	dsn, shown := f.dsn(e)
	st, err := store.Open(ctx, dsn, store.Options{Keys: ring})
	if err != nil {
		return nil, shown, err
	}
	return st, shown, nil
}
