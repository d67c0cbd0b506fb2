package main

import (
	"encoding/json"
	"image"
	"os"
	"strings"
	"testing"

	"github.com/chaperone-project/chaperone/photo"
	"github.com/chaperone-project/chaperone/photo/phototest"
)

// needTesseract skips t when the tesseract program is not installed, or
// fails it when CHAPERONE_REQUIRE_OCR=1.
func needTesseract(t *testing.T) {
	t.Helper()
	if photo.FindTesseract(os.Getenv) == "" {
		if os.Getenv("CHAPERONE_REQUIRE_OCR") == "1" {
			t.Fatal("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng) and CHAPERONE_REQUIRE_OCR=1")
		}
		t.Skip("tesseract is not installed")
	}
}

// textPicture is a white 1200×300 PNG with s drawn in Go Regular at 48 px,
// and the bounding box of the ink.
func textPicture(t *testing.T, s string) ([]byte, image.Rectangle) {
	t.Helper()
	return phototest.Text(t, 1200, 300, 40, 110, 48, s)
}

const ocrPatient = "Patient: Walter Pruitt MRN 00482913"

func TestScanImageOCR(t *testing.T) {
	needTesseract(t)
	needEngine(t)
	t.Setenv("CHAPERONE_FACEDETECT", "/nonexistent") // faces not checked: the not-checked finding says so
	pic, ink := textPicture(t, ocrPatient)
	in := writeFile(t, "board.png", pic)

	r := runCLI(t, nil, "scan", "--format", "json", in)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2 (block)\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, s := range []string{"Pruitt", "00482913"} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("output quotes the recognised text (%q):\n%s%s", s, r.stdout, r.stderr)
		}
	}
	var got struct {
		Decision string `json:"decision"`
		Findings []struct {
			Rule     string `json:"rule"`
			Type     string `json:"type"`
			SpanType string `json:"span_type"`
			Reason   string `json:"reason"`
			Boxes    []struct{ X, Y, X2, Y2 int }
		} `json:"findings"`
		Image struct {
			OCR      string `json:"ocr"`
			OCRWords int    `json:"ocr_words"`
		} `json:"image"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Decision != "block" || got.Image.OCR != "done" || got.Image.OCRWords != 5 {
		t.Errorf("decision %s, image %+v", got.Decision, got.Image)
	}
	slack := ink.Inset(-4)
	var mrn, name, faces bool
	for _, f := range got.Findings {
		if f.Rule == photo.RuleUnchecked {
			faces = strings.Contains(f.Reason, "Faces in the image were not checked") &&
				!strings.Contains(f.Reason, "OCR and face detection are not installed")
			continue
		}
		if !strings.HasPrefix(f.Reason, "In the text read from the image: ") {
			continue
		}
		if f.SpanType != "" && len(f.Boxes) == 0 {
			t.Errorf("finding %s has no box", f.Rule)
		}
		for _, b := range f.Boxes {
			if r := image.Rect(b.X, b.Y, b.X2, b.Y2); !r.In(slack) || r.Empty() {
				t.Errorf("finding %s: box %v outside the text %v", f.Rule, r, ink)
			}
		}
		switch f.SpanType {
		case "MRN":
			mrn = len(f.Boxes) == 1 && f.Boxes[0].X > ink.Min.X+ink.Dx()/2 // the MRN is at the right end
		case "NAME":
			name = true
		}
	}
	if !mrn || !faces {
		t.Errorf("MRN found with its box: %v; faces-only unchecked finding: %v\n%s", mrn, faces, r.stdout)
	}
	if !name {
		t.Logf("the name was not found in the text read from the image")
	}

	r = runCLI(t, nil, "scan", in)
	for _, s := range []string{"text read with OCR: 5 word(s) screened", "In the text read from the image:", "box ", "Decision: block"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("text report lacks %q:\n%s", s, r.stdout)
		}
	}
	if r.code != 2 || strings.Contains(r.stdout, "00482913") {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
}

// TestScanImageNoOCR: without tesseract the image is review and the scan
// says OCR is not installed.
func TestScanImageNoOCR(t *testing.T) {
	t.Setenv("CHAPERONE_TESSERACT", "/nonexistent")
	t.Setenv("CHAPERONE_FACEDETECT", "/nonexistent")
	pic, _ := textPicture(t, ocrPatient)
	r := runCLI(t, nil, "scan", writeFile(t, "board.png", pic))
	if r.code != 1 || !strings.Contains(r.stdout, "OCR not installed") ||
		!strings.Contains(r.stdout, "OCR and face detection are not installed") || !strings.Contains(r.stdout, "Decision: review") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestScanImageRedacts: --strip fills the boxes of the PHI read from the
// pixels, so the copy, read again, shows neither the name nor the MRN.
func TestScanImageRedacts(t *testing.T) {
	needTesseract(t)
	t.Setenv("CHAPERONE_FACEDETECT", "/nonexistent") // the copy stays review: faces not checked
	pic, _ := textPicture(t, ocrPatient)
	in := writeFile(t, "wristband.png", pic)
	out := in + ".redacted.png"
	r := runCLI(t, nil, "scan", "--format", "json", "--strip", out, in)
	if r.code != 2 {
		t.Fatalf("scan --strip: exit %d, stderr %q", r.code, r.stderr)
	}
	var got struct {
		Stripped struct {
			Redacted int `json:"redacted_boxes"`
		} `json:"stripped"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Stripped.Redacted == 0 {
		t.Fatalf("redacted boxes %d (%v)", got.Stripped.Redacted, err)
	}
	again := runCLI(t, nil, "scan", "--format", "json", out)
	if strings.Contains(again.stdout, `"PHI"`) || again.code != 1 {
		t.Fatalf("the redacted copy still has PHI: exit %d\n%s", again.code, again.stdout)
	}
	rec, err := photo.Tesseract(photo.FindTesseract(os.Getenv), photo.TesseractTimeout)(t.Context(), mustDecode(t, out))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rec.Text, "00482913") || strings.Contains(rec.Text, "Pruitt") {
		t.Fatal("OCR of the redacted copy still reads the identifiers")
	}
	if !strings.Contains(rec.Text, "Patient") {
		t.Errorf("the redaction covered more than the PHI (read back %d words)", len(rec.Words))
	}
}

func mustDecode(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
