package service

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// TakedownWindow is how long the practice has to take a post down after
// the patient revokes the authorisation it was published under.
const TakedownWindow = 48 * time.Hour

// ExpiryReminder is how long before an authorisation expires the
// dashboard starts to remind.
const ExpiryReminder = 30 * 24 * time.Hour

// documentTypes are the signed-document formats accepted, by the content
// type sniffed from their bytes.
var documentTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true, "image/webp": true}

// canRecordConsent reports whether u's role records authorisations:
// clinicians, compliance and admins.
func canRecordConsent(u chaperone.User) bool {
	return u.Role == chaperone.RoleClinician || u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin
}

// RecordConsent records a patient's signed authorisation with its
// document (PDF, JPEG, PNG or WebP, sniffed from the bytes, at most
// store.MaxDocumentBytes), after checking its core elements and required
// statements. The document is hashed and encrypted.
func (s *Service) RecordConsent(ctx context.Context, u chaperone.User, c chaperone.Consent, doc []byte) (chaperone.Consent, error) {
	if err := active(u); err != nil {
		return c, err
	}
	if !canRecordConsent(u) {
		return c, forbidden("only clinicians, compliance and admins record authorisations")
	}
	c.OrgID = u.OrgID
	if err := c.CheckElements(); err != nil {
		return c, err
	}
	if len(doc) == 0 {
		return c, invalid("attach the signed authorisation (PDF or a photo of it)")
	}
	if len(doc) > store.MaxDocumentBytes {
		return c, chaperone.Errorf(chaperone.ErrTooLarge, "the signed document is larger than %d MiB", store.MaxDocumentBytes>>20)
	}
	typ := http.DetectContentType(doc)
	if i := strings.IndexByte(typ, ';'); i > 0 {
		typ = typ[:i]
	}
	if !documentTypes[typ] {
		return c, invalid("the signed document must be a PDF, JPEG, PNG or WebP file, not %s", typ)
	}
	if c.SignedAt.After(s.now().Add(24 * time.Hour)) {
		return c, invalid("the authorisation is signed in the future")
	}
	return s.store.CreateConsent(ctx, actor(u), c, doc, typ)
}

// consentFor loads an authorisation u may see: of u's org, recorded by u,
// or any for compliance and admins.
func (s *Service) consentFor(ctx context.Context, u chaperone.User, id int64) (chaperone.Consent, error) {
	if err := active(u); err != nil {
		return chaperone.Consent{}, err
	}
	c, err := s.store.GetConsent(ctx, id)
	if err != nil || c.OrgID != u.OrgID || (c.CreatedBy != u.ID && !canAudit(u)) {
		return chaperone.Consent{}, chaperone.Errorf(chaperone.ErrNotFound, "authorisation %d not found", id)
	}
	return c, nil
}

// Consent returns one authorisation and records the view.
func (s *Service) Consent(ctx context.Context, u chaperone.User, id int64) (chaperone.Consent, error) {
	c, err := s.consentFor(ctx, u, id)
	if err != nil {
		return c, err
	}
	return c, s.store.RecordView(ctx, actor(u), u.OrgID, "consent", fmt.Sprint(id))
}

// ConsentDocument returns the signed document and records the view.
func (s *Service) ConsentDocument(ctx context.Context, u chaperone.User, id int64) ([]byte, string, error) {
	if _, err := s.consentFor(ctx, u, id); err != nil {
		return nil, "", err
	}
	doc, typ, err := s.store.ConsentDocument(ctx, id)
	if err != nil {
		return nil, "", err
	}
	return doc, typ, s.store.RecordView(ctx, actor(u), u.OrgID, "consent_document", fmt.Sprint(id))
}

