package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/photo"
	"github.com/chaperone-project/chaperone/report"
)

// sniffImage reports the image format of the input at path ("" when it is
// not an image), from its first bytes. For stdin it buffers e.stdin so
// that the bytes it peeked at are read again.
func sniffImage(e *env, path string) (photo.Format, error) {
	if isStdin(path) {
		br := bufio.NewReaderSize(e.stdin, 64<<10)
		e.stdin = br
		head, _ := br.Peek(16)
		return photo.Detect(head), nil
	}
	r, _, closer, err := openInput(e, path)
	if err != nil {
		return "", err
	}
	defer closer()
	head := make([]byte, 16)
	n, _ := io.ReadFull(r, head)
	return photo.Detect(head[:n]), nil
}

// imageJSON is scan --format json's object for an image: the result (with
// "rewrite" always "", as for text) plus what was read and written.
type imageJSON struct {
	chaperone.Result
	// Findings shadows Result.Findings: findings in the text read from
	// the pixels carry their boxes.
	Findings []imageFinding `json:"findings"`
	Rewrite  string         `json:"rewrite"`
	Image    imageSummary   `json:"image"`
	Strip    *strippedCopy  `json:"stripped,omitempty"`
}

type imageSummary struct {
	Format   photo.Format `json:"format"`
	Width    int          `json:"width"`
	Height   int          `json:"height"`
	Metadata []string     `json:"metadata"`
	// Texts names the metadata text fields screened, never their values.
	Texts []string `json:"texts_screened"`
	// OCR says whether the text in the pixels was read ("done",
	// "not-installed", "failed") and how many words were screened.
	OCR      photo.OCRStatus `json:"ocr"`
	OCRWords int             `json:"ocr_words"`
	// FaceCheck says whether faces were looked for ("done",
	// "not-installed", "failed") and Faces how many were found.
	FaceCheck photo.OCRStatus `json:"face_check"`
	Faces     int             `json:"faces"`
}

// imageFinding is a finding with, for one in the text read from the
// pixels, the boxes of the words it covers (one per line).
type imageFinding struct {
	chaperone.Finding
	Boxes []box `json:"boxes,omitempty"`
}

// box is a rectangle of the image in pixels: from (x, y) to (x2, y2),
// exclusive, with the EXIF orientation applied.
type box struct {
	X  int `json:"x"`
	Y  int `json:"y"`
	X2 int `json:"x2"`
	Y2 int `json:"y2"`
}

func (b box) String() string { return fmt.Sprintf("box %d,%d–%d,%d", b.X, b.Y, b.X2, b.Y2) }

type strippedCopy struct {
	Path   string       `json:"path"`
	Format photo.Format `json:"format"`
	// Redacted counts the boxes filled over PHI read from the pixels,
	// Faces the faces blurred.
	Redacted int `json:"redacted_boxes"`
	Faces    int `json:"blurred_faces"`
}

// runImage runs scan on an image: its metadata findings, the screen of its
// metadata text fields and of the text read from its pixels, its faces,
// the decision (allow only when OCR and face detection both ran and found
// nothing), and with --strip a copy without metadata, with the PHI text
// filled and the faces blurred.
func (o *scanOptions) runImage(e *env, path string) int {
	if o.format != "text" && o.format != "json" {
		return fail(e, usageErrorf("scan: images are reported with --format text or json, not %s", o.format))
	}
	r, name, closer, err := openInput(e, path)
	if err != nil {
		return fail(e, err)
	}
	data, err := io.ReadAll(io.LimitReader(r, photo.DefaultMaxBytes+1))
	closer()
	if err != nil {
		return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "reading the image", Err: err})
	}
	eng, err := newEngine(o.item.rules)
	if err != nil {
		return fail(e, err)
	}
	// Every text in the image is screened as an image caption by the
	// author given on the command line.
	screenText := func(text string) (chaperone.Result, error) {
		it, err := o.item.item(e, path, text)
		if err != nil {
			return chaperone.Result{}, err
		}
		it.Channel = chaperone.ChannelImageCaption
		return screen(eng, it)
	}
	tools := imageTools(e.getenv)
	s, err := photo.Screen(context.Background(), data, photo.Limits{}, tools, screenText)
	if err != nil {
		return fail(e, err)
	}
	res := s.Result()
	all := make([]imageFinding, len(s.Findings))
	for i, f := range s.Findings {
		all[i] = imageFinding{Finding: f.Finding}
		for _, r := range f.Boxes {
			all[i].Boxes = append(all[i].Boxes, box{r.Min.X, r.Min.Y, r.Max.X, r.Max.Y})
		}
	}
	rep := s.Report
	fields := s.Fields

	var stripped *strippedCopy
	if o.strip != "" {
		// the copy also hides the words of every PHI finding read from
		// the pixels, and the faces
		red := s.Redaction()
		f, err := writeStripped(data, o.strip, tools, red)
		if err != nil {
			return fail(e, err)
		}
		stripped = &strippedCopy{Path: o.strip, Format: f, Redacted: len(red.Fill), Faces: len(red.Blur)}
	}

	sum := imageSummary{Format: rep.Format, Width: rep.Width, Height: rep.Height, Metadata: rep.Metadata, Texts: fields,
		OCR: rep.OCR, OCRWords: len(rep.Words), FaceCheck: rep.FaceCheck, Faces: len(rep.Faces)}
	switch o.format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if all == nil {
			all = []imageFinding{}
		}
		err = enc.Encode(imageJSON{Result: res, Findings: all, Image: sum, Strip: stripped})
	default:
		// The text report has no boxes column: they end the reason.
		for i, f := range all {
			if len(f.Boxes) > 0 {
				var bs []string
				for _, b := range f.Boxes {
					bs = append(bs, b.String())
				}
				res.Findings[i].Reason += " (" + strings.Join(bs, "; ") + ")"
			}
		}
		err = report.Text(e.stdout, chaperone.Item{Text: imageLine(name, sum, stripped)}, res, "", o.useColor(e))
	}
	if err != nil {
		return fail(e, internalError("writing the report", err))
	}
	return res.Decision.ExitCode()
}

