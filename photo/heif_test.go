package photo

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// box is an ISO base media box: size, type, body.
func box(typ string, body ...[]byte) []byte {
	b := make([]byte, 8)
	copy(b[4:], typ)
	for _, x := range body {
		b = append(b, x...)
	}
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

// ispe is an image spatial extents property: version and flags, width,
// height.
func ispe(w, h uint32) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint32(b[4:], w)
	binary.BigEndian.PutUint32(b[8:], h)
	return box("ispe", b)
}

// heifHeader is the start of a HEIC file whose meta box declares images
// of the sizes given (an ispe each), and no image data.
func heifHeader(props ...[]byte) []byte {
	ftyp := box("ftyp", []byte("heic\x00\x00\x00\x00mif1heic"))
	meta := box("meta", []byte{0, 0, 0, 0}, box("hdlr", make([]byte, 25)),
		box("iprp", box("ipco", props...), box("ipma", make([]byte, 8))))
	return append(ftyp, meta...)
}

func TestHEIFSize(t *testing.T) {
	large := box("free") // a 64-bit size box: size 1, type, largesize 16
	large = append(large, make([]byte, 8)...)
	binary.BigEndian.PutUint32(large, 1)
	binary.BigEndian.PutUint64(large[8:], 16)
	many := heifHeader(ispe(10, 10))
	for range maxHEIFBoxes {
		many = append(many, box("free")...)
	}
	tests := []struct {
		name string
		data []byte
		w, h int
		ok   bool
	}{
		{"one image", heifHeader(ispe(4032, 3024)), 4032, 3024, true},
		{"thumbnail and image", heifHeader(ispe(320, 240), box("irot", []byte{1}), ispe(4032, 3024)), 4032, 3024, true},
		{"64-bit box before meta", append(large, heifHeader(ispe(8, 6))...), 8, 6, true},
		{"mdat to the end", append(heifHeader(ispe(8, 6)), 0, 0, 0, 0, 'm', 'd', 'a', 't', 1, 2, 3), 8, 6, true},
		{"bomb", heifHeader(ispe(100000, 100000)), 100000, 100000, true},
		{"no ispe", heifHeader(box("irot", []byte{1})), 0, 0, false},
		{"zero size", heifHeader(ispe(0, 3024)), 0, 0, false},
		{"ispe outside ipco", append(box("ftyp", []byte("heic")), ispe(10, 10)...), 0, 0, false},
		{"truncated", heifHeader(ispe(4032, 3024))[:60], 0, 0, false},
		{"box longer than the file", append(heifHeader(ispe(8, 6)), 0, 0, 1, 0, 'm', 'd', 'a', 't'), 0, 0, false},
		{"short ispe", heifHeader(box("ispe", make([]byte, 8))), 0, 0, false},
		{"too many boxes", many, 0, 0, false},
		{"just ftyp", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), 0, 0, false},
	}
	for _, tt := range tests {
		w, h, ok := heifSize(tt.data)
		if w != tt.w || h != tt.h || ok != tt.ok {
			t.Errorf("%s: %d×%d %v, want %d×%d %v", tt.name, w, h, ok, tt.w, tt.h, tt.ok)
		}
	}
}

func FuzzHEIFSize(f *testing.F) {
	f.Add(heifHeader(ispe(4032, 3024)))
	f.Add(heifHeader(ispe(320, 240), box("irot", []byte{1}), ispe(4032, 3024)))
	f.Add(append(heifHeader(ispe(8, 6)), 0, 0, 0, 0, 'm', 'd', 'a', 't', 1, 2, 3))
	f.Add([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, h, ok := heifSize(data)
		if ok != (w > 0 && h > 0) {
			t.Fatalf("%d×%d ok=%v", w, h, ok)
		}
		// Inspect with a converter that must not be reached unless the
		// size is within the limits.
		limits := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}
		called := false
		conv := func(context.Context, []byte) ([]byte, error) {
			called = true
			return nil, os.ErrNotExist
		}
		_, err := InspectWith(context.Background(), bytes.NewReader(data), limits, Tools{HEIF: conv})
		if called && (!ok || int64(w)*int64(h) > limits.MaxPixels) {
			t.Fatalf("converter called for %d×%d (ok %v)", w, h, ok)
		}
		if err == nil && Detect(data) == HEIF {
			t.Fatalf("a failing converter gave no error")
		}
	})
}

