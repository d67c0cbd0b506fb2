// Package photo screens images before they are published: it reads JPEG,
// PNG and WebP files within set limits, reports the patient identifiers
// their metadata holds (GPS position, dates, device serial numbers) and
// returns the metadata's text fields for the text engine to screen, and
// writes a copy with all metadata removed.
//
// With an OCR (Tesseract, see Tesseract and FindTesseract) InspectWith also
// reads the text in the pixels, with every word's box, for the caller to
// screen, and with a face detector (facedetect, see FaceDetect and
// FindFaceDetect) it finds faces, each a consent-needed finding; Redact
// writes the copy with the PHI text filled black and the faces blurred.
// An image is allowed only when both tools ran and nothing was found;
// whatever was not checked makes it review.
//
// The package imports no storage or web code. Its errors and findings
// never quote metadata values; only Report.Texts holds them, for the
// caller to screen.
package photo

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"sync"

	chaperone "github.com/chaperone-project/chaperone"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Format is an image file format, detected from the file's first bytes.
type Format string

// The formats Inspect reads (JPEG, PNG, WebP) and the ones it recognises
// only to refuse them plainly.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	WebP Format = "webp"
	HEIF Format = "heif" // HEIC, HEIF and AVIF: read with a HEIFConverter (heif-convert)
	GIF  Format = "gif"  // not supported
	TIFF Format = "tiff" // not supported
)

// Supported reports whether Inspect and Strip read f by themselves. HEIF
// is read too when a HEIFConverter is given (Tools.HEIF: InspectWith,
// Screen and RedactWith).
func (f Format) Supported() bool { return f == JPEG || f == PNG || f == WebP }

// Name is the format's usual name: "JPEG", "PNG", "WebP", "HEIC/HEIF".
func (f Format) Name() string {
	switch f {
	case JPEG:
		return "JPEG"
	case PNG:
		return "PNG"
	case WebP:
		return "WebP"
	case HEIF:
		return "HEIC/HEIF"
	case GIF:
		return "GIF"
	case TIFF:
		return "TIFF"
	}
	return "unknown"
}

// Detect returns the image format the file starting with head is in, by
// its magic bytes, or "" when head is not the start of an image file
// Detect knows. 16 bytes are enough.
func Detect(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return WebP
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return GIF
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TIFF
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		switch string(head[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis":
			return HEIF
		}
	}
	return ""
}

// Limits bound what Inspect and Strip accept. A zero field takes its
// default.
type Limits struct {
	MaxBytes  int64 // the file's size; default 25 MiB
	MaxPixels int64 // width × height; default 50 megapixels
}

// Default limits.
const (
	DefaultMaxBytes  = 25 << 20
	DefaultMaxPixels = 50_000_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	return l
}

// Text is one text field of the image's metadata, which the caller screens
// with the text engine. Value may hold PHI: never log it.
type Text struct {
	Field string `json:"field"` // e.g. "EXIF ImageDescription", "XMP dc:description", "PNG tEXt Description"
	Value string `json:"-"`
}

