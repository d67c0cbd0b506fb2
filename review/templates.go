package review

import (
	"fmt"
	"strings"
)

// Template is a HIPAA-safe reply to a review: it thanks the reviewer,
// never confirms or denies that they are a patient, names no care, and
// invites them to call the office. Practices were fined $10,000 to
// $50,000 for replies that did otherwise.
type Template struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Text has the placeholders {practice} and {phone}.
	Text string `json:"text"`
}

// Templates are the shipped reply templates, for the reply composer.
var Templates = []Template{
	{"thanks", "Positive review",
		"Thank you for taking the time to share your kind words. Everyone at {practice} appreciates feedback from our community."},
	{"concern", "Negative review",
		"Thank you for your feedback. We take every concern seriously, but privacy laws keep us from discussing anyone's care online. Please call our office manager at {phone} so we can listen and learn more."},
	{"neutral", "Mixed review",
		"Thank you for your feedback; we are always looking for ways to improve. If you would like to talk more, please call our office at {phone}."},
	{"not-ours", "Review that may not be about us",
		"Thank you for your message. We can't discuss any individual's care online. If you would like to reach us, please call our office at {phone}."},
}

// Suggest returns the template for a review's rating: 4 and 5 stars get
// thanks, 3 the neutral reply, 1 and 2 the concern reply.
func Suggest(rv Review) Template {
	switch {
	case rv.Rating >= 4:
		return Templates[0]
	case rv.Rating == 3:
		return Templates[2]
	}
	return Templates[1]
}

// Fill puts the practice's name and phone number into a template.
func (t Template) Fill(practice, phone string) string {
	if practice == "" {
		practice = "our practice"
	}
	if phone == "" {
		phone = "the number on our website"
	}
	return strings.NewReplacer("{practice}", practice, "{phone}", phone).Replace(t.Text)
}

// TemplateByID returns a shipped template.
func TemplateByID(id string) (Template, error) {
	for _, t := range Templates {
		if t.ID == id {
			return t, nil
		}
	}
	return Template{}, fmt.Errorf("no reply template %q", id)
}
