package photo

import (
	"bytes"
	"context"
	"image"

	chaperone "github.com/chaperone-project/chaperone"
)

// Tools are the programs that look at an image's pixels, injected by the
// CLI and the service. A nil field is not installed: what it would check
// is reported by the photo-not-checked finding, and the image goes to
// review.
type Tools struct {
	OCR   OCR          // reads the text in the pixels (Tesseract)
	Faces FaceDetector // finds faces (facedetect)
	// HEIF converts HEIC/HEIF to JPEG (heif-convert); nil: HEIC is
	// refused, with the package to install.
	HEIF HEIFConverter
}

// FaceDetector finds the faces in an image (the picture as shown, with its
// EXIF orientation applied) and returns their boxes. An error must not
// quote anything read from the image.
type FaceDetector func(ctx context.Context, img image.Image) ([]image.Rectangle, error)

// ScreenText screens one text found in an image (a metadata text field, or
// the text read from the pixels) with the text engine, as an image
// caption. The caller's engine, author and relationships go in it.
type ScreenText func(text string) (chaperone.Result, error)

// Finding is a finding about an image. One in the text read from the
// pixels carries the boxes of the words it covers (one per line of text),
// and one for a face carries the face's box; its byte offsets are cleared
// since they would point into a text nobody sees.
type Finding struct {
	chaperone.Finding
	Boxes []image.Rectangle `json:"-"`
}

// Screened is one image's whole screen: what Inspect read, the findings of
// the file (metadata identifiers, faces, what was not checked) and of its
// texts, and the decision.
type Screened struct {
	Report Report
	// Fields names the metadata text fields screened (never their values).
	Fields   []string
	Findings []Finding
	Decision chaperone.Decision
}

// Screen is the screening pipeline for one image, shared by `chaperone
// scan` and the service: read the file within limits (Inspect, with the
// tools given), screen each metadata text field and the text read from
// the pixels with screen, map the findings in the pixels' text back to the
// words' boxes, and decide. The decision is never allow unless every tool
// ran and nothing was found. Errors are those of Inspect and of screen.
func Screen(ctx context.Context, data []byte, limits Limits, tools Tools, screen ScreenText) (Screened, error) {
	rep, err := InspectWith(ctx, bytes.NewReader(data), limits, tools)
	if err != nil {
		return Screened{}, err
	}
	s := Screened{Report: rep, Fields: []string{}, Decision: rep.Decision}
	var own, unchecked, fromText, fromPixels []Finding
	faces := 0
	for _, f := range rep.Findings {
		switch {
		case f.Type == FindingUnchecked:
			unchecked = append(unchecked, Finding{Finding: f})
		case f.Rule == RuleFace && faces < len(rep.Faces):
			// one face finding per face, in the order of Report.Faces
			own = append(own, Finding{Finding: f, Boxes: []image.Rectangle{rep.Faces[faces]}})
			faces++
		default:
			own = append(own, Finding{Finding: f})
		}
	}
	for _, t := range rep.Texts {
		res, err := screen(t.Value)
		if err != nil {
			return Screened{}, err
		}
		s.Fields = append(s.Fields, t.Field)
		for _, f := range res.Findings {
			f.Start, f.End = 0, 0
			f.Reason = "In the " + t.Field + " field: " + f.Reason
			fromText = append(fromText, Finding{Finding: f})
		}
		s.Decision = worse(s.Decision, res.Decision)
	}
	if rep.OCR == OCRDone && rep.OCRText != "" {
		res, err := screen(rep.OCRText)
		if err != nil {
			return Screened{}, err
		}
		for _, f := range res.Findings {
			var boxes []image.Rectangle
			if f.End > f.Start {
				boxes = Boxes(rep.Words, f.Start, f.End)
			}
			f.Start, f.End = 0, 0
			f.Reason = "In the text read from the image: " + f.Reason
			fromPixels = append(fromPixels, Finding{Finding: f, Boxes: boxes})
		}
		s.Decision = worse(s.Decision, res.Decision)
	}
	for _, fs := range [][]Finding{own, fromText, fromPixels, unchecked} {
		s.Findings = append(s.Findings, fs...)
	}
	if s.Findings == nil {
		s.Findings = []Finding{}
	}
	return s, nil
}

func worse(a, b chaperone.Decision) chaperone.Decision {
	if b.Severity() > a.Severity() {
		return b
	}
	return a
}

// Result is the screen as the text engine's result: the decision and the
// findings without their boxes, no spans.
func (s Screened) Result() chaperone.Result {
	fs := make([]chaperone.Finding, len(s.Findings))
	for i, f := range s.Findings {
		fs[i] = f.Finding
	}
	return chaperone.Result{Decision: s.Decision, Findings: fs, Spans: []chaperone.Span{}}
}

// Redaction is what a published copy hides: the boxes of PHI read from the
// pixels (filled solid) and the faces (blurred beyond recognition).
func (s Screened) Redaction() Redaction {
	var r Redaction
	for _, f := range s.Findings {
		switch {
		case f.Rule == RuleFace:
			r.Blur = append(r.Blur, f.Boxes...)
		case f.Type == chaperone.FindingPHI:
			r.Fill = append(r.Fill, f.Boxes...)
		}
	}
	return r
}

// Redaction lists the regions of an image (in the coordinates of the
// picture as shown) that Redact hides in the copy it writes.
type Redaction struct {
	Fill []image.Rectangle // filled solid black: text
	Blur []image.Rectangle // blurred: faces
}

// Empty reports whether nothing is hidden.
func (r Redaction) Empty() bool { return len(r.Fill) == 0 && len(r.Blur) == 0 }