// TestInspectHEIFErrors: a HEIC is refused before conversion when it
// declares no size or too many pixels; without a converter the error
// names the package to install; a failing converter is an error that
// quotes nothing.
func TestInspectHEIFErrors(t *testing.T) {
	mustNotRun := func(context.Context, []byte) ([]byte, error) {
		t.Fatal("the converter was called")
		return nil, nil
	}
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		conv   HEIFConverter
		code   chaperone.ErrorCode
		want   string
	}{
		{"no size", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), Limits{}, mustNotRun, chaperone.ErrInvalid, "HEIC/HEIF image is corrupt or truncated"},
		{"bomb", heifHeader(ispe(100000, 100000)), Limits{}, mustNotRun, chaperone.ErrTooLarge, "100000×100000 pixels, over the limit of 50 megapixels"},
		{"bomb tile", heifHeader(ispe(64, 64), ispe(20000, 20000)), Limits{}, mustNotRun, chaperone.ErrTooLarge, "20000×20000 pixels"},
		{"over size limit", heifHeader(ispe(8, 6)), Limits{MaxBytes: 64}, mustNotRun, chaperone.ErrTooLarge, "file size limit of 64 bytes"},
		{"not installed", heifHeader(ispe(8, 6)), Limits{}, nil, chaperone.ErrInvalid, "need the heif-convert program, which is not installed (apt-get install libheif-examples)"},
		{"converter fails", heifHeader(ispe(8, 6)), Limits{}, HeifConvert("/bin/false", time.Second), chaperone.ErrInvalid, "the HEIC/HEIF image cannot be decoded: heif-convert failed (exit status 1)"},
		{"converter writes junk", heifHeader(ispe(8, 6)), Limits{}, func(context.Context, []byte) ([]byte, error) { return []byte("Okafor"), nil },
			chaperone.ErrInvalid, "heif-convert wrote no JPEG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := InspectWith(context.Background(), bytes.NewReader(tt.data), tt.limits, Tools{HEIF: tt.conv})
			if chaperone.CodeOf(err) != tt.code || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v (%s), want %s containing %q", err, chaperone.CodeOf(err), tt.code, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "Okafor") {
				t.Errorf("error quotes the converter's output: %v", err)
			}
			_, err = RedactWith(context.Background(), bytes.NewReader(tt.data), &bytes.Buffer{}, tt.limits, Tools{HEIF: tt.conv}, Redaction{})
			if chaperone.CodeOf(err) != tt.code {
				t.Errorf("RedactWith: %v, want code %s", err, tt.code)
			}
		})
	}
	if _, err := Inspect(bytes.NewReader(heifHeader(ispe(8, 6))), Limits{}); err == nil || !strings.Contains(err.Error(), "libheif-examples") {
		t.Errorf("Inspect reads no HEIC: %v", err)
	}
}

// heifTools returns heif-convert as a converter and the path of heif-enc
// (to make HEIC files), skipping t when they are not installed (failing
// it when CHAPERONE_REQUIRE_HEIF=1).
func heifTools(t testing.TB) (HEIFConverter, string) {
	t.Helper()
	conv := FindHeifConvert(os.Getenv)
	enc, _ := exec.LookPath("heif-enc")
	if conv == "" || enc == "" {
		if os.Getenv("CHAPERONE_REQUIRE_HEIF") == "1" {
			t.Fatal("heif-convert or heif-enc is not installed (apt-get install libheif-examples) and CHAPERONE_REQUIRE_HEIF=1")
		}
		t.Skip("heif-convert or heif-enc is not installed")
	}
	return HeifConvert(conv, time.Minute), enc
}

