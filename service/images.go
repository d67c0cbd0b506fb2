package service

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/photo"
	"github.com/chaperone-project/chaperone/store"
)

// MaxDraftImages bounds the pictures attached to one draft.
const MaxDraftImages = 4

// AttachImage screens a picture for the author's draft and attaches it:
// the original is kept encrypted with the draft, and so is the copy to
// publish (re-encoded without metadata, PHI text filled, faces blurred).
// The draft's current version is screened again, so that its screen (and
// so its route and the consent gate) includes the picture. Only the author
// attaches, while the draft is being written, sent back or blocked; the
// draft goes back to status draft. A file the photo package refuses (not
// an image, too large, a decompression bomb) gets its error and nothing is
// stored.
func (s *Service) AttachImage(ctx context.Context, u chaperone.User, draftID int64, name string, data []byte) (chaperone.DraftImage, error) {
	d, err := s.editableDraft(ctx, u, draftID, "attaches a picture to")
	if err != nil {
		return chaperone.DraftImage{}, err
	}
	name = imageName(name)
	have, err := s.store.ListImages(ctx, d.ID)
	if err != nil {
		return chaperone.DraftImage{}, err
	}
	if len(have) >= MaxDraftImages {
		return chaperone.DraftImage{}, conflict("a draft has at most %d pictures; remove one first", MaxDraftImages)
	}
	author, err := s.store.GetUser(ctx, d.AuthorID)
	if err != nil {
		return chaperone.DraftImage{}, err
	}
	v, err := s.store.GetVersion(ctx, d.ID, d.Version)
	if err != nil {
		return chaperone.DraftImage{}, err
	}
	caption, _, err := s.item(ctx, author, d, "", "")
	if err != nil {
		return chaperone.DraftImage{}, err
	}
	caption.Channel = chaperone.ChannelImageCaption
	screen := func(text string) (chaperone.Result, error) {
		it := caption
		it.Text = text
		return s.engine.Screen(it), nil
	}
	sc, err := photo.Screen(ctx, data, photo.Limits{MaxBytes: store.MaxImageBytes}, s.images, screen)
	if err != nil {
		return chaperone.DraftImage{}, err
	}
	red := sc.Redaction()
	var cp bytes.Buffer
	copyFormat, err := photo.RedactWith(ctx, bytes.NewReader(data), &cp, photo.Limits{MaxBytes: store.MaxImageBytes}, s.images, red)
	if err != nil {
		return chaperone.DraftImage{}, err
	}
	res := sc.Result()
	img := chaperone.DraftImage{DraftID: d.ID, Name: name, Format: string(sc.Report.Format), Width: sc.Report.Width, Height: sc.Report.Height,
		CopyFormat: string(copyFormat), Screen: chaperone.ImageScreen{Decision: res.Decision, Findings: res.Findings,
			Metadata: sc.Report.Metadata, OCR: string(sc.Report.OCR), FaceCheck: string(sc.Report.FaceCheck),
			Faces: len(sc.Report.Faces), Filled: len(red.Fill), Blurred: len(red.Blur)}}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if img, err = tx.AddImage(ctx, actor(u), img, data, cp.Bytes()); err != nil {
			return err
		}
		return s.rescreen(ctx, tx, u, author, d, v)
	})
	return img, err
}

// RemoveImage takes a picture off the author's draft (while it is being
// written, sent back or blocked) and screens the current version again.
func (s *Service) RemoveImage(ctx context.Context, u chaperone.User, draftID, imageID int64) error {
	d, err := s.editableDraft(ctx, u, draftID, "removes a picture from")
	if err != nil {
		return err
	}
	img, err := s.store.GetImage(ctx, imageID)
	if err != nil || img.DraftID != d.ID {
		return chaperone.Errorf(chaperone.ErrNotFound, "picture %d not found on draft %d", imageID, d.ID)
	}
	author, err := s.store.GetUser(ctx, d.AuthorID)
	if err != nil {
		return err
	}
	v, err := s.store.GetVersion(ctx, d.ID, d.Version)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RemoveImage(ctx, actor(u), imageID); err != nil {
			return err
		}
		return s.rescreen(ctx, tx, u, author, d, v)
	})
}

