package photo

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	xdraw "golang.org/x/image/draw"
)

// astronautFace is the face facedetect finds in testdata/astronaut.jpg
// (x 178, y 68, 92×92 when run on the file itself).
var astronautFace = image.Rect(178, 68, 270, 160)

// faceDetector returns the real facedetect, skipping t when it is not
// installed (failing it when CHAPERONE_REQUIRE_FACES=1).
func faceDetector(t testing.TB) FaceDetector {
	t.Helper()
	p := FindFaceDetect(os.Getenv)
	if p == "" {
		if os.Getenv("CHAPERONE_REQUIRE_FACES") == "1" {
			t.Fatal("facedetect is not installed (apt-get install facedetect) and CHAPERONE_REQUIRE_FACES=1")
		}
		t.Skip("facedetect is not installed")
	}
	return FaceDetect(p, time.Minute)
}

func astronaut(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/astronaut.jpg")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// overlaps reports whether a and b cover the same face: their
// intersection is at least half of the larger one.
func overlaps(a, b image.Rectangle) bool {
	in := a.Intersect(b)
	return !in.Empty() && 2*area(in) >= max(area(a), area(b))
}

func TestParseFaces(t *testing.T) {
	bounds := image.Rect(0, 0, 512, 400)
	tests := []struct {
		name string
		in   string
		want []image.Rectangle
		err  string // a substring of the error; "" for none
	}{
		{name: "none", in: "", want: []image.Rectangle{}},
		{name: "one", in: "179 69 91 91\n", want: []image.Rectangle{image.Rect(179, 69, 270, 160)}},
		{name: "two, CRLF, blank lines, spaces", in: "\n 10 20 30 40\r\n\n300 200 50 60\n",
			want: []image.Rectangle{image.Rect(10, 20, 40, 60), image.Rect(300, 200, 350, 260)}},
		{name: "clipped", in: "480 380 100 100\n", want: []image.Rectangle{image.Rect(480, 380, 512, 400)}},
		{name: "outside dropped", in: "600 10 20 20\n", want: []image.Rectangle{}},
		{name: "three fields", in: "1 2 3\n", err: "unexpected output"},
		{name: "five fields", in: "1 2 3 4 5\n", err: "unexpected output"},
		{name: "negative", in: "-1 2 3 4\n", err: "unexpected output"},
		{name: "zero width", in: "1 2 0 4\n", err: "unexpected output"},
		{name: "not a number", in: "Walter 2 3 4\n", err: "unexpected output"},
		{name: "huge", in: "1 2 3 99999999999\n", err: "unexpected output"},
		{name: "an error message", in: "facedetect: error: cannot load input image /tmp/Pruitt.png\n", err: "unexpected output"},
		{name: "too many", in: strings.Repeat("1 1 2 2\n", MaxFaces+1), err: "more than 256 faces"},
		{name: "too long", in: strings.Repeat(" ", 70<<10) + "\n", err: "more than expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFaces(strings.NewReader(tt.in), bounds)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "Pruitt") || strings.Contains(err.Error(), "Walter") {
					t.Errorf("error quotes the output: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) || got == nil {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("face %d: %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// parseFacesError matches ParseFaces' errors, which quote nothing.
var parseFacesError = regexp.MustCompile(`^face detection: (unexpected output from facedetect \(line \d+\)|more than 256 faces found|facedetect printed more than expected)$`)

func FuzzParseFaces(f *testing.F) {
	f.Add("179 69 91 91\n")
	f.Add("\n 10 20 30 40\r\n\n300 200 50 60\n")
	f.Add("480 380 100 100\n600 10 20 20\n")
	f.Add("1 2 3\n-1 2 3 4\n")
	f.Add("")
	bounds := image.Rect(0, 0, 512, 400)
	f.Fuzz(func(t *testing.T, in string) {
		faces, err := ParseFaces(strings.NewReader(in), bounds)
		if err != nil {
			if faces != nil {
				t.Fatalf("faces %v with error %v", faces, err)
			}
			if !parseFacesError.MatchString(err.Error()) {
				t.Fatalf("error %q is not one of ParseFaces' own messages", err)
			}
			return
		}
		if faces == nil || len(faces) > MaxFaces {
			t.Fatalf("%d faces (nil %v)", len(faces), faces == nil)
		}
		for _, r := range faces {
			if r.Empty() || !r.In(bounds) {
				t.Fatalf("face %v outside %v", r, bounds)
			}
		}
	})
}

func TestMergeFaces(t *testing.T) {
	a := image.Rect(100, 100, 200, 200)
	tests := []struct {
		name string
		in   []image.Rectangle
		want []image.Rectangle
	}{
		{"none", nil, []image.Rectangle{}},
		{"same face twice", []image.Rectangle{a, a.Add(image.Pt(10, 5))}, []image.Rectangle{image.Rect(100, 100, 210, 205)}},
		{"face inside a larger box", []image.Rectangle{image.Rect(120, 120, 160, 160), a}, []image.Rectangle{a}},
		{"two faces side by side", []image.Rectangle{a, a.Add(image.Pt(90, 0))}, []image.Rectangle{a, a.Add(image.Pt(90, 0))}},
		{"apart", []image.Rectangle{a, image.Rect(0, 0, 20, 20)}, []image.Rectangle{a, image.Rect(0, 0, 20, 20)}},
	}
	for _, tt := range tests {
		got := mergeFaces(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestUnchecked(t *testing.T) {
	tests := []struct {
		ocr, faces OCRStatus
		want       string // "" for no finding
	}{
		{OCRDone, OCRDone, ""},
		{OCRDone, OCRNotInstalled, "Faces in the image were not checked (face detection is not installed); its text was read with OCR and screened."},
		{OCRDone, OCRFailed, "Faces in the image were not checked (face detection failed); its text was read with OCR and screened."},
		{OCRNotInstalled, OCRDone, "Text in the image was not checked (OCR is not installed); faces were looked for with face detection."},
		{OCRFailed, OCRDone, "Text in the image was not checked (OCR failed); faces were looked for with face detection."},
		{OCRNotInstalled, OCRNotInstalled, "Text in the image and faces were not checked (OCR and face detection are not installed)"},
		{OCRFailed, OCRNotInstalled, "Text in the image and faces were not checked (OCR failed and face detection is not installed)"},
		{OCRNotInstalled, OCRFailed, "Text in the image and faces were not checked (OCR is not installed and face detection failed)"},
		{OCRFailed, OCRFailed, "Text in the image and faces were not checked (OCR failed and face detection failed)"},
	}
	for _, tt := range tests {
		f, ok := unchecked(tt.ocr, tt.faces)
		if ok != (tt.want != "") || !strings.HasPrefix(f.Reason, tt.want) {
			t.Errorf("unchecked(%s, %s) = %v %q, want %q", tt.ocr, tt.faces, ok, f.Reason, tt.want)
		}
		if ok && (f.Rule != RuleUnchecked || f.Type != FindingUnchecked) {
			t.Errorf("unchecked(%s, %s): %+v", tt.ocr, tt.faces, f)
		}
	}
}

// TestInspectFaces: the astronaut's face is found, with one
// consent-needed finding; the picture is review.
func TestInspectFaces(t *testing.T) {
	faces := faceDetector(t)
	rep, err := InspectWith(context.Background(), bytes.NewReader(astronaut(t)), Limits{}, Tools{Faces: faces})
	if err != nil {
		t.Fatal(err)
	}
	if rep.FaceCheck != OCRDone || rep.FaceError != "" {
		t.Fatalf("face check %s %s", rep.FaceCheck, rep.FaceError)
	}
	if len(rep.Faces) != 1 || !overlaps(rep.Faces[0], astronautFace) {
		t.Fatalf("faces %v, want one near %v", rep.Faces, astronautFace)
	}
	var face, text int
	for _, f := range rep.Findings {
		switch f.Rule {
		case RuleFace:
			face++
			if f.Type != chaperone.FindingConsentNeeded || !strings.Contains(f.Cite, "164.514(b)(2)(i)(Q)") ||
				!strings.Contains(f.Cite, "164.508") || !strings.Contains(f.Reason, "written authorisation") {
				t.Errorf("face finding %+v", f)
			}
		case RuleUnchecked:
			text++
			if !strings.HasPrefix(f.Reason, "Text in the image was not checked (OCR is not installed)") {
				t.Errorf("unchecked finding %q", f.Reason)
			}
		}
	}
	if face != 1 || text != 1 || len(rep.Findings) != 2 || rep.Decision != chaperone.Review {
		t.Errorf("findings %+v, decision %s", rep.Findings, rep.Decision)
	}

	// Screen attaches the face's box to its finding, and the redaction
	// blurs it.
	s, err := Screen(context.Background(), astronaut(t), Limits{}, Tools{Faces: faces},
		func(string) (chaperone.Result, error) { return chaperone.Result{Decision: chaperone.Allow}, nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Findings) != 2 || s.Findings[0].Rule != RuleFace || len(s.Findings[0].Boxes) != 1 || s.Findings[0].Boxes[0] != rep.Faces[0] {
		t.Errorf("screened findings %+v", s.Findings)
	}
	if red := s.Redaction(); len(red.Blur) != 1 || len(red.Fill) != 0 || s.Decision != chaperone.Review {
		t.Errorf("redaction %+v, decision %s", red, s.Decision)
	}
}

// TestFaceCloseUp: a face filling most of the picture is out of
// facedetect's size range; the close-up pass finds it.
func TestFaceCloseUp(t *testing.T) {
	faces := faceDetector(t)
	img := decodeJPEG(t, astronaut(t))
	crop := image.Rect(150, 40, 300, 200) // the face is 92 of 150 pixels across
	sub := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	draw.Draw(sub, sub.Bounds(), img, crop.Min, draw.Src)
	got, err := faces(context.Background(), sub)
	if err != nil {
		t.Fatal(err)
	}
	want := astronautFace.Sub(crop.Min)
	if len(got) != 1 || !overlaps(got[0], want) {
		t.Fatalf("faces %v, want one near %v", got, want)
	}
	// Without the close-up pass facedetect misses it (logged only: it
	// depends on OpenCV's cascade).
	if direct, err := runFaceDetect(context.Background(), FindFaceDetect(os.Getenv), time.Minute, sub); err == nil {
		t.Logf("facedetect on the close-up itself finds %d face(s)", len(direct))
	}
}

// TestNoFace: a picture of text has no face; with OCR and face detection
// both run and nothing found, the image is allowed.
func TestNoFace(t *testing.T) {
	faces := faceDetector(t)
	ocr := tesseractOCR(t)
	pic, _ := renderText(t, 1200, 300, 40, 110, 48, "Flu shots are in: walk-ins welcome")
	rep, err := InspectWith(context.Background(), bytes.NewReader(pic), Limits{}, Tools{OCR: ocr, Faces: faces})
	if err != nil {
		t.Fatal(err)
	}
	if rep.FaceCheck != OCRDone || len(rep.Faces) != 0 || rep.Faces == nil || rep.OCR != OCRDone {
		t.Fatalf("face check %s, faces %v, OCR %s", rep.FaceCheck, rep.Faces, rep.OCR)
	}
	if len(rep.Findings) != 0 || rep.Decision != chaperone.Allow {
		t.Errorf("findings %+v, decision %s", rep.Findings, rep.Decision)
	}
	for _, p := range []func(testing.TB) []byte{plainJPEG, plainPNG} {
		fs, err := faces(context.Background(), decodeAny(t, p(t)))
		if err != nil || len(fs) != 0 {
			t.Errorf("faces in a gradient: %v %v", fs, err)
		}
	}
}

// TestFaceDetectFailed: a failing facedetect keeps the image at review
// with faces not checked; the error quotes nothing.
func TestFaceDetectFailed(t *testing.T) {
	for _, tt := range []struct {
		prog, err string
	}{
		{"/bin/false", "face detection: facedetect failed (exit status 1)"},
		{"/bin/echo", "face detection: unexpected output from facedetect (line 1)"}, // echo prints the temporary file's name
	} {
		rep, err := InspectWith(context.Background(), bytes.NewReader(plainPNG(t)), Limits{}, Tools{Faces: FaceDetect(tt.prog, time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		if rep.FaceCheck != OCRFailed || rep.FaceError != tt.err || rep.Decision != chaperone.Review || len(rep.Faces) != 0 {
			t.Errorf("%s: %+v", tt.prog, rep)
		}
		if f := rules(rep)[RuleUnchecked]; !strings.Contains(f.Reason, "OCR is not installed and face detection failed") {
			t.Errorf("%s: unchecked finding %q", tt.prog, f.Reason)
		}
	}
}

// TestFindPrograms checks each program lookup (findProgram behind it):
// an override must be an executable file, else nothing is found.
func TestFindPrograms(t *testing.T) {
	for _, prog := range []struct {
		env  string
		find func(func(string) string) string
	}{
		{TesseractEnv, FindTesseract},
		{FaceDetectEnv, FindFaceDetect},
		{HeifConvertEnv, FindHeifConvert},
	} {
		for _, tt := range []struct{ env, want string }{
			{"/nonexistent", ""},
			{os.TempDir(), ""},
			{"/bin/false", "/bin/false"},
		} {
			getenv := func(k string) string {
				if k == prog.env {
					return tt.env
				}
				return ""
			}
			if p := prog.find(getenv); p != tt.want {
				t.Errorf("with %s=%q: %q, want %q", prog.env, tt.env, p, tt.want)
			}
		}
	}
}

// TestRedactBlursFaces: the copy has the face blurred so that facedetect
// no longer finds it and nothing of it is left but a smooth gradient;
// every pixel outside the padded box is as in a copy with nothing
// redacted (for JPEG, in the 16×16 blocks the box does not touch).
func TestRedactBlursFaces(t *testing.T) {
	faces := faceDetector(t)
	rgba := image.NewRGBA(image.Rect(0, 0, 512, 512))
	draw.Draw(rgba, rgba.Bounds(), decodeJPEG(t, astronaut(t)), image.Point{}, draw.Src)
	var pngIn bytes.Buffer
	if err := png.Encode(&pngIn, rgba); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		in    []byte
		block int // the encoder's block size: pixels outside the box's blocks are kept
	}{
		{"jpeg", astronaut(t), 16},
		{"png", pngIn.Bytes(), 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			found, err := faces(context.Background(), decodeAny(t, tt.in))
			if err != nil || len(found) != 1 {
				t.Fatalf("faces in the original: %v %v", found, err)
			}
			var blurred, plain bytes.Buffer
			if _, err := Redact(bytes.NewReader(tt.in), &blurred, Limits{}, Redaction{Blur: found}); err != nil {
				t.Fatal(err)
			}
			// The reference is redacted outside the picture, so both copies
			// go through the same re-encoding.
			outside := Redaction{Fill: []image.Rectangle{image.Rect(-50, -50, -40, -40)}}
			if _, err := Redact(bytes.NewReader(tt.in), &plain, Limits{}, outside); err != nil {
				t.Fatal(err)
			}
			got, ref := decodeAny(t, blurred.Bytes()), decodeAny(t, plain.Bytes())
			again, err := faces(context.Background(), got)
			if err != nil || len(again) != 0 {
				t.Errorf("faces in the blurred copy: %v %v", again, err)
			}
			region := faceRegion(found[0], got.Bounds())
			if region.Dx() < found[0].Dx()*3/2 {
				t.Errorf("blurred region %v is not padded around %v", region, found[0])
			}
			touched := image.Rect(region.Min.X/tt.block*tt.block, region.Min.Y/tt.block*tt.block,
				(region.Max.X+tt.block-1)/tt.block*tt.block, (region.Max.Y+tt.block-1)/tt.block*tt.block)
			changed, steep, sumGot, sumRef := 0, 0, 0, 0
			b := got.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					p := image.Pt(x, y)
					if !p.In(touched) && differ(got.At(x, y), ref.At(x, y)) > 0 {
						t.Fatalf("pixel %v outside the blurred region %v changed: %#v, %#v", p, region, got.At(x, y), ref.At(x, y))
					}
					if !p.In(region.Inset(tt.block)) || x+1 >= region.Max.X-tt.block {
						continue
					}
					if differ(got.At(x, y), ref.At(x, y)) > 0 {
						changed++
					}
					sumGot += gray(got.At(x, y))
					sumRef += gray(ref.At(x, y))
					if gray(got.At(x, y))-gray(got.At(x+1, y)) > 24 || gray(got.At(x+1, y))-gray(got.At(x, y)) > 24 {
						steep++
					}
				}
			}
			if inner := area(region.Inset(tt.block)); changed < inner/2 || steep > 0 {
				t.Errorf("in the blurred region %d of %d pixels changed, %d steep edges left", changed, inner, steep)
			} else if d := abs(sumGot-sumRef) / inner; d > 8 {
				t.Errorf("the blurred region's mean grey moved by %d levels: filled, not blurred", d)
			}
		})
	}
}

// differ is the largest difference between a's and b's red, green and
// blue, in 8-bit levels.
func differ(a, b color.Color) int {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := 0
	for _, p := range [][2]uint32{{ar, br}, {ag, bg}, {ab, bb}} {
		d = max(d, abs(int(p[0]>>8)-int(p[1]>>8)))
	}
	return d
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func gray(c interface{ RGBA() (r, g, b, a uint32) }) int {
	r, g, b, _ := c.RGBA()
	return int((299*r + 587*g + 114*b) / 1000 >> 8)
}

func decodeJPEG(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func decodeAny(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestFaceDetectionReport runs facedetect (through FaceDetect) on the test
// photos and variants of them, and logs what it finds (the README quotes
// the figures): go test -v -run TestFaceDetectionReport ./photo
func TestFaceDetectionReport(t *testing.T) {
	if testing.Short() {
		t.Skip("the face-detection report runs facedetect 60 times")
	}
	faces := faceDetector(t)
	photo := decodeJPEG(t, astronaut(t))
	scaled := func(f float64) image.Image {
		b := photo.Bounds()
		dst := image.NewRGBA(image.Rect(0, 0, int(float64(b.Dx())*f), int(float64(b.Dy())*f)))
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), photo, b, xdraw.Src, nil)
		return dst
	}
	crop := func(r image.Rectangle) image.Image {
		dst := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		draw.Draw(dst, dst.Bounds(), photo, r.Min, draw.Src)
		return dst
	}
	scene := func(f float64, w, h int) image.Image {
		// a background of random grey noise, not one colour:
		// facedetect equalises the histogram
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < len(dst.Pix); i += 4 {
			v := uint8(rng.IntN(256))
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = v, v, v, 255
		}
		small := scaled(f)
		draw.Draw(dst, small.Bounds().Add(image.Pt(w/3, h/3)), small, image.Point{}, draw.Src)
		return dst
	}
	var blurred bytes.Buffer
	if _, err := Redact(bytes.NewReader(astronaut(t)), &blurred, Limits{}, Redaction{Blur: []image.Rectangle{astronautFace}}); err != nil {
		t.Fatal(err)
	}
	text, _ := renderText(t, 1200, 300, 40, 110, 48, ocrPatient)
	cases := []struct {
		name string
		img  image.Image
		want int
	}{
		{"astronaut.jpg", photo, 1},
		{"astronaut at 1/4 size (face about 23 px)", scaled(0.25), 1},
		{"astronaut at 1/2 size", scaled(0.5), 1},
		{"astronaut at 2× size", scaled(2), 1},
		{"astronaut mirrored (EXIF orientation 2)", orient(photo, 2), 1},
		{"astronaut turned 90° with no EXIF tag", orient(photo, 6), 1},
		{"close-up: face 92 of 150 px across", crop(image.Rect(150, 40, 300, 200)), 1},
		{"astronaut 384 px wide in a 2048×1536 noise scene (face 1/26)", scene(0.75, 2048, 1536), 1},
		{"astronaut 256 px wide in a 2048×1536 noise scene (face 1/39)", scene(0.5, 2048, 1536), 1},
		{"astronaut with the face blurred (Redact)", decodeJPEG(t, blurred.Bytes()), 0},
		{"rendered text (Go Regular, 48 px)", decodeAny(t, text), 0},
		{"gradient (the metadata fixtures)", picture(32, 24), 0},
	}
	right := 0
	for _, c := range cases {
		got, err := faces(context.Background(), c.img)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(got) == c.want {
			right++
		}
		t.Logf("facedetect: %-45s %4d×%-4d %d face(s) %v (expected %d)", c.name, c.img.Bounds().Dx(), c.img.Bounds().Dy(), len(got), got, c.want)
	}
	t.Logf("facedetect: %d/%d pictures with the expected number of faces", right, len(cases))
	if right < len(cases)-2 {
		t.Errorf("only %d/%d pictures as expected", right, len(cases))
	}
}
