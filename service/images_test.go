package service

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/photo"
	"github.com/chaperone-project/chaperone/photo/phototest"
	"github.com/chaperone-project/chaperone/store"
)

// realOCR returns Tesseract, skipping t when it is not installed (failing
// it when CHAPERONE_REQUIRE_OCR=1).
func realOCR(t *testing.T) photo.OCR {
	t.Helper()
	p := photo.FindTesseract(os.Getenv)
	if p == "" {
		if os.Getenv("CHAPERONE_REQUIRE_OCR") == "1" {
			t.Fatal("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng) and CHAPERONE_REQUIRE_OCR=1")
		}
		t.Skip("tesseract is not installed")
	}
	return photo.Tesseract(p, time.Minute)
}

// wristband renders a patient wristband: the text in Go Regular, black on
// white, as a PNG.
func wristband(t *testing.T, text string) []byte {
	t.Helper()
	pic, _ := phototest.Label(t, text)
	return pic
}

// plainPicture is a PNG of a colour gradient: no text, no face.
func plainPicture(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			img.Set(x, y, color.RGBA{uint8(x * 255 / 320), uint8(y * 255 / 200), 180, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombPNG is the header of a PNG declaring w×h pixels, with no pixels.
func bombPNG(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d")
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

func TestDraftImages(t *testing.T) {
	ocr := realOCR(t)
	backendsWith(t, Config{Images: photo.Tools{OCR: ocr}}, func(t *testing.T, w *world) {
		ctx := context.Background()
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{AccountID: w.proAccount.ID,
			Text: "Proud of our team this week."}))
		before := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID))
		if before.Screen.Decision != chaperone.Allow {
			t.Fatalf("text alone: %s %+v", before.Screen.Decision, before.Screen.Result.Findings)
		}

		band := wristband(t, "Patient: Walter Pruitt MRN 00482913")
		img, err := w.svc.AttachImage(ctx, w.clinician, d.ID, "uploads/pruitt-wristband.png", band)
		if err != nil {
			t.Fatal(err)
		}
		if img.Name != "pruitt-wristband.png" || img.Format != "png" || img.Size != len(band) || img.Screen.Decision != chaperone.Block ||
			img.Screen.OCR != "done" || img.Screen.Filled == 0 {
			t.Fatalf("attached %+v", img)
		}
		var name, mrn bool
		for _, f := range img.Screen.Findings {
			name = name || f.SpanType == chaperone.SpanName
			mrn = mrn || f.SpanType == chaperone.SpanMRN
			if strings.Contains(f.Reason, "Pruitt") || strings.Contains(f.Reason, "00482913") {
				t.Errorf("a finding quotes the picture's text: %q", f.Reason)
			}
		}
		if !name || !mrn {
			t.Errorf("findings miss the name or the MRN: %+v", img.Screen.Findings)
		}

		// the draft's screen now holds the picture's findings and blocks
		v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID))
		if v.Screen.Decision != chaperone.Block || len(v.Images) != 1 || !strings.HasPrefix(v.Screen.Result.Findings[0].Reason, "Picture 1: ") {
			t.Fatalf("draft after attaching: %s, %d images, %+v", v.Screen.Decision, len(v.Images), v.Screen.Result.Findings)
		}
		d, out, err := w.svc.Submit(ctx, w.clinician, d.ID)
		if err != nil || d.Status != chaperone.DraftBlocked || out.Decision != chaperone.Block {
			t.Fatalf("submit: %v %s %s", err, d.Status, out.Decision)
		}

		// the original is kept as uploaded; the copy hides the words
		orig, typ, err := w.svc.ImageFile(ctx, w.reviewer, d.ID, img.ID, store.ImageOriginal)
		if err != nil || !bytes.Equal(orig, band) || typ != "image/png" {
			t.Fatalf("original: %v %s", err, typ)
		}
		cp, typ, err := w.svc.ImageFile(ctx, w.clinician, d.ID, img.ID, store.ImageCopy)
		if err != nil || typ != "image/png" || bytes.Equal(cp, band) {
			t.Fatalf("copy: %v %s", err, typ)
		}
		again, err := photo.InspectWith(ctx, bytes.NewReader(cp), photo.Limits{}, photo.Tools{OCR: ocr})
		if err != nil {
			t.Fatal(err)
		}
		for _, word := range []string{"Pruitt", "00482913"} {
			if strings.Contains(again.OCRText, word) {
				t.Errorf("the copy still shows %q", word)
			}
		}
		_, _, err = w.svc.ImageFile(ctx, w.outsider, d.ID, img.ID, store.ImageOriginal)
		wantCode(t, err, chaperone.ErrNotFound)
		_, _, err = w.svc.ImageFile(ctx, w.clinician2, d.ID, img.ID, store.ImageCopy)
		wantCode(t, err, chaperone.ErrNotFound)

		// bad files are refused and store nothing
		for _, bad := range []struct {
			data []byte
			code chaperone.ErrorCode
		}{
			{[]byte("not an image at all"), chaperone.ErrInvalid},
			{band[:len(band)/2], chaperone.ErrInvalid},
			{bombPNG(100_000, 100_000), chaperone.ErrTooLarge},
		} {
			_, err := w.svc.AttachImage(ctx, w.clinician, d.ID, "x.png", bad.data)
			wantCode(t, err, bad.code)
		}
		_, err = w.svc.AttachImage(ctx, w.clinician2, d.ID, "x.png", plainPicture(t))
		wantCode(t, err, chaperone.ErrNotFound)
		_, err = w.svc.AttachImage(ctx, w.reviewer, d.ID, "x.png", plainPicture(t))
		wantCode(t, err, chaperone.ErrForbidden)
		if n := len(must[[]chaperone.DraftImage](t)(w.svc.Images(ctx, w.clinician, d.ID))); n != 1 {
			t.Fatalf("%d images after refused uploads", n)
		}

		// removing the picture screens the text alone again
		if err := w.svc.RemoveImage(ctx, w.clinician, d.ID, img.ID); err != nil {
			t.Fatal(err)
		}
		v = must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID))
		if v.Draft.Status != chaperone.DraftDraft || v.Screen.Decision != chaperone.Allow || len(v.Images) != 0 {
			t.Fatalf("after removing: %s %s %d", v.Draft.Status, v.Screen.Decision, len(v.Images))
		}

		// a plain picture with OCR but no face detection goes to review
		plain := must[chaperone.DraftImage](t)(w.svc.AttachImage(ctx, w.clinician, d.ID, "sunset.png", plainPicture(t)))
		if plain.Screen.Decision != chaperone.Review || plain.Screen.FaceCheck != "not-installed" {
			t.Fatalf("plain picture: %+v", plain.Screen)
		}
		for range MaxDraftImages - 1 {
			must[chaperone.DraftImage](t)(w.svc.AttachImage(ctx, w.clinician, d.ID, "more.png", plainPicture(t)))
		}
		_, err = w.svc.AttachImage(ctx, w.clinician, d.ID, "one-too-many.png", plainPicture(t))
		wantCode(t, err, chaperone.ErrConflict)

		// every step is audited, without the file name
		evs, err := w.st.ListAudit(ctx, store.AuditFilter{OrgID: w.clinician.OrgID})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[chaperone.AuditAction]int{}
		for _, ev := range evs {
			counts[ev.Action]++
			if js, _ := json.Marshal(ev.Details); bytes.Contains(js, []byte("pruitt")) || bytes.Contains(js, []byte("sunset")) {
				t.Errorf("audit details name the file: %s", js)
			}
		}
		if counts[chaperone.ActionImageAttach] != 1+MaxDraftImages || counts[chaperone.ActionImageRemove] != 1 {
			t.Errorf("audit: %d attach, %d remove", counts[chaperone.ActionImageAttach], counts[chaperone.ActionImageRemove])
		}
	})
}

