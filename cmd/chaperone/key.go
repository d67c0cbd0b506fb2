package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// keyCommand shows and rotates the keys that encrypt the service's text
// at rest.
var keyCommand = &command{
	name:    "key",
	args:    "status | rotate",
	short:   "show which keys encrypt the service's data, rotate to a new key, drop old keys",
	minArgs: 1,
	maxArgs: 1,
	long: `
Draft text and context, review comments and archived text are encrypted with
the current key of a keyring; each value records the id of its key. The
keyring is the key file (--key-file, default DATA/key): one key per line,
"ID BASE64", the highest id current; a file holding one hex key (as made
before keyrings) is key 1. $CHAPERONE_KEY ([ID:]BASE64 of 32 bytes; id 1
when none is given) wins when set: it is the current key, and the key file's
keys, if any, only decrypt.

"key status" prints each key id and how many values it encrypts.

"key rotate" makes a key with the next id, writes it to the key file as the
current key, and re-encrypts every value under it in batches (--batch rows
per transaction, each with a key.rotate audit event). If values are still
under older keys (a rotation was interrupted, or $CHAPERONE_KEY names a new
key), it makes no key and finishes moving them instead. Stop the service
while rotating and restart it afterwards: a running server does not see the
new key. With $CHAPERONE_KEY set it never makes a key: set $CHAPERONE_KEY to
a new key with a higher id, keep the old key in the key file, and run it.

"key rotate --drop-old" then removes every key but the current one from the
key file, once no value uses them (it refuses otherwise, and drops nothing).

Exit status: 0 done, 3 bad arguments, keys or database, 4 interrupted or
unfinished (run it again).`,
	setup: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		sf.register(fs)
		batch := fs.Int("batch", store.DefaultReencryptBatch, "rows re-encrypted per transaction (rotate)")
		dropOld := fs.Bool("drop-old", false, "remove the keys no value uses any more from the key file (rotate)")
		return func(e *env, args []string) int {
			switch args[0] {
			case "status":
				return runKeyStatus(e, &sf)
			case "rotate":
				if *batch < 1 {
					return fail(e, usageErrorf("key rotate: --batch must be at least 1"))
				}
				if *dropOld {
					return runKeyDrop(e, &sf)
				}
				return runKeyRotate(e, &sf, *batch)
			}
			return fail(e, usageErrorf("key: want 'key status' or 'key rotate'"))
		}
	},
}

// openExisting opens the store's database, which must exist (key
// commands never create one), with the keyring.
func openExisting(ctx context.Context, e *env, sf *storeFlags, opts store.Options) (*store.Store, error) {
	dsn, shown := sf.dsn(e)
	if !strings.HasPrefix(shown, "PostgreSQL") && !strings.HasPrefix(dsn, "file:") {
		if _, err := os.Stat(dsn); errors.Is(err, fs.ErrNotExist) {
			return nil, chaperone.Errorf(chaperone.ErrNotFound, "no database at %s; give --db or --data", dsn)
		}
	}
	st, err := store.Open(ctx, dsn, opts)
	if err != nil {
		return nil, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "opening " + shown, Err: err}
	}
	return st, nil
}

