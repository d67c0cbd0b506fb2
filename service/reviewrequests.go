package service

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/mailer"
	"github.com/chaperone-project/chaperone/review"
	"github.com/chaperone-project/chaperone/store"
)

// Review requests: after a visit (imported from an appointment list or
// added by hand), the patient is sent one email that thanks them and
// links to the practice's review pages. Every visit gets a request, with
// the same words, whatever rating might be expected: there is no step
// that asks whether the patient was happy and no choosing whom to ask
// (review gating, which the FTC treats as deceptive — its 2024 rule on
// consumer reviews, 16 CFR Part 465 — and Google's review policy
// forbids). The message carries no health
// information, not even the patient's name or the visit's date. An
// address that opted out gets nothing; an address gets at most one
// request every 30 days; each org sends at most PerHour an hour.

// DefaultReviewRequestsPerHour is the default rate limit of an org's
// review requests.
const DefaultReviewRequestsPerHour = 60

// ReviewRequestConfig configures the sending of review requests
// (chaperone serve's --smtp, --mail-from, --public-url and
// --review-requests-per-hour).
type ReviewRequestConfig struct {
	// Mail sends the messages; nil means sending is off: requests stay
	// queued and the page says so.
	Mail mailer.Sender
	// From is the sender's address (--mail-from).
	From string
	// PublicURL is where patients reach this server, for the unsubscribe
	// links ("https://chaperone.example.org"); the links are PublicURL +
	// "/unsubscribe/" + token.
	PublicURL string
	// PerHour bounds the requests one org sends in any hour; 0 means
	// DefaultReviewRequestsPerHour.
	PerHour int
}

// requestConfig is ReviewRequestConfig as the service keeps it.
type requestConfig struct {
	ReviewRequestConfig
	host string // of From, for Message-IDs
}

func newRequestConfig(c ReviewRequestConfig) requestConfig {
	if c.PerHour <= 0 {
		c.PerHour = DefaultReviewRequestsPerHour
	}
	c.PublicURL = strings.TrimRight(strings.TrimSpace(c.PublicURL), "/")
	rc := requestConfig{ReviewRequestConfig: c, host: "localhost"}
	if i := strings.LastIndexByte(c.From, '@'); i >= 0 && i+1 < len(c.From) {
		rc.host = c.From[i+1:]
	}
	return rc
}

// ReviewRequestsSending reports whether review requests are sent (a mail
// server, a sender address and the public URL are configured).
func (s *Service) ReviewRequestsSending() bool {
	return s.requests.Mail != nil && s.requests.From != "" && s.requests.PublicURL != ""
}

// ReviewRequestsPerHour is the rate limit of an org's review requests.
func (s *Service) ReviewRequestsPerHour() int { return s.requests.PerHour }

// VisitImport counts what adding visits did.
type VisitImport struct {
	Added   int `json:"added"`   // new visits, each with a queued request
	Skipped int `json:"skipped"` // visits already kept
	// Ignored names the list's columns that were not read (never their
	// values): visit reasons, providers and the like are not kept.
	Ignored []string `json:"ignored,omitempty"`
}

// ImportVisits reads an appointment list (CSV; see review.ReadVisits)
// and keeps its visits in u's org, each with a review request queued for
// the day after the visit, all or nothing: a malformed file is refused
// with the line and the reason, and nothing is kept. Visits already kept
// are skipped, so importing the same list again sends nothing twice.
// Clinicians, compliance and admins import; errors never quote the file.
func (s *Service) ImportVisits(ctx context.Context, u chaperone.User, r io.Reader) (VisitImport, error) {
	if err := s.reviewsAllowed(u); err != nil {
		return VisitImport{}, err
	}
	cr := &countingReader{r: r}
	vf, err := review.ReadVisits(cr)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || cr.n > review.MaxVisitBytes {
			return VisitImport{}, chaperone.Errorf(chaperone.ErrTooLarge, "the appointment list is larger than %d MiB; split it, nothing was imported", review.MaxVisitBytes>>20)
		}
		if cr.err != nil {
			return VisitImport{}, invalid("the appointment list could not be read; nothing was imported")
		}
		return VisitImport{}, invalid("nothing was imported: %s", err)
	}
	added, skipped, _, err := s.store.AddReviewRequests(ctx, actor(u), u.OrgID, "import", vf.Visits)
	return VisitImport{Added: added, Skipped: skipped, Ignored: vf.Ignored}, err
}

