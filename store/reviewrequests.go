package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
)

// Review requests (tables review_requests, review_request_attempts,
// review_optouts, review_links; see migration 00015). A visit's patient
// name and address are encrypted, bound to the row's org and visit key.
// The visit key (from the visit's id, or its day and address) and the
// address are also kept as keyed hashes (HMAC-SHA256 under a secret of
// the store's, itself kept encrypted in store_secrets, so that key
// rotation re-encrypts it and the hashes stay valid): re-imports are
// deduplicated, and opt-outs and the 30-day rule are checked, without
// decrypting anything and without keeping an id or an address in clear.

// hashSecretName names the secret of the keyed hashes in store_secrets.
const hashSecretName = "hash-v1"

func secretAD(name string) string { return fmt.Sprintf("store_secrets.value/%q", name) }

func reviewRequestAD(column string, orgID int64, visitKey string) string {
	return fmt.Sprintf("review_requests.%s/%d/%q", column, orgID, visitKey)
}

// hashKey returns the secret of the keyed hashes, making it on first use.
// It runs its own transaction: never call it from inside InTx.
func (s *Store) hashKey(ctx context.Context) ([]byte, error) {
	s.secretMu.Lock()
	defer s.secretMu.Unlock()
	if s.hashSecret != nil {
		return s.hashSecret, nil
	}
	var key []byte
	err := s.InTx(ctx, func(tx *Tx) error {
		var blob []byte
		err := tx.tx.QueryRowContext(ctx, s.q("SELECT value_enc FROM store_secrets WHERE name = ?"), hashSecretName).Scan(&blob)
		if err == nil {
			v, err := s.open(blob, secretAD(hashSecretName))
			key = []byte(v)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return dbError("reading the store's secret", err)
		}
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return internal("making the store's secret", err)
		}
		enc, err := s.seal(string(key), secretAD(hashSecretName))
		if err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, s.q("INSERT INTO store_secrets (name, value_enc) VALUES (?, ?)"), hashSecretName, enc)
		return dbError("saving the store's secret", err)
	})
	if err != nil {
		return nil, err
	}
	if len(key) != 32 {
		return nil, internal("reading the store's secret", errors.New("wrong length"))
	}
	s.hashSecret = key
	return key, nil
}

// keyedHash is HMAC-SHA256 of purpose and data under key.
func keyedHash(key []byte, purpose, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(data))
	return m.Sum(nil)
}

// AddressHash returns the keyed hash of an email address (lower-cased and
// trimmed first): what opt-outs and the 30-day rule compare.
func (s *Store) AddressHash(ctx context.Context, email string) ([]byte, error) {
	key, err := s.hashKey(ctx)
	if err != nil {
		return nil, err
	}
	return keyedHash(key, "address", strings.ToLower(strings.TrimSpace(email))), nil
}

// MAC returns the keyed hash of data for purpose, under the store's
// secret: the service signs unsubscribe links with it.
func (s *Store) MAC(ctx context.Context, purpose string, data []byte) ([]byte, error) {
	key, err := s.hashKey(ctx)
	if err != nil {
		return nil, err
	}
	return keyedHash(key, "mac:"+purpose, string(data)), nil
}

