package service

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// Step is one link of a published item's approval chain: who screened,
// submitted, reviewed or overrode which version, and when. Comments stay
// encrypted with the reviews; the chain holds their ids.
type Step struct {
	At       time.Time          `json:"at"`
	Kind     string             `json:"kind"` // "screen", "approve", "override", "publish" …
	Version  int                `json:"version"`
	ActorID  int64              `json:"actor_id,omitempty"`
	Actor    string             `json:"actor,omitempty"`
	Decision chaperone.Decision `json:"decision,omitempty"`
	ReviewID int64              `json:"review_id,omitempty"`
	// Images are the SHA-256s of the picture copies published with the
	// text (the store keeps them with the draft).
	Images []string `json:"images,omitempty"`
}

// Publish marks an approved or overridden draft as published and archives
// it with its screen result and approval chain, kept for the retention
// period. With a connector for the account's platform the service posts
// the text and archives the URL the platform returns; otherwise the author
// gives the URL where they posted it. Only the author publishes.
func (s *Service) Publish(ctx context.Context, u chaperone.User, id int64, publishedURL string) (chaperone.ArchiveItem, error) {
	d, err := s.draftFor(ctx, u, id)
	if err != nil {
		return chaperone.ArchiveItem{}, err
	}
	switch {
	case d.AuthorID != u.ID:
		return chaperone.ArchiveItem{}, forbidden("only the author publishes a draft")
	case d.Status != chaperone.DraftApproved && d.Status != chaperone.DraftOverridden:
		return chaperone.ArchiveItem{}, conflict("a draft that is %s may not be published", d.Status)
	}
	ver, err := s.store.GetVersion(ctx, d.ID, d.Version)
	if err != nil {
		return chaperone.ArchiveItem{}, err
	}
	sc, err := s.store.LatestScreen(ctx, d.ID, d.Version)
	if err != nil {
		return chaperone.ArchiveItem{}, err
	}
	if err := s.consentGate(ctx, d, sc.Result, s.now()); err != nil {
		return chaperone.ArchiveItem{}, err
	}
	chain, err := s.chain(ctx, d, sc)
	if err != nil {
		return chaperone.ArchiveItem{}, err
	}
	images, err := s.store.ListImages(ctx, d.ID)
	if err != nil {
		return chaperone.ArchiveItem{}, err
	}
	at := s.now().UTC()
	if publishedURL == "" {
		pub, err := s.post(ctx, d, ver, images)
		if err != nil {
			return chaperone.ArchiveItem{}, err
		}
		publishedURL = pub.URL
		if !pub.At.IsZero() {
			at = pub.At.UTC()
		}
	}
	if err := checkURL(publishedURL); err != nil {
		return chaperone.ArchiveItem{}, err
	}
	var copies []string
	for _, img := range images {
		copies = append(copies, img.CopySHA256)
	}
	chain = append(chain, Step{At: at, Kind: "publish", Version: d.Version, ActorID: u.ID, Actor: u.DisplayName, Images: copies})
	chainJSON, err := json.Marshal(chain)
	if err != nil {
		return chaperone.ArchiveItem{}, err
	}
	resJSON, err := json.Marshal(sc.Result)
	if err != nil {
		return chaperone.ArchiveItem{}, err
	}
	var item chaperone.ArchiveItem
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetDraftStatus(ctx, actor(u), d.ID, d.Status, chaperone.DraftPublished); err != nil {
			return err
		}
		item, err = tx.InsertArchiveItem(ctx, actor(u), chaperone.ArchiveItem{DraftID: d.ID, PublishedURL: publishedURL,
			PublishedAt: at, Text: ver.Text, ScreenResult: resJSON, ApprovalChain: chainJSON, RetainUntil: at.Add(s.retention)})
		return err
	})
	return item, err
}

// post publishes the version, with the copies of its pictures, through the
// connector of the draft's account's platform.
func (s *Service) post(ctx context.Context, d chaperone.Draft, ver chaperone.DraftVersion, images []chaperone.DraftImage) (chaperone.Published, error) {
	if d.AccountID == 0 {
		return chaperone.Published{}, invalid("give the URL where the post was published (the draft has no account to post to)")
	}
	acct, err := s.store.GetAccount(ctx, d.AccountID)
	if err != nil {
		return chaperone.Published{}, err
	}
	c := s.connectors[strings.ToLower(acct.Platform)]
	if c == nil {
		return chaperone.Published{}, invalid("chaperone cannot post to %s yet: publish it there and give the URL", acct.Platform)
	}
	var media []chaperone.Media
	for _, img := range images {
		data, err := s.store.ReadImage(ctx, img.ID, store.ImageCopy)
		if err != nil {
			return chaperone.Published{}, err
		}
		media = append(media, chaperone.Media{ContentType: imageType(img.CopyFormat), Data: data, SHA256: img.CopySHA256})
	}
	pub, err := c.Publish(ctx, chaperone.Publication{DraftID: d.ID, IdempotencyKey: fmt.Sprintf("chaperone-draft-%d-v%d", d.ID, d.Version),
		Platform: acct.Platform, AccountID: acct.ID, Handle: acct.Handle, Channel: d.Channel, Text: ver.Text, Media: media})
	if err != nil {
		return pub, &chaperone.Error{Code: chaperone.ErrUnavailable, Msg: "posting to " + acct.Platform, Err: err}
	}
	return pub, nil
}

// chain builds the approval chain of the current version: its screen and
// every review of it.
func (s *Service) chain(ctx context.Context, d chaperone.Draft, sc chaperone.ScreenRecord) ([]Step, error) {
	author, err := s.store.GetUser(ctx, d.AuthorID)
	if err != nil {
		return nil, err
	}
	steps := []Step{{At: sc.ScreenedAt, Kind: "screen", Version: d.Version, ActorID: author.ID, Actor: author.DisplayName, Decision: sc.Decision}}
	reviews, err := s.store.ListReviews(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{author.ID: author.DisplayName}
	for _, r := range reviews {
		if r.Version != d.Version {
			continue
		}
		if _, ok := names[r.ReviewerID]; !ok {
			if ru, err := s.store.GetUser(ctx, r.ReviewerID); err == nil {
				names[r.ReviewerID] = ru.DisplayName
			}
		}
		steps = append(steps, Step{At: r.At, Kind: string(r.Action), Version: r.Version, ActorID: r.ReviewerID, Actor: names[r.ReviewerID], ReviewID: r.ID})
	}
	return steps, nil
}

// checkURL accepts an absolute http(s) URL.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s) > 2048 {
		return invalid("the published URL must be an http(s) address")
	}
	return nil
}