// AddVisit keeps one visit entered by hand (the patient's name may be
// empty; the address and the date are needed), with its review request.
// The same visit again (same day and address) is skipped.
func (s *Service) AddVisit(ctx context.Context, u chaperone.User, name, email, date string) (VisitImport, error) {
	if err := s.reviewsAllowed(u); err != nil {
		return VisitImport{}, err
	}
	v := review.Visit{Name: strings.TrimSpace(name)}
	var err error
	if v.Email, err = review.CheckAddress(email); err != nil {
		return VisitImport{}, invalid("%s", err)
	}
	if v.At, err = review.ParseVisitTime(date); err != nil {
		return VisitImport{}, invalid("%s", err)
	}
	if len(v.Name) > 200 || strings.ContainsAny(v.Name, "\r\n\x00") {
		return VisitImport{}, invalid("the name must be one line of at most 200 characters")
	}
	added, skipped, _, err := s.store.AddReviewRequests(ctx, actor(u), u.OrgID, "manual", []review.Visit{v})
	return VisitImport{Added: added, Skipped: skipped}, err
}

// ReviewRequestPage is what the review requests page and API show.
type ReviewRequestPage struct {
	Requests []chaperone.ReviewRequest             `json:"requests"`
	Counts   map[chaperone.ReviewRequestStatus]int `json:"counts"`
	Links    chaperone.ReviewLinks                 `json:"links"`
	Sending  bool                                  `json:"sending"`        // false: no mail server configured
	PerHour  int                                   `json:"per_hour"`       // the rate limit
	Next     int64                                 `json:"next,omitempty"` // before=Next gives the next page
}

// ReviewRequests lists u's org's review requests (newest first, a page
// of f.Limit) with the counts by status, the review links and whether
// sending is on. Requests show patients' names and addresses, so listing
// any is recorded as a phi.view.
func (s *Service) ReviewRequests(ctx context.Context, u chaperone.User, f store.ReviewRequestFilter) (ReviewRequestPage, error) {
	if err := s.reviewsAllowed(u); err != nil {
		return ReviewRequestPage{}, err
	}
	if f.Status != "" && !validRequestStatus(f.Status) {
		return ReviewRequestPage{}, invalid("unknown status %q", f.Status)
	}
	f.OrgID = u.OrgID
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rs, err := s.store.ListReviewRequests(ctx, f)
	if err != nil {
		return ReviewRequestPage{}, err
	}
	p := ReviewRequestPage{Requests: rs, Sending: s.ReviewRequestsSending(), PerHour: s.requests.PerHour}
	if p.Requests == nil {
		p.Requests = []chaperone.ReviewRequest{}
	}
	if len(rs) == f.Limit {
		p.Next = rs[len(rs)-1].ID
	}
	if p.Counts, err = s.store.ReviewRequestCounts(ctx, u.OrgID); err != nil {
		return p, err
	}
	if p.Links, err = s.store.ReviewLinks(ctx, u.OrgID); err != nil {
		return p, err
	}
	if len(rs) > 0 {
		err = s.store.RecordView(ctx, actor(u), u.OrgID, "review_requests", fmt.Sprint(len(rs)))
	}
	return p, err
}

func validRequestStatus(st chaperone.ReviewRequestStatus) bool {
	switch st {
	case chaperone.RequestQueued, chaperone.RequestSending, chaperone.RequestSent, chaperone.RequestOptedOut, chaperone.RequestRecent, chaperone.RequestFailed:
		return true
	}
	return false
}

// ReviewRequestAttempts returns the logged attempts of one of u's org's
// requests (times, statuses, error classes: no PHI).
func (s *Service) ReviewRequestAttempts(ctx context.Context, u chaperone.User, id int64) ([]store.ReviewRequestAttempt, error) {
	if err := s.reviewsAllowed(u); err != nil {
		return nil, err
	}
	rr, err := s.store.GetReviewRequest(ctx, id)
	if err != nil || rr.OrgID != u.OrgID {
		return nil, chaperone.Errorf(chaperone.ErrNotFound, "review request %d not found", id)
	}
	return s.store.ReviewRequestAttempts(ctx, id)
}

// ReviewLinks returns u's org's review pages.
func (s *Service) ReviewLinks(ctx context.Context, u chaperone.User) (chaperone.ReviewLinks, error) {
	if err := s.reviewsAllowed(u); err != nil {
		return chaperone.ReviewLinks{}, err
	}
	return s.store.ReviewLinks(ctx, u.OrgID)
}

