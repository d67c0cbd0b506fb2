package service

import (
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/mailer"
	"github.com/chaperone-project/chaperone/mailer/smtptest"
	"github.com/chaperone-project/chaperone/store"
)

// appointments is an appointment list with what a review request must
// never carry: names, visit ids, dates, reasons and specialties.
const appointments = "Appointment ID,Appt Date,Patient Name,Email,Reason for visit,Provider specialty\n" +
	"A-17,2026-10-02 09:30,Walter Pruitt,walter.pruitt@example.com,HIV follow-up,Infectious disease\n" +
	"A-18,2026-10-02 10:00,Jessica Mbeki,jmbeki@example.net,knee pain,Orthopedics\n" +
	"A-19,2026-10-02 11:15,Siobhan O'Connell,soc@example.org,depression screening,Psychiatry\n"

// visitPHI are the values of appointments that no message may hold.
var visitPHI = []string{"Walter", "Pruitt", "Jessica", "Mbeki", "Siobhan", "Connell", "A-17", "A-18", "A-19", "2026-10-02", "10/02", "Oct 02",
	"02 Oct", "09:30", "HIV", "knee", "depression", "Infectious", "Orthopedics", "Psychiatry"}

// delivered is a message the test SMTP server received, decoded.
type delivered struct {
	to, subject, body string
	header            mail.Header
	raw               string
}

func decode(t *testing.T, m smtptest.Message) delivered {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	return delivered{to: strings.Join(m.To, ","), subject: subject, body: strings.ReplaceAll(string(body), "\r\n", "\n"), header: msg.Header, raw: m.Data}
}

var unsubscribeLine = regexp.MustCompile(`(?m)^http://chaperone\.test/unsubscribe/.*$`)

var unsubscribeURL = regexp.MustCompile(`^<(http://chaperone\.test/unsubscribe/([A-Za-z0-9_-]+))>$`)

