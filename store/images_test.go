package store

import (
	"bytes"
	"context"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestDraftImagesStoredEncrypted(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		d, err := e.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost, Text: "Our new clinic"})
		if err != nil {
			t.Fatal(err)
		}
		original := append([]byte("\x89PNG fake original showing Walter Pruitt "), make([]byte, 64)...)
		copy := []byte("\x89PNG redacted copy")
		screen := chaperone.ImageScreen{Decision: chaperone.Block, Findings: []chaperone.Finding{{Rule: "photo-gps", Type: chaperone.FindingPHI, Reason: "GPS"}},
			Metadata: []string{"EXIF"}, OCR: "done", FaceCheck: "done", Faces: 1, Filled: 2, Blurred: 1}
		img, err := inTx1(ctx, e.Store, func(tx *Tx) (chaperone.DraftImage, error) {
			return tx.AddImage(ctx, as(f.clinician), chaperone.DraftImage{DraftID: d.ID, Name: "pruitt-knee.png", Format: "png", Width: 4, Height: 3,
				CopyFormat: "png", Screen: screen}, original, copy)
		})
		if err != nil {
			t.Fatal(err)
		}
		if img.OrgID != f.org.ID || img.Size != len(original) || len(img.SHA256) != 64 || len(img.CopySHA256) != 64 || img.SHA256 == img.CopySHA256 {
			t.Fatalf("added %+v", img)
		}
		got, err := e.ListImages(ctx, d.ID)
		if err != nil || len(got) != 1 || got[0].Name != "pruitt-knee.png" || got[0].Screen.Faces != 1 || got[0].Screen.Findings[0].Rule != "photo-gps" ||
			got[0].Width != 4 || !got[0].CreatedAt.Equal(img.CreatedAt) {
			t.Fatalf("listed %+v, %v", got, err)
		}
		for which, want := range map[ImageFile][]byte{ImageOriginal: original, ImageCopy: copy} {
			if b, err := e.ReadImage(ctx, img.ID, which); err != nil || !bytes.Equal(b, want) {
				t.Errorf("read %s: %v", which, err)
			}
		}
		for _, b := range rawBlobs(t, e, "SELECT name_enc FROM draft_images UNION ALL SELECT original_enc FROM draft_images UNION ALL SELECT copy_enc FROM draft_images") {
			if containsFold(b, "Pruitt") || containsFold(b, "PNG") {
				t.Fatal("a picture or its name is stored in clear")
			}
		}
		// refused: empty and oversized files, a missing draft
		for _, tc := range []struct {
			d       int64
			o, c    []byte
			wantErr chaperone.ErrorCode
		}{
			{d.ID, nil, copy, chaperone.ErrInvalid},
			{d.ID, make([]byte, MaxImageBytes+1), copy, chaperone.ErrTooLarge},
			{d.ID + 100, original, copy, chaperone.ErrNotFound},
		} {
			_, err := inTx1(ctx, e.Store, func(tx *Tx) (chaperone.DraftImage, error) {
				return tx.AddImage(ctx, as(f.clinician), chaperone.DraftImage{DraftID: tc.d, Format: "png", CopyFormat: "png"}, tc.o, tc.c)
			})
			if chaperone.CodeOf(err) != tc.wantErr {
				t.Errorf("AddImage: %v, want %s", err, tc.wantErr)
			}
		}
		if err := e.InTx(ctx, func(tx *Tx) error { return tx.RemoveImage(ctx, as(f.clinician), img.ID) }); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.ListImages(ctx, d.ID); len(got) != 0 {
			t.Fatalf("%d images after removing", len(got))
		}
		if _, err := e.ReadImage(ctx, img.ID, ImageCopy); chaperone.CodeOf(err) != chaperone.ErrNotFound {
			t.Errorf("reading a removed image: %v", err)
		}
	})
}
