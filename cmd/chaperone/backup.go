package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// backupCommand copies the service's SQLite database while it runs.
var backupCommand = &command{
	name:    "backup",
	args:    "FILE",
	short:   "copy the service's SQLite database, consistent, while it runs",
	minArgs: 1,
	maxArgs: 1,
	long: `
chaperone backup FILE writes a consistent copy of the SQLite database of the
data directory (--data, else $CHAPERONE_DATA, else ./chaperone-data; or --db)
to FILE with SQLite's VACUUM INTO, while chaperone serve runs, then checks the
copy's audit chain. FILE must not exist.

The copy holds drafts, consents and the rest encrypted, exactly as the
database does. The key file (DATA/key) is not in it: back the key up on its
own, somewhere else. Without the key the backup cannot be read; without the
backup the key is no use.

For PostgreSQL use pg_dump (the README says how); chaperone restore is for
SQLite copies.

Exit status: 0 when the copy is written and its audit chain verifies, 3 when
it cannot be.`,
	setup: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		sf.register(fs)
		return func(e *env, args []string) int {
			ctx := context.Background()
			dsn, _ := sf.dsn(e)
			if strings.HasPrefix(dsn, "postgres") {
				return fail(e, usageErrorf("backup: chaperone backup copies SQLite databases; back up PostgreSQL with pg_dump (see the README)"))
			}
			if _, err := os.Stat(dsn); err != nil {
				return fail(e, usageErrorf("backup: no database at %s; give --data or --db", dsn))
			}
			st, err := store.Open(ctx, dsn, store.Options{NoMigrate: true, MaxConns: 2})
			if err != nil {
				return fail(e, err)
			}
			defer st.Close()
			start := time.Now()
			if err := st.Backup(ctx, args[0]); err != nil {
				return fail(e, err)
			}
			rep, err := verifyFile(ctx, args[0])
			if err != nil {
				return fail(e, err)
			}
			fi, _ := os.Stat(args[0])
			fmt.Fprintf(e.stdout, "wrote %s (%d bytes) in %.1f s; its audit log verifies: %d events, head %d %x\n",
				args[0], fi.Size(), time.Since(start).Seconds(), rep.Events, rep.HeadSeq, rep.HeadHash)
			fmt.Fprintln(e.stdout, "the key file is not in the backup: keep a copy of it apart")
			return exitOK
		}
	},
}

