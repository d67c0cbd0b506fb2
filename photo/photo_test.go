package photo

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/bep/imagemeta"
	chaperone "github.com/chaperone-project/chaperone"
)

func rules(rep Report) map[string]chaperone.Finding {
	m := map[string]chaperone.Finding{}
	for _, f := range rep.Findings {
		m[f.Rule] = f
	}
	return m
}

func fieldValues(rep Report) map[string]string {
	m := map[string]string{}
	for _, t := range rep.Texts {
		m[t.Field] = t.Value
	}
	return m
}

func TestInspect(t *testing.T) {
	tests := []struct {
		name     string
		data     func(testing.TB) []byte
		format   Format
		w, h     int
		decision chaperone.Decision
		rules    []string          // rule ids expected besides photo-not-checked
		texts    map[string]string // field -> value expected in Texts
		metadata []string
	}{
		{name: "plain jpeg", data: plainJPEG, format: JPEG, w: 32, h: 24, decision: chaperone.Review, metadata: []string{}},
		{name: "plain png", data: plainPNG, format: PNG, w: 32, h: 24, decision: chaperone.Review, metadata: []string{}},
		{name: "plain webp", data: plainWebP, format: WebP, w: 150, h: 100, decision: chaperone.Review, metadata: []string{}},
		{
			name: "jpeg with exif", data: exifJPEG, format: JPEG, w: 32, h: 24, decision: chaperone.Block,
			rules:    []string{RuleGPS, RuleDate, RuleSerial},
			texts:    map[string]string{"EXIF ImageDescription": patientCaption},
			metadata: []string{"EXIF"},
		},
		{
			name: "jpeg with comment and xmp", format: JPEG, w: 32, h: 24, decision: chaperone.Block,
			data: func(t testing.TB) []byte {
				return withSegments(plainJPEG(t),
					jpegSegment(0xFE, []byte(patientCaption)),
					jpegSegment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmpPacket(patientXMP)...)))
			},
			rules:    []string{RulePlace},
			texts:    map[string]string{"JPEG comment": patientCaption, "XMP dc:description": patientXMP, "XMP dc:subject": "wound; surgery"},
			metadata: []string{"XMP", "JPEG comment"},
		},
		{
			name: "jpeg with iptc", format: JPEG, w: 32, h: 24, decision: chaperone.Block,
			data: func(t testing.TB) []byte {
				return withSegments(plainJPEG(t), jpegSegment(0xED, iptcAPP13(map[byte]string{
					0x78: patientCaption, // Caption-Abstract
					0x19: "wound care",   // Keywords
					0x50: "Dr. Rae Kim",  // By-line
					0x5a: "Springfield",  // City
				})))
			},
			rules:    []string{RulePlace},
			texts:    map[string]string{"IPTC Caption-Abstract": patientCaption, "IPTC Keywords": "wound care", "IPTC By-line": "Dr. Rae Kim", "IPTC City": "Springfield"},
			metadata: []string{"IPTC"},
		},
		{
			name: "png with text and xmp", data: textPNG, format: PNG, w: 32, h: 24, decision: chaperone.Block,
			rules:    []string{RulePlace},
			texts:    map[string]string{"PNG text Description": patientCaption, "XMP dc:description": patientXMP, "XMP photoshop:City": "Springfield"},
			metadata: []string{"XMP", "PNG text"},
		},
		{
			name: "png with compressed text only", format: PNG, w: 32, h: 24, decision: chaperone.Review,
			data: func(t testing.TB) []byte {
				return withChunks(plainPNG(t), pngChunk("zTXt", append([]byte("Comment\x00\x00"), zlibBytes(t, patientCaption)...)))
			},
			texts:    map[string]string{"PNG text Comment": patientCaption},
			metadata: []string{"PNG text"},
		},
		{
			name: "webp with exif", data: exifWebP, format: WebP, w: 150, h: 100, decision: chaperone.Block,
			rules:    []string{RuleGPS, RuleDate, RuleSerial},
			texts:    map[string]string{"EXIF ImageDescription": patientCaption},
			metadata: []string{"EXIF"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Inspect(bytes.NewReader(tt.data(t)), Limits{})
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			if rep.Format != tt.format || rep.Width != tt.w || rep.Height != tt.h {
				t.Errorf("got %s %d×%d, want %s %d×%d", rep.Format, rep.Width, rep.Height, tt.format, tt.w, tt.h)
			}
			if rep.Decision != tt.decision {
				t.Errorf("decision %s, want %s (findings %+v)", rep.Decision, tt.decision, rep.Findings)
			}
			got := rules(rep)
			want := append([]string{RuleUnchecked}, tt.rules...)
			for _, r := range want {
				if _, ok := got[r]; !ok {
					t.Errorf("no %s finding; got %+v", r, rep.Findings)
				}
			}
			if len(got) != len(want) {
				t.Errorf("findings %v, want the rules %v", rep.Findings, want)
			}
			if f := got[RuleUnchecked]; !strings.Contains(f.Reason, "text in the image and faces were not checked (OCR and face detection are not installed)") &&
				!strings.Contains(f.Reason, "Text in the image and faces were not checked (OCR and face detection are not installed)") {
				t.Errorf("not-checked reason %q", f.Reason)
			}
			if f, ok := got[RuleGPS]; ok && (f.SpanType != chaperone.SpanLocation || f.Type != chaperone.FindingPHI || !strings.Contains(f.Cite, "164.514(b)(2)(i)(B)")) {
				t.Errorf("GPS finding %+v", f)
			}
			if f, ok := got[RuleDate]; ok && f.SpanType != chaperone.SpanDate {
				t.Errorf("date finding %+v", f)
			}
			if f, ok := got[RuleSerial]; ok && f.SpanType != chaperone.SpanDevice {
				t.Errorf("serial finding %+v", f)
			}
			texts := fieldValues(rep)
			for field, v := range tt.texts {
				if texts[field] != v {
					t.Errorf("text %q = %q, want %q (all: %v)", field, texts[field], v, texts)
				}
			}
			if strings.Join(rep.Metadata, ",") != strings.Join(tt.metadata, ",") {
				t.Errorf("metadata %v, want %v", rep.Metadata, tt.metadata)
			}
			// Findings never quote the values; the JSON form never holds the texts.
			js, _ := json.Marshal(rep)
			for _, secret := range []string{"Okafor", "O'Connell", "O\\u0027Connell", serialValue, "2026:03:14", "Springfield", "42.36"} {
				if bytes.Contains(js, []byte(secret)) {
					t.Errorf("report JSON quotes %q: %s", secret, js)
				}
			}
		})
	}
}

