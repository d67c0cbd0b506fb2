package main

import (
	"encoding/json"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaperone-project/chaperone/photo"
)

// needFaceDetect skips t when the facedetect program is not installed,
// or fails it when CHAPERONE_REQUIRE_FACES=1.
func needFaceDetect(t *testing.T) {
	t.Helper()
	if photo.FindFaceDetect(os.Getenv) == "" {
		if os.Getenv("CHAPERONE_REQUIRE_FACES") == "1" {
			t.Fatal("facedetect is not installed (apt-get install facedetect) and CHAPERONE_REQUIRE_FACES=1")
		}
		t.Skip("facedetect is not installed")
	}
}

// astronautPhoto copies photo/testdata/astronaut.jpg (NASA, public
// domain; see its README) into a temporary directory.
func astronautPhoto(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "photo", "testdata", "astronaut.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "astronaut.jpg", b)
}

type faceScan struct {
	Decision string `json:"decision"`
	Findings []struct {
		Rule   string `json:"rule"`
		Type   string `json:"type"`
		Reason string `json:"reason"`
		Cite   string `json:"cite"`
		Boxes  []struct{ X, Y, X2, Y2 int }
	} `json:"findings"`
	Image struct {
		OCR       string `json:"ocr"`
		FaceCheck string `json:"face_check"`
		Faces     int    `json:"faces"`
	} `json:"image"`
	Stripped *struct {
		Format string `json:"format"`
		Faces  int    `json:"blurred_faces"`
	} `json:"stripped"`
}

// TestScanImageFace: a photo of a face with no consent is review with one
// face finding (its box on the face), and the --strip copy has the face
// blurred: scanned again, no face is found in it.
func TestScanImageFace(t *testing.T) {
	needFaceDetect(t)
	in := astronautPhoto(t)
	out := filepath.Join(t.TempDir(), "blurred.jpg")
	r := runCLI(t, nil, "scan", "--format", "json", "--strip", out, in)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (review)\n%s%s", r.code, r.stdout, r.stderr)
	}
	var got faceScan
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Decision != "review" || got.Image.FaceCheck != "done" || got.Image.Faces != 1 {
		t.Errorf("decision %s, image %+v", got.Decision, got.Image)
	}
	faces := 0
	face := image.Rect(178, 68, 270, 160)
	for _, f := range got.Findings {
		if f.Rule != photo.RuleFace {
			if f.Type != "IMAGE_NOT_CHECKED" || f.Rule != photo.RuleUnchecked {
				t.Errorf("unexpected finding %+v", f)
			}
			continue
		}
		faces++
		if f.Type != "CONSENT_NEEDED" || f.Cite != "HIPAA 45 CFR 164.514(b)(2)(i)(Q); 45 CFR 164.508" || len(f.Boxes) != 1 {
			t.Errorf("face finding %+v", f)
			continue
		}
		b := image.Rect(f.Boxes[0].X, f.Boxes[0].Y, f.Boxes[0].X2, f.Boxes[0].Y2)
		if in := b.Intersect(face); in.Dx()*in.Dy()*2 < face.Dx()*face.Dy() {
			t.Errorf("face box %v, want near %v", b, face)
		}
	}
	if faces != 1 || got.Stripped == nil || got.Stripped.Faces != 1 || got.Stripped.Format != "jpeg" {
		t.Fatalf("%d face findings, stripped %+v\n%s", faces, got.Stripped, r.stdout)
	}

	again := runCLI(t, nil, "scan", "--format", "json", out)
	var copyScan faceScan
	if err := json.Unmarshal([]byte(again.stdout), &copyScan); err != nil {
		t.Fatalf("%v\n%s", err, again.stdout)
	}
	if copyScan.Image.FaceCheck != "done" || copyScan.Image.Faces != 0 {
		t.Errorf("the blurred copy: %+v\n%s", copyScan.Image, again.stdout)
	}

	text := runCLI(t, nil, "scan", in)
	for _, s := range []string{"JPEG, 512×512 pixels", "face detection: 1 face(s) found", "photo-face", "CONSENT_NEEDED", "Decision: review"} {
		if !strings.Contains(text.stdout, s) {
			t.Errorf("text report lacks %q:\n%s", s, text.stdout)
		}
	}
}

