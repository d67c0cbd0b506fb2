// Package grade computes the presence grade: a score from 0 to 100 for a
// clinician's social-media presence, and for their organisation, made of
// parts that are each shown, explained with the numbers measured, and
// paired with what to fix and where.
//
// It is a pure computation over counts the service gathers from the store
// (Compute for a clinician, ComputeOrg for an organisation); it imports
// no storage or web code, so its rules are tested on fixtures with known
// answers. The service calls it for the /grade page, the dashboard, the
// JSON API, the daily snapshots and the audit report.
//
// Weights (Weights) and rules, for a clinician:
//
//   - accounts (15): 60 % for having a professional account, 20 % for no
//     platform and handle recorded both as personal and as professional,
//     20 % for no draft on a personal account whose screen found clinical
//     content (PERSONAL_ACCOUNT_CLINICAL).
//   - bio (15): no bio screened scores 0. Otherwise 50 % for credentials:
//     all of it when the NPPES record supports every claim, none when a
//     claim is unsupported (CREDENTIAL_MISMATCH), half when there is no
//     record to check against; and 50 % for a disclaimer (HasDisclaimer).
//   - findings (25): open tasks on published posts, a block costing 25 %
//     and a review 10 %, down to 0. Not applicable while no published post
//     is kept for the clinician.
//   - consent (15): the share of published items needing a patient's
//     authorisation (CONSENT_NEEDED) that are covered now: a linked
//     authorisation still valid, or the takedown done. Not applicable
//     when none needed one.
//   - training (15): the share of training documents current, a document
//     still within its grace period counting half. Not applicable when
//     the organisation has published none.
//
// A part that does not apply is shown as not applicable and its weight is
// shared among the others in proportion to theirs: the score is the
// points earned over the weights that apply, times 100.
//
// For an organisation: the clinicians' part (85) is the mean of its
// clinicians' scores (every active clinician counts, including one with
// nothing published, whose findings part is then not applicable), and the
// reviews part (15) scores reply rate and reply safety on patient
// reviews: 50 % times the share of reviews replied (drafted here or on the
// site), and 50 % times the share of reply drafts that are safe (not
// rejected drafts whose screen neither blocks nor finds
// RELATIONSHIP_CONFIRMED). Not applicable while no review is imported.
package grade

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Part ids.
const (
	PartAccounts   = "accounts"
	PartBio        = "bio"
	PartFindings   = "findings"
	PartConsent    = "consent"
	PartTraining   = "training"
	PartClinicians = "clinicians"
	PartReviews    = "reviews"
)

// Weights are the parts' weights, out of 100 for a clinician's five
// parts plus the organisation's reviews part (the organisation's
// clinicians' part weighs what the five clinician parts weigh: 85).
var Weights = map[string]int{
	PartAccounts: 15, PartBio: 15, PartFindings: 25, PartConsent: 15, PartTraining: 15,
	PartClinicians: 85, PartReviews: 15,
}

// Status says how a part stands.
type Status string

// Statuses: ok (90 % of its weight or more), warn (50 % or more), bad
// (less), na (not applicable: its weight goes to the other parts).
const (
	StatusOK   Status = "ok"
	StatusWarn Status = "warn"
	StatusBad  Status = "bad"
	StatusNA   Status = "na"
)

// Part is one part of a grade.
type Part struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Weight int    `json:"weight"` // its weight before redistribution
	// Score is the points earned, 0 to Weight (0 when not applicable);
	// Counts is what the part weighs in the 100 once the weights of the
	// parts that do not apply are redistributed.
	Score  float64 `json:"score"`
	Counts float64 `json:"counts"`
	Status Status  `json:"status"`
	// Explanation says what was measured, with the numbers, in plain
	// English; Fix what to do about it (empty when nothing), and Link the
	// page where to do it.
	Explanation string `json:"explanation"`
	Fix         string `json:"fix,omitempty"`
	Link        string `json:"link,omitempty"`
}

// Applies reports whether the part counts in the score.
func (p Part) Applies() bool { return p.Status != StatusNA }

// Percent is the part's score as a share of its weight, 0 to 100.
func (p Part) Percent() int {
	if p.Weight == 0 {
		return 0
	}
	return int(math.Round(100 * p.Score / float64(p.Weight)))
}

// Grade is a presence grade: the score and its parts, for a clinician
// (UserID) or an organisation (UserID 0).
type Grade struct {
	UserID int64     `json:"user_id,omitempty"`
	Name   string    `json:"name"`
	Score  int       `json:"score"` // 0 to 100
	Parts  []Part    `json:"parts"`
	At     time.Time `json:"at"`
	// Trend holds the daily snapshots of the score, oldest first, when
	// the caller asked for them.
	Trend []Point `json:"trend,omitempty"`
}

