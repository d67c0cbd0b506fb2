package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// exitAuditBroken is audit verify's exit code for a broken chain.
const exitAuditBroken = 2

// auditCommand checks the service's audit log, and imports the posts a
// clinician has already published, to be screened and kept.
var auditCommand = &command{
	name:    "audit",
	args:    "verify | import ARCHIVE",
	short:   "verify the audit log; import a platform archive of published posts",
	minArgs: 1,
	maxArgs: 2,
	long: `
chaperone audit verify walks the audit log of a chaperone service database in
order, recomputes every event's hash and checks that each event is chained to
the one before, and prints

  ok: N events, head SEQ HASH

or the first event that was edited, is missing, or is out of order. Record the
head now and then somewhere else (a ticket, a signed e-mail): the chain alone
cannot show that events were cut from its end, but --anchor SEQ:HASH can. It
needs no encryption key and changes nothing.

chaperone audit import --email E ARCHIVE reads the posts a clinician already
published from a platform's export (the X/Twitter archive zip, Facebook's or
Instagram's JSON export, LinkedIn's Shares.csv, as a zip or the bare file),
screens each as the clinician's text, and keeps them with their screens in the
service's database, where the web UI lists them (Published posts) and flags
tasks. It shows a progress bar on a terminal and ends with a summary.
Importing the same archive again adds nothing twice.

The database is --db (a PostgreSQL URL or a SQLite file), by default the SQLite
file chaperone.db in the data directory: --data, else $CHAPERONE_DATA, else
./chaperone-data.

Exit status: 0 when the log is intact or the import is done, 2 when the log is
broken, 3 when the database or the archive cannot be read or the arguments are
wrong.`,
	setup: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		sf.register(fs)
		var anchor, org, email, rules string
		var timeout time.Duration
		fs.StringVar(&anchor, "anchor", "", "verify: also check an earlier head, `SEQ:HASH` as printed by this command")
		fs.StringVar(&org, "org", "clinic", "import: the organisation's short name")
		fs.StringVar(&email, "email", "", "import: the clinician whose archive it is")
		fs.StringVar(&rules, "rules", "", "import: an organisation rule `file` (TOML) on top of the embedded rules")
		fs.DurationVar(&timeout, "timeout", 30*time.Minute, "give up after this `duration`")
		return func(e *env, args []string) int {
			switch {
			case args[0] == "verify" && len(args) == 1:
				return runAuditVerify(e, sf.db, sf.data, anchor, timeout)
			case args[0] == "import" && len(args) == 2:
				return runAuditImport(e, sf, org, email, rules, args[1], timeout)
			case args[0] == "import":
				return fail(e, usageErrorf("audit import: give the archive to import (one file)"))
			}
			return fail(e, usageErrorf("audit: unknown subcommand %q; want 'audit verify' or 'audit import ARCHIVE'", args[0]))
		}
	},
}

// runAuditVerify verifies the audit log of the database and prints the
// outcome.
func runAuditVerify(e *env, dsn, data, anchor string, timeout time.Duration) int {
	var anchorSeq int64
	var anchorHash []byte
	if anchor != "" {
		var err error
		if anchorSeq, anchorHash, err = parseAnchor(anchor); err != nil {
			return fail(e, err)
		}
	}
	dsn, err := auditDSN(e, dsn, data)
	if err != nil {
		return fail(e, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	st, err := store.Open(ctx, dsn, store.Options{MaxConns: 2, NoMigrate: true})
	if err != nil {
		return failAudit(e, "opening the database", err)
	}
	defer st.Close()
	rep, err := st.Verify(ctx)
	if err != nil {
		return failAudit(e, "reading the audit log", err)
	}
	if p := rep.Problem; p != nil {
		fmt.Fprintf(e.stdout, "broken: seq %d %s: %s (%d events verified before it)\n", p.Seq, p.Kind, p.Detail, rep.Events)
		return exitAuditBroken
	}
	if anchor != "" {
		p, err := st.CheckAnchor(ctx, anchorSeq, anchorHash)
		if err != nil {
			return failAudit(e, "reading the audit log", err)
		}
		if p != nil {
			fmt.Fprintf(e.stdout, "broken: seq %d %s: %s\n", p.Seq, p.Kind, p.Detail)
			return exitAuditBroken
		}
	}
	fmt.Fprintf(e.stdout, "ok: %d events, head %d %x\n", rep.Events, rep.HeadSeq, rep.HeadHash)
	return exitOK
}

// failAudit reports an error reading the database; it is bad input
// (exit 3), whatever its cause.
func failAudit(e *env, what string, err error) int {
	fmt.Fprintf(e.stderr, "chaperone: audit verify: %s: %v\n", what, err)
	return exitUsage
}

// auditDSN returns the database to verify: --db, else the SQLite file in
// the data directory, which must exist (verify never creates one).
func auditDSN(e *env, dsn, data string) (string, error) {
	if dsn == "" {
		if data == "" {
			data = e.getenv("CHAPERONE_DATA")
		}
		if data == "" {
			data = "chaperone-data"
		}
		dsn = filepath.Join(data, "chaperone.db")
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") || strings.HasPrefix(dsn, "file:") {
		return dsn, nil
	}
	if _, err := os.Stat(dsn); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", chaperone.Errorf(chaperone.ErrNotFound, "audit verify: no database at %s; give --db or --data", dsn)
		}
		return "", chaperone.Errorf(chaperone.ErrInvalid, "audit verify: %v", err)
	}
	return dsn, nil
}

// parseAnchor parses "SEQ:HEXHASH".
func parseAnchor(s string) (int64, []byte, error) {
	seqText, hashText, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		seqText, hashText, ok = strings.Cut(strings.TrimSpace(s), " ")
	}
	seq, err := strconv.ParseInt(seqText, 10, 64)
	hash, herr := hex.DecodeString(strings.TrimSpace(hashText))
	if !ok || err != nil || seq < 1 || herr != nil || len(hash) != store.HashSize {
		return 0, nil, usageErrorf("audit verify: --anchor must be SEQ:HASH, e.g. 42:%s", strings.Repeat("ab", store.HashSize))
	}
	return seq, hash, nil
}