// TestScanImageNoFaceDetect: without facedetect the report says it is
// not installed, with the command to install it.
func TestScanImageNoFaceDetect(t *testing.T) {
	t.Setenv("CHAPERONE_FACEDETECT", "/nonexistent")
	r := runCLI(t, nil, "scan", astronautPhoto(t))
	if r.code != 1 || !strings.Contains(r.stdout, "face detection not installed (apt-get install facedetect), faces not checked") ||
		strings.Contains(r.stdout, "photo-face") || !strings.Contains(r.stdout, "Faces in the image were not checked") &&
		!strings.Contains(r.stdout, "Text in the image and faces were not checked") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestScanImageHEIC: a HEIC (made here by heif-enc from the astronaut
// photo) is read with heif-convert: its face is found, and the --strip copy
// is a JPEG with the face blurred.
func TestScanImageHEIC(t *testing.T) {
	needFaceDetect(t)
	enc, _ := exec.LookPath("heif-enc")
	if enc == "" || photo.FindHeifConvert(os.Getenv) == "" {
		if os.Getenv("CHAPERONE_REQUIRE_HEIF") == "1" {
			t.Fatal("heif-enc or heif-convert is not installed (apt-get install libheif-examples) and CHAPERONE_REQUIRE_HEIF=1")
		}
		t.Skip("heif-enc or heif-convert is not installed")
	}
	in := filepath.Join(t.TempDir(), "IMG_0042.HEIC")
	if msg, err := exec.Command(enc, "-q", "90", "-o", in, astronautPhoto(t)).CombinedOutput(); err != nil {
		t.Fatalf("heif-enc: %v\n%s", err, msg)
	}
	out := filepath.Join(t.TempDir(), "IMG_0042.jpg")
	r := runCLI(t, nil, "scan", "--format", "json", "--strip", out, in)
	var got faceScan
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if r.code != 1 || got.Image.Faces != 1 || got.Stripped == nil || got.Stripped.Format != "jpeg" || got.Stripped.Faces != 1 {
		t.Fatalf("exit %d, %+v, stripped %+v\n%s", r.code, got.Image, got.Stripped, r.stdout)
	}
	text := runCLI(t, nil, "scan", in)
	if !strings.Contains(text.stdout, "HEIC/HEIF, 512×512 pixels") || !strings.Contains(text.stdout, "1 face(s) found") {
		t.Errorf("text report:\n%s", text.stdout)
	}
	again := runCLI(t, nil, "scan", "--format", "json", out)
	var copyScan faceScan
	if err := json.Unmarshal([]byte(again.stdout), &copyScan); err != nil || copyScan.Image.Faces != 0 || copyScan.Image.FaceCheck != "done" {
		t.Errorf("the blurred copy: %v %+v", err, copyScan.Image)
	}
}

func TestToolsLine(t *testing.T) {
	ocr := photo.Tesseract("/bin/false", 0)
	faces := photo.FaceDetect("/bin/false", 0)
	heif := photo.HeifConvert("/bin/false", 0)
	tests := []struct {
		tools photo.Tools
		want  string
	}{
		{photo.Tools{OCR: ocr, Faces: faces, HEIF: heif},
			"pictures: checked for metadata, text (tesseract), faces (facedetect), HEIC read (heif-convert)"},
		{photo.Tools{OCR: ocr, Faces: faces},
			"pictures: checked for metadata, text (tesseract), faces (facedetect); HEIC is refused until you apt-get install libheif-examples"},
		{photo.Tools{OCR: ocr, HEIF: heif},
			"pictures: checked for metadata, text (tesseract), HEIC read (heif-convert); pictures go to review until you apt-get install facedetect"},
		{photo.Tools{},
			"pictures: checked for metadata; pictures go to review until you apt-get install tesseract-ocr tesseract-ocr-eng facedetect; HEIC is refused until you apt-get install libheif-examples"},
	}
	for _, tt := range tests {
		if got := toolsLine(tt.tools); got != tt.want {
			t.Errorf("toolsLine:\n got %s\nwant %s", got, tt.want)
		}
	}
}