func TestInspectErrors(t *testing.T) {
	jpg := plainJPEG(t)
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		code   chaperone.ErrorCode
		want   string
	}{
		{"empty", nil, Limits{}, chaperone.ErrInvalid, "empty"},
		{"text", []byte("Pt John Okafor"), Limits{}, chaperone.ErrInvalid, "not a JPEG, PNG, WebP or HEIC"},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), Limits{}, chaperone.ErrInvalid, "HEIC/HEIF images need the heif-convert program"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), Limits{}, chaperone.ErrInvalid, "GIF images are not supported"},
		{"truncated jpeg", jpg[:len(jpg)/2], Limits{}, chaperone.ErrInvalid, "JPEG image is truncated"},
		{"jpeg header only", jpg[:4], Limits{}, chaperone.ErrInvalid, "JPEG image is"},
		{"corrupt png", append(plainPNG(t)[:40], bytes.Repeat([]byte{0x55}, 64)...), Limits{}, chaperone.ErrInvalid, "PNG image is"},
		{"truncated webp", plainWebP(t)[:200], Limits{}, chaperone.ErrInvalid, "WebP image is truncated"},
		{"truncated png", plainPNG(t)[:60], Limits{}, chaperone.ErrInvalid, "PNG image is truncated"},
		{"bomb", bombPNG(100000, 100000), Limits{}, chaperone.ErrTooLarge, "100000×100000 pixels, over the limit of 50 megapixels"},
		{"zero pixels", bombPNG(0, 10), Limits{}, chaperone.ErrInvalid, "PNG image is"},
		{"over pixel limit", jpg, Limits{MaxPixels: 100}, chaperone.ErrTooLarge, "over the limit of 100 pixels"},
		{"over size limit", jpg, Limits{MaxBytes: 100}, chaperone.ErrTooLarge, "file size limit of 100 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Inspect(bytes.NewReader(tt.data), tt.limits)
			if err == nil {
				t.Fatal("no error")
			}
			if chaperone.CodeOf(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q (%s), want %s containing %q", err, chaperone.CodeOf(err), tt.code, tt.want)
			}
			if strings.Contains(err.Error(), "Okafor") {
				t.Errorf("error quotes the input: %v", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if _, err := Strip(bytes.NewReader(tt.data), &bytes.Buffer{}, tt.limits); chaperone.CodeOf(err) != tt.code {
				t.Errorf("Strip: %v, want code %s", err, tt.code)
			}
		})
	}
}

