package chaperone

import (
	"fmt"
	"time"
)

// ReviewRequest is one visit and the email that asks its patient for a
// review on the practice's review pages. Every visit gets one, with the
// same message (no gating: 16 CFR Part 465, 2024). PatientName and Email
// are PHI (the fact of a visit is): the store encrypts them, and they
// never appear in logs, errors or audit details. No reason for the visit,
// diagnosis or provider is ever kept. The service creates requests when
// visits are imported or added by hand, and the send job sends them.
type ReviewRequest struct {
	ID          int64  `json:"id"`
	OrgID       int64  `json:"org_id"`
	PatientName string `json:"patient_name,omitempty"`
	Email       string `json:"email,omitempty"`
	// VisitedAt is when the visit was (a date is kept as 00:00 UTC).
	VisitedAt time.Time `json:"visited_at"`
	// Source says how the visit came: "import" (an appointment CSV) or
	// "manual".
	Source string              `json:"source"`
	Status ReviewRequestStatus `json:"status"`
	// DueAt is when the request may be sent: a day after the visit.
	DueAt     time.Time `json:"due_at"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"` // an error class, never an address
	SentAt    time.Time `json:"sent_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy int64     `json:"created_by,omitempty"`
}

// ReviewRequestStatus is where a review request stands.
type ReviewRequestStatus string

// Review request statuses. A request is queued until it is due and the
// send job takes it (sending); it ends sent, opted_out (the address asked
// for no more requests), recent (the address had a request less than
// ReviewRequestGap ago) or failed (the mail server refused it for good,
// or MaxReviewRequestAttempts attempts failed).
const (
	RequestQueued   ReviewRequestStatus = "queued"
	RequestSending  ReviewRequestStatus = "sending"
	RequestSent     ReviewRequestStatus = "sent"
	RequestOptedOut ReviewRequestStatus = "opted_out"
	RequestRecent   ReviewRequestStatus = "recent"
	RequestFailed   ReviewRequestStatus = "failed"
)

// ReviewRequestGap is the least time between two requests to one
// address: at most one request per patient address every 30 days.
const ReviewRequestGap = 30 * 24 * time.Hour

// ReviewRequestDelay is how long after a visit its request is due.
const ReviewRequestDelay = 24 * time.Hour

// MaxReviewRequestAttempts is how many times sending a request is tried
// before it is failed.
const MaxReviewRequestAttempts = 5

// ReviewLinks are an organisation's pages where patients leave reviews,
// set by its admins; every review request links to those that are set.
type ReviewLinks struct {
	Google       string    `json:"google"`
	Yelp         string    `json:"yelp"`
	Healthgrades string    `json:"healthgrades"`
	UpdatedBy    int64     `json:"updated_by,omitempty"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
}

// Any reports whether at least one link is set.
func (l ReviewLinks) Any() bool { return l.Google != "" || l.Yelp != "" || l.Healthgrades != "" }

// String names the request without PHI, for messages.
func (r ReviewRequest) String() string { return fmt.Sprintf("review request %d", r.ID) }

// Audit actions of review requests. Details hold ids, counts and
// statuses, never a name, an address or a visit's date.
const (
	// ActionReviewRequestCreate: visits imported or added by hand, each
	// with its request (details: added, skipped, source).
	ActionReviewRequestCreate AuditAction = "review_request.create"
	// ActionReviewRequestSend: one attempt to send a request (details:
	// status, attempt, error class).
	ActionReviewRequestSend AuditAction = "review_request.send"
	// ActionReviewRequestOptOut: an address asked for no more requests
	// (details: how: link or one-click).
	ActionReviewRequestOptOut AuditAction = "review_request.optout"
	// ActionReviewLinks: an admin changed the org's review links (details:
	// which sites are set).
	ActionReviewLinks AuditAction = "review_request.links"
)
