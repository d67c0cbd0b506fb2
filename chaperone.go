// Package chaperone holds the domain types shared by every part of chaperone:
// the item to screen, the spans and findings the screen reports, and the
// decision. The screening engine (detect), the rewriter (redact), the output
// formats (report) and the evaluation harness (eval) all speak these types;
// any Go program may use them.
package chaperone

import (
	"errors"
	"fmt"
)

// Channel is where a text is going to appear.
type Channel string

// The channels of the annotation guideline, plus Note for free clinical text
// (de-identification use, where every identifier is redacted).
const (
	ChannelPost         Channel = "post"
	ChannelReply        Channel = "reply"
	ChannelBio          Channel = "bio"
	ChannelReviewReply  Channel = "review_reply"
	ChannelComment      Channel = "comment"
	ChannelImageCaption Channel = "image_caption"
	ChannelNote         Channel = "note"
)

// Channels lists every known channel, in a stable order.
var Channels = []Channel{ChannelPost, ChannelReply, ChannelBio, ChannelReviewReply, ChannelComment, ChannelImageCaption, ChannelNote}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	for _, k := range Channels {
		if c == k {
			return true
		}
	}
	return false
}

// IsReply reports whether the text answers someone else's words (a review,
// a post, a comment), so that it may confirm a relationship with them.
func (c Channel) IsReply() bool {
	return c == ChannelReply || c == ChannelReviewReply || c == ChannelComment
}

// AccountKind says whether a social account is the clinician's professional
// or personal one.
type AccountKind string

// Account kinds.
const (
	AccountProfessional AccountKind = "professional"
	AccountPersonal     AccountKind = "personal"
)

// Author describes who is about to publish the text.
type Author struct {
	Role          string      `json:"role,omitempty"`
	Specialty     string      `json:"specialty,omitempty"`
	Employer      string      `json:"employer,omitempty"`
	Relationships []string    `json:"relationships,omitempty"` // declared industry relationships
	Account       AccountKind `json:"account,omitempty"`
	// Name is the author's own name, and ClinicContacts the practice's own
	// phone numbers, emails, URLs and addresses: never spans.
	Name           string   `json:"name,omitempty"`
	ClinicContacts []string `json:"clinic_contacts,omitempty"`
}

// Item is one text to screen, shaped as in the annotation guideline.
type Item struct {
	ID      string  `json:"id,omitempty"`
	Channel Channel `json:"channel,omitempty"`
	Author  Author  `json:"author"`
	// Context is the review, post or comment the text answers, if any.
	Context string `json:"context,omitempty"`
	Text    string `json:"text"`
}

// SpanType is a kind of identifier (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)).
type SpanType string

// Span types of the guideline.
const (
	SpanName       SpanType = "NAME"
	SpanHandle     SpanType = "HANDLE"
	SpanDate       SpanType = "DATE"
	SpanAge        SpanType = "AGE"
	SpanLocation   SpanType = "LOCATION"
	SpanFacility   SpanType = "FACILITY"
	SpanPhone      SpanType = "PHONE"
	SpanFax        SpanType = "FAX"
	SpanEmail      SpanType = "EMAIL"
	SpanURL        SpanType = "URL"
	SpanIP         SpanType = "IP"
	SpanSSN        SpanType = "SSN"
	SpanMRN        SpanType = "MRN"
	SpanHealthPlan SpanType = "HEALTH_PLAN"
	SpanAccount    SpanType = "ACCOUNT"
	SpanLicense    SpanType = "LICENSE"
	SpanVehicle    SpanType = "VEHICLE"
	SpanDevice     SpanType = "DEVICE"
	SpanID         SpanType = "ID"
)

// SpanTypes lists every span type, in a stable order.
var SpanTypes = []SpanType{SpanName, SpanHandle, SpanDate, SpanAge, SpanLocation, SpanFacility,
	SpanPhone, SpanFax, SpanEmail, SpanURL, SpanIP, SpanSSN, SpanMRN, SpanHealthPlan,
	SpanAccount, SpanLicense, SpanVehicle, SpanDevice, SpanID}

// Valid reports whether t is a known span type.
func (t SpanType) Valid() bool {
	for _, k := range SpanTypes {
		if t == k {
			return true
		}
	}
	return false
}

// Span is an identifier found in the text: UTF-8 byte offsets into
// Item.Text, End exclusive.
type Span struct {
	Start int      `json:"start"`
	End   int      `json:"end"`
	Type  SpanType `json:"type"`
	Rule  string   `json:"rule"`
	Score float64  `json:"score"`
}

// FindingType is an item-level finding of the guideline.
type FindingType string