// Point is one day's snapshot of a score.
type Point struct {
	Day   string `json:"day"` // "2026-11-24"
	Score int    `json:"score"`
}

// Part returns the part with the id, and whether there is one.
func (g Grade) Part(id string) (Part, bool) {
	for _, p := range g.Parts {
		if p.ID == id {
			return p, true
		}
	}
	return Part{}, false
}

// Account is one of a clinician's social accounts.
type Account struct {
	Platform string `json:"platform"`
	Handle   string `json:"handle"`
	Kind     string `json:"kind"` // "professional" or "personal"
}

// Bio is the clinician's bio as last screened: the latest one published
// or approved, else the newest bio draft.
type Bio struct {
	Status string `json:"status"` // the draft's status
	// Checked says an NPPES record was on file to check the credentials
	// against; Mismatches counts the claims it does not support.
	Checked    bool `json:"checked"`
	Mismatches int  `json:"mismatches"`
	Disclaimer bool `json:"disclaimer"`
}

// Training is where the clinician stands with the org's training.
type Training struct {
	Docs, Current, Due, Overdue int
	// Next is the slug of a document not current, for the link.
	Next string
}

// Inputs are what a clinician's grade is computed from; the service
// gathers them (service.Service.Grade).
type Inputs struct {
	UserID int64
	Name   string
	At     time.Time
	// Accounts are the clinician's social accounts; PersonalClinical
	// counts their drafts on personal accounts (not rejected) whose
	// latest screen found clinical content.
	Accounts         []Account
	PersonalClinical int
	// Bio is nil when the clinician has no bio draft.
	Bio *Bio
	// Posts counts the clinician's published posts kept by the watch;
	// OpenBlock and OpenReview their open tasks by decision.
	Posts, OpenBlock, OpenReview int
	// ConsentNeeded counts their published items that needed a patient's
	// authorisation; ConsentCovered those covered now.
	ConsentNeeded, ConsentCovered int
	Training                      Training
}

// Reviews are the org's patient reviews, for its reviews part.
type Reviews struct {
	Total, Replied int
	// Replies counts reply drafts not rejected; Unsafe those among them
	// whose screen blocks or found RELATIONSHIP_CONFIRMED.
	Replies, Unsafe int
}

// OrgInputs are what an org's grade is computed from.
type OrgInputs struct {
	Name       string
	At         time.Time
	Clinicians []Grade
	Reviews    Reviews
}

// Disclaimers are the phrases, any one of which (case and spacing aside)
// makes a bio's disclaimer: that it is not medical advice, or the views
// are the clinician's own, or it is for education.
var Disclaimers = []string{
	"not medical advice", "not intended as medical advice", "does not constitute medical advice",
	"no doctor-patient relationship", "no physician-patient relationship", "not a substitute for",
	"views are my own", "views my own", "opinions are my own", "opinions my own", "views are mine",
	"for educational purposes", "for education only", "for general information", "informational purposes",
}

// HasDisclaimer reports whether a bio holds one of Disclaimers.
func HasDisclaimer(bio string) bool {
	t := strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(bio, "’", "'"))), " ")
	t = strings.ReplaceAll(t, "doctor patient", "doctor-patient")
	t = strings.ReplaceAll(t, "physician patient", "physician-patient")
	for _, d := range Disclaimers {
		if strings.Contains(t, d) {
			return true
		}
	}
	return false
}

// part makes a part from the share of its weight earned (0 to 1).
func part(id, title string, share float64, explanation, fix, link string) Part {
	share = min(max(share, 0), 1)
	w := Weights[id]
	p := Part{ID: id, Title: title, Weight: w, Score: math.Round(share*float64(w)*10) / 10, Explanation: explanation, Link: link}
	switch {
	case share >= 0.9:
		p.Status = StatusOK
	case share >= 0.5:
		p.Status = StatusWarn
	default:
		p.Status = StatusBad
	}
	if p.Status != StatusOK || share < 1 {
		p.Fix = fix
	}
	return p
}

// notApplicable makes a part that does not count.
func notApplicable(id, title, explanation, fix, link string) Part {
	return Part{ID: id, Title: title, Weight: Weights[id], Status: StatusNA, Explanation: explanation, Fix: fix, Link: link}
}

