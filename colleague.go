package chaperone

import (
	"slices"
	"time"
)

// ColleagueReport is a report about content a colleague posted, handled
// in the two steps of AMA Opinion 2.3.2: the colleague is told privately
// and given until Deadline to fix it (ReportOpen); if they do not, the
// report goes to the compliance officer (ReportEscalated), who records
// the outcome (ReportDecided). Reports are never deleted.
//
// Content, URL and the notes may hold PHI (the post may name a patient):
// the store encrypts them, and the screenshot. When Anonymous, the
// colleague's view carries neither ReporterID nor ReporterName.
type ColleagueReport struct {
	ID         int64 `json:"id"`
	OrgID      int64 `json:"org_id"`
	ReporterID int64 `json:"reporter_id,omitempty"` // 0 in the colleague's view of an anonymous report
	SubjectID  int64 `json:"subject_id"`            // the colleague who posted it
	// The reported content: what it says or shows, and where.
	Content string `json:"content"`
	URL     string `json:"url,omitempty"`
	// The screenshot (PNG, JPEG or WebP): its SHA-256, type and size; the
	// bytes are kept encrypted. Empty when none was attached.
	ScreenshotSHA256 string       `json:"screenshot_sha256,omitempty"`
	ScreenshotType   string       `json:"screenshot_type,omitempty"`
	ScreenshotSize   int          `json:"screenshot_size,omitempty"`
	Anonymous        bool         `json:"anonymous"`
	Status           ReportStatus `json:"status"`
	Deadline         time.Time    `json:"deadline"`
	NotifiedAt       time.Time    `json:"notified_at"`
	// The colleague's response.
	Response     ReportResponse `json:"response,omitempty"`
	ResponseNote string         `json:"response_note,omitempty"`
	RespondedAt  time.Time      `json:"responded_at,omitzero"`
	EscalatedAt  time.Time      `json:"escalated_at,omitzero"`
	// Compliance's outcome.
	Outcome     ReportOutcome `json:"outcome,omitempty"`
	OutcomeNote string        `json:"outcome_note,omitempty"`
	OutcomeBy   int64         `json:"outcome_by,omitempty"`
	OutcomeAt   time.Time     `json:"outcome_at,omitzero"`
	CreatedAt   time.Time     `json:"created_at"`
	// Names, filled by the service for display; ReporterName is empty in
	// the colleague's view of an anonymous report.
	ReporterName string `json:"reporter_name,omitempty"`
	SubjectName  string `json:"subject_name,omitempty"`
}

// ReportStatus is where a colleague report stands.
type ReportStatus string

// Report statuses: open (the colleague is told and may fix it), then
// resolved by the colleague, or escalated to compliance at the deadline
// and decided when compliance records the outcome.
const (
	ReportOpen      ReportStatus = "open"
	ReportResolved  ReportStatus = "resolved_by_colleague"
	ReportEscalated ReportStatus = "escalated"
	ReportDecided   ReportStatus = "outcome_recorded"
)

// ReportResponse is the colleague's answer to a report.
type ReportResponse string

// Responses: they removed (or fixed) the content, or they disagree (with
// a note saying why).
const (
	ResponseRemoved  ReportResponse = "removed"
	ResponseDisagree ReportResponse = "disagree"
)

// Valid reports whether r is a known response.
func (r ReportResponse) Valid() bool { return r == ResponseRemoved || r == ResponseDisagree }

// ReportOutcome is what compliance decided about an escalated report.
type ReportOutcome string

// Outcomes.
const (
	OutcomeNoIssue         ReportOutcome = "no_issue"
	OutcomeRemoved         ReportOutcome = "removed"
	OutcomeSanction        ReportOutcome = "sanction"
	OutcomeReferredToBoard ReportOutcome = "referred_to_board"
)

// ReportOutcomes lists the outcomes, in a stable order.
var ReportOutcomes = []ReportOutcome{OutcomeNoIssue, OutcomeRemoved, OutcomeSanction, OutcomeReferredToBoard}

// Valid reports whether o is a known outcome.
func (o ReportOutcome) Valid() bool { return slices.Contains(ReportOutcomes, o) }
