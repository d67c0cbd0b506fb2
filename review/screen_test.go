package review

import (
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
)

// TestTemplatesScreenClean screens every filled template as a reply to
// real-looking reviews: none may confirm a relationship or leak anything.
func TestTemplatesScreenClean(t *testing.T) {
	eng, err := detect.New()
	if err != nil {
		t.Fatal(err)
	}
	reviews := []string{
		"Waited two hours past my appointment and nobody apologised. — Jessica M.",
		"Dr. Ruiz fixed my knee! Best surgeon in Boston.",
		"Billing sent my bill to collections, twice.",
	}
	for _, tp := range Templates {
		text := tp.Fill("Harbor Family Medicine", "(617) 555-0142")
		for _, ctx := range reviews {
			res := eng.Screen(chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: ctx, Text: text,
				Author: chaperone.Author{ClinicContacts: []string{"(617) 555-0142"}, Employer: "Harbor Family Medicine"}})
			if res.Decision != chaperone.Allow {
				t.Errorf("template %s answering %q: %s %+v", tp.ID, ctx, res.Decision, res.Findings)
			}
		}
	}
}