// total fills in the parts' Counts and returns the score: the points
// earned over the weights that apply, times 100, rounded; 0 when no part
// applies.
func total(parts []Part) int {
	applies := 0
	earned := 0.0
	for _, p := range parts {
		if p.Applies() {
			applies += p.Weight
			earned += p.Score
		}
	}
	if applies == 0 {
		return 0
	}
	for i := range parts {
		if parts[i].Applies() {
			parts[i].Counts = math.Round(1000*float64(parts[i].Weight)/float64(applies)) / 10
		}
	}
	return int(math.Round(100 * earned / float64(applies)))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Compute is a clinician's grade from its inputs.
func Compute(in Inputs) Grade {
	g := Grade{UserID: in.UserID, Name: in.Name, At: in.At}
	g.Parts = []Part{accounts(in), bio(in), findings(in), consent(in), training(in)}
	g.Score = total(g.Parts)
	return g
}

func accounts(in Inputs) Part {
	const title = "Professional and personal accounts, kept apart"
	pro, personal := 0, map[string]bool{}
	for _, a := range in.Accounts {
		if a.Kind == "personal" {
			personal[strings.ToLower(a.Platform)+"\x00"+strings.ToLower(a.Handle)] = true
		}
	}
	both := 0
	for _, a := range in.Accounts {
		if a.Kind == "professional" {
			pro++
			if personal[strings.ToLower(a.Platform)+"\x00"+strings.ToLower(a.Handle)] {
				both++
			}
		}
	}
	share := 0.0
	var said, fix []string
	if pro > 0 {
		share += 0.6
		said = append(said, fmt.Sprintf("%s, %s.", plural(pro, "professional account", "professional accounts"), plural(len(in.Accounts)-pro, "personal", "personal")))
	} else {
		said = append(said, fmt.Sprintf("No professional account among your %s.", plural(len(in.Accounts), "account", "accounts")))
		fix = append(fix, "Add the professional account you post as a clinician from (Accounts), and publish clinical content only there.")
	}
	if both == 0 {
		share += 0.2
	} else {
		said = append(said, fmt.Sprintf("%s recorded as both personal and professional.", plural(both, "account is", "accounts are")))
		fix = append(fix, "Keep separate accounts: one handle cannot be both your personal and your professional account.")
	}
	if in.PersonalClinical == 0 {
		share += 0.2
		said = append(said, "No draft on a personal account has clinical content.")
	} else {
		said = append(said, fmt.Sprintf("%s on personal accounts with clinical content (PERSONAL_ACCOUNT_CLINICAL).", plural(in.PersonalClinical, "draft", "drafts")))
		fix = append(fix, "Move clinical content to your professional account, or edit those drafts to take it out.")
	}
	return part(PartAccounts, title, share, strings.Join(said, " "), strings.Join(fix, " "), "/accounts")
}

func bio(in Inputs) Part {
	const title = "Bio: disclaimer and credentials"
	if in.Bio == nil {
		return part(PartBio, title, 0, "No bio has been screened.",
			`Write your profile bio as a draft on the "bio" channel, with your credentials as your NPPES record shows them and a disclaimer such as "Views are my own; not medical advice."`,
			"/drafts/new")
	}
	b := in.Bio
	share := 0.0
	var said, fix []string
	switch {
	case !b.Checked:
		share += 0.25
		said = append(said, "Your credentials could not be checked: no NPPES record is on file.")
		fix = append(fix, "Record your NPI (Relationships) and ask compliance to import the NPPES record.")
	case b.Mismatches == 0:
		share += 0.5
		said = append(said, "Every credential claimed matches your NPPES record.")
	default:
		said = append(said, fmt.Sprintf("%s your NPPES record does not support (CREDENTIAL_MISMATCH).", plural(b.Mismatches, "claim", "claims")))
		fix = append(fix, "Edit the bio to claim only the degrees and specialties on your record.")
	}
	if b.Disclaimer {
		share += 0.5
		said = append(said, "It has a disclaimer.")
	} else {
		said = append(said, "It has no disclaimer.")
		fix = append(fix, `Add a disclaimer such as "Views are my own; not medical advice."`)
	}
	said = append([]string{fmt.Sprintf("Your bio (%s):", strings.ReplaceAll(b.Status, "_", " "))}, said...)
	return part(PartBio, title, share, strings.Join(said, " "), strings.Join(fix, " "), "/drafts/new")
}

func findings(in Inputs) Part {
	const title = "Open findings on published posts"
	if in.Posts == 0 {
		return notApplicable(PartFindings, title, "No published post of yours is kept yet, so there is nothing to check.",
			"Import your platform archive or connect your feed on Published posts, so that what is already out is screened.", "/watch")
	}
	share := 1 - 0.25*float64(in.OpenBlock) - 0.1*float64(in.OpenReview)
	exp := fmt.Sprintf("Of your %s, %s open: %d the screen would block, %d it would send to review (a block costs 25 %%, a review 10 %%).",
		plural(in.Posts, "published post", "published posts"), plural(in.OpenBlock+in.OpenReview, "task is", "tasks are"), in.OpenBlock, in.OpenReview)
	return part(PartFindings, title, share, exp,
		"Close each open task: edit or delete the post on the platform and mark it so, or open a breach incident if it disclosed PHI.", "/watch?status=open")
}

func consent(in Inputs) Part {
	const title = "Consent for published patient content"
	if in.ConsentNeeded == 0 {
		return notApplicable(PartConsent, title, "Nothing you published needed a patient's authorisation.", "", "/consents")
	}
	share := float64(in.ConsentCovered) / float64(in.ConsentNeeded)
	exp := fmt.Sprintf("%d of %s needing a patient's authorisation %s covered now (a valid linked authorisation, or taken down).",
		in.ConsentCovered, plural(in.ConsentNeeded, "published item", "published items"), map[bool]string{true: "is", false: "are"}[in.ConsentCovered == 1])
	return part(PartConsent, title, share, exp,
		"For each post whose authorisation was revoked or expired, take the post down and mark its takedown done, or record a renewed authorisation.", "/takedowns")
}

func training(in Inputs) Part {
	const title = "Training current"
	t := in.Training
	if t.Docs == 0 {
		return notApplicable(PartTraining, title, "Your organisation has published no training yet.", "", "/training")
	}
	share := (float64(t.Current) + 0.5*float64(t.Due)) / float64(t.Docs)
	exp := fmt.Sprintf("Of %s: %d current, %d due (within the grace period, counting half), %d overdue.",
		plural(t.Docs, "training document", "training documents"), t.Current, t.Due, t.Overdue)
	link := "/training"
	if t.Next != "" {
		link = "/training/" + t.Next
	}
	return part(PartTraining, title, share, exp, "Read the document and pass its quiz: the attestation lasts a year.", link)
}

// ComputeOrg is an organisation's grade from its clinicians' grades and
// its patient reviews.
func ComputeOrg(in OrgInputs) Grade {
	g := Grade{Name: in.Name, At: in.At}
	var cl Part
	if len(in.Clinicians) == 0 {
		cl = notApplicable(PartClinicians, "Clinicians' grades", "The organisation has no active clinician yet.", "", "/users")
	} else {
		sum, low := 0, in.Clinicians[0]
		for _, c := range in.Clinicians {
			sum += c.Score
			if c.Score < low.Score {
				low = c
			}
		}
		mean := float64(sum) / float64(len(in.Clinicians))
		exp := fmt.Sprintf("The mean of %s: %.1f of 100 (lowest: %s, %d).", plural(len(in.Clinicians), "clinician's grade", "clinicians' grades"), mean, low.Name, low.Score)
		cl = part(PartClinicians, "Clinicians' grades", mean/100, exp,
			fmt.Sprintf("Start with the lowest grades: %s's fixes are on their grade page.", low.Name), fmt.Sprintf("/grade?user=%d", low.UserID))
	}
	g.Parts = []Part{cl, reviews(in.Reviews)}
	g.Score = total(g.Parts)
	return g
}

func reviews(r Reviews) Part {
	const title = "Replies to patient reviews"
	if r.Total == 0 {
		return notApplicable(PartReviews, title, "No patient review has been imported.",
			"Import your review sites' exports on Reviews to answer them safely.", "/reviews")
	}
	rate := float64(r.Replied) / float64(r.Total)
	safe := 1.0
	if r.Replies > 0 {
		safe = 1 - float64(r.Unsafe)/float64(r.Replies)
	}
	exp := fmt.Sprintf("%d of %s replied (%.0f %%); %d of %s unsafe (blocked, or confirming the reviewer is a patient).",
		r.Replied, plural(r.Total, "review", "reviews"), 100*rate, r.Unsafe, plural(r.Replies, "reply draft", "reply drafts"))
	var fix []string
	if r.Replied < r.Total {
		fix = append(fix, "Reply to the unreplied reviews from a template, which never confirms that the reviewer is a patient.")
	}
	if r.Unsafe > 0 {
		fix = append(fix, "Edit the unsafe replies to thank the reviewer and invite them to call, without naming them or their care.")
	}
	return part(PartReviews, title, 0.5*rate+0.5*safe, exp, strings.Join(fix, " "), "/reviews?unreplied=1")
}

// Weekly thins daily points to one a week, the last of each week (weeks
// from Monday), oldest first: for trends over long periods.
func Weekly(points []Point) []Point {
	var out []Point
	lastWeek := ""
	for _, p := range points {
		d, err := time.Parse(time.DateOnly, p.Day)
		if err != nil {
			continue
		}
		y, w := d.ISOWeek()
		week := fmt.Sprintf("%d-%02d", y, w)
		if week == lastWeek {
			out[len(out)-1] = p
			continue
		}
		lastWeek = week
		out = append(out, p)
	}
	return out
}