// AddReviewRequests keeps an org's visits, each with a queued review
// request due chaperone.ReviewRequestDelay after the visit, skipping
// visits already kept (same visit key), all in one transaction with one
// review_request.create event (counts and source only). source is
// "import" or "manual". Every visit is checked first.
func (s *Store) AddReviewRequests(ctx context.Context, actor Actor, orgID int64, source string, vs []review.Visit) (added, skipped int, ids []int64, err error) {
	if orgID == 0 || (source != "import" && source != "manual") {
		return 0, 0, nil, chaperone.Errorf(chaperone.ErrInvalid, "adding visits needs an org and a source")
	}
	for i, v := range vs {
		if _, err := review.CheckAddress(v.Email); err != nil || v.At.IsZero() || len(v.Name) > 200 || len(v.ID) > 200 {
			return 0, 0, nil, chaperone.Errorf(chaperone.ErrInvalid, "visit %d: an address and a date are needed", i+1)
		}
	}
	key, err := s.hashKey(ctx)
	if err != nil {
		return 0, 0, nil, err
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		added, skipped, ids = 0, 0, nil
		stmt, err := tx.tx.PrepareContext(ctx, s.q(`INSERT INTO review_requests (org_id, visit_key, name_enc, email_enc, addr_hash, visited_at,
			source, status, due_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id, visit_key) DO NOTHING RETURNING id`))
		if err != nil {
			return dbError("adding visits", err)
		}
		defer stmt.Close()
		now := s.clock()
		for _, v := range vs {
			email := strings.ToLower(strings.TrimSpace(v.Email))
			vk := hex.EncodeToString(keyedHash(key, "visit", fmt.Sprintf("%d/%s", orgID, v.Key())))
			name, err := s.seal(strings.TrimSpace(v.Name), reviewRequestAD("name", orgID, vk))
			if err != nil {
				return err
			}
			addr, err := s.seal(email, reviewRequestAD("email", orgID, vk))
			if err != nil {
				return err
			}
			var id int64
			err = stmt.QueryRowContext(ctx, orgID, vk, name, addr, keyedHash(key, "address", email), s.tv(v.At), source,
				string(chaperone.RequestQueued), s.tv(v.At.Add(chaperone.ReviewRequestDelay)), s.tv(now), nid(actor.UserID)).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				skipped++
			case err != nil:
				return dbError("adding visits", err)
			default:
				added++
				ids = append(ids, id)
			}
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionReviewRequestCreate, SubjectKind: "org", SubjectID: subject(orgID),
			Details: map[string]any{"added": added, "skipped": skipped, "source": source}})
		return err
	})
	if err != nil {
		return 0, 0, nil, err
	}
	return added, skipped, ids, nil
}

const reviewRequestColumns = `SELECT id, org_id, visit_key, name_enc, email_enc, visited_at, source, status, due_at, attempts, last_error,
	sent_at, created_at, created_by FROM review_requests`

func (s *Store) scanReviewRequest(r scanner) (chaperone.ReviewRequest, error) {
	var rr chaperone.ReviewRequest
	var vk, status string
	var name, email []byte
	err := r.Scan(&rr.ID, &rr.OrgID, &vk, &name, &email, tm(&rr.VisitedAt), &rr.Source, &status, tm(&rr.DueAt), &rr.Attempts, &rr.LastError,
		tm(&rr.SentAt), tm(&rr.CreatedAt), nullable(&rr.CreatedBy))
	if err != nil {
		return rr, dbError("reading the review request", err)
	}
	rr.Status = chaperone.ReviewRequestStatus(status)
	if rr.PatientName, err = s.open(name, reviewRequestAD("name", rr.OrgID, vk)); err != nil {
		return chaperone.ReviewRequest{}, err
	}
	if rr.Email, err = s.open(email, reviewRequestAD("email", rr.OrgID, vk)); err != nil {
		return chaperone.ReviewRequest{}, err
	}
	return rr, nil
}

// ReviewRequestFilter selects review requests for ListReviewRequests.
type ReviewRequestFilter struct {
	OrgID  int64 // required
	Status chaperone.ReviewRequestStatus
	// BeforeID pages: requests with smaller ids (0: from the newest).
	BeforeID int64
	Limit    int // 0 or over 500 means 500
}

// ListReviewRequests returns an org's review requests, newest first,
// decrypted. Showing them is a PHI view: the caller records it.
func (s *Store) ListReviewRequests(ctx context.Context, f ReviewRequestFilter) ([]chaperone.ReviewRequest, error) {
	if f.OrgID == 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "listing review requests needs an org")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	query, args := reviewRequestColumns+" WHERE org_id = ?", []any{f.OrgID}
	if f.Status != "" {
		query, args = query+" AND status = ?", append(args, string(f.Status))
	}
	if f.BeforeID > 0 {
		query, args = query+" AND id < ?", append(args, f.BeforeID)
	}
	return list(ctx, s.rdb, "listing review requests", s.q(query+" ORDER BY id DESC LIMIT ?"), s.scanReviewRequest, append(args, f.Limit)...)
}