// imageLine is the text report's first line for an image: what it is,
// which metadata it holds, whether its text was read and how many faces
// were found (or why not), and where the stripped copy went.
func imageLine(name string, s imageSummary, st *strippedCopy) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Image %s: %s, %d×%d pixels", name, s.Format.Name(), s.Width, s.Height)
	if len(s.Metadata) == 0 {
		b.WriteString("; no metadata")
	} else {
		fmt.Fprintf(&b, "; metadata: %s; %d text field(s) screened", strings.Join(s.Metadata, ", "), len(s.Texts))
	}
	switch s.OCR {
	case photo.OCRDone:
		fmt.Fprintf(&b, "; text read with OCR: %d word(s) screened", s.OCRWords)
	case photo.OCRFailed:
		b.WriteString("; OCR failed, text in the image not checked")
	default:
		b.WriteString("; OCR not installed (apt-get install tesseract-ocr tesseract-ocr-eng), text in the image not checked")
	}
	switch s.FaceCheck {
	case photo.OCRDone:
		fmt.Fprintf(&b, "; face detection: %d face(s) found", s.Faces)
	case photo.OCRFailed:
		b.WriteString("; face detection failed, faces not checked")
	default:
		b.WriteString("; face detection not installed (apt-get install facedetect), faces not checked")
	}
	b.WriteString(".\n")
	if st != nil {
		fmt.Fprintf(&b, "Wrote a copy without metadata to %s (%s)", st.Path, st.Format.Name())
		if st.Redacted > 0 {
			fmt.Fprintf(&b, ", with %d box(es) of PHI text filled", st.Redacted)
		}
		if st.Faces > 0 {
			fmt.Fprintf(&b, ", with %d face(s) blurred", st.Faces)
		}
		b.WriteString(".\n")
	}
	return b.String()
}

// writeStripped writes the image in data, re-encoded without metadata and
// with red's regions hidden, to out (through a temporary file in the same
// directory, renamed into place, so out is never half written) and returns
// the format written (a HEIC's copy is a JPEG).
func writeStripped(data []byte, out string, tools photo.Tools, red photo.Redaction) (photo.Format, error) {
	var buf bytes.Buffer
	f, err := photo.RedactWith(context.Background(), bytes.NewReader(data), &buf, photo.Limits{}, tools, red)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".chaperone-strip-*")
	if err != nil {
		return "", &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "--strip: cannot write the copy", Err: err}
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return "", &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "--strip: cannot write the copy", Err: err}
	}
	if err := tmp.Close(); err != nil {
		return "", &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "--strip: cannot write the copy", Err: err}
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return "", &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "--strip: cannot write the copy", Err: err}
	}
	return f, nil
}

// imageTools are the programs installed on this machine that read an
// image: Tesseract for text, facedetect for faces and heif-convert for
// HEIC.
func imageTools(getenv func(string) string) photo.Tools {
	var t photo.Tools
	if p := photo.FindTesseract(getenv); p != "" {
		t.OCR = photo.Tesseract(p, photo.TesseractTimeout)
	}
	if p := photo.FindFaceDetect(getenv); p != "" {
		t.Faces = photo.FaceDetect(p, photo.FaceDetectTimeout)
	}
	if p := photo.FindHeifConvert(getenv); p != "" {
		t.HEIF = photo.HeifConvert(p, photo.HeifConvertTimeout)
	}
	return t
}

// toolsLine says which image programs serve found, and how to install the
// missing ones: pictures go to review while tesseract or facedetect is
// missing, and HEIC is refused without heif-convert.
func toolsLine(t photo.Tools) string {
	var have, missing []string
	if t.OCR != nil {
		have = append(have, "text (tesseract)")
	} else {
		missing = append(missing, "tesseract-ocr tesseract-ocr-eng")
	}
	if t.Faces != nil {
		have = append(have, "faces (facedetect)")
	} else {
		missing = append(missing, "facedetect")
	}
	line := "pictures: checked for metadata"
	for _, h := range have {
		line += ", " + h
	}
	if t.HEIF != nil {
		line += ", HEIC read (heif-convert)"
	}
	if len(missing) > 0 {
		line += "; pictures go to review until you apt-get install " + strings.Join(missing, " ")
	}
	if t.HEIF == nil {
		line += "; HEIC is refused until you apt-get install libheif-examples"
	}
	return line
}
