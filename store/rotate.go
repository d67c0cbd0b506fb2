package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// Key rotation: every encrypted value carries the id of the key it was
// written under (see crypto.go). Reencrypt moves the values under older
// keys to the keyring's current key, in batches; KeyUsage counts the
// values under each key, so that old keys are dropped only once nothing
// uses them.

// sealedColumn is an encrypted column and how to rebuild the additional
// data its values are bound to.
type sealedColumn struct {
	name string
	ad   func(a []int64, t []string) string // a: the table's adCols, t: its adText
}

// sealedTable is a table with encrypted columns.
type sealedTable struct {
	name   string
	pk     []string // primary key: the order rows are walked in
	adCols []string // the integer columns the additional data is made of
	adText []string // and the text ones
	cols   []sealedColumn
}

// sealedTables lists every encrypted column of the schema. A new
// encrypted column must be added here, or key rotation leaves it behind.
var sealedTables = []sealedTable{
	{name: "draft_versions", pk: []string{"draft_id", "version"}, adCols: []string{"draft_id", "version"}, cols: []sealedColumn{
		{"text_enc", func(a []int64, _ []string) string { return versionAD("text", a[0], int(a[1])) }},
		{"context_enc", func(a []int64, _ []string) string { return versionAD("context", a[0], int(a[1])) }},
	}},
	{name: "review_actions", pk: []string{"id"}, adCols: []string{"draft_id", "version"}, cols: []sealedColumn{
		{"comment_enc", func(a []int64, _ []string) string { return reviewAD(a[0], int(a[1])) }},
	}},
	{name: "archive_items", pk: []string{"id"}, adCols: []string{"draft_id"}, cols: []sealedColumn{
		{"text_enc", func(a []int64, _ []string) string { return archiveAD(a[0]) }},
	}},
	{name: "patient_reviews", pk: []string{"id"}, adCols: []string{"org_id"}, adText: []string{"site", "external_id"}, cols: []sealedColumn{
		{"reviewer_enc", func(a []int64, t []string) string { return patientReviewAD("reviewer", a[0], t[0], t[1]) }},
		{"text_enc", func(a []int64, t []string) string { return patientReviewAD("text", a[0], t[0], t[1]) }},
	}},
	{name: "consents", pk: []string{"id"}, adCols: []string{"id"}, cols: []sealedColumn{
		{"details_enc", func(a []int64, _ []string) string { return consentAD("details", a[0]) }},
		{"doc_enc", func(a []int64, _ []string) string { return consentAD("doc", a[0]) }},
	}},
	{name: "colleague_reports", pk: []string{"id"}, adCols: []string{"id"}, cols: []sealedColumn{
		{"details_enc", func(a []int64, _ []string) string { return reportAD("details", a[0]) }},
		{"screenshot_enc", func(a []int64, _ []string) string { return reportAD("screenshot", a[0]) }},
	}},
	{name: "breach_incidents", pk: []string{"id"}, adCols: []string{"id"}, cols: []sealedColumn{
		{"details_enc", func(a []int64, _ []string) string { return breachAD(a[0]) }},
	}},
	{name: "account_credentials", pk: []string{"account_id"}, adCols: []string{"account_id"}, cols: []sealedColumn{
		{"secret_enc", func(a []int64, _ []string) string { return credentialsAD(a[0]) }},
	}},
	{name: "published_posts", pk: []string{"id"}, adCols: []string{"org_id"}, adText: []string{"source", "external_id"}, cols: []sealedColumn{
		{"text_enc", func(a []int64, t []string) string { return publishedAD(a[0], t[0], t[1]) }},
	}},
	{name: "draft_images", pk: []string{"id"}, adCols: []string{"id"}, cols: []sealedColumn{
		{"name_enc", func(a []int64, _ []string) string { return imageAD("name", a[0]) }},
		{"original_enc", func(a []int64, _ []string) string { return imageAD("original", a[0]) }},
		{"copy_enc", func(a []int64, _ []string) string { return imageAD("copy", a[0]) }},
	}},
	{name: "review_requests", pk: []string{"id"}, adCols: []string{"org_id"}, adText: []string{"visit_key"}, cols: []sealedColumn{
		{"name_enc", func(a []int64, t []string) string { return reviewRequestAD("name", a[0], t[0]) }},
		{"email_enc", func(a []int64, t []string) string { return reviewRequestAD("email", a[0], t[0]) }},
	}},
	{name: "store_secrets", pk: []string{"id"}, adText: []string{"name"}, cols: []sealedColumn{
		{"value_enc", func(_ []int64, t []string) string { return secretAD(t[0]) }},
	}},
}

// keyIDExpr is SQL for the key id byte of an encrypted column, as two
// upper-case hex digits ("01"), the same on both dialects.
func (s *Store) keyIDExpr(col string) string {
	if s.dialect == Postgres {
		return "upper(encode(substring(" + col + " from 2 for 1), 'hex'))"
	}
	return "hex(substr(" + col + ", 2, 1))"
}