// GetReviewRequest returns one review request, decrypted.
func (s *Store) GetReviewRequest(ctx context.Context, id int64) (chaperone.ReviewRequest, error) {
	return s.scanReviewRequest(s.rdb.QueryRowContext(ctx, s.q(reviewRequestColumns+" WHERE id = ?"), id))
}

// ReviewRequestCounts counts an org's requests by status.
func (s *Store) ReviewRequestCounts(ctx context.Context, orgID int64) (map[chaperone.ReviewRequestStatus]int, error) {
	type row struct {
		st string
		n  int
	}
	rows, err := list(ctx, s.rdb, "counting review requests", s.q("SELECT status, COUNT(*) FROM review_requests WHERE org_id = ? GROUP BY status"),
		func(r scanner) (row, error) {
			var x row
			return x, r.Scan(&x.st, &x.n)
		}, orgID)
	out := map[chaperone.ReviewRequestStatus]int{}
	for _, r := range rows {
		out[chaperone.ReviewRequestStatus(r.st)] = r.n
	}
	return out, err
}

// DueOrgs lists the orgs with queued requests due at now.
func (s *Store) DueOrgs(ctx context.Context, now time.Time) ([]int64, error) {
	return list(ctx, s.rdb, "listing due review requests", s.q("SELECT DISTINCT org_id FROM review_requests WHERE status = ? AND due_at <= ? ORDER BY org_id"),
		func(r scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, string(chaperone.RequestQueued), s.tv(now))
}

// DueReviewRequests returns up to limit of an org's queued requests due
// at now, oldest due first, decrypted (the send job needs the address).
func (s *Store) DueReviewRequests(ctx context.Context, orgID int64, now time.Time, limit int) ([]chaperone.ReviewRequest, error) {
	return list(ctx, s.rdb, "listing due review requests", s.q(reviewRequestColumns+" WHERE org_id = ? AND status = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?"),
		s.scanReviewRequest, orgID, string(chaperone.RequestQueued), s.tv(now), limit)
}

// SentSince counts an org's requests sent at or after since: the rate
// limit.
func (s *Store) SentSince(ctx context.Context, orgID int64, since time.Time) (int, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM review_requests WHERE org_id = ? AND sent_at >= ?"), orgID, s.tv(since)).Scan(&n)
	return n, dbError("counting sent review requests", err)
}

// ClaimReviewRequest decides what happens to a queued request, in one
// transaction that holds the write lock (so that two senders never both
// send it, and two requests to one address never both go): opted_out
// when its address is on the org's opt-out list, recent when a request
// went to the address since gapStart, else sending. An outcome other than
// sending is final and audited as review_request.send; a request no
// longer queued gives "" and changes nothing.
func (s *Store) ClaimReviewRequest(ctx context.Context, id int64, gapStart time.Time) (chaperone.ReviewRequestStatus, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.ReviewRequestStatus, error) {
		var orgID int64
		var hash []byte
		var attempts int
		err := tx.tx.QueryRowContext(ctx, s.q("SELECT org_id, addr_hash, attempts FROM review_requests WHERE id = ? AND status = ?"),
			id, string(chaperone.RequestQueued)).Scan(&orgID, &hash, &attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		if err != nil {
			return "", dbError("claiming the review request", err)
		}
		status := chaperone.RequestSending
		var n int
		if err := tx.tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM review_optouts WHERE org_id = ? AND addr_hash = ?"), orgID, hash).Scan(&n); err != nil {
			return "", dbError("checking opt-outs", err)
		}
		if n > 0 {
			status = chaperone.RequestOptedOut
		} else {
			err := tx.tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM review_requests WHERE org_id = ? AND addr_hash = ? AND sent_at >= ?"),
				orgID, hash, s.tv(gapStart)).Scan(&n)
			if err != nil {
				return "", dbError("checking recent requests", err)
			}
			if n > 0 {
				status = chaperone.RequestRecent
			}
		}
		if _, err := tx.tx.ExecContext(ctx, s.q("UPDATE review_requests SET status = ? WHERE id = ?"), string(status), id); err != nil {
			return "", dbError("claiming the review request", err)
		}
		if status != chaperone.RequestSending {
			if err := tx.logAttempt(ctx, id, orgID, attempts, status, ""); err != nil {
				return "", err
			}
		}
		return status, nil
	})
}

