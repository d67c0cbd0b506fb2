package review

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"
)

// RequestMail is what a review request email is made of. It holds
// nothing about the visit but the address it goes to: no name, no date,
// no provider, department or reason. Every patient gets the same words.
type RequestMail struct {
	From, To string // bare addresses
	Practice string // the organisation's name
	// Links are the practice's review pages, in order: site name and URL.
	Links [][2]string
	// Unsubscribe is the URL that records an opt-out: a page with a
	// button, and the target of RFC 8058 one-click POSTs.
	Unsubscribe string
	Date        time.Time
	MessageID   string // without angle brackets: "rr-12.…@host"
}

// RequestSubject is the subject of every review request.
func RequestSubject(practice string) string { return "Thank you for choosing " + practice }

// RequestBody is the text of every review request: the same for every
// patient, whatever rating might be expected (no gating: the FTC's rule
// on consumer reviews, 16 CFR Part 465, and the review sites' own rules).
// It greets no one by name, says nothing about the visit, and does not
// call the reader a patient (chaperone's screen takes "patient" near the
// practice's name for a patient's story).
func RequestBody(practice string, links [][2]string, unsubscribe string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nThank you for choosing %s.\n\n", practice)
	b.WriteString("We would be grateful if you would share your experience with us in a public review, whatever it was. ")
	b.WriteString("Everyone we see receives this same invitation, and every honest review is welcome.\n\n")
	for _, l := range links {
		fmt.Fprintf(&b, "%s: %s\n", l[0], l[1])
	}
	b.WriteString("\nPlease do not include any health information in a public review.\n\n")
	fmt.Fprintf(&b, "%s\n\n", practice)
	fmt.Fprintf(&b, "To stop receiving review invitations from %s, open this link:\n%s\n", practice, unsubscribe)
	return b.String()
}

// Bytes renders the message as RFC 5322 text with CRLF line ends: plain
// text in UTF-8 (quoted-printable), a List-Unsubscribe header and RFC
// 8058's List-Unsubscribe-Post for one-click unsubscribing. The send job
// hands it to the mail server.
func (m RequestMail) Bytes() []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	from := m.From
	if m.Practice != "" {
		from = mime.QEncoding.Encode("utf-8", headerSafe(m.Practice)) + " <" + m.From + ">"
	}
	h("From", from)
	h("To", "<"+m.To+">")
	h("Subject", mime.QEncoding.Encode("utf-8", headerSafe(RequestSubject(m.Practice))))
	h("Date", m.Date.Format(time.RFC1123Z))
	h("Message-ID", "<"+m.MessageID+">")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("List-Unsubscribe", "<"+m.Unsubscribe+">")
	h("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	h("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(RequestBody(m.Practice, m.Links, m.Unsubscribe), "\n", "\r\n")))
	qp.Close()
	return b.Bytes()
}

// headerSafe drops line breaks from a header value.
func headerSafe(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
