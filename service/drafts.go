package service

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/policy"
	"github.com/chaperone-project/chaperone/store"
)

// Compose is what a clinician writes: the text, where it goes and, for a
// reply, what it answers.
type Compose struct {
	AccountID int64 // 0: not chosen yet
	Channel   chaperone.Channel
	Text      string
	Context   string
}

// DraftView is a draft as its author or a reviewer sees it: the current
// version's text, its latest screen, the policy's route, the safe rewrite
// and the reviews so far. It holds PHI: pages that show it are no-store.
type DraftView struct {
	Draft    chaperone.Draft
	Version  chaperone.DraftVersion
	Author   chaperone.User
	Account  chaperone.SocialAccount
	Screen   chaperone.ScreenRecord
	Route    policy.Outcome
	Rewrite  string
	Reviews  []chaperone.ReviewAction
	Versions int
	// History is every version, oldest first, with its latest screen's
	// decision.
	History []HistoryEntry
	// NeedsConsent says the screen asks for the patient's authorisation
	// before publication; Linked are the authorisations linked so far.
	NeedsConsent bool
	Linked       []chaperone.Consent
	// Disclosure is the suggested disclosure line when the screen found
	// an undisclosed industry relationship.
	Disclosure string
	// Images are the pictures attached, with their screens.
	Images []chaperone.DraftImage
}

// HistoryEntry is one version of a draft in its history.
type HistoryEntry struct {
	Version  chaperone.DraftVersion
	Decision chaperone.Decision
	Findings int
}

// Create saves a new draft as version 1 and screens it. Any active user may
// write drafts; the account must be one of the author's own.
func (s *Service) Create(ctx context.Context, u chaperone.User, c Compose) (chaperone.Draft, error) {
	if err := active(u); err != nil {
		return chaperone.Draft{}, err
	}
	if c.Channel == "" {
		c.Channel = chaperone.ChannelPost
	}
	if err := s.checkCompose(ctx, u, c); err != nil {
		return chaperone.Draft{}, err
	}
	var d chaperone.Draft
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		d, err = tx.CreateDraft(ctx, actor(u), store.NewDraft{OrgID: u.OrgID, AuthorID: u.ID, AccountID: c.AccountID,
			Channel: c.Channel, Text: c.Text, Context: c.Context})
		if err != nil {
			return err
		}
		return s.screenVersion(ctx, tx, u, d, c.Text, c.Context)
	})
	return d, err
}

// Edit saves a new version of the author's draft, screens it and moves
// the draft back to status draft. Only the author edits, and only a draft
// that is being written, was sent back, or was blocked.
func (s *Service) Edit(ctx context.Context, u chaperone.User, id int64, text, context string) (chaperone.Draft, error) {
	d, err := s.draftFor(ctx, u, id)
	if err != nil {
		return d, err
	}
	if d.AuthorID != u.ID {
		return d, forbidden("only the author edits a draft")
	}
	switch d.Status {
	case chaperone.DraftDraft, chaperone.DraftChangesRequested, chaperone.DraftBlocked:
	default:
		return d, conflict("a draft that is %s cannot be edited", d.Status)
	}
	if err := checkText(d.Channel, text, context); err != nil {
		return d, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddVersion(ctx, actor(u), d.ID, text, context); err != nil {
			return err
		}
		if d.Status != chaperone.DraftDraft {
			if err := tx.SetDraftStatus(ctx, actor(u), d.ID, d.Status, chaperone.DraftDraft); err != nil {
				return err
			}
		}
		var err error
		if d, err = tx.GetDraft(ctx, d.ID); err != nil {
			return err
		}
		return s.screenVersion(ctx, tx, u, d, text, context)
	})
	if err != nil {
		return d, err
	}
	return s.store.GetDraft(ctx, d.ID)
}