// logAttempt appends an attempt row and its review_request.send event.
func (tx *Tx) logAttempt(ctx context.Context, id, orgID int64, attempt int, status chaperone.ReviewRequestStatus, errClass string) error {
	_, err := tx.tx.ExecContext(ctx, tx.s.q("INSERT INTO review_request_attempts (request_id, org_id, at, status, error) VALUES (?, ?, ?, ?, ?)"),
		id, orgID, tx.s.tv(tx.s.clock()), string(status), errClass)
	if err != nil {
		return dbError("logging the attempt", err)
	}
	d := map[string]any{"status": string(status), "attempt": attempt}
	if errClass != "" {
		d["error"] = errClass
	}
	_, err = tx.audit(ctx, System, AuditEntry{OrgID: orgID, Action: chaperone.ActionReviewRequestSend, SubjectKind: "review_request", SubjectID: subject(id), Details: d})
	return err
}

// FinishReviewRequest records the outcome of sending a claimed request
// at the time at: sent when errClass is empty; else, when retryAt is not
// zero and attempts are left (chaperone.MaxReviewRequestAttempts), queued
// again and due at retryAt; else failed. It logs the attempt and audits
// it as review_request.send. errClass must hold no address.
func (s *Store) FinishReviewRequest(ctx context.Context, id int64, at time.Time, errClass string, retryAt time.Time) (chaperone.ReviewRequestStatus, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.ReviewRequestStatus, error) {
		var orgID int64
		var attempts int
		var due timeDest
		var dueAt time.Time
		due.t = &dueAt
		err := tx.tx.QueryRowContext(ctx, s.q("SELECT org_id, attempts, due_at FROM review_requests WHERE id = ? AND status = ?"),
			id, string(chaperone.RequestSending)).Scan(&orgID, &attempts, due)
		if err != nil {
			return "", dbError(fmt.Sprintf("review request %d (not being sent)", id), err)
		}
		attempts++
		status, attemptStatus := chaperone.RequestSent, chaperone.RequestSent
		var sentAt any
		switch {
		case errClass == "":
			sentAt = s.tv(at)
		case !retryAt.IsZero() && attempts < chaperone.MaxReviewRequestAttempts:
			status, attemptStatus, dueAt = chaperone.RequestQueued, "error", retryAt
		default:
			status, attemptStatus = chaperone.RequestFailed, chaperone.RequestFailed
		}
		_, err = tx.tx.ExecContext(ctx, s.q("UPDATE review_requests SET status = ?, attempts = ?, last_error = ?, sent_at = ?, due_at = ? WHERE id = ?"),
			string(status), attempts, errClass, sentAt, s.tv(dueAt), id)
		if err != nil {
			return "", dbError("recording the attempt", err)
		}
		return status, tx.logAttempt(ctx, id, orgID, attempts, attemptStatus, errClass)
	})
}

// ReviewRequestAttempt is one logged attempt to send a request.
type ReviewRequestAttempt struct {
	At     time.Time                     `json:"at"`
	Status chaperone.ReviewRequestStatus `json:"status"` // or "error": a failure that is tried again
	Error  string                        `json:"error,omitempty"`
}