// Report is what Inspect found in one image.
type Report struct {
	Format Format `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Metadata lists the kinds of metadata the file holds ("EXIF", "XMP",
	// "IPTC", "PNG text", "JPEG comment"), in that order.
	Metadata []string `json:"metadata"`
	// Findings are the metadata's identifiers and what was not checked.
	Findings []chaperone.Finding `json:"findings"`
	// Texts are the metadata's text fields, to be screened by the caller.
	Texts []Text `json:"texts"`
	// OCR says whether the text in the pixels was read; OCRError says why
	// not when it failed (never quoting recognised text).
	OCR      OCRStatus `json:"ocr"`
	OCRError string    `json:"ocr_error,omitempty"`
	// OCRText is the text read in the pixels (lines of words), to be
	// screened by the caller; Words are its words with their byte ranges
	// and boxes (see Boxes). OCRText may hold PHI: never log it.
	OCRText string `json:"-"`
	Words   []Word `json:"-"`
	// Faces are the boxes of the faces found (one face finding each, in
	// this order); FaceCheck says whether faces were looked for.
	// FaceError says why not when face detection failed (never quoting
	// its output).
	Faces     []image.Rectangle `json:"-"`
	FaceCheck OCRStatus         `json:"face_check"`
	FaceError string            `json:"face_error,omitempty"`
	// Decision is block when the metadata holds an identifier, review
	// when a face was found or something was not checked (Decide).
	// Screening Texts and OCRText can only raise it.
	Decision chaperone.Decision `json:"decision"`
}

// loaded is an image file read within the limits, with its header checked.
// For HEIF, pixels is the JPEG the HEIFConverter made of it.
type loaded struct {
	data   []byte
	format Format
	cfg    image.Config
	pixels []byte
}

// load reads the file from r and checks its size, format and dimensions
// before any pixel is decoded. A HEIF file's dimensions are read from its
// 'ispe' boxes and checked before heif converts it (nil: HEIF is refused,
// naming the program to install).
func load(ctx context.Context, r io.Reader, limits Limits, heif HEIFConverter) (*loaded, error) {
	limits = limits.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxBytes+1))
	if err != nil {
		return nil, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "reading the image", Err: err}
	}
	if int64(len(data)) > limits.MaxBytes {
		return nil, chaperone.Errorf(chaperone.ErrTooLarge,
			"the image is larger than the file size limit of %s", sizeName(limits.MaxBytes))
	}
	f := Detect(data)
	switch {
	case len(data) == 0:
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "the image file is empty")
	case f == HEIF:
		return loadHEIF(ctx, data, limits, heif)
	case f == "":
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "not a JPEG, PNG, WebP or HEIC image (format not recognised)")
	case !f.Supported():
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "%s images are not supported; use JPEG, PNG, WebP or HEIC", f.Name())
	}
	cfg, err := decodeConfig(f, data)
	if err != nil {
		return nil, corrupt(f, data, err)
	}
	if err := checkPixels(f, cfg, limits); err != nil {
		return nil, err
	}
	return &loaded{data: data, format: f, cfg: cfg}, nil
}

// checkPixels refuses an image whose declared dimensions are empty or
// over the pixel limit.
func checkPixels(f Format, cfg image.Config, limits Limits) error {
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return chaperone.Errorf(chaperone.ErrInvalid, "the %s image declares no pixels (%d×%d)", f.Name(), cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > limits.MaxPixels {
		return chaperone.Errorf(chaperone.ErrTooLarge,
			"the image declares %d×%d pixels, over the limit of %s; it is refused without decoding (a decompression bomb, or a photo to downscale first)",
			cfg.Width, cfg.Height, pixelName(limits.MaxPixels))
	}
	return nil
}

// loadHEIF checks a HEIF file's declared size (its largest 'ispe') against
// the limits, then converts it to JPEG with heif (nil: the file is refused,
// naming the package to install) and checks that too. The
// converted JPEG is only the pixels: the metadata is read from the HEIF.
func loadHEIF(ctx context.Context, data []byte, limits Limits, heif HEIFConverter) (*loaded, error) {
	if heif == nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid,
			"HEIC/HEIF images need the heif-convert program, which is not installed (apt-get install libheif-examples); or export the photo as JPEG")
	}
	w, h, ok := heifSize(data)
	if !ok {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "the HEIC/HEIF image is corrupt or truncated and cannot be decoded (no image size found)")
	}
	if err := checkPixels(HEIF, image.Config{Width: w, Height: h}, limits); err != nil {
		return nil, err
	}
	pixels, err := heif(ctx, data)
	if err != nil {
		return nil, &chaperone.Error{Code: chaperone.ErrInvalid,
			Msg: "the HEIC/HEIF image cannot be decoded: " + err.Error(), Err: err}
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(pixels))
	if err != nil {
		return nil, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "the HEIC/HEIF image cannot be decoded: heif-convert wrote no JPEG", Err: err}
	}
	if err := checkPixels(HEIF, cfg, limits); err != nil {
		return nil, err
	}
	return &loaded{data: data, format: HEIF, cfg: cfg, pixels: pixels}, nil
}

// decodeConfig reads the image's dimensions from its header only.
func decodeConfig(f Format, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	}
	return webp.DecodeConfig(r)
}

// decode decodes the pixels; load has checked the dimensions.
func (l *loaded) decode() (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, corrupt(l.format, l.data, fmt.Errorf("decoder failed"))
		}
	}()
	r := bytes.NewReader(l.data)
	switch l.format {
	case HEIF:
		img, err = jpeg.Decode(bytes.NewReader(l.pixels))
	case JPEG:
		img, err = jpeg.Decode(r)
	case PNG:
		img, err = png.Decode(r)
	default:
		img, err = webp.Decode(r)
	}
	if err != nil {
		return nil, corrupt(l.format, l.data, err)
	}
	return img, nil
}

// corrupt is the error for a file whose header or pixels do not decode:
// "truncated" when the file stops before its format's end (no JPEG EOI, no
// PNG IEND, fewer bytes than the RIFF header declares), else "corrupt".
// The decoders' messages name the structure that failed, never metadata.
func corrupt(f Format, data []byte, err error) error {
	what := "corrupt"
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || truncated(f, data) {
		what = "truncated"
	}
	return &chaperone.Error{Code: chaperone.ErrInvalid,
		Msg: fmt.Sprintf("the %s image is %s and cannot be decoded", f.Name(), what), Err: err}
}

// truncated reports whether data stops before the end its format marks.
func truncated(f Format, data []byte) bool {
	switch f {
	case JPEG:
		return !bytes.Contains(data[max(0, len(data)-64):], []byte{0xFF, 0xD9})
	case PNG:
		return !bytes.Contains(data[max(0, len(data)-64):], []byte("IEND"))
	case WebP:
		return len(data) < 8 || int64(binary.LittleEndian.Uint32(data[4:]))+8 > int64(len(data))
	}
	return false
}

func sizeName(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

func pixelName(n int64) string {
	if n%1_000_000 == 0 {
		return fmt.Sprintf("%d megapixels", n/1_000_000)
	}
	return fmt.Sprintf("%d pixels", n)
}

// Inspect reads one JPEG, PNG or WebP image from r within limits (checked
// before any pixel is decoded), decodes it to check it is whole, and reports
// what its metadata holds. It reads no text in the pixels: it is
// InspectOCR with no OCR. Errors are *chaperone.Error: ErrTooLarge for a
// limit, ErrInvalid for an unsupported, truncated or corrupt file.
func Inspect(r io.Reader, limits Limits) (Report, error) {
	return InspectWith(context.Background(), r, limits, Tools{})
}

// InspectWith is Inspect that also looks at the pixels with the tools
// given (both at once), on the picture turned by its EXIF orientation: OCR
// reads the text into Report.OCRText and Report.Words for the caller to
// screen (Screen does), and Faces finds faces into Report.Faces, each with
// one photo-face finding (consent needed), in the same order. When a tool
// is nil or fails, the photo-not-checked finding says what was not checked
// (text, faces or both, and why); the failure is reported in the Report
// (OCRError, FaceError), not as an error. When both ran, there is no such
// finding. Screen calls it.
func InspectWith(ctx context.Context, r io.Reader, limits Limits, tools Tools) (Report, error) {
	ocr := tools.OCR
	l, err := load(ctx, r, limits, tools.HEIF)
	if err != nil {
		return Report{}, err
	}
	img, err := l.decode()
	if err != nil {
		return Report{}, err
	}
	m := readMetadata(l.data, l.format)
	rep := Report{
		Format:    l.format,
		Width:     l.cfg.Width,
		Height:    l.cfg.Height,
		Metadata:  m.kindsList(),
		Findings:  m.findings(),
		Texts:     m.texts,
		OCR:       OCRNotInstalled,
		FaceCheck: OCRNotInstalled,
		Words:     []Word{},
	}
	if rep.Texts == nil {
		rep.Texts = []Text{}
	}
	if ocr != nil || tools.Faces != nil {
		shown := orient(img, orientation(l.data, l.format))
		var wg sync.WaitGroup
		if ocr != nil {
			wg.Go(func() {
				rec, err := ocr(ctx, shown)
				if err != nil {
					rep.OCR, rep.OCRError = OCRFailed, err.Error()
					return
				}
				rep.OCR, rep.OCRText = OCRDone, rec.Text
				if rec.Words != nil {
					rep.Words = rec.Words
				}
			})
		}
		if tools.Faces != nil {
			wg.Go(func() {
				faces, err := tools.Faces(ctx, shown)
				if err != nil {
					rep.FaceCheck, rep.FaceError = OCRFailed, err.Error()
					return
				}
				rep.FaceCheck, rep.Faces = OCRDone, faces
			})
		}
		wg.Wait()
	}
	if rep.Faces == nil {
		rep.Faces = []image.Rectangle{}
	}
	for range rep.Faces {
		rep.Findings = append(rep.Findings, faceFinding())
	}
	if f, ok := unchecked(rep.OCR, rep.FaceCheck); ok {
		rep.Findings = append(rep.Findings, f)
	}
	rep.Decision = Decide(rep.Findings)
	return rep, nil
}

// Decide is the decision for an image's own findings (metadata, faces,
// what was not checked): block when any is PHI or a confirmed
// relationship, review when there is any other, allow when there is none
// (every tool ran and found nothing).
func Decide(findings []chaperone.Finding) chaperone.Decision {
	d := chaperone.Allow
	for _, f := range findings {
		if f.Type == chaperone.FindingPHI || f.Type == chaperone.FindingRelationshipConfirmed {
			return chaperone.Block
		}
		d = chaperone.Review
	}
	return d
}

// Strip reads one image from r within limits and writes it to w re-encoded
// with the standard library, which writes no metadata at all: JPEG stays
// JPEG (quality 92), PNG stays PNG, WebP becomes PNG (there is no
// pure-Go WebP encoder) and HEIC (read as Redact does) becomes JPEG. It returns the format written. The EXIF
// orientation is applied to the pixels, so the copy shows the way the
// original did without the tag.
func Strip(r io.Reader, w io.Writer, limits Limits) (Format, error) {
	return Redact(r, w, limits, Redaction{})
}

// RedactPad is how far a redaction box reaches past the word boxes it
// covers, so that no stroke of a letter shows at the edges.
const RedactPad = 4

// FacePad is how far a blurred face reaches past the face's box, as a
// fraction of the box's longer side: face detectors' boxes hold the eyes,
// nose and mouth, and the hair, ears and chin identify a person too.
const FacePad = 0.25

// faceBlurSide is the most pixels across the longer side of a face the
// blur keeps: the region is scaled down to that, then back up.
const faceBlurSide = 6

// Redact is Strip that also hides regions of the picture (in the
// coordinates of the picture as shown, which OCR's word boxes and face
// boxes use): each Fill box is filled with solid black, padded by
// RedactPad, and each Blur box (a face) is blurred beyond recognition,
// padded by FacePad: the region is scaled down to at most 6 pixels across
// and back up, so no feature of the face is left. Pixels outside the
// padded boxes are unchanged (up to JPEG re-encoding). It is the copy to
// publish when the text in a photo holds PHI or it shows a face; the
// CLI's --strip and the service call it with Screened.Redaction. It reads
// a HEIC with the heif-convert that FindHeifConvert finds in the process's
// environment (RedactWith takes the converter from the caller's Tools).
func Redact(r io.Reader, w io.Writer, limits Limits, red Redaction) (Format, error) {
	var tools Tools
	if p := FindHeifConvert(os.Getenv); p != "" {
		tools.HEIF = HeifConvert(p, HeifConvertTimeout)
	}
	return RedactWith(context.Background(), r, w, limits, tools, red)
}

// RedactWith is Redact that also reads HEIC/HEIF with tools.HEIF (the
// other tools are not used): the copy of a HEIC is a JPEG. The CLI's
// --strip calls it with the same Tools as Screen.
func RedactWith(ctx context.Context, r io.Reader, w io.Writer, limits Limits, tools Tools, red Redaction) (Format, error) {
	l, err := load(ctx, r, limits, tools.HEIF)
	if err != nil {
		return "", err
	}
	img, err := l.decode()
	if err != nil {
		return "", err
	}
	img = orient(img, orientation(l.data, l.format))
	if !red.Empty() {
		b := img.Bounds()
		dst := image.NewRGBA(b)
		draw.Draw(dst, b, img, b.Min, draw.Src)
		for _, r := range red.Blur {
			blur(dst, faceRegion(r, b))
		}
		for _, r := range red.Fill {
			r = r.Inset(-RedactPad).Intersect(b)
			draw.Draw(dst, r, image.NewUniform(color.Black), image.Point{}, draw.Src)
		}
		img = dst
	}
	if l.format == JPEG || l.format == HEIF {
		err = jpeg.Encode(w, img, &jpeg.Options{Quality: 92})
		return JPEG, writeErr(err)
	}
	return PNG, writeErr(png.Encode(w, img))
}

// faceRegion is the region Redact blurs for the face box r: r padded by
// FacePad (at least RedactPad), clipped to the picture's bounds b.
func faceRegion(r image.Rectangle, b image.Rectangle) image.Rectangle {
	pad := max(RedactPad, int(FacePad*float64(max(r.Dx(), r.Dy()))))
	return r.Inset(-pad).Intersect(b)
}

// blur blurs the region r of dst beyond recognition: it scales r down to
// at most faceBlurSide pixels across (each an average of the pixels it
// covers) and back up with bilinear interpolation, so only a smooth
// gradient of a few colours is left.
func blur(dst *image.RGBA, r image.Rectangle) {
	if r.Empty() {
		return
	}
	sw, sh := faceBlurSide, faceBlurSide
	if r.Dx() > r.Dy() {
		sh = max(1, faceBlurSide*r.Dy()/r.Dx())
	} else {
		sw = max(1, faceBlurSide*r.Dx()/r.Dy())
	}
	small := image.NewRGBA(image.Rect(0, 0, min(sw, r.Dx()), min(sh, r.Dy())))
	xdraw.BiLinear.Scale(small, small.Bounds(), dst, r, xdraw.Src, nil)
	xdraw.BiLinear.Scale(dst, r, small, small.Bounds(), xdraw.Src, nil)
}

func writeErr(err error) error {
	if err == nil {
		return nil
	}
	return &chaperone.Error{Code: chaperone.ErrInternal, Msg: "writing the stripped image", Err: err}
}