// SetReviewLinks saves the org's review pages (admins only): each empty
// or an https URL of at most 500 characters. Requests link to those set;
// with none set, requests wait.
func (s *Service) SetReviewLinks(ctx context.Context, u chaperone.User, l chaperone.ReviewLinks) (chaperone.ReviewLinks, error) {
	if err := active(u); err != nil {
		return l, err
	}
	if u.Role != chaperone.RoleAdmin {
		return l, forbidden("only admins set the review links")
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"Google", &l.Google}, {"Yelp", &l.Yelp}, {"Healthgrades", &l.Healthgrades}} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v == "" {
			continue
		}
		pu, err := url.Parse(*f.v)
		if err != nil || pu.Scheme != "https" || pu.Host == "" || pu.User != nil || len(*f.v) > 500 || strings.ContainsAny(*f.v, " \r\n\t<>\"") {
			return l, invalid("the %s link must be an https URL of at most 500 characters", f.name)
		}
	}
	return s.store.SetReviewLinks(ctx, actor(u), u.OrgID, l)
}

// links are the review pages set, as the message lists them.
func links(l chaperone.ReviewLinks) [][2]string {
	var out [][2]string
	for _, x := range [][2]string{{"Google", l.Google}, {"Yelp", l.Yelp}, {"Healthgrades", l.Healthgrades}} {
		if x[1] != "" {
			out = append(out, x)
		}
	}
	return out
}

// Unsubscribe tokens: the org's id and the address's keyed hash, signed
// with the store's secret (16 bytes of HMAC-SHA256). They name no one:
// the address cannot be read back from them.
const (
	tokenMAC = 16
	tokenLen = 8 + 32 + tokenMAC
)

// UnsubscribeToken returns the token of an address's opt-out link.
func (s *Service) UnsubscribeToken(ctx context.Context, orgID int64, email string) (string, error) {
	h, err := s.store.AddressHash(ctx, email)
	if err != nil {
		return "", err
	}
	b := binary.BigEndian.AppendUint64(nil, uint64(orgID))
	b = append(b, h...)
	mac, err := s.store.MAC(ctx, "unsubscribe", b)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(append(b, mac[:tokenMAC]...)), nil
}

// readToken checks a token and returns its org and address hash.
func (s *Service) readToken(ctx context.Context, token string) (int64, []byte, error) {
	bad := chaperone.Errorf(chaperone.ErrNotFound, "this unsubscribe link is not valid; use the link in the email")
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != tokenLen {
		return 0, nil, bad
	}
	mac, err := s.store.MAC(ctx, "unsubscribe", b[:tokenLen-tokenMAC])
	if err != nil {
		return 0, nil, err
	}
	if !hmac.Equal(mac[:tokenMAC], b[tokenLen-tokenMAC:]) {
		return 0, nil, bad
	}
	return int64(binary.BigEndian.Uint64(b[:8])), b[8 : tokenLen-tokenMAC], nil
}

// UnsubscribeInfo checks an unsubscribe token and returns the practice's
// name, for the confirmation page (which shows nothing else), and
// whether the address has already opted out. Anyone with the link may
// call it: no sign-in.
func (s *Service) UnsubscribeInfo(ctx context.Context, token string) (practice string, done bool, err error) {
	orgID, h, err := s.readToken(ctx, token)
	if err != nil {
		return "", false, err
	}
	org, err := s.store.GetOrg(ctx, orgID)
	if err != nil {
		return "", false, chaperone.Errorf(chaperone.ErrNotFound, "this unsubscribe link is not valid; use the link in the email")
	}
	done, err = s.store.OptedOut(ctx, orgID, h)
	return org.Name, done, err
}

// Unsubscribe records the opt-out of a token's address: it is sent no
// more review requests by the token's org, and its queued ones are
// cancelled. how says where it came from ("link": the confirmation page,
// "one-click": an RFC 8058 POST from the mail client). Doing it again
// changes nothing. Anyone with the link may call it: no sign-in.
func (s *Service) Unsubscribe(ctx context.Context, token, how string) error {
	orgID, h, err := s.readToken(ctx, token)
	if err != nil {
		return err
	}
	_, err = s.store.OptOut(ctx, store.System, orgID, h, how)
	return err
}

// OptOutAddress puts an address on u's org's opt-out list, for a patient
// who asked by phone or at the desk (clinicians, compliance, admins).
func (s *Service) OptOutAddress(ctx context.Context, u chaperone.User, email string) error {
	if err := s.reviewsAllowed(u); err != nil {
		return err
	}
	addr, err := review.CheckAddress(email)
	if err != nil {
		return invalid("%s", err)
	}
	h, err := s.store.AddressHash(ctx, addr)
	if err != nil {
		return err
	}
	_, err = s.store.OptOut(ctx, actor(u), u.OrgID, h, "staff")
	return err
}

// SendReport counts what one run of SendDueReviewRequests did.
type SendReport struct {
	Sent     int `json:"sent"`
	OptedOut int `json:"opted_out"`
	Recent   int `json:"recent"`
	Failed   int `json:"failed"`  // for good
	Retry    int `json:"retry"`   // failed, tried again later
	Waiting  int `json:"waiting"` // orgs with due requests held back: no review links, or the hour's limit reached
}

