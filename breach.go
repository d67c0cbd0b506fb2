package chaperone

import (
	"strings"
	"time"
)

// BreachIncident is PHI found in something already published, handled
// as the HIPAA Breach Notification Rule asks: the four-factor risk
// assessment (45 CFR 164.402(2)), the decision whether it is a breach,
// the notifications it requires (164.404 individuals, 164.406 media,
// 164.408 the Secretary of HHS) each with its due date, and the close.
// Description, the factors' texts and the rationale may hold PHI: the
// store encrypts them.
type BreachIncident struct {
	ID    int64 `json:"id"`
	OrgID int64 `json:"org_id"`
	// What was found, and the archived post it was found in (0: none
	// linked).
	Description   string    `json:"description"`
	ArchiveItemID int64     `json:"archive_item_id,omitempty"`
	DiscoveredAt  time.Time `json:"discovered_at"`
	ReportedBy    int64     `json:"reported_by"`
	// The four factors of 164.402(2).
	Nature     RiskFactor `json:"nature"`     // (i) nature and extent of the PHI, identifiers, likelihood of re-identification
	Recipient  RiskFactor `json:"recipient"`  // (ii) the unauthorized person who used it or to whom it was disclosed
	Acquired   RiskFactor `json:"acquired"`   // (iii) whether the PHI was actually acquired or viewed
	Mitigation RiskFactor `json:"mitigation"` // (iv) the extent to which the risk has been mitigated
	// The decision, once made.
	Decision  BreachDecision `json:"decision,omitempty"`
	Rationale string         `json:"rationale,omitempty"`
	// Affected is the number of individuals whose PHI it holds;
	// MaxInState the most residents of any one state or jurisdiction
	// among them (over 500 there: notify the media, 164.406).
	Affected   int       `json:"affected"`
	MaxInState int       `json:"max_in_state"`
	DecidedBy  int64     `json:"decided_by,omitempty"`
	DecidedAt  time.Time `json:"decided_at,omitzero"`
	Status     string    `json:"status"` // IncidentOpen or IncidentClosed
	ClosedBy   int64     `json:"closed_by,omitempty"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	CreatedAt  time.Time `json:"created_at"`
	// Tasks are the notifications a breach requires, made at the
	// decision.
	Tasks []BreachTask `json:"tasks"`
}

// Incident statuses.
const (
	IncidentOpen   = "open"
	IncidentClosed = "closed"
)

// RiskFactor is one factor of the risk assessment: what was found, and
// how much it adds to the probability that the PHI was compromised.
type RiskFactor struct {
	Text   string `json:"text"`
	Rating Rating `json:"rating,omitempty"`
}

// Rating is a factor's contribution to the risk.
type Rating string

// Ratings.
const (
	RatingLow    Rating = "low"
	RatingMedium Rating = "medium"
	RatingHigh   Rating = "high"
)

// Valid reports whether r is a known rating.
func (r Rating) Valid() bool { return r == RatingLow || r == RatingMedium || r == RatingHigh }

// Assessed reports whether the factor has its text and rating.
func (f RiskFactor) Assessed() bool { return strings.TrimSpace(f.Text) != "" && f.Rating.Valid() }

// Assessed reports whether all four factors are assessed.
func (b BreachIncident) Assessed() bool {
	return b.Nature.Assessed() && b.Recipient.Assessed() && b.Acquired.Assessed() && b.Mitigation.Assessed()
}

// BreachDecision is the outcome of the risk assessment.
type BreachDecision string

// Decisions: a breach, or not one because the assessment shows a low
// probability that the PHI has been compromised (164.402(2)).
const (
	DecisionBreach    BreachDecision = "breach"
	DecisionNotBreach BreachDecision = "not_breach"
)

// Valid reports whether d is a known decision.
func (d BreachDecision) Valid() bool { return d == DecisionBreach || d == DecisionNotBreach }

// BreachTaskKind is a notification a breach requires.
type BreachTaskKind string

// Notification tasks.
const (
	NotifyIndividuals BreachTaskKind = "individuals" // 164.404
	NotifyMedia       BreachTaskKind = "media"       // 164.406: more than 500 residents of a state
	NotifyHHS         BreachTaskKind = "hhs"         // 164.408(b): 500 or more, with the individuals' notice
	NotifyHHSLog      BreachTaskKind = "hhs_log"     // 164.408(c): fewer than 500, in the annual log
)

// BreachTask is one notification and when it is due.
type BreachTask struct {
	ID         int64          `json:"id"`
	IncidentID int64          `json:"incident_id"`
	Kind       BreachTaskKind `json:"kind"`
	Due        time.Time      `json:"due"`
	DoneAt     time.Time      `json:"done_at,omitzero"`
	DoneBy     int64          `json:"done_by,omitempty"`
}

// NotificationWindow is the latest a notification may follow the
// discovery of a breach: without unreasonable delay and in no case later
// than 60 calendar days (45 CFR 164.404(b), 164.406(b), 164.408(b)).
const NotificationWindow = 60

// LargeBreach is the number of individuals from which HHS is notified
// with the individuals rather than in the annual log (164.408(b)), and
// above which, in one state, the media are (164.406(a), "more than 500").
const LargeBreach = 500

// NotificationTasks returns the notifications a breach of affected
// individuals (at most maxInState of them in one state) discovered at
// discovered requires, each with its due date: the individuals within
// 60 days; the media within 60 days when more than 500 live in one state;
// HHS within 60 days when 500 or more are affected, else in the annual
// log, due 60 days after the end of the calendar year of discovery
// (December 31 + 60 days: March 1, or February 29 in a leap year).
func NotificationTasks(discovered time.Time, affected, maxInState int) []BreachTask {
	d := discovered.UTC()
	within := d.AddDate(0, 0, NotificationWindow)
	tasks := []BreachTask{{Kind: NotifyIndividuals, Due: within}}
	if maxInState > LargeBreach {
		tasks = append(tasks, BreachTask{Kind: NotifyMedia, Due: within})
	}
	if affected >= LargeBreach {
		tasks = append(tasks, BreachTask{Kind: NotifyHHS, Due: within})
	} else {
		tasks = append(tasks, BreachTask{Kind: NotifyHHSLog, Due: AnnualLogDue(d.Year())})
	}
	return tasks
}

// AnnualLogDue is when the log of a year's breaches of fewer than 500
// individuals is due to HHS: the end of the 60th day after December 31
// of that year (164.408(c)).
func AnnualLogDue(year int) time.Time {
	return time.Date(year, time.December, 31, 23, 59, 59, 0, time.UTC).AddDate(0, 0, NotificationWindow)
}

// BreachLogEntry is one line of the HHS log of breaches of fewer than
// 500 individuals for a calendar year.
type BreachLogEntry struct {
	IncidentID   int64     `json:"incident_id"`
	DiscoveredAt time.Time `json:"discovered_at"`
	Affected     int       `json:"affected"`
	Description  string    `json:"description"`
	Nature       Rating    `json:"nature_rating"`
	Recipient    Rating    `json:"recipient_rating"`
	Acquired     Rating    `json:"acquired_rating"`
	Mitigation   Rating    `json:"mitigation_rating"`
	Rationale    string    `json:"rationale"`
	// IndividualsNotified is when the individuals' notice was sent (zero:
	// not yet).
	IndividualsNotified time.Time `json:"individuals_notified,omitzero"`
	Status              string    `json:"status"`
}