// realFaces returns facedetect, skipping t when it is not installed
// (failing it when CHAPERONE_REQUIRE_FACES=1).
func realFaces(t *testing.T) photo.FaceDetector {
	t.Helper()
	p := photo.FindFaceDetect(os.Getenv)
	if p == "" {
		if os.Getenv("CHAPERONE_REQUIRE_FACES") == "1" {
			t.Fatal("facedetect is not installed (apt-get install facedetect) and CHAPERONE_REQUIRE_FACES=1")
		}
		t.Skip("facedetect is not installed")
	}
	return photo.FaceDetect(p, time.Minute)
}

// TestFacePhotoNeedsConsent is issue 5's "a photo with a face and no
// consent goes to review": the face makes the draft CONSENT_NEEDED, it is
// reviewed, and it is published only under an authorisation covering
// photos; what goes out is the copy with the face blurred.
func TestFacePhotoNeedsConsent(t *testing.T) {
	tools := photo.Tools{OCR: realOCR(t), Faces: realFaces(t)}
	face, err := os.ReadFile("../photo/testdata/astronaut.jpg")
	if err != nil {
		t.Fatal(err)
	}
	backendsWith(t, Config{Images: tools}, func(t *testing.T, w *world) {
		ctx := context.Background()
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Text: "One year on, and back at work!"}))
		img := must[chaperone.DraftImage](t)(w.svc.AttachImage(ctx, w.clinician, d.ID, "before-after.jpg", face))
		if img.Screen.Faces != 1 || img.Screen.FaceCheck != "done" || img.Screen.Blurred != 1 || img.Screen.Decision != chaperone.Review {
			t.Fatalf("face photo: %+v", img.Screen)
		}
		v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID))
		if !v.NeedsConsent || v.Screen.Decision != chaperone.Review || !v.Screen.Result.Has(chaperone.FindingConsentNeeded) {
			t.Fatalf("draft: needs consent %v, %s %+v", v.NeedsConsent, v.Screen.Decision, v.Screen.Result.Findings)
		}
		d, _, err := w.svc.Submit(ctx, w.clinician, d.ID)
		if err != nil || d.Status != chaperone.DraftInReview {
			t.Fatalf("submit: %v %s", err, d.Status)
		}
		must[chaperone.Draft](t)(w.svc.Review(ctx, w.reviewer, d.ID, chaperone.ReviewApprove, ""))
		_, err = w.svc.Publish(ctx, w.clinician, d.ID, "https://instagram.com/p/face")
		wantCode(t, err, chaperone.ErrConflict)

		now := time.Now()
		textOnly := consentFor(now)
		textOnly.Media = []string{"text"}
		narrow := must[chaperone.Consent](t)(w.svc.RecordConsent(ctx, w.clinician, textOnly, signedPDF))
		err = w.svc.LinkConsent(ctx, w.clinician, d.ID, narrow.ID)
		wantCode(t, err, chaperone.ErrInvalid) // the post has a photo
		photoOK := consentFor(now)
		photoOK.Channels = append(photoOK.Channels, chaperone.ChannelPost)
		c := must[chaperone.Consent](t)(w.svc.RecordConsent(ctx, w.clinician, photoOK, signedPDF))
		if err := w.svc.LinkConsent(ctx, w.clinician, d.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		item := must[chaperone.ArchiveItem](t)(w.svc.Publish(ctx, w.clinician, d.ID, "https://instagram.com/p/face"))
		if !bytes.Contains(item.ApprovalChain, []byte(img.CopySHA256)) {
			t.Errorf("the archive's chain does not name the published copy: %s", item.ApprovalChain)
		}
		cp, _, err := w.svc.ImageFile(ctx, w.clinician, d.ID, img.ID, store.ImageCopy)
		if err != nil {
			t.Fatal(err)
		}
		again, err := photo.InspectWith(ctx, bytes.NewReader(cp), photo.Limits{}, photo.Tools{Faces: tools.Faces})
		if err != nil || again.FaceCheck != photo.OCRDone || len(again.Faces) != 0 {
			t.Fatalf("the copy: %v, %s, %d faces", err, again.FaceCheck, len(again.Faces))
		}
	})
}