// KeyUsage returns how many encrypted values (draft texts and contexts,
// review comments, archived texts) are written under each key id; id 0
// counts values too short to carry one. chaperone key status prints it,
// and key rotation checks it before dropping keys.
func (s *Store) KeyUsage(ctx context.Context) (map[byte]int64, error) {
	return keyUsage(ctx, s, s.rdb)
}

// KeyUsage counts values by key id as the transaction sees it; see
// Store.KeyUsage. Dropping keys checks it inside a transaction, which
// holds the write lock, so that no value is written meanwhile.
func (tx *Tx) KeyUsage(ctx context.Context) (map[byte]int64, error) {
	return keyUsage(ctx, tx.s, tx.tx)
}

func keyUsage(ctx context.Context, s *Store, q querier) (map[byte]int64, error) {
	var parts []string
	for _, t := range sealedTables {
		for _, c := range t.cols {
			parts = append(parts, "SELECT "+s.keyIDExpr(c.name)+" AS k FROM "+t.name)
		}
	}
	type count struct {
		id string
		n  int64
	}
	rows, err := list(ctx, q, "counting values by key", "SELECT k, COUNT(*) FROM ("+strings.Join(parts, " UNION ALL ")+") u GROUP BY k",
		func(r scanner) (count, error) {
			var c count
			return c, r.Scan(&c.id, &c.n)
		})
	if err != nil {
		return nil, err
	}
	out := map[byte]int64{}
	for _, c := range rows {
		id, err := strconv.ParseUint(c.id, 16, 8)
		if err != nil {
			id = 0
		}
		out[byte(id)] += c.n
	}
	return out, nil
}

// CheckKeysUnused returns a conflict error naming the first of ids that
// still encrypts a value, or nil when none does. chaperone key rotate
// --drop-old calls it in the transaction that records the drop.
func (tx *Tx) CheckKeysUnused(ctx context.Context, ids ...byte) error {
	usage, err := tx.KeyUsage(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if n := usage[id]; n > 0 {
			return chaperone.Errorf(chaperone.ErrConflict, "key %d still encrypts %d values: finish the rotation (chaperone key rotate) before dropping it", id, n)
		}
	}
	return nil
}

// DefaultReencryptBatch is the rows Reencrypt re-encrypts in one
// transaction when ReencryptOptions.BatchSize is 0.
const DefaultReencryptBatch = 500

// ReencryptOptions tune Reencrypt.
type ReencryptOptions struct {
	// BatchSize is the number of rows re-encrypted per transaction;
	// 0 means DefaultReencryptBatch.
	BatchSize int
	// AfterBatch, if set, is called after each batch commits: the CLI
	// prints progress with it, tests stop the rotation part-way.
	AfterBatch func(ReencryptBatch)
}

// ReencryptBatch is what one batch (one transaction, one key.rotate audit
// event) re-encrypted.
type ReencryptBatch struct {
	Table    string
	Rows     int
	Values   int
	FromKeys map[byte]int // values re-encrypted, by the key id they were under
	ToKey    byte
}

// ReencryptReport is what Reencrypt did.
type ReencryptReport struct {
	ToKey    byte
	Batches  int
	Rows     int64
	Values   int64
	FromKeys map[byte]int64
	// Remaining counts the values still under other keys afterwards (by
	// key id): written meanwhile by a server running with the old
	// keyring. Running Reencrypt again moves them.
	Remaining map[byte]int64
}

// Reencrypt re-encrypts every encrypted value that is not under the
// keyring's current key with the current key: draft texts and contexts,
// review comments and archived texts. It works table by table in batches
// of rows, each batch one transaction with a key.rotate audit event
// (counts and key ids only). Values already under the current key are
// skipped, so after an interruption (a cancelled ctx, a crash) running it
// again finishes the job. A value under a key that is not in the keyring
// stops it with an error that names the key id, never the text.
// chaperone key rotate calls it, with actor System.
func (s *Store) Reencrypt(ctx context.Context, actor Actor, opts ReencryptOptions) (ReencryptReport, error) {
	if s.box == nil {
		return ReencryptReport{}, chaperone.Errorf(chaperone.ErrInvalid, "the store was opened without an encryption key")
	}
	size := opts.BatchSize
	if size <= 0 {
		size = DefaultReencryptBatch
	}
	rep := ReencryptReport{ToKey: s.box.current, FromKeys: map[byte]int64{}}
	for _, t := range sealedTables {
		var cursor []int64
		for {
			if err := ctx.Err(); err != nil {
				return rep, &chaperone.Error{Code: chaperone.ErrInternal, Msg: fmt.Sprintf("key rotation stopped after %d batches; run it again to finish", rep.Batches), Err: err}
			}
			b, last, err := inTx2(ctx, s, func(tx *Tx) (ReencryptBatch, []int64, error) {
				return tx.reencryptBatch(ctx, actor, t, cursor, size)
			})
			if err != nil {
				return rep, err
			}
			if b.Rows == 0 {
				break
			}
			rep.Batches++
			rep.Rows += int64(b.Rows)
			rep.Values += int64(b.Values)
			for id, n := range b.FromKeys {
				rep.FromKeys[id] += int64(n)
			}
			if opts.AfterBatch != nil {
				opts.AfterBatch(b)
			}
			if b.Rows < size {
				break
			}
			cursor = last
		}
	}
	usage, err := s.KeyUsage(ctx)
	if err != nil {
		return rep, err
	}
	delete(usage, rep.ToKey)
	maps.DeleteFunc(usage, func(_ byte, n int64) bool { return n == 0 })
	if len(usage) > 0 {
		rep.Remaining = usage
	}
	return rep, nil
}