// retryAfter is how long a request whose sending failed waits before the
// next attempt, times the attempts so far.
const retryAfter = 15 * time.Minute

// SendDueReviewRequests sends every org's review requests due at now,
// within each org's hourly limit: an opted-out address is skipped for
// good (opted_out), so is an address sent a request in the last 30 days
// (recent); the others are sent, each attempt logged and audited. A
// temporary failure is tried again later, up to
// chaperone.MaxReviewRequestAttempts. With sending off it does nothing.
// The send job calls it every few minutes; logs and errors carry counts
// and ids only.
func (s *Service) SendDueReviewRequests(ctx context.Context, now time.Time) (SendReport, error) {
	var rep SendReport
	if !s.ReviewRequestsSending() {
		return rep, nil
	}
	orgs, err := s.store.DueOrgs(ctx, now)
	if err != nil {
		return rep, err
	}
	for _, orgID := range orgs {
		if err := s.sendOrg(ctx, orgID, now, &rep); err != nil {
			if errors.Is(err, errMailDown) {
				return rep, nil // the next run tries again
			}
			return rep, err
		}
	}
	return rep, nil
}

// errMailDown stops a run: the mail server could not be reached or
// refused the connection itself (TLS, AUTH), so no other request would
// go either.
var errMailDown = errors.New("the mail server is unavailable")

func (s *Service) sendOrg(ctx context.Context, orgID int64, now time.Time, rep *SendReport) error {
	org, err := s.store.GetOrg(ctx, orgID)
	if err != nil {
		return err
	}
	l, err := s.store.ReviewLinks(ctx, orgID)
	if err != nil {
		return err
	}
	if !l.Any() {
		rep.Waiting++
		return nil
	}
	sent, err := s.store.SentSince(ctx, orgID, now.Add(-time.Hour))
	if err != nil {
		return err
	}
	budget := s.requests.PerHour - sent
	for budget > 0 {
		due, err := s.store.DueReviewRequests(ctx, orgID, now, min(budget, 50))
		if err != nil {
			return err
		}
		if len(due) == 0 {
			return nil
		}
		for _, rr := range due {
			if budget <= 0 {
				break
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			st, err := s.store.ClaimReviewRequest(ctx, rr.ID, now.Add(-chaperone.ReviewRequestGap))
			if err != nil {
				return err
			}
			switch st {
			case chaperone.RequestOptedOut:
				rep.OptedOut++
				continue
			case chaperone.RequestRecent:
				rep.Recent++
				continue
			case chaperone.RequestSending:
			default:
				continue // taken by another sender
			}
			errClass, retry, down := s.sendOne(ctx, org, l, rr, now)
			var retryAt time.Time
			if retry {
				retryAt = now.Add(time.Duration(rr.Attempts+1) * retryAfter)
			}
			final, err := s.store.FinishReviewRequest(ctx, rr.ID, now, errClass, retryAt)
			if err != nil {
				return err
			}
			switch final {
			case chaperone.RequestSent:
				rep.Sent++
				budget--
			case chaperone.RequestQueued:
				rep.Retry++
			default:
				rep.Failed++
			}
			if down {
				return errMailDown
			}
		}
	}
	rep.Waiting++ // the hour's limit is reached
	return nil
}

// sendOne sends one request and returns the error class ("" when sent),
// whether trying again may help, and whether the server itself failed
// (unreachable, TLS, AUTH), which ends the run. The class never holds
// the address.
func (s *Service) sendOne(ctx context.Context, org chaperone.Org, l chaperone.ReviewLinks, rr chaperone.ReviewRequest, now time.Time) (string, bool, bool) {
	tok, err := s.UnsubscribeToken(ctx, org.ID, rr.Email)
	if err != nil {
		return "internal error", true, true
	}
	nonce := make([]byte, 8)
	rand.Read(nonce)
	m := review.RequestMail{From: s.requests.From, To: rr.Email, Practice: org.Name, Links: links(l),
		Unsubscribe: s.requests.PublicURL + "/unsubscribe/" + tok, Date: now,
		MessageID: fmt.Sprintf("rr-%d.%s@%s", rr.ID, hex.EncodeToString(nonce), s.requests.host)}
	err = s.requests.Mail.Send(ctx, s.requests.From, rr.Email, m.Bytes())
	if err == nil {
		return "", false, false
	}
	var me *mailer.Error
	if errors.As(err, &me) {
		switch me.Class {
		case "connect", "timeout", "tls", "auth":
			return me.Error(), true, true
		}
		return me.Error(), !me.Permanent, false
	}
	return "sending failed", true, true
}
