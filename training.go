package chaperone

import (
	"time"
)

// TrainingDoc is one version of a policy document clinicians must read
// and attest to (social-media policy, HIPAA basics), with a short quiz.
// Each version is kept; attesting to an older version does not count once
// a new one is out. Not PHI.
type TrainingDoc struct {
	OrgID    int64      `json:"org_id"`
	Slug     string     `json:"slug"` // "social-media-policy"
	Version  int        `json:"version"`
	Title    string     `json:"title"`
	Markdown string     `json:"markdown"`
	SHA256   string     `json:"sha256"` // of Markdown and the quiz: what an attestation binds to
	Quiz     []Question `json:"quiz"`
	// PassScore is the share of right answers needed, in percent.
	PassScore int `json:"pass_score"`
	// RenewalDays is how long an attestation lasts (365: yearly).
	RenewalDays int `json:"renewal_days"`
	// GraceDays is how long users have to attest to a new version before
	// they are overdue.
	GraceDays int       `json:"grace_days"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Question is one multiple-choice quiz question.
type Question struct {
	Prompt  string   `json:"prompt"`
	Choices []string `json:"choices"`
	Answer  int      `json:"answer"` // index into Choices
}

// Attestation records that a user read a version of a training document
// and passed (or failed) its quiz.
type Attestation struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	UserID    int64     `json:"user_id"`
	Slug      string    `json:"slug"`
	Version   int       `json:"version"`
	DocSHA256 string    `json:"doc_sha256"`
	Score     int       `json:"score"` // percent right
	Passed    bool      `json:"passed"`
	At        time.Time `json:"at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// TrainingState is where a user stands with one document.
type TrainingState string

// Training states: current (a passing attestation to the latest version,
// not expired), due (not current, within the grace period), overdue.
const (
	TrainingCurrent TrainingState = "current"
	TrainingDue     TrainingState = "due"
	TrainingOverdue TrainingState = "overdue"
)
