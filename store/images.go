package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	chaperone "github.com/chaperone-project/chaperone"
)

// MaxImageBytes bounds one stored image file (the original or its copy).
const MaxImageBytes = 25 << 20

// ImageFile names one of the two files of a draft image.
type ImageFile string

// The files of a draft image.
const (
	ImageOriginal ImageFile = "original" // as uploaded: may show PHI
	ImageCopy     ImageFile = "copy"     // to publish: stripped and redacted
)

func imageAD(column string, id int64) string { return "draft_images." + column + "/" + subject(id) }

// AddImage stores a picture attached to a draft: its name, original and
// copy encrypted, its screen in clear (it quotes no text). ID, the
// SHA-256s, Size and CreatedAt are set here. It appends image.attach. The
// service screens the image and makes the copy first.
func (tx *Tx) AddImage(ctx context.Context, actor Actor, img chaperone.DraftImage, original, copy []byte) (chaperone.DraftImage, error) {
	switch {
	case len(original) == 0 || len(copy) == 0:
		return img, chaperone.Errorf(chaperone.ErrInvalid, "the image is empty")
	case len(original) > MaxImageBytes || len(copy) > MaxImageBytes:
		return img, chaperone.Errorf(chaperone.ErrTooLarge, "an image is at most %d MiB", MaxImageBytes>>20)
	}
	d, err := tx.GetDraft(ctx, img.DraftID)
	if err != nil {
		return img, err
	}
	img.OrgID, img.Size = d.OrgID, len(original)
	img.SHA256, img.CopySHA256 = sha256Hex(original), sha256Hex(copy)
	img.CreatedBy, img.CreatedAt = actor.UserID, tx.s.clock()
	if img.Screen.Findings == nil {
		img.Screen.Findings = []chaperone.Finding{}
	}
	screen, err := json.Marshal(img.Screen)
	if err != nil {
		return img, internal("encoding the image's screen", err)
	}
	// the row id binds the encrypted values, so insert first, then seal
	err = tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO draft_images (draft_id, org_id, name_enc, format, width, height, size, sha256,
		original_enc, copy_format, copy_sha256, copy_enc, screen, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		img.DraftID, img.OrgID, []byte{}, img.Format, img.Width, img.Height, img.Size, img.SHA256, []byte{},
		img.CopyFormat, img.CopySHA256, []byte{}, string(screen), img.CreatedBy, tx.s.tv(img.CreatedAt)).Scan(&img.ID)
	if err != nil {
		return img, dbError("saving the image", err)
	}
	var enc [3][]byte
	for i, v := range []struct{ col, plain string }{{"name", img.Name}, {"original", string(original)}, {"copy", string(copy)}} {
		if enc[i], err = tx.s.seal(v.plain, imageAD(v.col, img.ID)); err != nil {
			return img, err
		}
	}
	_, err = tx.tx.ExecContext(ctx, tx.s.q("UPDATE draft_images SET name_enc = ?, original_enc = ?, copy_enc = ? WHERE id = ?"),
		enc[0], enc[1], enc[2], img.ID)
	if err != nil {
		return img, dbError("saving the image", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: img.OrgID, Action: chaperone.ActionImageAttach, SubjectKind: "draft", SubjectID: subject(img.DraftID),
		Details: map[string]any{"image_id": img.ID, "sha256": img.SHA256, "format": img.Format, "size": img.Size,
			"decision": img.Screen.Decision, "findings": findingTypes(img.Screen.Findings), "faces": img.Screen.Faces}})
	return img, err
}

// RemoveImage deletes a picture from its draft (the service allows it only
// while the draft is being written) and appends image.remove with the
// original's SHA-256.
func (tx *Tx) RemoveImage(ctx context.Context, actor Actor, id int64) error {
	img, err := getImage(ctx, tx.s, tx.tx, id)
	if err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, tx.s.q("DELETE FROM draft_images WHERE id = ?"), id); err != nil {
		return dbError("removing the image", err)
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: img.OrgID, Action: chaperone.ActionImageRemove, SubjectKind: "draft", SubjectID: subject(img.DraftID),
		Details: map[string]any{"image_id": id, "sha256": img.SHA256}})
	return err
}

const imageColumns = `SELECT id, draft_id, org_id, name_enc, format, width, height, size, sha256, copy_format, copy_sha256, screen,
	created_by, created_at FROM draft_images`

// GetImage returns a draft image's record, its name decrypted (not its
// files).
func (s *Store) GetImage(ctx context.Context, id int64) (chaperone.DraftImage, error) {
	return getImage(ctx, s, s.rdb, id)
}

func getImage(ctx context.Context, s *Store, q querier, id int64) (chaperone.DraftImage, error) {
	return s.scanImage(q.QueryRowContext(ctx, s.q(imageColumns+" WHERE id = ?"), id))
}

// ListImages returns the pictures attached to a draft, oldest first.
func (s *Store) ListImages(ctx context.Context, draftID int64) ([]chaperone.DraftImage, error) {
	return list(ctx, s.rdb, "listing the draft's images", s.q(imageColumns+" WHERE draft_id = ? ORDER BY id"), s.scanImage, draftID)
}

// ListImages lists inside the transaction; see Store.ListImages.
func (tx *Tx) ListImages(ctx context.Context, draftID int64) ([]chaperone.DraftImage, error) {
	return list(ctx, tx.tx, "listing the draft's images", tx.s.q(imageColumns+" WHERE draft_id = ? ORDER BY id"), tx.s.scanImage, draftID)
}

func (s *Store) scanImage(r scanner) (chaperone.DraftImage, error) {
	var img chaperone.DraftImage
	var name []byte
	var screen string
	err := r.Scan(&img.ID, &img.DraftID, &img.OrgID, &name, &img.Format, &img.Width, &img.Height, &img.Size, &img.SHA256,
		&img.CopyFormat, &img.CopySHA256, &screen, &img.CreatedBy, tm(&img.CreatedAt))
	if err != nil {
		return img, dbError("reading the image", err)
	}
	if img.Name, err = s.open(name, imageAD("name", img.ID)); err != nil {
		return chaperone.DraftImage{}, err
	}
	if err := json.Unmarshal([]byte(screen), &img.Screen); err != nil {
		return chaperone.DraftImage{}, internal("decoding the image's screen", err)
	}
	return img, nil
}

// ReadImage returns one file of a draft image, decrypted and checked
// against its recorded SHA-256. Showing the original is a PHI view: the
// caller records it.
func (s *Store) ReadImage(ctx context.Context, id int64, which ImageFile) ([]byte, error) {
	col, sumCol := "copy_enc", "copy_sha256"
	if which == ImageOriginal {
		col, sumCol = "original_enc", "sha256"
	}
	var enc []byte
	var sum string
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT "+col+", "+sumCol+" FROM draft_images WHERE id = ?"), id).Scan(&enc, &sum)
	if err != nil {
		return nil, dbError("reading the image", err)
	}
	data, err := s.open(enc, imageAD(string(which), id))
	if err != nil {
		return nil, err
	}
	if sha256Hex([]byte(data)) != sum {
		return nil, internal("reading the image", ErrWrongKey)
	}
	return []byte(data), nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// findingTypes lists the distinct finding types of fs, in the order of
// chaperone.FindingTypes, for audit details.
func findingTypes(fs []chaperone.Finding) []string {
	types := []string{}
	for _, t := range chaperone.FindingTypes {
		for _, f := range fs {
			if f.Type == t {
				types = append(types, string(t))
				break
			}
		}
	}
	return types
}