// Submit sends the author's draft on by the route of its latest screen:
// allow makes it approved (it may be published), review puts it in the
// reviewer queue, block marks it blocked (edit it, or ask compliance to
// override).
func (s *Service) Submit(ctx context.Context, u chaperone.User, id int64) (chaperone.Draft, policy.Outcome, error) {
	d, err := s.draftFor(ctx, u, id)
	if err != nil {
		return d, policy.Outcome{}, err
	}
	if d.AuthorID != u.ID {
		return d, policy.Outcome{}, forbidden("only the author submits a draft")
	}
	if d.Status != chaperone.DraftDraft {
		return d, policy.Outcome{}, conflict("a draft that is %s cannot be submitted", d.Status)
	}
	sc, err := s.store.LatestScreen(ctx, d.ID, d.Version)
	if err != nil {
		return d, policy.Outcome{}, err
	}
	out, _, err := s.route(ctx, u, d, sc.Result)
	if err != nil {
		return d, out, err
	}
	to := map[chaperone.Decision]chaperone.DraftStatus{
		chaperone.Allow: chaperone.DraftApproved, chaperone.Review: chaperone.DraftInReview, chaperone.Block: chaperone.DraftBlocked,
	}[out.Decision]
	if err := s.store.SetDraftStatus(ctx, actor(u), d.ID, chaperone.DraftDraft, to); err != nil {
		return d, out, err
	}
	d, err = s.store.GetDraft(ctx, d.ID)
	return d, out, err
}

// View returns a draft with its current text for u, and records the view
// of PHI in the audit log.
func (s *Service) View(ctx context.Context, u chaperone.User, id int64) (DraftView, error) {
	d, err := s.draftFor(ctx, u, id)
	if err != nil {
		return DraftView{}, err
	}
	v := DraftView{Draft: d}
	if v.Version, err = s.store.GetVersion(ctx, d.ID, d.Version); err != nil {
		return v, err
	}
	if v.Author, err = s.store.GetUser(ctx, d.AuthorID); err != nil {
		return v, err
	}
	if v.Screen, err = s.store.LatestScreen(ctx, d.ID, d.Version); err != nil {
		return v, err
	}
	it, acct, err := s.item(ctx, v.Author, d, v.Version.Text, v.Version.Context)
	if err != nil {
		return v, err
	}
	v.Account = acct
	pol, err := s.policyFor(ctx, d.OrgID)
	if err != nil {
		return v, err
	}
	tr, err := s.trainingInput(ctx, v.Author)
	if err != nil {
		return v, err
	}
	in := policyInput(it, acct, v.Screen.Result)
	in.Training = tr
	v.Route, _ = pol.Route(in)
	if v.Screen.Result.Decision != chaperone.Allow {
		v.Rewrite = Rewrite(it, v.Screen.Result)
	}
	if v.Reviews, err = s.store.ListReviews(ctx, d.ID); err != nil {
		return v, err
	}
	v.Versions = d.Version
	versions, err := s.store.ListVersions(ctx, d.ID)
	if err != nil {
		return v, err
	}
	screens, err := s.store.ListScreens(ctx, d.ID)
	if err != nil {
		return v, err
	}
	latest := map[int]chaperone.ScreenRecord{}
	for _, sc := range screens {
		latest[sc.Version] = sc // oldest first: the last one wins
	}
	for _, ver := range versions {
		sc := latest[ver.Version]
		v.History = append(v.History, HistoryEntry{Version: ver, Decision: sc.Decision, Findings: len(sc.Result.Findings)})
	}
	v.NeedsConsent = needsConsent(d, v.Screen.Result)
	if v.Screen.Result.Has(chaperone.FindingUndisclosedFinancial) {
		_, active, err := s.activeTies(ctx, d.AuthorID, s.now())
		if err != nil {
			return v, err
		}
		v.Disclosure = DisclosureLine(active)
	}
	if v.Linked, err = s.store.LinkedConsents(ctx, d.ID); err != nil {
		return v, err
	}
	if v.Images, err = s.store.ListImages(ctx, d.ID); err != nil {
		return v, err
	}
	if err := s.store.RecordView(ctx, actor(u), d.OrgID, "draft", fmt.Sprint(d.ID)); err != nil {
		return v, err
	}
	return v, nil
}

// Mine lists u's own drafts, newest first.
func (s *Service) Mine(ctx context.Context, u chaperone.User) ([]chaperone.Draft, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	return s.store.ListDrafts(ctx, store.DraftFilter{OrgID: u.OrgID, AuthorID: u.ID})
}

// screenVersion screens a version inside tx and stores the result.
func (s *Service) screenVersion(ctx context.Context, tx *store.Tx, author chaperone.User, d chaperone.Draft, text, context string) error {
	it, _, err := s.item(ctx, author, d, text, context)
	if err != nil {
		return err
	}
	res := s.engine.Screen(it)
	if err := s.addCredentialFindings(ctx, author.ID, it, &res); err != nil {
		return err
	}
	images, err := tx.ListImages(ctx, d.ID)
	if err != nil {
		return err
	}
	addImageFindings(&res, images)
	_, err = tx.AddScreen(ctx, actor(author), d.ID, d.Version, res)
	return err
}

