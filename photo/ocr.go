package photo

import (
	"bufio"
	"context"
	"image"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// OCR reads the text in an image's pixels. The CLI and the service inject
// one (Tesseract, or nil when it is not installed). An error must not
// quote recognised text.
type OCR func(ctx context.Context, img image.Image) (Recognition, error)

// Recognition is the text OCR read in an image: the words line by line
// (joined by spaces, lines by newlines) and, for every word, its byte range
// in Text and its box in the image. Text may hold PHI: never log it.
type Recognition struct {
	Text  string
	Words []Word
}

// Word is one recognised word.
type Word struct {
	Text string `json:"-"` // may hold PHI
	// Box is the word's bounding box in the image's pixels, with the EXIF
	// orientation applied (the picture as it is shown).
	Box image.Rectangle `json:"box"`
	// Conf is the OCR engine's confidence, 0 to 100.
	Conf float64 `json:"conf"`
	// Start and End are the word's byte range in Recognition.Text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Line is the index of the word's line in Recognition.Text.
	Line int `json:"line"`
}

// OCRStatus says whether the text in an image's pixels was read.
type OCRStatus string

// OCR statuses.
const (
	OCRNotInstalled OCRStatus = "not-installed" // no OCR was given
	OCRDone         OCRStatus = "done"          // read; Report.OCRText holds the text
	OCRFailed       OCRStatus = "failed"        // the OCR program failed or timed out
)

// Bounds on what ParseTSV keeps, so that a broken or hostile OCR output
// cannot make it use much memory.
const (
	maxOCRWords = 20_000
	maxOCRBytes = 256 << 10
	maxCoord    = 1 << 20
)

// ParseTSV reads Tesseract's TSV output (a header line, then rows of
// level, page_num, block_num, par_num, line_num, word_num, left, top,
// width, height, conf, text) and rebuilds the recognised text: the words
// (level 5 rows with text) of one line joined by single spaces, lines by
// newlines. Malformed rows are skipped; it never fails on junk.
func ParseTSV(r io.Reader) Recognition {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var (
		b       strings.Builder
		words   []Word
		lastKey [4]int
		line    = -1
	)
	for sc.Scan() {
		if len(words) >= maxOCRWords || b.Len() >= maxOCRBytes {
			break
		}
		cols := strings.SplitN(strings.TrimRight(sc.Text(), "\r"), "\t", 12)
		if len(cols) != 12 {
			continue
		}
		var n [10]int
		ok := true
		for i := range 10 {
			v, err := strconv.Atoi(strings.TrimSpace(cols[i]))
			if err != nil || v < 0 || v > maxCoord {
				ok = false
				break
			}
			n[i] = v
		}
		if !ok || n[0] != 5 {
			continue
		}
		conf, err := strconv.ParseFloat(strings.TrimSpace(cols[10]), 64)
		if err != nil || conf != conf || conf < 0 || conf > 100 {
			continue
		}
		text := cleanWord(cols[11])
		if text == "" {
			continue
		}
		key := [4]int{n[1], n[2], n[3], n[4]}
		switch {
		case line < 0:
			line = 0
		case key != lastKey:
			b.WriteByte('\n')
			line++
		default:
			b.WriteByte(' ')
		}
		lastKey = key
		start := b.Len()
		b.WriteString(text)
		words = append(words, Word{
			Text: text, Conf: conf, Start: start, End: b.Len(), Line: line,
			Box: image.Rect(n[6], n[7], n[6]+n[8], n[7]+n[9]),
		})
	}
	return Recognition{Text: b.String(), Words: words}
}

// cleanWord makes a word valid UTF-8 without spaces or control characters,
// so that the rebuilt text's separators stay the only ones.
func cleanWord(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// Boxes maps the byte span [start, end) of the recognised text to boxes in
// the image: for every line the span touches, the union of the boxes of
// the words on it the span overlaps, in text order. It returns nil when the
// span overlaps no word.
func Boxes(words []Word, start, end int) []image.Rectangle {
	if start >= end {
		return nil
	}
	var out []image.Rectangle
	line := -1
	for _, w := range words {
		if w.End <= start || w.Start >= end {
			continue
		}
		if len(out) > 0 && w.Line == line {
			out[len(out)-1] = out[len(out)-1].Union(w.Box)
			continue
		}
		out = append(out, w.Box)
		line = w.Line
	}
	return out
}
