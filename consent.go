package chaperone

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Consent is a patient's written authorisation to disclose their
// information (45 CFR 164.508): a photo, a story, a testimonial. A draft
// that needs consent is published only when linked to a consent that is
// valid, unexpired and covers its channel and medium. Patient, SignedBy,
// Representative and the descriptions may identify the patient: the
// store encrypts them, and the signed document itself.
type Consent struct {
	ID    int64 `json:"id"`
	OrgID int64 `json:"org_id"`
	// Patient is how the practice knows the patient (name or chart
	// number), for finding the consent again.
	Patient string `json:"patient"`
	// The core elements (164.508(c)(1)).
	Discloses   string    `json:"discloses"`    // what may be disclosed, specifically
	DisclosedBy string    `json:"disclosed_by"` // who may disclose it
	Recipient   string    `json:"recipient"`    // to whom
	Purpose     string    `json:"purpose"`
	Expires     time.Time `json:"expires,omitzero"`       // the expiry date, or
	ExpiryEvent string    `json:"expiry_event,omitempty"` // the event that ends it
	SignedBy    string    `json:"signed_by"`
	SignedAt    time.Time `json:"signed_at"`
	// Representative is the authority of a personal representative who
	// signed for the patient ("parent of a minor"); empty when the
	// patient signed.
	Representative string `json:"representative,omitempty"`
	// The required statements (164.508(c)(2)).
	RightToRevoke  bool `json:"right_to_revoke"` // the right to revoke in writing, and how
	NoConditioning bool `json:"no_conditioning"` // treatment does not depend on signing
	Redisclosure   bool `json:"redisclosure"`    // what is disclosed may be redisclosed
	// Scope: the media ("text", "photo", "video") and channels it covers.
	Media    []string  `json:"media"`
	Channels []Channel `json:"channels"`
	// The signed document: its SHA-256, content type and size (the bytes
	// are kept encrypted by the store).
	DocumentSHA256 string `json:"document_sha256"`
	DocumentType   string `json:"document_type"`
	DocumentSize   int    `json:"document_size"`
	// Revocation.
	RevokedAt     time.Time `json:"revoked_at,omitzero"`
	RevokedReason string    `json:"revoked_reason,omitempty"`
	CreatedBy     int64     `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
}

// Consent media.
var ConsentMedia = []string{"text", "photo", "video"}

// CheckElements reports the first core element or required statement the
// consent lacks (45 CFR 164.508(c)), or nil.
func (c Consent) CheckElements() error {
	missing := func(what, cite string) error {
		return Errorf(ErrInvalid, "the authorisation needs %s (45 CFR %s)", what, cite)
	}
	switch {
	case strings.TrimSpace(c.Patient) == "":
		return Errorf(ErrInvalid, "say which patient the authorisation is from")
	case strings.TrimSpace(c.Discloses) == "":
		return missing("a specific description of what may be disclosed", "164.508(c)(1)(i)")
	case strings.TrimSpace(c.DisclosedBy) == "":
		return missing("who may disclose it", "164.508(c)(1)(ii)")
	case strings.TrimSpace(c.Recipient) == "":
		return missing("to whom it may be disclosed", "164.508(c)(1)(iii)")
	case strings.TrimSpace(c.Purpose) == "":
		return missing("the purpose of the disclosure", "164.508(c)(1)(iv)")
	case c.Expires.IsZero() && strings.TrimSpace(c.ExpiryEvent) == "":
		return missing("an expiration date or event", "164.508(c)(1)(v)")
	case strings.TrimSpace(c.SignedBy) == "" || c.SignedAt.IsZero():
		return missing("the signature and its date", "164.508(c)(1)(vi)")
	case !c.RightToRevoke:
		return missing("the statement of the right to revoke it", "164.508(c)(2)(i)")
	case !c.NoConditioning:
		return missing("the statement that treatment does not depend on signing", "164.508(c)(2)(ii)")
	case !c.Redisclosure:
		return missing("the statement that disclosed information may be redisclosed", "164.508(c)(2)(iii)")
	case len(c.Media) == 0 || len(c.Channels) == 0:
		return Errorf(ErrInvalid, "say which media and channels the authorisation covers")
	}
	for _, m := range c.Media {
		if !slices.Contains(ConsentMedia, m) {
			return Errorf(ErrInvalid, "unknown medium %q (text, photo or video)", m)
		}
	}
	for _, ch := range c.Channels {
		if !ch.Valid() {
			return Errorf(ErrInvalid, "unknown channel %q", ch)
		}
	}
	if !c.Expires.IsZero() && c.Expires.Before(c.SignedAt) {
		return Errorf(ErrInvalid, "the authorisation expires before it was signed")
	}
	return nil
}

// ValidAt reports why the consent cannot back a publication at time at:
// revoked, expired, or missing an element; nil when it can.
func (c Consent) ValidAt(at time.Time) error {
	if err := c.CheckElements(); err != nil {
		return err
	}
	if !c.RevokedAt.IsZero() && !c.RevokedAt.After(at) {
		return Errorf(ErrConflict, "authorisation %d was revoked", c.ID)
	}
	if !c.Expires.IsZero() && !at.Before(c.Expires) {
		return Errorf(ErrConflict, "authorisation %d expired on %s", c.ID, c.Expires.UTC().Format(time.DateOnly))
	}
	return nil
}

// Covers reports whether the consent's scope includes the channel and
// medium.
func (c Consent) Covers(ch Channel, medium string) bool {
	return slices.Contains(c.Channels, ch) && slices.Contains(c.Media, medium)
}

// String names the consent without PHI, for messages.
func (c Consent) String() string { return fmt.Sprintf("authorisation %d", c.ID) }

// TakedownTask is the work a revoked consent leaves: a published item
// that relied on it must come down by Due.
type TakedownTask struct {
	ID            int64     `json:"id"`
	OrgID         int64     `json:"org_id"`
	ConsentID     int64     `json:"consent_id"`
	ArchiveItemID int64     `json:"archive_item_id"`
	DraftID       int64     `json:"draft_id"`
	PublishedURL  string    `json:"published_url"`
	Due           time.Time `json:"due"`
	DoneAt        time.Time `json:"done_at,omitzero"`
	DoneBy        int64     `json:"done_by,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}