// Finding types.
const (
	FindingPHI                     FindingType = "PHI"
	FindingPatientStory            FindingType = "PATIENT_STORY"
	FindingConsentNeeded           FindingType = "CONSENT_NEEDED"
	FindingRelationshipConfirmed   FindingType = "RELATIONSHIP_CONFIRMED"
	FindingUndisclosedFinancial    FindingType = "UNDISCLOSED_FINANCIAL"
	FindingIndividualAdvice        FindingType = "INDIVIDUAL_ADVICE"
	FindingUnprofessional          FindingType = "UNPROFESSIONAL"
	FindingMisinformation          FindingType = "MISINFORMATION"
	FindingPersonalAccountClinical FindingType = "PERSONAL_ACCOUNT_CLINICAL"
)

// FindingCredentialMismatch is the service's finding for a bio that claims
// a degree or specialty the clinician's NPPES record does not support. It
// is not one of the annotation guideline's types (the engine never
// raises it), so it is not in FindingTypes.
const FindingCredentialMismatch FindingType = "CREDENTIAL_MISMATCH"

// FindingTypes lists every finding type, in a stable order.
var FindingTypes = []FindingType{FindingPHI, FindingPatientStory, FindingConsentNeeded,
	FindingRelationshipConfirmed, FindingUndisclosedFinancial, FindingIndividualAdvice,
	FindingUnprofessional, FindingMisinformation, FindingPersonalAccountClinical}

// Valid reports whether t is a known finding type.
func (t FindingType) Valid() bool {
	for _, k := range FindingTypes {
		if t == k {
			return true
		}
	}
	return false
}

// Finding is one reason the text may not go out as written. PHI findings
// carry the span they report; item-level findings have no span.
type Finding struct {
	Rule     string      `json:"rule"`
	Type     FindingType `json:"type"`
	SpanType SpanType    `json:"span_type,omitempty"`
	Start    int         `json:"start,omitempty"`
	End      int         `json:"end,omitempty"`
	Score    float64     `json:"score"`
	// Reason is one plain-English line; it never quotes the matched text.
	Reason string `json:"reason"`
	// Cite is the rule the text breaks, e.g. "HIPAA 45 CFR 164.514(b)(2)(i)(A)".
	Cite string `json:"cite"`
}

// HasSpan reports whether the finding points at a span of the text.
func (f Finding) HasSpan() bool { return f.SpanType != "" }

// Decision is the screen's verdict on an item.
type Decision string

// Decisions, from least to most severe.
const (
	Allow  Decision = "allow"
	Review Decision = "review"
	Block  Decision = "block"
)

// Severity orders decisions: allow < review < block.
func (d Decision) Severity() int {
	switch d {
	case Allow:
		return 0
	case Review:
		return 1
	case Block:
		return 2
	}
	return -1
}

// ExitCode is the CLI's exit code for the decision: 0 allow, 1 review, 2 block.
func (d Decision) ExitCode() int {
	if s := d.Severity(); s >= 0 {
		return s
	}
	return 3
}

// Result is the outcome of screening one item.
type Result struct {
	ID       string    `json:"id"`
	Decision Decision  `json:"decision"`
	Findings []Finding `json:"findings"`
	Spans    []Span    `json:"spans"`
}

// Has reports whether the result holds a finding of type t.
func (r *Result) Has(t FindingType) bool {
	for _, f := range r.Findings {
		if f.Type == t {
			return true
		}
	}
	return false
}

// FindingTypeSet returns the distinct finding types of the result.
func (r *Result) FindingTypeSet() map[FindingType]bool {
	m := make(map[FindingType]bool, len(r.Findings))
	for _, f := range r.Findings {
		m[f.Type] = true
	}
	return m
}

// ErrorCode classifies errors that callers may act on.
type ErrorCode string

// Error codes.
const (
	ErrInvalid         ErrorCode = "invalid"   // bad input: arguments, files, bodies
	ErrTooLarge        ErrorCode = "too_large" // input over a set limit
	ErrNotFound        ErrorCode = "not_found"
	ErrConflict        ErrorCode = "conflict"        // a duplicate, or a record changed under the caller
	ErrForbidden       ErrorCode = "forbidden"       // the user's role does not allow it
	ErrUnauthenticated ErrorCode = "unauthenticated" // no valid session or token
	ErrTooMany         ErrorCode = "too_many"        // throttled: too many attempts
	ErrUnavailable     ErrorCode = "unavailable"     // a platform or service the request needs failed
	ErrInternal        ErrorCode = "internal"
)

// Error is chaperone's error type: a code, a message that never contains
// matched text, and an optional cause.
type Error struct {
	Code ErrorCode
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Msg, e.Err)
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, or ErrInternal.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ErrInternal
}

// RuleInfo describes one screening rule, for reports and documentation.
type RuleInfo struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`           // pattern, recognizer or finding
	Type   string `json:"type"`           // the span type or finding type it reports
	Reason string `json:"reason"`         // one plain-English line
	Cite   string `json:"cite"`           // the rule it enforces
	Help   string `json:"help,omitempty"` // what to do about it
}