// TestReviewRequests: visits imported and added by hand get one request
// each, sent over SMTP to a local server with the practice's links and a
// one-click unsubscribe; re-imports send nothing twice; the message holds
// no health information (the screen and explicit checks); opt-outs, the
// 30-day rule and the hourly limit hold; failures are logged without the
// address; every attempt is audited without PHI.
func TestReviewRequests(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Reject = func(rcpt string) int {
		if strings.HasPrefix(rcpt, "bounce") {
			return 550
		}
		return 0
	}
	cfg := Config{ReviewRequests: ReviewRequestConfig{Mail: &mailer.SMTP{Addr: srv.Addr, Timeout: 10 * time.Second}, From: "reviews@harbor.example",
		PublicURL: "http://chaperone.test/", PerHour: 4}}
	backendsWith(t, cfg, func(t *testing.T, w *world) {
		ctx := context.Background()
		before := len(srv.Messages())
		sentTo := func() []delivered {
			var out []delivered
			for _, m := range srv.Messages()[before:] {
				out = append(out, decode(t, m))
			}
			return out
		}
		// roles: reviewers do not handle reviews; only admins set links
		_, err := w.svc.ImportVisits(ctx, w.reviewer, strings.NewReader(appointments))
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.SetReviewLinks(ctx, w.clinician, chaperone.ReviewLinks{Google: "https://g.page/r/harbor/review"})
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.SetReviewLinks(ctx, w.admin, chaperone.ReviewLinks{Google: "http://g.page/r/harbor/review"})
		wantCode(t, err, chaperone.ErrInvalid)

		res, err := w.svc.ImportVisits(ctx, w.clinician, strings.NewReader(appointments))
		if err != nil || res.Added != 3 || res.Skipped != 0 || strings.Join(res.Ignored, "|") != "Reason for visit|Provider specialty" {
			t.Fatalf("import: %+v %v", res, err)
		}
		// a bad line imports nothing and quotes nothing
		_, err = w.svc.ImportVisits(ctx, w.comp, strings.NewReader(appointments+"A-20,2026-10-02,Ann Lee,ann.lee@,flu,GP\n"))
		wantCode(t, err, chaperone.ErrInvalid)
		if !strings.Contains(err.Error(), "line 5") || strings.Contains(err.Error(), "Ann") || strings.Contains(err.Error(), "ann.lee") {
			t.Errorf("bad line: %v", err)
		}
		visitDay := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
		// not due on the day of the visit; no links yet: nothing is sent
		if rep, err := w.svc.SendDueReviewRequests(ctx, visitDay.Add(12*time.Hour)); err != nil || rep != (SendReport{}) {
			t.Fatalf("send before due: %+v %v", rep, err)
		}
		now := visitDay.Add(36 * time.Hour)
		if rep, err := w.svc.SendDueReviewRequests(ctx, now); err != nil || rep != (SendReport{Waiting: 1}) {
			t.Fatalf("send without links: %+v %v", rep, err)
		}
		links := chaperone.ReviewLinks{Google: "https://g.page/r/harbor/review", Yelp: "https://www.yelp.com/writeareview/biz/harbor-family"}
		if _, err := w.svc.SetReviewLinks(ctx, w.admin, links); err != nil {
			t.Fatal(err)
		}
		if rep, err := w.svc.SendDueReviewRequests(ctx, now); err != nil || rep != (SendReport{Sent: 3}) {
			t.Fatalf("send: %+v %v", rep, err)
		}
		msgs := sentTo()
		if len(msgs) != 3 {
			t.Fatalf("%d messages delivered", len(msgs))
		}
		var tokens = map[string]string{}
		for i, m := range msgs {
			if i > 0 && unsubscribeLine.ReplaceAllString(m.body, "") != unsubscribeLine.ReplaceAllString(msgs[0].body, "") || m.subject != msgs[0].subject {
				t.Errorf("not every patient gets the same message:\n%s\n---\n%s", m.body, msgs[0].body)
			}
			if m.subject != "Thank you for choosing Harbor Family Medicine" || !strings.HasPrefix(m.body, "Hello,\n\nThank you for choosing Harbor Family Medicine.") ||
				!strings.Contains(m.body, "Google: https://g.page/r/harbor/review\n") || !strings.Contains(m.body, "Yelp: https://www.yelp.com/writeareview/biz/harbor-family\n") ||
				strings.Contains(m.body, "Healthgrades") {
				t.Errorf("message to %s:\nSubject: %s\n%s", m.to, m.subject, m.body)
			}
			lu := unsubscribeURL.FindStringSubmatch(m.header.Get("List-Unsubscribe"))
			if lu == nil || m.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(m.body, lu[1]+"\n") {
				t.Errorf("message to %s: List-Unsubscribe %q, Post %q", m.to, m.header.Get("List-Unsubscribe"), m.header.Get("List-Unsubscribe-Post"))
			} else {
				tokens[m.to] = lu[2]
			}
			checkNoHealthInfo(t, w, m, now)
		}
		// again: nothing new is due, and a re-import adds nothing
		if res, err := w.svc.ImportVisits(ctx, w.admin, strings.NewReader(appointments)); err != nil || res.Added != 0 || res.Skipped != 3 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
		if rep, err := w.svc.SendDueReviewRequests(ctx, now.Add(2*time.Hour)); err != nil || rep != (SendReport{}) {
			t.Fatalf("send again: %+v %v", rep, err)
		}

		// opt-out through the one-click link; a forged token does nothing
		tok := tokens["walter.pruitt@example.com"]
		if practice, done, err := w.svc.UnsubscribeInfo(ctx, tok); err != nil || practice != "Harbor Family Medicine" || done {
			t.Fatalf("unsubscribe info: %q %v %v", practice, done, err)
		}
		forged := []byte(tok)
		forged[len(forged)-2] ^= 1
		wantCode(t, w.svc.Unsubscribe(ctx, string(forged), "link"), chaperone.ErrNotFound)
		if err := w.svc.Unsubscribe(ctx, tok, "one-click"); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Unsubscribe(ctx, tok, "link"); err != nil {
			t.Fatalf("again: %v", err)
		}
		if _, done, _ := w.svc.UnsubscribeInfo(ctx, tok); !done {
			t.Error("the opt-out is not recorded")
		}
		// another org's token for the same address opts out nothing here
		otherTok, _ := w.svc.UnsubscribeToken(ctx, w.outsider.OrgID, "jmbeki@example.net")
		if err := w.svc.Unsubscribe(ctx, otherTok, "link"); err != nil {
			t.Fatal(err)
		}

		// 40 days on: a new visit for each of the three, one by hand in
		// upper case; Walter opted out, and a new list brings him back
		later := visitDay.AddDate(0, 0, 40)
		if res, err := w.svc.AddVisit(ctx, w.clinician, "", "JMBEKI@example.net", later.Format(time.DateOnly)); err != nil || res.Added != 1 {
			t.Fatalf("add visit: %+v %v", res, err)
		}
		if res, err := w.svc.AddVisit(ctx, w.clinician, "Jessica Mbeki", "jmbeki@example.net", later.Format(time.DateOnly)); err != nil || res.Skipped != 1 {
			t.Fatalf("the same visit again: %+v %v", res, err)
		}
		_, err = w.svc.AddVisit(ctx, w.clinician, "X", "not an address", "2026-11-11")
		wantCode(t, err, chaperone.ErrInvalid)
		relist := "date,email,name\n" + later.Format(time.DateOnly) + ",walter.pruitt@example.com,Walter Pruitt\n" +
			later.Format(time.DateOnly) + ",bounce@example.com,Bo Unce\n" +
			later.Format(time.DateOnly) + ",new1@example.com,\n" + later.Format(time.DateOnly) + ",new2@example.com,\n" +
			later.Format(time.DateOnly) + ",new3@example.com,\n" + later.Format(time.DateOnly) + ",new4@example.com,\n"
		if res, err := w.svc.ImportVisits(ctx, w.clinician, strings.NewReader(relist)); err != nil || res.Added != 6 {
			t.Fatalf("second list: %+v %v", res, err)
		}
		// Soc had hers 40 days ago, a visit 10 days later: recent
		if res, err := w.svc.AddVisit(ctx, w.clinician, "", "soc@example.org", visitDay.AddDate(0, 0, 10).Format(time.DateOnly)); err != nil || res.Added != 1 {
			t.Fatalf("add visit: %+v %v", res, err)
		}
		before = len(srv.Messages())
		// 11 days after the first sends: Soc is recent; the rest of the
		// second list is not due yet
		rep, err := w.svc.SendDueReviewRequests(ctx, visitDay.AddDate(0, 0, 11))
		if err != nil || rep != (SendReport{Recent: 1}) {
			t.Fatalf("send within 30 days: %+v %v", rep, err)
		}
		at := later.Add(36 * time.Hour)
		rep, err = w.svc.SendDueReviewRequests(ctx, at)
		// 7 due: Walter opted out; bounce refused for good; the limit (4
		// an hour) sends 4 of the other 5
		if err != nil || rep.OptedOut != 1 || rep.Failed != 1 || rep.Sent != 4 || rep.Waiting != 1 {
			t.Fatalf("send with opt-out, bounce and limit: %+v %v", rep, err)
		}
		if rep, err := w.svc.SendDueReviewRequests(ctx, at.Add(59*time.Minute)); err != nil || rep.Sent != 0 {
			t.Fatalf("within the hour: %+v %v", rep, err)
		}
		if rep, err := w.svc.SendDueReviewRequests(ctx, at.Add(61*time.Minute)); err != nil || rep != (SendReport{Sent: 1}) {
			t.Fatalf("the next hour: %+v %v", rep, err)
		}
		for _, m := range sentTo() {
			if m.to == "walter.pruitt@example.com" || m.to == "soc@example.org" || m.to == "bounce@example.com" {
				t.Errorf("a message went to %s", m.to)
			}
			checkNoHealthInfo(t, w, m, at)
		}
		page, err := w.svc.ReviewRequests(ctx, w.comp, store.ReviewRequestFilter{})
		if err != nil || !page.Sending || page.PerHour != 4 || page.Counts[chaperone.RequestSent] != 8 || page.Counts[chaperone.RequestOptedOut] != 1 ||
			page.Counts[chaperone.RequestRecent] != 1 || page.Counts[chaperone.RequestFailed] != 1 || len(page.Requests) != 11 || page.Links.Google != links.Google {
			t.Fatalf("page: %+v %v", page.Counts, err)
		}
		for _, rr := range page.Requests {
			if rr.Email == "bounce@example.com" {
				if rr.Status != chaperone.RequestFailed || rr.LastError != "mail server refused (rcpt, SMTP 550)" || rr.Attempts != 1 {
					t.Errorf("bounce: %+v", rr)
				}
				as, err := w.svc.ReviewRequestAttempts(ctx, w.clinician, rr.ID)
				if err != nil || len(as) != 1 || as[0].Status != chaperone.RequestFailed || strings.Contains(as[0].Error, "@") {
					t.Errorf("attempts: %+v %v", as, err)
				}
			}
		}
		_, err = w.svc.ReviewRequests(ctx, w.reviewer, store.ReviewRequestFilter{})
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.ReviewRequestAttempts(ctx, w.outsider, page.Requests[0].ID)
		wantCode(t, err, chaperone.ErrNotFound)

		// the audit log: every attempt, and no PHI anywhere
		evs, err := w.st.ListAudit(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		sends := 0
		for _, ev := range evs {
			if ev.Action == chaperone.ActionReviewRequestSend {
				sends++
			}
			for _, phi := range append(visitPHI, "@", "bounce", "example") {
				if strings.Contains(string(ev.Details)+ev.SubjectID, phi) {
					t.Errorf("audit event %d (%s) holds %q: %s", ev.Seq, ev.Action, phi, ev.Details)
				}
			}
		}
		if sends != 8+1+1+1 || !hasAll(actions(t, w.st), chaperone.ActionReviewRequestCreate, chaperone.ActionReviewRequestOptOut, chaperone.ActionReviewLinks) {
			t.Errorf("%d send events; actions %v", sends, actions(t, w.st))
		}
	})
}

// checkNoHealthInfo fails t if a delivered request holds anything from
// the visit but its address (in To alone), or anything chaperone's own
// screen takes for PHI.
func checkNoHealthInfo(t *testing.T, w *world, m delivered, sentAt time.Time) {
	t.Helper()
	for _, phi := range visitPHI {
		if strings.Contains(m.raw, phi) || strings.Contains(m.body, phi) || strings.Contains(m.subject, phi) {
			t.Errorf("the message to %s holds %q", m.to, phi)
		}
	}
	if strings.Count(m.raw, m.to) != 1 || !strings.Contains(m.raw, "To: <"+m.to+">\r\n") {
		t.Errorf("the address appears other than in To: %d times", strings.Count(m.raw, m.to))
	}
	for _, d := range []string{"Oct", "October", "2026-1", "/2026"} {
		if strings.Contains(m.body, d) {
			t.Errorf("the body holds a date (%q)", d)
		}
	}
	// Date is when it was sent (within the run's hours), not the visit
	if d, err := m.header.Date(); err != nil || d.Before(sentAt) || d.After(sentAt.Add(2*time.Hour)) {
		t.Errorf("Date: %v %v, want the time of sending, %v", d, err, sentAt)
	}
	// the screen reads the subject, every header but To and Date, and
	// the body, each as a post by the practice (its name and links are
	// its own)
	parts := []string{m.subject, m.body}
	for k, vs := range m.header {
		if k != "To" && k != "Date" && k != "Subject" {
			parts = append(parts, vs...)
		}
	}
	own := []string{"reviews@harbor.example", "https://g.page/r/harbor/review", "https://www.yelp.com/writeareview/biz/harbor-family", "http://chaperone.test/unsubscribe/"}
	for _, p := range parts {
		res := w.svc.Engine().Screen(chaperone.Item{Channel: chaperone.ChannelPost, Text: p,
			Author: chaperone.Author{Employer: "Harbor Family Medicine", ClinicContacts: own}})
		for _, f := range res.Findings {
			q := ""
			if f.HasSpan() {
				q = p[f.Start:f.End]
			}
			t.Errorf("the screen finds %s (%s) in the message: %s %q", f.Type, f.SpanType, f.Reason, q)
		}
		if res.Decision != chaperone.Allow {
			t.Errorf("the screen decides %s on the message", res.Decision)
		}
	}
}

// TestReviewRequestsSendingOff: without a mail server requests wait,
// queued, and the page says sending is off.
func TestReviewRequestsSendingOff(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		if _, err := w.svc.SetReviewLinks(ctx, w.admin, chaperone.ReviewLinks{Healthgrades: "https://www.healthgrades.com/review/3ABC"}); err != nil {
			t.Fatal(err)
		}
		if res, err := w.svc.AddVisit(ctx, w.clinician, "Walter Pruitt", "walter.pruitt@example.com", "2026-10-02"); err != nil || res.Added != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		if err := w.svc.OptOutAddress(ctx, w.comp, "Jm@Example.net"); err != nil {
			t.Fatal(err)
		}
		if rep, err := w.svc.SendDueReviewRequests(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); err != nil || rep != (SendReport{}) {
			t.Fatalf("%+v %v", rep, err)
		}
		page, err := w.svc.ReviewRequests(ctx, w.clinician, store.ReviewRequestFilter{})
		if err != nil || page.Sending || len(page.Requests) != 1 || page.Requests[0].Status != chaperone.RequestQueued ||
			page.Requests[0].PatientName != "Walter Pruitt" || page.PerHour != DefaultReviewRequestsPerHour {
			t.Fatalf("%+v %v", page, err)
		}
		// a staff opt-out cancels the queued request at once
		if err := w.svc.OptOutAddress(ctx, w.clinician, "walter.pruitt@example.com"); err != nil {
			t.Fatal(err)
		}
		page, _ = w.svc.ReviewRequests(ctx, w.clinician, store.ReviewRequestFilter{})
		if page.Requests[0].Status != chaperone.RequestOptedOut {
			t.Errorf("after the opt-out: %s", page.Requests[0].Status)
		}
	})
}