// ReviewRequestAttempts returns a request's attempts, oldest first.
func (s *Store) ReviewRequestAttempts(ctx context.Context, id int64) ([]ReviewRequestAttempt, error) {
	return list(ctx, s.rdb, "listing attempts", s.q("SELECT at, status, error FROM review_request_attempts WHERE request_id = ? ORDER BY id"),
		func(r scanner) (ReviewRequestAttempt, error) {
			var a ReviewRequestAttempt
			var st string
			err := r.Scan(tm(&a.At), &st, &a.Error)
			a.Status = chaperone.ReviewRequestStatus(st)
			return a, err
		}, id)
}

// OptOut adds an address (its keyed hash) to an org's opt-out list and
// audits review_request.optout with how (e.g. "link", "one-click"); queued
// requests to it are opted_out at once. An address already on the list
// changes nothing and reports false.
func (s *Store) OptOut(ctx context.Context, actor Actor, orgID int64, addrHash []byte, how string) (bool, error) {
	if orgID == 0 || len(addrHash) != sha256.Size {
		return false, chaperone.Errorf(chaperone.ErrInvalid, "an opt-out needs an org and an address")
	}
	return inTx1(ctx, s, func(tx *Tx) (bool, error) {
		res, err := tx.tx.ExecContext(ctx, s.q("INSERT INTO review_optouts (org_id, addr_hash, source, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"),
			orgID, addrHash, how, s.tv(s.clock()))
		if err != nil {
			return false, dbError("recording the opt-out", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return false, nil
		}
		res, err = tx.tx.ExecContext(ctx, s.q("UPDATE review_requests SET status = ? WHERE org_id = ? AND addr_hash = ? AND status = ?"),
			string(chaperone.RequestOptedOut), orgID, addrHash, string(chaperone.RequestQueued))
		if err != nil {
			return false, dbError("recording the opt-out", err)
		}
		n, _ := res.RowsAffected()
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionReviewRequestOptOut, SubjectKind: "org", SubjectID: subject(orgID),
			Details: map[string]any{"how": how, "queued_cancelled": n}})
		return err == nil, err
	})
}

// OptedOut reports whether an address (its keyed hash) is on an org's
// opt-out list.
func (s *Store) OptedOut(ctx context.Context, orgID int64, addrHash []byte) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM review_optouts WHERE org_id = ? AND addr_hash = ?"), orgID, addrHash).Scan(&n)
	return n > 0, dbError("checking opt-outs", err)
}

// ReviewLinks returns an org's review pages (all empty when none are
// set).
func (s *Store) ReviewLinks(ctx context.Context, orgID int64) (chaperone.ReviewLinks, error) {
	var l chaperone.ReviewLinks
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT google, yelp, healthgrades, updated_by, updated_at FROM review_links WHERE org_id = ?"), orgID).
		Scan(&l.Google, &l.Yelp, &l.Healthgrades, nullable(&l.UpdatedBy), tm(&l.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return chaperone.ReviewLinks{}, nil
	}
	return l, dbError("reading the review links", err)
}

// SetReviewLinks saves an org's review pages and audits
// review_request.links with which sites are set.
func (s *Store) SetReviewLinks(ctx context.Context, actor Actor, orgID int64, l chaperone.ReviewLinks) (chaperone.ReviewLinks, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.ReviewLinks, error) {
		l.UpdatedBy, l.UpdatedAt = actor.UserID, s.clock()
		_, err := tx.tx.ExecContext(ctx, s.q(`INSERT INTO review_links (org_id, google, yelp, healthgrades, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET google = excluded.google, yelp = excluded.yelp, healthgrades = excluded.healthgrades,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`),
			orgID, l.Google, l.Yelp, l.Healthgrades, nid(actor.UserID), s.tv(l.UpdatedAt))
		if err != nil {
			return l, dbError("saving the review links", err)
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionReviewLinks, SubjectKind: "org", SubjectID: subject(orgID),
			Details: map[string]any{"google": l.Google != "", "yelp": l.Yelp != "", "healthgrades": l.Healthgrades != ""}})
		return l, err
	})
}
