package chaperone

import (
	"slices"
	"time"
)

// Relationship is a clinician's financial relationship with a company
// whose products they may discuss: consulting, speaking, research,
// ownership, royalties, gifts. Confirmed relationships are what the screen
// checks posts against (UNDISCLOSED_FINANCIAL: FTC Endorsement Guides, AMA
// Opinion 2.3.2). Proposed ones come from an Open Payments import and wait
// for the clinician to confirm or dismiss them.
type Relationship struct {
	ID      int64            `json:"id"`
	OrgID   int64            `json:"org_id"`
	UserID  int64            `json:"user_id"`
	Company string           `json:"company"`
	Kind    RelationshipKind `json:"kind"`
	From    time.Time        `json:"from"`
	To      time.Time        `json:"to,omitzero"` // zero: ongoing
	// Source is "declared" or "open_payments".
	Source string `json:"source"`
	// Status is "confirmed", "proposed" or "dismissed".
	Status string `json:"status"`
	// Detail is what the import found (payments, total, products), or the
	// clinician's note.
	Detail    string    `json:"detail,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// RelationshipKind is what the relationship is.
type RelationshipKind string

// Relationship kinds.
const (
	TieConsulting RelationshipKind = "consulting"
	TieSpeaking   RelationshipKind = "speaking"
	TieResearch   RelationshipKind = "research"
	TieOwnership  RelationshipKind = "ownership"
	TieRoyalty    RelationshipKind = "royalty"
	TieGifts      RelationshipKind = "gifts"
	TieOther      RelationshipKind = "other"
)

// RelationshipKinds lists the kinds, in a stable order.
var RelationshipKinds = []RelationshipKind{TieConsulting, TieSpeaking, TieResearch, TieOwnership, TieRoyalty, TieGifts, TieOther}

// Valid reports whether k is a known kind.
func (k RelationshipKind) Valid() bool { return slices.Contains(RelationshipKinds, k) }

// Relationship statuses and sources.
const (
	TieConfirmed = "confirmed"
	TieProposed  = "proposed"
	TieDismissed = "dismissed"

	TieDeclared     = "declared"
	TieOpenPayments = "open_payments"
)

// DisclosureLookback is how long after a relationship ends posts still
// disclose it: 24 months, as the ACCME Standards for Integrity and
// Independence ask of accredited education.
const DisclosureLookback = 2 * 365 * 24 * time.Hour

// ActiveAt reports whether a confirmed relationship is in force at t, or
// ended less than DisclosureLookback before.
func (r Relationship) ActiveAt(t time.Time) bool {
	if r.Status != TieConfirmed || r.From.After(t) {
		return false
	}
	return r.To.IsZero() || t.Sub(r.To) < DisclosureLookback
}