// TestReviewRequestsMailDown: when the mail server cannot be reached the
// run stops after one attempt, which is logged and tried again later;
// the other requests wait untouched.
func TestReviewRequestsMailDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cfg := Config{ReviewRequests: ReviewRequestConfig{Mail: &mailer.SMTP{Addr: addr, Timeout: 5 * time.Second}, From: "r@harbor.example", PublicURL: "https://c.example"}}
	backendsWith(t, cfg, func(t *testing.T, w *world) {
		ctx := context.Background()
		if _, err := w.svc.SetReviewLinks(ctx, w.admin, chaperone.ReviewLinks{Google: "https://g.page/r/harbor/review"}); err != nil {
			t.Fatal(err)
		}
		for _, a := range []string{"a@example.com", "b@example.com"} {
			if _, err := w.svc.AddVisit(ctx, w.clinician, "", a, "2026-10-02"); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC)
		if rep, err := w.svc.SendDueReviewRequests(ctx, now); err != nil || rep != (SendReport{Retry: 1}) {
			t.Fatalf("%+v %v", rep, err)
		}
		page, err := w.svc.ReviewRequests(ctx, w.comp, store.ReviewRequestFilter{})
		if err != nil || page.Counts[chaperone.RequestQueued] != 2 {
			t.Fatalf("%+v %v", page.Counts, err)
		}
		tried := 0
		for _, rr := range page.Requests {
			if rr.Attempts == 1 {
				tried++
				if rr.LastError != "mail server unreachable or failed (connect)" || !rr.DueAt.Equal(now.Add(retryAfter)) {
					t.Errorf("tried: %+v", rr)
				}
			}
		}
		if tried != 1 {
			t.Errorf("%d requests tried", tried)
		}
	})
}
