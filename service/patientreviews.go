package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
	"github.com/chaperone-project/chaperone/store"
)

// MaxAlerts bounds the low-rating alerts the dashboard lists.
const MaxAlerts = 50

// canHandleReviews reports whether u's role imports, reads, acknowledges
// and answers the org's patient reviews: clinicians, compliance and
// admins.
func canHandleReviews(u chaperone.User) bool {
	return u.Role == chaperone.RoleClinician || u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin
}

func (s *Service) reviewsAllowed(u chaperone.User) error {
	if err := active(u); err != nil {
		return err
	}
	if !canHandleReviews(u) {
		return forbidden("only clinicians, compliance and admins handle patient reviews")
	}
	return nil
}

// ImportResult counts what an import did.
type ImportResult struct {
	Added   int `json:"added"`   // new reviews
	Skipped int `json:"skipped"` // reviews already kept (same site and id)
}

// siteName is what a site given with an import may look like.
var siteName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,39}$`)

// ImportReviews reads a review export (Google Business Profile, Yelp or
// Healthgrades, JSON or CSV; see review.Parse) and adds its reviews to
// u's org, all or nothing: a malformed file is refused with the line (or
// JSON element) and the reason, and nothing is imported. Reviews already
// kept are skipped, so importing the same file again adds nothing. site
// names the source when the file does not ("" lets the file's shape
// decide). Error messages never quote the export.
func (s *Service) ImportReviews(ctx context.Context, u chaperone.User, r io.Reader, site string) (ImportResult, error) {
	if err := s.reviewsAllowed(u); err != nil {
		return ImportResult{}, err
	}
	site = strings.ToLower(strings.TrimSpace(site))
	if site != "" && !siteName.MatchString(site) {
		return ImportResult{}, invalid("the site must be a short name such as google, yelp or healthgrades")
	}
	cr := &countingReader{r: r}
	rs, err := review.Parse(cr, site)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || cr.n > review.MaxBytes {
			return ImportResult{}, chaperone.Errorf(chaperone.ErrTooLarge, "the export is larger than %d MiB; split it, nothing was imported", review.MaxBytes>>20)
		}
		if cr.err != nil {
			return ImportResult{}, chaperone.Errorf(chaperone.ErrInvalid, "the export could not be read; nothing was imported")
		}
		return ImportResult{}, chaperone.Errorf(chaperone.ErrInvalid, "nothing was imported: %s", err)
	}
	added, skipped, err := s.store.ImportReviews(ctx, actor(u), u.OrgID, rs)
	return ImportResult{Added: added, Skipped: skipped}, err
}

// countingReader counts the bytes read and keeps the first read error.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// Reviews lists u's org's reviews matching f (its OrgID is u's), newest
// first. It shows reviewers' names and words, so it is recorded as a view.
func (s *Service) Reviews(ctx context.Context, u chaperone.User, f store.ReviewFilter) ([]chaperone.PatientReview, error) {
	if err := s.reviewsAllowed(u); err != nil {
		return nil, err
	}
	switch {
	case f.MinRating < 0 || f.MinRating > 5 || f.MaxRating < 0 || f.MaxRating > 5:
		return nil, invalid("ratings are 1 to 5 stars")
	case f.MaxRating != 0 && f.MinRating > f.MaxRating:
		return nil, invalid("the lowest rating is above the highest")
	case !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To):
		return nil, invalid("the date range is empty")
	}
	f.OrgID = u.OrgID
	rs, err := s.store.ListPatientReviews(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(rs) > 0 {
		err = s.store.RecordView(ctx, actor(u), u.OrgID, "patient_reviews", fmt.Sprint(len(rs)))
	}
	return rs, err
}

// LowRatingAlerts lists the org's reviews of chaperone.LowRating stars or
// fewer that nobody has acknowledged yet, newest first, for the
// dashboard. They carry no reviewer's name and no text (the dashboard
// shows site, rating and date), so listing them is not a PHI view.
func (s *Service) LowRatingAlerts(ctx context.Context, u chaperone.User) ([]chaperone.PatientReview, error) {
	if err := s.reviewsAllowed(u); err != nil {
		return nil, err
	}
	rs, err := s.store.ListPatientReviews(ctx, store.ReviewFilter{OrgID: u.OrgID, MaxRating: chaperone.LowRating, New: true, Limit: MaxAlerts})
	for i := range rs {
		rs[i].Reviewer, rs[i].Text = "", ""
	}
	return rs, err
}

// reviewFor loads a review of u's org; others' are not found.
func (s *Service) reviewFor(ctx context.Context, u chaperone.User, id int64) (chaperone.PatientReview, error) {
	if err := s.reviewsAllowed(u); err != nil {
		return chaperone.PatientReview{}, err
	}
	rv, err := s.store.GetPatientReview(ctx, id)
	if err != nil || rv.OrgID != u.OrgID {
		if err == nil || chaperone.CodeOf(err) == chaperone.ErrNotFound {
			return chaperone.PatientReview{}, chaperone.Errorf(chaperone.ErrNotFound, "review %d not found", id)
		}
		return chaperone.PatientReview{}, err
	}
	return rv, nil
}

// Acknowledge marks a review as seen, which ends its low-rating alert.
// Acknowledging it again changes nothing.
func (s *Service) Acknowledge(ctx context.Context, u chaperone.User, id int64) error {
	if _, err := s.reviewFor(ctx, u, id); err != nil {
		return err
	}
	return s.store.AcknowledgeReview(ctx, actor(u), id)
}

// ReplyTemplate returns a reply template by id, or the one suggested for
// the rating when id is empty.
func ReplyTemplate(id string, rating int) (review.Template, error) {
	if id == "" {
		return review.Suggest(review.Review{Rating: rating}), nil
	}
	t, err := review.TemplateByID(id)
	if err != nil {
		return t, invalid("no reply template %q", id)
	}
	return t, nil
}

// ReplyDraft starts u's reply to a review: a draft on channel
// review_reply whose context is the review (its text and the reviewer's
// name, so that the screen knows who must not be named) and whose text
// is the template (templateID, or the one suggested for the rating when
// empty) filled with the org's name and the practice's phone number. The
// draft is screened like any other: a reply edited to name the reviewer
// or confirm their care is blocked. It is linked to the review, which is
// acknowledged, all in one transaction. A review whose reply draft is
// still open (not rejected) is a conflict.
func (s *Service) ReplyDraft(ctx context.Context, u chaperone.User, reviewID int64, templateID string) (chaperone.Draft, error) {
	rv, err := s.reviewFor(ctx, u, reviewID)
	if err != nil {
		return chaperone.Draft{}, err
	}
	tpl, err := ReplyTemplate(templateID, rv.Rating)
	if err != nil {
		return chaperone.Draft{}, err
	}
	if rv.ReplyDraftID != 0 {
		prev, err := s.store.GetDraft(ctx, rv.ReplyDraftID)
		if err != nil {
			return chaperone.Draft{}, err
		}
		if prev.Status != chaperone.DraftRejected {
			return chaperone.Draft{}, conflict("review %d already has a reply: draft %d", reviewID, prev.ID)
		}
	}
	org, err := s.store.GetOrg(ctx, u.OrgID)
	if err != nil {
		return chaperone.Draft{}, err
	}
	c := Compose{Channel: chaperone.ChannelReviewReply, Text: tpl.Fill(org.Name, s.phone), Context: replyContext(rv)}
	if err := s.checkCompose(ctx, u, c); err != nil {
		return chaperone.Draft{}, err
	}
	var d chaperone.Draft
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		d, err = tx.CreateDraft(ctx, actor(u), store.NewDraft{OrgID: u.OrgID, AuthorID: u.ID, Channel: c.Channel, Text: c.Text, Context: c.Context})
		if err != nil {
			return err
		}
		if err := s.screenVersion(ctx, tx, u, d, c.Text, c.Context); err != nil {
			return err
		}
		if err := tx.SetReviewReply(ctx, actor(u), rv.ID, rv.ReplyDraftID, d.ID); err != nil {
			return err
		}
		return tx.AcknowledgeReview(ctx, actor(u), rv.ID)
	})
	return d, err
}

// replyContext is what a reply to the review answers: the review's text
// and, signed as on the site, the reviewer's name.
func replyContext(rv chaperone.PatientReview) string {
	text, name := strings.TrimSpace(rv.Text), strings.TrimSpace(rv.Reviewer)
	switch {
	case name == "":
		return text
	case text == "":
		return "— " + name
	}
	return text + "\n— " + name
}