// runKeyStatus prints the keyring and how many values each key id
// encrypts.
func runKeyStatus(e *env, sf *storeFlags) int {
	ctx := context.Background()
	ring, file, err := sf.keys(e, false)
	if err != nil && !errors.Is(err, fs.ErrNotExist) { // no keyring: the counts are still shown
		return fail(e, err)
	}
	st, err := openExisting(ctx, e, sf, store.Options{NoMigrate: true, MaxConns: 2})
	if err != nil {
		return fail(e, err)
	}
	defer st.Close()
	usage, err := st.KeyUsage(ctx)
	if err != nil {
		return fail(e, err)
	}
	switch {
	case ring == nil:
		fmt.Fprintf(e.stdout, "keyring: none (no key file at %s, $CHAPERONE_KEY not set)\n", sf.keyPath(e))
	case e.getenv("CHAPERONE_KEY") != "" && file != nil:
		fmt.Fprintf(e.stdout, "keyring: $CHAPERONE_KEY (key %d, current) and %s (keys %s)\n", ring.Current(), sf.keyPath(e), idList(file.IDs()))
	case e.getenv("CHAPERONE_KEY") != "":
		fmt.Fprintf(e.stdout, "keyring: $CHAPERONE_KEY (key %d, current)\n", ring.Current())
	default:
		fmt.Fprintf(e.stdout, "keyring: %s (keys %s, current %d)\n", sf.keyPath(e), idList(ring.IDs()), ring.Current())
	}
	ids := slices.Collect(maps.Keys(usage))
	if ring != nil {
		ids = append(ids, ring.IDs()...)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		note := ""
		switch {
		case ring == nil:
		case id == ring.Current():
			note = " (current)"
		case !ring.Has(id):
			note = " (not in the keyring: these values cannot be read)"
		}
		fmt.Fprintf(e.stdout, "key %d: %d values%s\n", id, usage[id], note)
	}
	return exitOK
}

// runKeyRotate makes a new key (unless a rotation is unfinished) and
// re-encrypts every value under the current key.
func runKeyRotate(e *env, sf *storeFlags, batch int) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ring, _, err := sf.keys(e, false)
	if err != nil {
		return fail(e, err)
	}
	st, err := openExisting(ctx, e, sf, store.Options{Keys: ring})
	if err != nil {
		return fail(e, err)
	}
	defer func() { st.Close() }()
	usage, err := st.KeyUsage(ctx)
	if err != nil {
		return fail(e, err)
	}
	var stale int64
	var staleIDs []byte
	for id, n := range usage {
		if n == 0 || id == ring.Current() {
			continue
		}
		if !ring.Has(id) {
			return fail(e, chaperone.Errorf(chaperone.ErrInvalid, "key rotate: %d values are under key %d, which is not in the keyring (keys %s): add that key to the key file first; nothing was changed",
				n, id, idList(ring.IDs())))
		}
		stale += n
		staleIDs = append(staleIDs, id)
	}
	slices.Sort(staleIDs)
	path := sf.keyPath(e)
	if stale > 0 {
		fmt.Fprintf(e.stdout, "%d values are still under key %s: re-encrypting them under key %d (no new key)\n", stale, idList(staleIDs), ring.Current())
	} else {
		if e.getenv("CHAPERONE_KEY") != "" {
			return fail(e, usageErrorf("key rotate: every value is already under key %d, the current key from $CHAPERONE_KEY; key rotate makes new keys only in a key file: set $CHAPERONE_KEY to ID:BASE64 of a new key with a higher id, keep the old key in %s, and run key rotate again", ring.Current(), path))
		}
		next, err := ring.Rotated()
		if err != nil {
			return fail(e, err)
		}
		if err := next.WriteFile(path); err != nil {
			return fail(e, err)
		}
		st.Close()
		if st, err = openExisting(ctx, e, sf, store.Options{Keys: next}); err != nil {
			return fail(e, err)
		}
		_, err = st.Audit(ctx, store.System, store.AuditEntry{Action: chaperone.ActionKeyRotate, SubjectKind: "key", SubjectID: strconv.Itoa(int(next.Current())),
			Details: map[string]any{"step": "new_key", "key_id": next.Current(), "previous_key": ring.Current(), "keyring": intIDs(next.IDs())}})
		if err != nil {
			return fail(e, fmt.Errorf("key rotate: key %d is in %s, but recording it failed (run key rotate again to re-encrypt): %w", next.Current(), path, err))
		}
		fmt.Fprintf(e.stdout, "made key %d, now current in %s (keys %s)\n", next.Current(), path, idList(next.IDs()))
		ring = next
	}
	rep, err := st.Reencrypt(ctx, store.System, store.ReencryptOptions{BatchSize: batch, AfterBatch: func(b store.ReencryptBatch) {
		fmt.Fprintf(e.stdout, "  %s: %d rows, %d values re-encrypted\n", b.Table, b.Rows, b.Values)
	}})
	fmt.Fprintf(e.stdout, "re-encrypted %d values in %d rows (%d batches) under key %d%s\n", rep.Values, rep.Rows, rep.Batches, rep.ToKey, fromKeys(rep.FromKeys))
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(e.stderr, "chaperone: key rotate: interrupted; run it again to finish\n")
			return exitInternal
		}
		return fail(e, err)
	}
	if len(rep.Remaining) > 0 {
		var n int64
		for _, c := range rep.Remaining {
			n += c
		}
		fmt.Fprintf(e.stderr, "chaperone: key rotate: %d values were written under older keys meanwhile (is the service running with the old keyring?); stop it and run key rotate again\n", n)
		return exitInternal
	}
	old := slices.DeleteFunc(ring.IDs(), func(id byte) bool { return id == ring.Current() })
	if len(old) > 0 && e.getenv("CHAPERONE_KEY") == "" {
		fmt.Fprintf(e.stdout, "every value is under key %d; restart the service, then drop key %s with: chaperone key rotate --drop-old\n", ring.Current(), idList(old))
	} else {
		fmt.Fprintf(e.stdout, "every value is under key %d\n", ring.Current())
	}
	return exitOK
}

