package redact

import (
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestRewrite(t *testing.T) {
	confirmed := chaperone.Finding{Rule: "reply-confirms", Type: chaperone.FindingRelationshipConfirmed}
	withPhone := func(p string) string {
		return "Thank you for your feedback. To protect everyone's privacy we never discuss anyone's care online. Please call our office at " + p + " so we can talk directly."
	}
	tests := []struct {
		name     string
		text     string
		spans    []string // sub:TYPE
		findings []chaperone.Finding
		contacts []string
		op       Operator
		want     string
	}{
		{
			name:  "confirmed: template",
			text:  "Grace, you were SO brave 💪 See you in 3 months for your next B12 shot!",
			spans: []string{"Grace:NAME"}, findings: []chaperone.Finding{confirmed},
			want: ReplyTemplate,
		},
		{
			name: "confirmed, no spans: template",
			text: "Yay!!! So happy the reflux meds are working for her 🥰", findings: []chaperone.Finding{confirmed},
			want: ReplyTemplate,
		},
		{
			name:  "confirmed: practice phone outside spans kept",
			text:  "Our billing team reviewed your account (#A-448210) and the charge is for the colposcopy. Please call billing at 555-201-8890 with any questions.",
			spans: []string{"A-448210:ACCOUNT"}, findings: []chaperone.Finding{confirmed},
			want: withPhone("555-201-8890"),
		},
		{
			name:  "confirmed: phone in a span dropped",
			text:  "Hi Lauren! We'll call you at 555-771-2093 to get her in 😊",
			spans: []string{"Lauren:NAME", "555-771-2093:PHONE"}, findings: []chaperone.Finding{confirmed},
			want: ReplyTemplate,
		},
		{
			name:     "confirmed: phone in a finding's span dropped",
			text:     "Hi Lauren! We'll call you at 555-771-2093 to get her in 😊",
			findings: []chaperone.Finding{confirmed, {Type: chaperone.FindingPHI, SpanType: "PHONE", Start: 29, End: 41}},
			want:     ReplyTemplate,
		},
		{
			name:  "confirmed: the patient's number in a span, the office's kept",
			text:  "We tried (412) 555-0190 twice; please call us at (412) 555-0100.",
			spans: []string{"(412) 555-0190:PHONE"}, findings: []chaperone.Finding{confirmed},
			want: withPhone("(412) 555-0100"),
		},
		{
			name:     "confirmed: a fax number is not for calling",
			text:     "We faxed your forms from our fax line 555-448-0020 on Monday.",
			findings: []chaperone.Finding{confirmed},
			want:     ReplyTemplate,
		},
		{
			name:     "confirmed: only a listed clinic number",
			text:     "We called 555-318-2270 but you can reach us at 555-201-8890.",
			findings: []chaperone.Finding{confirmed},
			contacts: []string{"+1 (555) 201-8890", "office@clinic.example"},
			want:     withPhone("555-201-8890"),
		},
		{
			name:     "confirmed: no listed clinic number in the text",
			text:     "We called 555-318-2270 yesterday.",
			findings: []chaperone.Finding{confirmed},
			contacts: []string{"555-201-8890"},
			want:     ReplyTemplate,
		},
		{
			name:     "not confirmed: spans redacted with the operator",
			text:     "At 96, Rose still beats me at chess ♟️ — seen 3/14/2024 at Mercy General",
			spans:    []string{"96:AGE", "Rose:NAME", "3/14/2024:DATE", "Mercy General:FACILITY"},
			findings: []chaperone.Finding{{Type: chaperone.FindingPHI}},
			op:       Generalize,
			want:     "At 90 or older, [NAME] still beats me at chess ♟️ — seen 2024 at [FACILITY]",
		},
		{
			name:  "not confirmed: tag",
			text:  "At 96, Rose still beats me at chess ♟️",
			spans: []string{"96:AGE", "Rose:NAME"},
			op:    Tag,
			want:  "At [AGE], [NAME] still beats me at chess ♟️",
		},
		{
			name:     "not confirmed: spans of findings count",
			text:     "Shout out to Deshawn on his discharge today!",
			findings: []chaperone.Finding{{Type: chaperone.FindingPHI, SpanType: "NAME", Start: 13, End: 20}},
			op:       Mask,
			want:     "Shout out to ******* on his discharge today!",
		},
		{
			name: "allowed item: unchanged",
			text: "Flu shots are in! Walk in Mon–Fri 8–5 💉",
			want: "Flu shots are in! Walk in Mon–Fri 8–5 💉",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var spans []chaperone.Span
			for _, s := range tt.spans {
				i := strings.LastIndex(s, ":")
				spans = append(spans, at(tt.text, s[:i], chaperone.SpanType(s[i+1:])))
			}
			it := chaperone.Item{ID: "x", Channel: chaperone.ChannelReviewReply, Text: tt.text,
				Author: chaperone.Author{ClinicContacts: tt.contacts}}
			res := chaperone.Result{ID: "x", Decision: chaperone.Block, Spans: spans, Findings: tt.findings}
			if got := New(tt.op, WithReferenceYear(testYear)).Rewrite(it, res); got != tt.want {
				t.Errorf("Rewrite =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestReplyTemplateSafe pins the template's promises: it never confirms a
// relationship or mentions care, and it invites a call.
func TestReplyTemplateSafe(t *testing.T) {
	lower := strings.ToLower(ReplyTemplate)
	for _, bad := range []string{"patient", "your visit", "your care", "treatment", "appointment", "we saw", "sorry you"} {
		if strings.Contains(lower, bad) {
			t.Errorf("template mentions %q", bad)
		}
	}
	if !strings.Contains(lower, "call our office") {
		t.Error("template does not invite a call")
	}
}
