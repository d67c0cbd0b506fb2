package chaperone

import (
	"fmt"
	"time"
)

// PatientReview is a review a patient (or someone claiming to be one)
// left about the practice on a review site, imported from the site's
// export (see package review). Reviewer and Text are the reviewer's own
// words and may hold PHI: the store encrypts them, and they never appear
// in logs, errors or audit details. A review is unique in its org by
// (Site, ExternalID), so importing the same export twice adds nothing.
type PatientReview struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"org_id"`
	Site       string `json:"site"`        // "google", "yelp", "healthgrades" …
	ExternalID string `json:"external_id"` // the site's id of the review
	Reviewer   string `json:"reviewer,omitempty"`
	Rating     int    `json:"rating"` // 1 to 5 stars
	Text       string `json:"text,omitempty"`
	// CreatedAt is when the review was posted on the site.
	CreatedAt time.Time `json:"created_at"`
	URL       string    `json:"url,omitempty"`
	// RepliedOnSite says the export already held a reply from the
	// practice (its text is not kept).
	RepliedOnSite bool      `json:"replied_on_site,omitempty"`
	ImportedAt    time.Time `json:"imported_at"`
	ImportedBy    int64     `json:"imported_by,omitempty"` // 0: the system
	// AcknowledgedAt is when someone marked the review as seen, which
	// ends its low-rating alert; zero while it is new.
	AcknowledgedAt time.Time `json:"acknowledged_at,omitzero"`
	AcknowledgedBy int64     `json:"acknowledged_by,omitempty"`
	// ReplyDraftID is the draft of the practice's reply (channel
	// review_reply), 0 while there is none.
	ReplyDraftID int64 `json:"reply_draft_id,omitempty"`
}

// LowRating is the highest rating that raises an alert: 1 and 2 stars.
const LowRating = 2

// Acknowledged reports whether someone has marked the review as seen.
func (r PatientReview) Acknowledged() bool { return !r.AcknowledgedAt.IsZero() }

// Low reports whether the review's rating raises an alert.
func (r PatientReview) Low() bool { return r.Rating <= LowRating }

// Replied reports whether the review has a reply: drafted here or
// already published on the site.
func (r PatientReview) Replied() bool { return r.ReplyDraftID != 0 || r.RepliedOnSite }

// String names the review without PHI, for messages.
func (r PatientReview) String() string { return fmt.Sprintf("review %d", r.ID) }
