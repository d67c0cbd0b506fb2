package main

import (
	"bytes"
	be "encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaperone-project/chaperone/detect"
)

// The invented patient the test images' metadata names.
const imagePatient = "Pt John Okafor, DOB 3/14/1931, MRN 0048-2913"

// testPNG is a small PNG made by the standard library, with tEXt chunks
// (keyword, NUL, text; length, type, data, CRC) inserted after its IHDR.
func testPNG(t *testing.T, text map[string]string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p := b.Bytes()
	out := append([]byte{}, p[:33]...) // signature and IHDR
	for _, k := range []string{"Description", "Creation Time"} {
		v, ok := text[k]
		if !ok {
			continue
		}
		data := []byte(k + "\x00" + v)
		c := be.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(append(c, "tEXt"...), data...)
		out = append(out, be.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))...)
	}
	return append(out, p[33:]...)
}

type imageOut struct {
	Decision string `json:"decision"`
	Findings []struct {
		Rule     string `json:"rule"`
		Type     string `json:"type"`
		SpanType string `json:"span_type"`
		Reason   string `json:"reason"`
	} `json:"findings"`
	Image struct {
		Format   string   `json:"format"`
		Width    int      `json:"width"`
		Metadata []string `json:"metadata"`
		Texts    []string `json:"texts_screened"`
	} `json:"image"`
	Stripped *struct {
		Path   string `json:"path"`
		Format string `json:"format"`
	} `json:"stripped"`
}

func TestScanImage(t *testing.T) {
	// without OCR and face detection
	t.Setenv("CHAPERONE_TESSERACT", "/nonexistent")
	t.Setenv("CHAPERONE_FACEDETECT", "/nonexistent")
	t.Setenv("CHAPERONE_HEIF_CONVERT", "/nonexistent")
	plain := testPNG(t, nil)
	tagged := testPNG(t, map[string]string{"Description": imagePatient, "Creation Time": "2026-03-14T09:41:07Z"})
	plainPath := writeFile(t, "plain.png", plain)
	taggedPath := writeFile(t, "IMG_0001.dat", tagged) // detected by its bytes, not its name

	tests := []struct {
		name   string
		args   []string
		stdin  []byte
		code   int
		stdout []string
		stderr string
	}{
		{name: "plain image is review", args: []string{"scan", plainPath}, code: 1,
			stdout: []string{"PNG, 16×12 pixels; no metadata; OCR not installed", "face detection not installed (apt-get install facedetect), faces not checked", "photo-not-checked", "OCR and face detection are not installed", "Decision: review"}},
		{name: "metadata blocks", args: []string{"scan", taggedPath}, code: 2,
			stdout: []string{"metadata: PNG text; 1 text field(s) screened", "photo-date", "DATE", "Decision: block"}},
		{name: "stdin", args: []string{"scan"}, stdin: tagged, code: 2, stdout: []string{"Image stdin: PNG", "Decision: block"}},
		{name: "sarif refused", args: []string{"scan", "--format", "sarif", plainPath}, code: 3, stderr: "--format text or json"},
		{name: "truncated", args: []string{"scan"}, stdin: plain[:60], code: 3, stderr: "PNG image is truncated"},
		{name: "heic", args: []string{"scan"}, stdin: []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), code: 3, stderr: "HEIC/HEIF images need the heif-convert program, which is not installed (apt-get install libheif-examples)"},
		{name: "strip on text", args: []string{"scan", "--strip", filepath.Join(t.TempDir(), "x.png")}, stdin: []byte("Flu shots are in."), code: 3, stderr: "--strip applies to images"},
		{name: "strip with jsonl", args: []string{"scan", "--format", "jsonl", "--strip", "x.png"}, code: 3, stderr: "--strip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.stdin, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			if tt.stderr != "" && !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q: %s", tt.stderr, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "Okafor") || strings.Contains(r.stdout+r.stderr, "0048-2913") {
				t.Errorf("output quotes the metadata:\n%s%s", r.stdout, r.stderr)
			}
		})
	}
}

func TestScanImageJSONAndStrip(t *testing.T) {
	t.Setenv("CHAPERONE_TESSERACT", "/nonexistent")
	t.Setenv("CHAPERONE_FACEDETECT", "/nonexistent")
	tagged := testPNG(t, map[string]string{"Description": imagePatient, "Creation Time": "2026-03-14T09:41:07Z"})
	in := writeFile(t, "photo.png", tagged)
	out := filepath.Join(t.TempDir(), "clean.png")

	r := runCLI(t, nil, "scan", "--format", "json", "--strip", out, in)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "Okafor") {
		t.Errorf("JSON quotes the metadata: %s", r.stdout)
	}
	var got imageOut
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Decision != "block" || got.Image.Format != "png" || got.Image.Width != 16 ||
		strings.Join(got.Image.Texts, ",") != "PNG text Description" || got.Stripped == nil || got.Stripped.Path != out {
		t.Errorf("unexpected JSON: %+v", got)
	}
	rules := map[string]bool{}
	fromText := false
	for _, f := range got.Findings {
		rules[f.Rule] = true
		if strings.HasPrefix(f.Reason, "In the PNG text Description field: ") {
			fromText = true
		}
	}
	if !rules["photo-date"] || !rules["photo-not-checked"] {
		t.Errorf("findings %+v", got.Findings)
	}
	if eng := engineHasRules(t); eng && !fromText {
		t.Errorf("no finding from screening the Description: %+v", got.Findings)
	}

	clean, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Okafor", "tEXt", "Creation Time", "2026-03-14"} {
		if bytes.Contains(clean, []byte(s)) {
			t.Errorf("stripped copy holds %q", s)
		}
	}
	r = runCLI(t, nil, "scan", out)
	if r.code != 1 || !strings.Contains(r.stdout, "no metadata") {
		t.Errorf("scan of the stripped copy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// engineHasRules reports whether detect is the real engine.
func engineHasRules(t *testing.T) bool {
	t.Helper()
	eng, err := detect.New()
	if err != nil {
		t.Fatal(err)
	}
	return len(eng.Rules()) > 0
}
