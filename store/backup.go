package store

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// Backup writes a consistent copy of a SQLite store to path with VACUUM
// INTO, while the service runs: writers wait for the copy, readers do
// not. path must not exist. The copy holds the encrypted values as they
// are, so it is no more readable than the database without the key, which
// is not in it: keep the key file's own backup apart. chaperone backup
// calls it. For PostgreSQL use pg_dump (see the README).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return chaperone.Errorf(chaperone.ErrInvalid, "chaperone backup copies SQLite databases; back up PostgreSQL with pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return chaperone.Errorf(chaperone.ErrConflict, "%s already exists; choose a new file for the backup", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return chaperone.Errorf(chaperone.ErrInvalid, "cannot write the backup to %s", path)
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return dbError("writing the backup", err)
	}
	return os.Chmod(path, 0o600)
}

// CheckKey checks that the keyring decrypts the store's values: the first
// value of each encrypted column (when there is one) is decrypted and
// dropped. chaperone restore calls it, so that a backup restored beside
// the wrong key file is caught at once, not at the first page view.
func (s *Store) CheckKey(ctx context.Context) error {
	for _, t := range sealedTables {
		for _, c := range t.cols {
			cols := slices.Concat(t.adCols, t.adText, []string{c.name})
			ad := make([]int64, len(t.adCols))
			adt := make([]string, len(t.adText))
			var blob []byte
			var dest []any
			for i := range ad {
				dest = append(dest, &ad[i])
			}
			for i := range adt {
				dest = append(dest, &adt[i])
			}
			dest = append(dest, &blob)
			err := s.rdb.QueryRowContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+t.name+" WHERE length("+c.name+") > 0 LIMIT 1").Scan(dest...)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return dbError("reading "+t.name, err)
			}
			if _, err := s.open(blob, c.ad(ad, adt)); err != nil {
				return err
			}
		}
	}
	return nil
}