// runKeyDrop removes every key but the current one from the key file,
// after checking, with the write lock held, that no value uses them.
func runKeyDrop(e *env, sf *storeFlags) int {
	ctx := context.Background()
	ring, file, err := sf.keys(e, false)
	if err != nil {
		return fail(e, err)
	}
	path := sf.keyPath(e)
	old := slices.DeleteFunc(ring.IDs(), func(id byte) bool { return id == ring.Current() })
	if len(old) == 0 || file == nil {
		fmt.Fprintf(e.stdout, "nothing to drop: the keyring holds only key %d\n", ring.Current())
		return exitOK
	}
	st, err := openExisting(ctx, e, sf, store.Options{Keys: ring})
	if err != nil {
		return fail(e, err)
	}
	defer st.Close()
	kept, err := file.Without(old...)
	if err != nil {
		return fail(e, err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CheckKeysUnused(ctx, old...); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, store.System, store.AuditEntry{Action: chaperone.ActionKeyRotate, SubjectKind: "key", SubjectID: strconv.Itoa(int(ring.Current())),
			Details: map[string]any{"step": "drop_old", "dropped": intIDs(old), "key_id": ring.Current()}})
		if err != nil {
			return err
		}
		if kept == nil {
			if err := os.Remove(path); err != nil {
				return &chaperone.Error{Code: chaperone.ErrInternal, Msg: "removing the key file", Err: err}
			}
			return nil
		}
		return kept.WriteFile(path)
	})
	if err != nil {
		return fail(e, fmt.Errorf("key rotate --drop-old: %w; no key was dropped", err))
	}
	if kept == nil {
		fmt.Fprintf(e.stdout, "dropped key %s: removed %s, which held no other key; the current key %d is in $CHAPERONE_KEY\n", idList(old), path, ring.Current())
	} else {
		fmt.Fprintf(e.stdout, "dropped key %s from %s (keys %s)\n", idList(old), path, idList(kept.IDs()))
	}
	return exitOK
}

// idList formats key ids: "1, 2".
func idList(ids []byte) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(int(id))
	}
	return strings.Join(s, ", ")
}

// intIDs returns key ids as ints, for audit details (a []byte would be
// encoded as base64).
func intIDs(ids []byte) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = int(id)
	}
	return out
}

// fromKeys formats the values re-encrypted by old key: " (from key 1: 12)".
func fromKeys(m map[byte]int64) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("key %d: %d", id, m[id]))
	}
	return " (from " + strings.Join(parts, ", ") + ")"
}