// restoreCommand puts a SQLite backup in place of the data directory's
// database.
var restoreCommand = &command{
	name:    "restore",
	args:    "FILE",
	short:   "put a SQLite backup in place, after checking its audit chain",
	minArgs: 1,
	maxArgs: 1,
	long: `
chaperone restore FILE checks that FILE is a chaperone SQLite database whose
audit chain verifies, then copies it into the data directory as its database
(--data, else $CHAPERONE_DATA, else ./chaperone-data; or --db). Stop chaperone
serve first. An existing database is kept beside it as
chaperone.db.before-restore-TIME, and only with --force; without --force an
existing database is left alone and restore fails. The key file that
encrypted the backup must be the data directory's key (or $CHAPERONE_KEY).

Exit status: 0 when restored, 2 when the backup's audit chain is broken, 3 when
it cannot be restored.`,
	setup: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		sf.register(fs)
		force := fs.Bool("force", false, "replace an existing database (kept beside it)")
		return func(e *env, args []string) int {
			ctx := context.Background()
			dsn, _ := sf.dsn(e)
			if strings.HasPrefix(dsn, "postgres") {
				return fail(e, usageErrorf("restore: restores SQLite backups; restore PostgreSQL with pg_restore or psql (see the README)"))
			}
			if _, err := os.Stat(args[0]); err != nil {
				return fail(e, usageErrorf("restore: no backup at %s", args[0]))
			}
			if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
				return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "restore: making the data directory", Err: err})
			}
			kept := ""
			if _, err := os.Stat(dsn); err == nil {
				if !*force {
					return fail(e, chaperone.Errorf(chaperone.ErrConflict, "restore: %s exists; stop chaperone serve and give --force to replace it (it is kept beside)", dsn))
				}
				kept = dsn + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
			} else if !errors.Is(err, iofs.ErrNotExist) {
				return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "restore: " + dsn, Err: err})
			}
			// copy beside the database, check the copy, then put it in place
			tmp, err := copyBeside(args[0], dsn)
			if err != nil {
				return fail(e, err)
			}
			defer removeDB(tmp)
			rep, err := verifyFile(ctx, tmp)
			if err != nil {
				return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: args[0] + " is not a chaperone database", Err: err})
			}
			if rep.Problem != nil {
				fmt.Fprintf(e.stdout, "broken: the backup's audit log has seq %d %s: %s; not restored\n", rep.Problem.Seq, rep.Problem.Kind, rep.Problem.Detail)
				return exitAuditBroken
			}
			if err := checkKeyFile(ctx, e, sf, tmp); err != nil {
				return fail(e, err)
			}
			if kept != "" {
				if err := os.Rename(dsn, kept); err != nil {
					return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "restore: moving the existing database aside", Err: err})
				}
				for _, ext := range []string{"-wal", "-shm"} { // the old database's WAL belongs to it
					os.Rename(dsn+ext, kept+ext)
				}
			}
			if err := os.Rename(tmp, dsn); err != nil {
				return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "restore: putting the backup in place", Err: err})
			}
			// it opens with the key, and migrates if older than this binary
			st, _, err := sf.open(ctx, e)
			if err != nil {
				return fail(e, fmt.Errorf("restore: the restored database does not open: %w", err))
			}
			st.Close()
			fmt.Fprintf(e.stdout, "restored %s from %s (%d audit events, head %d)", dsn, args[0], rep.Events, rep.HeadSeq)
			if kept != "" {
				fmt.Fprintf(e.stdout, "; the database before is %s", kept)
			}
			fmt.Fprintln(e.stdout)
			return exitOK
		}
	},
}

// checkKeyFile checks that the data directory's keyring decrypts the
// database at path.
func checkKeyFile(ctx context.Context, e *env, sf storeFlags, path string) error {
	ring, _, err := sf.keys(e, false)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	st, err := store.Open(ctx, path, store.Options{Keys: ring, NoMigrate: true, MaxConns: 1})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer st.Close()
	if err := st.CheckKey(ctx); err != nil {
		return fmt.Errorf("restore: the key file does not decrypt the backup: %w", err)
	}
	return nil
}

// removeDB removes a SQLite file and its WAL files (none when it was
// renamed into place).
func removeDB(path string) {
	for _, ext := range []string{"", "-wal", "-shm"} {
		os.Remove(path + ext)
	}
}

// verifyFile opens a SQLite file (without migrating it) and verifies its
// audit chain. Opening sets the file's journal mode, so restore verifies
// its own copy, never the backup it was given.
func verifyFile(ctx context.Context, path string) (store.Report, error) {
	if _, err := os.Stat(path); err != nil {
		return store.Report{}, usageErrorf("no backup at %s", path)
	}
	st, err := store.Open(ctx, path, store.Options{NoMigrate: true, MaxConns: 1})
	if err != nil {
		return store.Report{}, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: path + " is not a chaperone database", Err: err}
	}
	defer st.Close()
	rep, err := st.Verify(ctx)
	if err != nil {
		return rep, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: path + " is not a chaperone database", Err: err}
	}
	return rep, nil
}

// copyBeside copies src into a new temporary file in dst's directory and
// returns its path.
func copyBeside(src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", usageErrorf("restore: cannot read %s", src)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".restore-*.db")
	if err != nil {
		return "", &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "restore: cannot write beside " + dst, Err: err}
	}
	_, err = io.Copy(tmp, in)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "restore: copying the backup", Err: err}
	}
	os.Chmod(tmp.Name(), 0o600)
	return tmp.Name(), nil
}
