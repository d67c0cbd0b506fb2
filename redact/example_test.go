package redact_test

import (
	"fmt"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/redact"
)

func ExampleRedactor_Apply() {
	text := "Mrs. Delgado, 94, admitted 3/14/2024 to Mercy General 🙏"
	spans := []chaperone.Span{
		{Start: 5, End: 12, Type: chaperone.SpanName},
		{Start: 14, End: 16, Type: chaperone.SpanAge},
		{Start: 27, End: 36, Type: chaperone.SpanDate},
		{Start: 40, End: 53, Type: chaperone.SpanFacility},
	}
	for _, op := range []redact.Operator{redact.Mask, redact.Tag, redact.Generalize} {
		r := redact.New(op, redact.WithReferenceYear(2026))
		fmt.Printf("%-10s %s\n", op, r.Apply(text, spans))
	}
	// Output:
	// mask       Mrs. *******, **, admitted ********* to ***** ******* 🙏
	// tag        Mrs. [NAME], [AGE], admitted [DATE] to [FACILITY] 🙏
	// generalize Mrs. [NAME], 90 or older, admitted 2024 to [FACILITY] 🙏
}

func ExampleRedactor_Rewrite() {
	it := chaperone.Item{
		Channel: chaperone.ChannelReviewReply,
		Text:    "Beth, your second Shingrix dose is due in February! Questions? Call 555-201-8890.",
	}
	res := chaperone.Result{
		Decision: chaperone.Block,
		Spans:    []chaperone.Span{{Start: 0, End: 4, Type: chaperone.SpanName}, {Start: 41, End: 49, Type: chaperone.SpanDate}},
		Findings: []chaperone.Finding{{Type: chaperone.FindingPHI}, {Type: chaperone.FindingRelationshipConfirmed}},
	}
	fmt.Println(redact.New(redact.Generalize).Rewrite(it, res))
	// Output:
	// Thank you for your feedback. To protect everyone's privacy we never discuss anyone's care online. Please call our office at 555-201-8890 so we can talk directly.
}

func ExampleWithSeed() {
	text := "Maria called 555-412-9983; later Maria called again."
	spans := []chaperone.Span{
		{Start: 0, End: 5, Type: chaperone.SpanName},
		{Start: 13, End: 25, Type: chaperone.SpanPhone},
		{Start: 33, End: 38, Type: chaperone.SpanName},
	}
	a := redact.New(redact.Surrogate, redact.WithSeed("org-secret")).Apply(text, spans)
	b := redact.New(redact.Surrogate, redact.WithSeed("org-secret")).Apply(text, spans)
	fmt.Println(a)
	fmt.Println(a == b)
	// Output:
	// Basil called 212-555-0106; later Basil called again.
	// true
}