// reencryptBatch re-encrypts the stale values of up to limit rows of t
// after the cursor (nil: from the start), and returns what it did and the
// last row's primary key.
func (tx *Tx) reencryptBatch(ctx context.Context, actor Actor, t sealedTable, cursor []int64, limit int) (ReencryptBatch, []int64, error) {
	s := tx.s
	cur := s.box.current
	b := ReencryptBatch{Table: t.name, FromKeys: map[byte]int{}, ToKey: cur}
	curHex := fmt.Sprintf("%02X", cur)

	cols := slices.Concat(t.pk, t.adCols, t.adText)
	var stale []string
	args := []any{}
	for _, c := range t.cols {
		cols = append(cols, c.name)
		stale = append(stale, s.keyIDExpr(c.name)+" <> ?")
		args = append(args, curHex)
	}
	query := "SELECT " + strings.Join(cols, ", ") + " FROM " + t.name + " WHERE (" + strings.Join(stale, " OR ") + ")"
	if cursor != nil {
		query += " AND (" + strings.Join(t.pk, ", ") + ") > (" + strings.TrimSuffix(strings.Repeat("?, ", len(t.pk)), ", ") + ")"
		for _, v := range cursor {
			args = append(args, v)
		}
	}
	query += " ORDER BY " + strings.Join(t.pk, ", ") + " LIMIT ?"
	args = append(args, limit)

	type row struct {
		pk, ad []int64
		adt    []string
		blobs  [][]byte
	}
	rows, err := list(ctx, tx.tx, "reading values to re-encrypt", s.q(query), func(r scanner) (row, error) {
		rw := row{pk: make([]int64, len(t.pk)), ad: make([]int64, len(t.adCols)), adt: make([]string, len(t.adText)), blobs: make([][]byte, len(t.cols))}
		var dest []any
		for i := range rw.pk {
			dest = append(dest, &rw.pk[i])
		}
		for i := range rw.ad {
			dest = append(dest, &rw.ad[i])
		}
		for i := range rw.adt {
			dest = append(dest, &rw.adt[i])
		}
		for i := range rw.blobs {
			dest = append(dest, &rw.blobs[i])
		}
		return rw, r.Scan(dest...)
	}, args...)
	if err != nil {
		return b, nil, err
	}

	where := strings.Join(t.pk, " = ? AND ") + " = ?"
	for _, rw := range rows {
		var sets []string
		var vals []any
		for i, c := range t.cols {
			old := rw.blobs[i]
			if len(old) >= 2 && old[1] == cur {
				continue
			}
			ad := c.ad(rw.ad, rw.adt)
			plain, err := s.open(old, ad)
			if err != nil {
				return b, nil, &chaperone.Error{Code: chaperone.CodeOf(err), Msg: fmt.Sprintf("re-encrypting %s.%s of row %s", t.name, c.name, subject(rw.pk...)), Err: err}
			}
			enc, err := s.seal(plain, ad)
			if err != nil {
				return b, nil, err
			}
			sets = append(sets, c.name+" = ?")
			vals = append(vals, enc)
			b.FromKeys[old[1]]++
			b.Values++
		}
		if len(sets) == 0 {
			continue
		}
		for _, v := range rw.pk {
			vals = append(vals, v)
		}
		res, err := tx.tx.ExecContext(ctx, s.q("UPDATE "+t.name+" SET "+strings.Join(sets, ", ")+" WHERE "+where), vals...)
		if err != nil {
			return b, nil, dbError("re-encrypting "+t.name, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return b, nil, internal("re-encrypting "+t.name, fmt.Errorf("row %s: %d rows updated (%v)", subject(rw.pk...), n, err))
		}
	}
	if len(rows) == 0 {
		return b, nil, nil
	}
	b.Rows = len(rows) // every row selected has a value under another key
	from := map[string]int{}
	for id, n := range b.FromKeys {
		from[strconv.Itoa(int(id))] = n
	}
	_, err = tx.audit(ctx, actor, AuditEntry{Action: chaperone.ActionKeyRotate, SubjectKind: "key", SubjectID: strconv.Itoa(int(cur)),
		Details: map[string]any{"step": "reencrypt", "table": t.name, "rows": len(rows), "values": b.Values, "from_keys": from, "to_key": cur}})
	return b, rows[len(rows)-1].pk, err
}

// inTx2 runs fn, which returns two values, in InTx.
func inTx2[T, U any](ctx context.Context, s *Store, fn func(tx *Tx) (T, U, error)) (T, U, error) {
	var v T
	var w U
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		v, w, err = fn(tx)
		return err
	})
	if err != nil {
		var zt T
		var zu U
		return zt, zu, err
	}
	return v, w, nil
}