// TestBombBoundedMemory checks the bomb is refused before a pixel buffer
// is allocated.
func TestBombBoundedMemory(t *testing.T) {
	data := bombPNG(100000, 100000)
	allocs := testing.AllocsPerRun(3, func() { Inspect(bytes.NewReader(data), Limits{}) })
	if allocs > 200 {
		t.Errorf("%v allocations refusing a bomb", allocs)
	}
}

func TestStrip(t *testing.T) {
	tests := []struct {
		name string
		data func(testing.TB) []byte
		out  Format
	}{
		{"jpeg", exifJPEG, JPEG},
		{"jpeg comment", func(t testing.TB) []byte {
			return withSegments(exifJPEG(t), jpegSegment(0xFE, []byte(patientCaption)))
		}, JPEG},
		{"png", textPNG, PNG},
		{"webp", exifWebP, PNG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.data(t)
			var out bytes.Buffer
			f, err := Strip(bytes.NewReader(in), &out, Limits{})
			if err != nil {
				t.Fatalf("Strip: %v", err)
			}
			if f != tt.out || Detect(out.Bytes()) != tt.out {
				t.Errorf("wrote %s (detected %s), want %s", f, Detect(out.Bytes()), tt.out)
			}
			for _, secret := range []string{"Okafor", "O'Connell", serialValue, dateValue, "Springfield", "Exif\x00\x00", "xpacket", "tEXt", "iTXt"} {
				if bytes.Contains(out.Bytes(), []byte(secret)) {
					t.Errorf("stripped copy holds %q", secret)
				}
			}
			// imagemeta finds nothing in the copy.
			format := map[Format]imagemeta.ImageFormat{JPEG: imagemeta.JPEG, PNG: imagemeta.PNG}[f]
			var tags []string
			if _, err := imagemeta.Decode(imagemeta.Options{
				R: bytes.NewReader(out.Bytes()), ImageFormat: format,
				Sources:         imagemeta.EXIF | imagemeta.XMP | imagemeta.IPTC,
				ShouldHandleTag: func(imagemeta.TagInfo) bool { return true },
				HandleTag:       func(ti imagemeta.TagInfo) error { tags = append(tags, ti.Tag); return nil },
			}); err != nil {
				t.Fatalf("imagemeta on the copy: %v", err)
			}
			if len(tags) > 0 {
				t.Errorf("stripped copy has metadata tags %v", tags)
			}
			// And Inspect agrees: only the not-checked finding, review.
			rep, err := Inspect(bytes.NewReader(out.Bytes()), Limits{})
			if err != nil {
				t.Fatalf("Inspect of the copy: %v", err)
			}
			if rep.Decision != chaperone.Review || len(rep.Findings) != 1 || len(rep.Texts) != 0 || len(rep.Metadata) != 0 {
				t.Errorf("copy: %+v", rep)
			}
			orig, _ := Inspect(bytes.NewReader(in), Limits{})
			if rep.Width != orig.Width || rep.Height != orig.Height {
				t.Errorf("copy is %d×%d, original %d×%d", rep.Width, rep.Height, orig.Width, orig.Height)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	for _, tt := range []struct {
		head string
		want Format
	}{
		{"\xff\xd8\xff\xe0", JPEG},
		{"\x89PNG\r\n\x1a\n", PNG},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", WebP},
		{"RIFF\x00\x00\x00\x00WAVEfmt ", ""},
		{"\x00\x00\x00\x18ftypheic", HEIF},
		{"\x00\x00\x00\x18ftypavif", HEIF},
		{"\x00\x00\x00\x18ftypisom", ""},
		{"GIF87a", GIF},
		{"II*\x00", TIFF},
		{"Discharged Mrs. O'Connell", ""},
		{"", ""},
	} {
		if got := Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

func FuzzInspect(f *testing.F) {
	f.Add(plainJPEG(f))
	f.Add(exifJPEG(f))
	f.Add(textPNG(f))
	f.Add(bombPNG(100000, 100000))
	f.Add(exifWebP(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Small limits keep every run bounded: at most 1 MiB and 1 megapixel.
		limits := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}
		start := time.Now()
		rep, err := Inspect(bytes.NewReader(data), limits)
		if err != nil {
			if c := chaperone.CodeOf(err); c != chaperone.ErrInvalid && c != chaperone.ErrTooLarge {
				t.Fatalf("error code %s: %v", c, err)
			}
		} else if rep.Decision == chaperone.Allow || len(rep.Findings) == 0 {
			t.Fatalf("decision %s with %d findings", rep.Decision, len(rep.Findings))
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Inspect took %v", d)
		}
	})
}

// TestStripOrientation: the copy loses the EXIF Orientation tag, so Strip
// turns the pixels instead. A 2×1 PNG (red, blue) tagged 6 (rotate 90°
// clockwise) becomes 1×2 with red on top.
func TestStripOrientation(t *testing.T) {
	for _, tt := range []struct {
		o          uint16
		w, h       int
		first, end color.RGBA // top-left and bottom-right pixels
	}{
		{1, 2, 1, red, blue},
		{2, 2, 1, blue, red},
		{3, 2, 1, blue, red},
		{6, 1, 2, red, blue},
		{8, 1, 2, blue, red},
	} {
		img := image.NewRGBA(image.Rect(0, 0, 2, 1))
		img.SetRGBA(0, 0, red)
		img.SetRGBA(1, 0, blue)
		var b bytes.Buffer
		png.Encode(&b, img)
		tiff := make([]byte, 8+ifdSize([]ifdEntry{{}}))
		copy(tiff, "II*\x00")
		binary.LittleEndian.PutUint32(tiff[4:], 8)
		writeIFD(tiff, 8, []ifdEntry{{tag: 0x0112, typ: 3, count: 1, data: binary.LittleEndian.AppendUint16(nil, tt.o)}})
		in := withChunks(b.Bytes(), pngChunk("eXIf", tiff))
		var out bytes.Buffer
		if _, err := Strip(bytes.NewReader(in), &out, Limits{}); err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&out)
		if err != nil {
			t.Fatal(err)
		}
		r := got.Bounds()
		if r.Dx() != tt.w || r.Dy() != tt.h {
			t.Errorf("orientation %d: %d×%d, want %d×%d", tt.o, r.Dx(), r.Dy(), tt.w, tt.h)
			continue
		}
		if c := color.RGBAModel.Convert(got.At(0, 0)); c != tt.first {
			t.Errorf("orientation %d: top-left %v, want %v", tt.o, c, tt.first)
		}
		if c := color.RGBAModel.Convert(got.At(r.Dx()-1, r.Dy()-1)); c != tt.end {
			t.Errorf("orientation %d: bottom-right %v, want %v", tt.o, c, tt.end)
		}
	}
}

var (
	red  = color.RGBA{255, 0, 0, 255}
	blue = color.RGBA{0, 0, 255, 255}
)