// Consents lists the authorisations u may see: all of the org's for
// compliance and admins, the ones they recorded for others. Listing shows
// patients' names, so it is recorded as a view.
func (s *Service) Consents(ctx context.Context, u chaperone.User) ([]chaperone.Consent, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	all, err := s.store.ListConsents(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	var out []chaperone.Consent
	for _, c := range all {
		if canAudit(u) || c.CreatedBy == u.ID {
			out = append(out, c)
		}
	}
	if len(out) > 0 {
		err = s.store.RecordView(ctx, actor(u), u.OrgID, "consents", fmt.Sprint(len(out)))
	}
	return out, err
}

// ExpiringConsents lists the authorisations u sees that expire within
// ExpiryReminder and are not revoked, for the dashboard's reminders.
func (s *Service) ExpiringConsents(ctx context.Context, u chaperone.User) ([]chaperone.Consent, error) {
	cs, err := s.Consents(ctx, u)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []chaperone.Consent
	for _, c := range cs {
		if c.RevokedAt.IsZero() && !c.Expires.IsZero() && c.Expires.After(now) && c.Expires.Sub(now) <= ExpiryReminder {
			out = append(out, c)
		}
	}
	return out, nil
}

// LinkConsent links an authorisation to the author's draft: the draft may
// then be published under it if it is valid and covers the draft's
// channel.
func (s *Service) LinkConsent(ctx context.Context, u chaperone.User, draftID, consentID int64) error {
	d, err := s.draftFor(ctx, u, draftID)
	if err != nil {
		return err
	}
	if d.AuthorID != u.ID {
		return forbidden("only the author links an authorisation to a draft")
	}
	c, err := s.store.GetConsent(ctx, consentID)
	if err != nil || c.OrgID != u.OrgID {
		return chaperone.Errorf(chaperone.ErrNotFound, "authorisation %d not found", consentID)
	}
	if err := c.ValidAt(s.now()); err != nil {
		return err
	}
	medium, err := s.medium(ctx, d)
	if err != nil {
		return err
	}
	if !c.Covers(d.Channel, medium) {
		return invalid("authorisation %d does not cover %s (%s)", consentID, strings.ReplaceAll(string(d.Channel), "_", " "), medium)
	}
	return s.store.LinkConsent(ctx, actor(u), draftID, consentID)
}

// medium is what a draft publishes, for the scope of an authorisation:
// "photo" when it has pictures or is an image caption, else "text".
func (s *Service) medium(ctx context.Context, d chaperone.Draft) (string, error) {
	if d.Channel == chaperone.ChannelImageCaption {
		return "photo", nil
	}
	images, err := s.store.ListImages(ctx, d.ID)
	if err != nil || len(images) == 0 {
		return "text", err
	}
	return "photo", nil
}

// needsConsent reports whether a screen result asks for an authorisation
// before publication: CONSENT_NEEDED, or an image caption about a patient.
func needsConsent(d chaperone.Draft, res chaperone.Result) bool {
	return res.Has(chaperone.FindingConsentNeeded) || (d.Channel == chaperone.ChannelImageCaption && res.Has(chaperone.FindingPatientStory))
}

// consentGate is the publishing gate: a draft whose screen needs consent
// is published only when linked to an authorisation that is valid at
// time at and covers its channel and medium.
func (s *Service) consentGate(ctx context.Context, d chaperone.Draft, res chaperone.Result, at time.Time) error {
	if !needsConsent(d, res) {
		return nil
	}
	linked, err := s.store.LinkedConsents(ctx, d.ID)
	if err != nil {
		return err
	}
	medium, err := s.medium(ctx, d)
	if err != nil {
		return err
	}
	var why []string
	for _, c := range linked {
		err := c.ValidAt(at)
		if err == nil && c.Covers(d.Channel, medium) {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("%s does not cover this channel or medium (%s)", c, medium)
		}
		why = append(why, publicText(err))
	}
	msg := "this draft needs the patient's written authorisation (45 CFR 164.508): link a valid one before publishing"
	if len(why) > 0 {
		msg += " (" + strings.Join(why, "; ") + ")"
	}
	return chaperone.Errorf(chaperone.ErrConflict, "%s", msg)
}

// RevokeConsent records the patient's revocation and opens a takedown
// task, due within TakedownWindow, for every post published under it.
// Compliance, admins and whoever recorded it may revoke.
func (s *Service) RevokeConsent(ctx context.Context, u chaperone.User, id int64, reason string) ([]chaperone.TakedownTask, error) {
	if _, err := s.consentFor(ctx, u, id); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, invalid("record how and when the patient revoked it")
	}
	return s.store.RevokeConsent(ctx, actor(u), id, reason, s.now().Add(TakedownWindow))
}

// Takedowns lists the org's open takedown tasks (all of them with all).
func (s *Service) Takedowns(ctx context.Context, u chaperone.User, all bool) ([]chaperone.TakedownTask, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	tasks, err := s.store.ListTakedowns(ctx, u.OrgID, !all)
	if err != nil || canAudit(u) {
		return tasks, err
	}
	var mine []chaperone.TakedownTask
	for _, t := range tasks {
		if d, err := s.store.GetDraft(ctx, t.DraftID); err == nil && d.AuthorID == u.ID {
			mine = append(mine, t)
		}
	}
	return mine, nil
}

// CompleteTakedown marks a takedown done: by the post's author (who took
// it down), compliance or an admin.
func (s *Service) CompleteTakedown(ctx context.Context, u chaperone.User, id int64) error {
	if err := active(u); err != nil {
		return err
	}
	t, err := s.store.GetTakedown(ctx, id)
	if err != nil || t.OrgID != u.OrgID {
		return chaperone.Errorf(chaperone.ErrNotFound, "takedown task %d not found", id)
	}
	if !canAudit(u) {
		d, err := s.store.GetDraft(ctx, t.DraftID)
		if err != nil || d.AuthorID != u.ID {
			return forbidden("only the post's author, compliance or an admin completes a takedown")
		}
	}
	return s.store.CompleteTakedown(ctx, actor(u), id)
}

// publicText is an error's message for users.
func publicText(err error) string {
	if ce, ok := err.(*chaperone.Error); ok {
		return ce.Msg
	}
	return err.Error()
}