// route applies the policy of d's org to a screen result of d.
func (s *Service) route(ctx context.Context, author chaperone.User, d chaperone.Draft, res chaperone.Result) (policy.Outcome, chaperone.Item, error) {
	it, acct, err := s.item(ctx, author, d, "", "")
	if err != nil {
		return policy.Outcome{}, it, err
	}
	pol, err := s.policyFor(ctx, d.OrgID)
	if err != nil {
		return policy.Outcome{}, it, err
	}
	tr, err := s.trainingInput(ctx, author)
	if err != nil {
		return policy.Outcome{}, it, err
	}
	in := policyInput(it, acct, res)
	in.Training = tr
	out, _ := pol.Route(in) // a failing route already routes to review
	return out, it, nil
}

func policyInput(it chaperone.Item, acct chaperone.SocialAccount, res chaperone.Result) policy.Input {
	return policy.Input{Result: res, Channel: string(it.Channel), Author: it.Author,
		Account: policy.Account{Kind: acct.Kind, Platform: acct.Platform, Handle: acct.Handle}}
}

// checkCompose validates a new draft.
func (s *Service) checkCompose(ctx context.Context, u chaperone.User, c Compose) error {
	if !c.Channel.Valid() {
		return invalid("unknown channel %q", c.Channel)
	}
	if c.AccountID != 0 {
		a, err := s.store.GetAccount(ctx, c.AccountID)
		if err != nil || a.UserID != u.ID {
			return invalid("account %d is not one of yours", c.AccountID)
		}
	}
	return checkText(c.Channel, c.Text, c.Context)
}

// checkText validates a draft's text and context.
func checkText(ch chaperone.Channel, text, context string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return invalid("the draft is empty")
	case !utf8.ValidString(text) || !utf8.ValidString(context):
		return invalid("the draft is not valid UTF-8")
	case len(text) > store.MaxTextBytes || len(context) > store.MaxTextBytes:
		return chaperone.Errorf(chaperone.ErrTooLarge, "a draft and its context are at most %d bytes each", store.MaxTextBytes)
	case context != "" && !ch.IsReply():
		return invalid("only replies, review replies and comments have a context")
	}
	return nil
}

// Screen screens a text without storing it (the API's screen call, and
// the compose page's live check). The screen is an audit event; its text
// is not kept.
func (s *Service) Screen(ctx context.Context, u chaperone.User, it chaperone.Item) (chaperone.Result, error) {
	if err := active(u); err != nil {
		return chaperone.Result{}, err
	}
	if it.Channel == "" {
		it.Channel = chaperone.ChannelPost
	}
	if !it.Channel.Valid() {
		return chaperone.Result{}, invalid("unknown channel %q", it.Channel)
	}
	if len(it.Text) > store.MaxTextBytes || len(it.Context) > store.MaxTextBytes {
		return chaperone.Result{}, chaperone.Errorf(chaperone.ErrTooLarge, "a text and its context are at most %d bytes each", store.MaxTextBytes)
	}
	if !utf8.ValidString(it.Text) || !utf8.ValidString(it.Context) {
		return chaperone.Result{}, invalid("the text is not valid UTF-8")
	}
	if it.Author.Name == "" {
		it.Author.Name = u.DisplayName
	}
	if len(it.Author.Relationships) == 0 {
		ties, _, err := s.activeTies(ctx, u.ID, s.now())
		if err != nil {
			return chaperone.Result{}, err
		}
		it.Author.Relationships = ties
	}
	res := s.engine.Screen(it)
	if err := s.addCredentialFindings(ctx, u.ID, it, &res); err != nil {
		return chaperone.Result{}, err
	}
	_, err := s.store.Audit(ctx, actor(u), store.AuditEntry{OrgID: u.OrgID, Action: chaperone.ActionScreen, SubjectKind: "text",
		Details: map[string]any{"decision": res.Decision, "findings": len(res.Findings), "spans": len(res.Spans), "bytes": len(it.Text), "channel": it.Channel}})
	return res, err
}
