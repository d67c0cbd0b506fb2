package redact

import (
	"regexp"
	"slices"

	chaperone "github.com/chaperone-project/chaperone"
)

// ReplyTemplate is the review reply Rewrite suggests instead of a reply that
// confirms someone is a patient: it neither confirms nor denies a
// relationship and moves the conversation offline.
const ReplyTemplate = "Thank you for your feedback. To protect everyone's privacy we never discuss anyone's care online. Please call our office so we can talk directly."

// ReplyTemplate with the practice's number: replyCall + number + replyEnd.
const (
	replyCall = "Thank you for your feedback. To protect everyone's privacy we never discuss anyone's care online. Please call our office at "
	replyEnd  = " so we can talk directly."
)

// phoneNumber finds North American phone numbers in a reply: optional +1,
// an area code with or without parentheses, and 7 digits.
var phoneNumber = regexp.MustCompile(`(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}`)

// faxLabel ends text that labels the number after it as a fax.
var faxLabel = regexp.MustCompile(`(?i)\bfax\b\W{0,4}(?:\w+\W{0,3}){0,2}$`)

// Rewrite returns the suggested safe rewrite of a screened item, for the
// screening engine, reports and the review screen.
//
// When the result has a RELATIONSHIP_CONFIRMED finding, no edit of the text
// can make it safe: the rewrite is ReplyTemplate, which never confirms that
// anyone is a patient and invites them to call the office. If the original
// text gave a phone number outside every span, the template gives it too
// ("Please call our office at 555-201-8890 ..."); when the author's clinic
// contacts list phone numbers, only one of those is kept, and a number
// labelled as a fax never is.
//
// Otherwise every span of the result (res.Spans, and the spans of findings
// that point at one) is redacted with the redactor's operator, as Apply does;
// with Generalize, types that have a Safe Harbor generalisation are
// generalised and the others tagged. An item with no spans comes back as it
// was.
func (r *Redactor) Rewrite(it chaperone.Item, res chaperone.Result) string {
	spans := resultSpans(res)
	if res.Has(chaperone.FindingRelationshipConfirmed) {
		if p := practicePhone(it, spans); p != "" {
			return replyCall + p + replyEnd
		}
		return ReplyTemplate
	}
	return r.Apply(it.Text, spans)
}

// resultSpans returns the spans of res and those of its findings.
func resultSpans(res chaperone.Result) []chaperone.Span {
	n := len(res.Spans)
	for _, f := range res.Findings {
		if f.HasSpan() {
			n++
		}
	}
	spans := make([]chaperone.Span, len(res.Spans), n) // no growing copies
	copy(spans, res.Spans)
	for _, f := range res.Findings {
		if f.HasSpan() {
			spans = append(spans, chaperone.Span{Start: f.Start, End: f.End, Type: f.SpanType, Rule: f.Rule, Score: f.Score})
		}
	}
	return spans
}

// practicePhone returns the first phone number of the item's text that
// overlaps no span, is not labelled as a fax and, when the author lists
// clinic phone numbers, is one of them; or "".
func practicePhone(it chaperone.Item, spans []chaperone.Span) string {
	var clinic []string
	for _, c := range it.Author.ClinicContacts {
		if d := lastTen(c); len(d) == 10 {
			clinic = append(clinic, d)
		}
	}
	merged := mergeSpans(it.Text, spans)
	for _, loc := range phoneNumber.FindAllStringIndex(it.Text, -1) {
		start, end := loc[0], loc[1]
		if start > 0 && isDigit(it.Text[start-1]) || end < len(it.Text) && isDigit(it.Text[end]) {
			continue // part of a longer number
		}
		if overlapsAny(merged, start, end) || faxLabel.MatchString(it.Text[max(0, start-24):start]) {
			continue
		}
		p := it.Text[start:end]
		if len(clinic) > 0 && !slices.Contains(clinic, lastTen(p)) {
			continue
		}
		return p
	}
	return ""
}

// lastTen returns the last ten digits of s, or all of them if fewer.
func lastTen(s string) string {
	d := digitsOf(s)
	if len(d) > 10 {
		d = d[len(d)-10:]
	}
	return d
}

func overlapsAny(spans []chaperone.Span, start, end int) bool {
	for _, sp := range spans {
		if sp.Start < end && start < sp.End {
			return true
		}
	}
	return false
}