// heicOf encodes the image file in (JPEG or PNG) as HEIC with heif-enc.
func heicOf(t testing.TB, enc string, in []byte, ext string) []byte {
	t.Helper()
	dir := t.TempDir()
	src, out := filepath.Join(dir, "in"+ext), filepath.Join(dir, "out.heic")
	if err := os.WriteFile(src, in, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(enc, "-q", "90", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("heif-enc: %v\n%s", err, b)
	}
	heic, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return heic
}

// TestHEIC: a HEIC made by heif-enc from the astronaut photo is read (its
// size, its face), and its stripped copy is a JPEG with the face blurred.
func TestHEIC(t *testing.T) {
	conv, enc := heifTools(t)
	heic := heicOf(t, enc, astronaut(t), ".jpg")
	if Detect(heic) != HEIF {
		t.Fatalf("heif-enc wrote %q", heic[:16])
	}
	if w, h, ok := heifSize(heic); w != 512 || h != 512 || !ok {
		t.Fatalf("heifSize %d×%d %v", w, h, ok)
	}
	rep, err := InspectWith(context.Background(), bytes.NewReader(heic), Limits{}, Tools{HEIF: conv})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != HEIF || rep.Width != 512 || rep.Height != 512 || rep.Decision != chaperone.Review {
		t.Errorf("report %+v", rep)
	}
	// Limits apply before conversion.
	if _, err := InspectWith(context.Background(), bytes.NewReader(heic), Limits{MaxPixels: 512*512 - 1}, Tools{HEIF: conv}); chaperone.CodeOf(err) != chaperone.ErrTooLarge {
		t.Errorf("over the pixel limit: %v", err)
	}

	faces := faceDetector(t)
	s, err := Screen(context.Background(), heic, Limits{}, Tools{HEIF: conv, Faces: faces},
		func(string) (chaperone.Result, error) { return chaperone.Result{Decision: chaperone.Allow}, nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Report.Faces) != 1 || !overlaps(s.Report.Faces[0], astronautFace) {
		t.Fatalf("faces %v, want one near %v", s.Report.Faces, astronautFace)
	}
	var out bytes.Buffer
	f, err := RedactWith(context.Background(), bytes.NewReader(heic), &out, Limits{}, Tools{HEIF: conv}, s.Redaction())
	if err != nil || f != JPEG || Detect(out.Bytes()) != JPEG {
		t.Fatalf("RedactWith: %s %v", f, err)
	}
	img, err := jpeg.Decode(bytes.NewReader(out.Bytes()))
	if err != nil || img.Bounds() != image.Rect(0, 0, 512, 512) {
		t.Fatalf("copy: %v %v", img.Bounds(), err)
	}
	if again, err := faces(context.Background(), img); err != nil || len(again) != 0 {
		t.Errorf("faces in the blurred copy: %v %v", again, err)
	}
	// Redact finds heif-convert in the environment.
	if f, err := Redact(bytes.NewReader(heic), &bytes.Buffer{}, Limits{}, Redaction{}); err != nil || f != JPEG {
		t.Errorf("Redact: %s %v", f, err)
	}
	t.Setenv(HeifConvertEnv, "/nonexistent")
	if _, err := Redact(bytes.NewReader(heic), &bytes.Buffer{}, Limits{}, Redaction{}); err == nil || !strings.Contains(err.Error(), "libheif-examples") {
		t.Errorf("Redact without heif-convert: %v", err)
	}
}

// TestHEICMetadata: the EXIF that heif-enc copies from a JPEG into the
// HEIC is read (imagemeta reads HEIF's EXIF and XMP items) and blocks it;
// the stripped JPEG has none of it.
func TestHEICMetadata(t *testing.T) {
	conv, enc := heifTools(t)
	heic := heicOf(t, enc, exifJPEG(t), ".jpg")
	if !bytes.Contains(heic, []byte(serialValue)) {
		t.Skip("this heif-enc does not copy EXIF into the HEIC")
	}
	rep, err := InspectWith(context.Background(), bytes.NewReader(heic), Limits{}, Tools{HEIF: conv})
	if err != nil {
		t.Fatal(err)
	}
	got := rules(rep)
	for _, r := range []string{RuleGPS, RuleDate, RuleSerial} {
		if _, ok := got[r]; !ok {
			t.Errorf("no %s finding: %+v", r, rep.Findings)
		}
	}
	if rep.Decision != chaperone.Block || fieldValues(rep)["EXIF ImageDescription"] != patientCaption ||
		strings.Join(rep.Metadata, ",") != "EXIF" {
		t.Errorf("decision %s, metadata %v, texts %v", rep.Decision, rep.Metadata, fieldValues(rep))
	}
	var out bytes.Buffer
	if _, err := RedactWith(context.Background(), bytes.NewReader(heic), &out, Limits{}, Tools{HEIF: conv}, Redaction{}); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Okafor", serialValue, "Exif\x00\x00"} {
		if bytes.Contains(out.Bytes(), []byte(secret)) {
			t.Errorf("stripped copy holds %q", secret)
		}
	}
}

// TestHEICSeveralImages: heif-convert writes one JPEG per image; such a
// file is refused.
func TestHEICSeveralImages(t *testing.T) {
	conv, enc := heifTools(t)
	dir := t.TempDir()
	a, b, out := filepath.Join(dir, "a.jpg"), filepath.Join(dir, "b.jpg"), filepath.Join(dir, "two.heic")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, plainJPEG(t), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if msg, err := exec.Command(enc, "-o", out, a, b).CombinedOutput(); err != nil {
		t.Fatalf("heif-enc: %v\n%s", err, msg)
	}
	heic, _ := os.ReadFile(out)
	_, err := InspectWith(context.Background(), bytes.NewReader(heic), Limits{}, Tools{HEIF: conv})
	if err == nil || !strings.Contains(err.Error(), "holds several images") {
		t.Errorf("error %v", err)
	}
}
