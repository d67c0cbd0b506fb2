package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	chaperone "github.com/chaperone-project/chaperone"
)

// DocHash is the SHA-256 an attestation binds to: the document's
// Markdown and its quiz.
func DocHash(markdown string, quiz []chaperone.Question) string {
	js, _ := json.Marshal(quiz)
	h := sha256.New()
	h.Write([]byte(markdown))
	h.Write([]byte{0})
	h.Write(js)
	return hex.EncodeToString(h.Sum(nil))
}

// PublishTraining stores a new version of a training document (Version,
// SHA256, CreatedAt and CreatedBy are set here) and appends
// training.publish. The service validates it first.
func (s *Store) PublishTraining(ctx context.Context, actor Actor, d chaperone.TrainingDoc) (chaperone.TrainingDoc, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.TrainingDoc, error) {
		var last int
		if err := tx.tx.QueryRowContext(ctx, tx.s.q("SELECT COALESCE(MAX(version), 0) FROM training_docs WHERE org_id = ? AND slug = ?"), d.OrgID, d.Slug).Scan(&last); err != nil {
			return d, dbError("numbering the document", err)
		}
		d.Version, d.SHA256, d.CreatedAt, d.CreatedBy = last+1, DocHash(d.Markdown, d.Quiz), tx.s.clock(), actor.UserID
		quiz, err := json.Marshal(d.Quiz)
		if err != nil {
			return d, internal("encoding the quiz", err)
		}
		_, err = tx.tx.ExecContext(ctx, tx.s.q(`INSERT INTO training_docs (org_id, slug, version, title, markdown, sha256, quiz, pass_score,
			renewal_days, grace_days, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), d.OrgID, d.Slug, d.Version, d.Title,
			d.Markdown, d.SHA256, string(quiz), d.PassScore, d.RenewalDays, d.GraceDays, nid(actor.UserID), tx.s.tv(d.CreatedAt))
		if err != nil {
			return d, dbError("publishing the document", err)
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: d.OrgID, Action: chaperone.ActionTrainingPublish, SubjectKind: "training", SubjectID: d.Slug,
			Details: map[string]any{"version": d.Version, "sha256": d.SHA256, "questions": len(d.Quiz)}})
		return d, err
	})
}

const trainingColumns = `SELECT org_id, slug, version, title, markdown, sha256, quiz, pass_score, renewal_days, grace_days, created_by, created_at
	FROM training_docs`

func scanTraining(r scanner) (chaperone.TrainingDoc, error) {
	var d chaperone.TrainingDoc
	var quiz string
	if err := r.Scan(&d.OrgID, &d.Slug, &d.Version, &d.Title, &d.Markdown, &d.SHA256, &quiz, &d.PassScore, &d.RenewalDays, &d.GraceDays,
		nullable(&d.CreatedBy), tm(&d.CreatedAt)); err != nil {
		return d, dbError("reading the training document", err)
	}
	if err := json.Unmarshal([]byte(quiz), &d.Quiz); err != nil {
		return d, internal("decoding the quiz", err)
	}
	return d, nil
}

// LatestTraining returns the latest version of every training document of
// an org, by slug.
func (s *Store) LatestTraining(ctx context.Context, orgID int64) ([]chaperone.TrainingDoc, error) {
	return list(ctx, s.rdb, "listing training", s.q(trainingColumns+` WHERE org_id = ? AND version =
		(SELECT MAX(version) FROM training_docs t WHERE t.org_id = training_docs.org_id AND t.slug = training_docs.slug) ORDER BY slug`), scanTraining, orgID)
}

// GetTraining returns a version of a document (0: the latest).
func (s *Store) GetTraining(ctx context.Context, orgID int64, slug string, version int) (chaperone.TrainingDoc, error) {
	if version == 0 {
		return scanTraining(s.rdb.QueryRowContext(ctx, s.q(trainingColumns+" WHERE org_id = ? AND slug = ? ORDER BY version DESC LIMIT 1"), orgID, slug))
	}
	return scanTraining(s.rdb.QueryRowContext(ctx, s.q(trainingColumns+" WHERE org_id = ? AND slug = ? AND version = ?"), orgID, slug, version))
}

// Attest records a quiz result (ID set here) and appends training.attest.
func (s *Store) Attest(ctx context.Context, actor Actor, a chaperone.Attestation) (chaperone.Attestation, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.Attestation, error) {
		a.At, a.ExpiresAt = norm(a.At), norm(a.ExpiresAt)
		err := tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO attestations (org_id, user_id, slug, version, doc_sha256, score, passed, at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), a.OrgID, a.UserID, a.Slug, a.Version, a.DocSHA256, a.Score, a.Passed,
			tx.s.tv(a.At), tx.s.tv(a.ExpiresAt)).Scan(&a.ID)
		if err != nil {
			return a, dbError("recording the attestation", err)
		}
		_, err = tx.audit(ctx, actor, AuditEntry{OrgID: a.OrgID, Action: chaperone.ActionTrainingAttest, SubjectKind: "training", SubjectID: a.Slug,
			Details: map[string]any{"user_id": a.UserID, "version": a.Version, "sha256": a.DocSHA256, "score": a.Score, "passed": a.Passed}})
		return a, err
	})
}

func scanAttestation(r scanner) (chaperone.Attestation, error) {
	var a chaperone.Attestation
	err := r.Scan(&a.ID, &a.OrgID, &a.UserID, &a.Slug, &a.Version, &a.DocSHA256, &a.Score, &a.Passed, tm(&a.At), tm(&a.ExpiresAt))
	return a, dbError("reading the attestation", err)
}

// Attestations returns an org's attestations (one user's with userID),
// newest first.
func (s *Store) Attestations(ctx context.Context, orgID, userID int64) ([]chaperone.Attestation, error) {
	q, args := "SELECT id, org_id, user_id, slug, version, doc_sha256, score, passed, at, expires_at FROM attestations WHERE org_id = ?", []any{orgID}
	if userID != 0 {
		q, args = q+" AND user_id = ?", append(args, userID)
	}
	return list(ctx, s.rdb, "listing attestations", s.q(q+" ORDER BY id DESC LIMIT 10000"), scanAttestation, args...)
}