// Images lists the pictures of a draft u may see, with their screens
// (names are PHI: pages that show them are no-store).
func (s *Service) Images(ctx context.Context, u chaperone.User, draftID int64) ([]chaperone.DraftImage, error) {
	d, err := s.draftFor(ctx, u, draftID)
	if err != nil {
		return nil, err
	}
	return s.store.ListImages(ctx, d.ID)
}

// ImageFile returns one file of a draft's picture and its content type,
// for whoever may see the draft: the copy to publish, or the original as
// uploaded. Either is a PHI view, recorded in the audit log.
func (s *Service) ImageFile(ctx context.Context, u chaperone.User, draftID, imageID int64, which store.ImageFile) ([]byte, string, error) {
	d, err := s.draftFor(ctx, u, draftID)
	if err != nil {
		return nil, "", err
	}
	if which != store.ImageOriginal && which != store.ImageCopy {
		return nil, "", invalid("ask for the original or the copy of a picture")
	}
	img, err := s.store.GetImage(ctx, imageID)
	if err != nil || img.DraftID != d.ID {
		return nil, "", chaperone.Errorf(chaperone.ErrNotFound, "picture %d not found on draft %d", imageID, d.ID)
	}
	data, err := s.store.ReadImage(ctx, imageID, which)
	if err != nil {
		return nil, "", err
	}
	format := img.CopyFormat
	if which == store.ImageOriginal {
		format = img.Format
	}
	if err := s.store.RecordView(ctx, actor(u), d.OrgID, "draft_image", fmt.Sprintf("%d/%d/%s", d.ID, imageID, which)); err != nil {
		return nil, "", err
	}
	return data, imageType(format), nil
}

// editableDraft loads the author's draft for a change to its pictures,
// which only the author makes while the draft is being written, was sent
// back, or was blocked.
func (s *Service) editableDraft(ctx context.Context, u chaperone.User, id int64, verb string) (chaperone.Draft, error) {
	d, err := s.draftFor(ctx, u, id)
	if err != nil {
		return d, err
	}
	if d.AuthorID != u.ID {
		return d, forbidden("only the author %s a draft", verb)
	}
	switch d.Status {
	case chaperone.DraftDraft, chaperone.DraftChangesRequested, chaperone.DraftBlocked:
		return d, nil
	}
	return d, conflict("a draft that is %s cannot be changed", d.Status)
}

// rescreen screens the draft's current version again inside tx (after its
// pictures changed) and moves it back to status draft.
func (s *Service) rescreen(ctx context.Context, tx *store.Tx, u, author chaperone.User, d chaperone.Draft, v chaperone.DraftVersion) error {
	if d.Status != chaperone.DraftDraft {
		if err := tx.SetDraftStatus(ctx, actor(u), d.ID, d.Status, chaperone.DraftDraft); err != nil {
			return err
		}
	}
	return s.screenVersion(ctx, tx, author, d, v.Text, v.Context)
}

// addImageFindings adds the screens of the draft's pictures to the
// screen of its text: their findings, each saying which picture it is in,
// and the more severe decision.
func addImageFindings(res *chaperone.Result, images []chaperone.DraftImage) {
	for i, img := range images {
		for _, f := range img.Screen.Findings {
			f.Start, f.End = 0, 0
			f.Reason = fmt.Sprintf("Picture %d: %s", i+1, f.Reason)
			res.Findings = append(res.Findings, f)
		}
		if img.Screen.Decision.Severity() > res.Decision.Severity() {
			res.Decision = img.Screen.Decision
		}
	}
}

// imageName cleans an uploaded file name for display: its base name,
// valid UTF-8, at most 200 bytes.
func imageName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(strings.TrimSpace(name), "")
	for len(name) > 200 {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	if name == "" {
		name = "picture"
	}
	return name
}

// imageType is the content type of an image format.
func imageType(format string) string {
	switch photo.Format(format) {
	case photo.JPEG:
		return "image/jpeg"
	case photo.PNG:
		return "image/png"
	case photo.WebP:
		return "image/webp"
	case photo.HEIF:
		return "image/heic"
	}
	return "application/octet-stream"
}
