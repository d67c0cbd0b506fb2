package photo

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaperone-project/chaperone/photo/phototest"
)

const tsvHeader = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"

func TestParseTSV(t *testing.T) {
	in := tsvHeader +
		"1\t1\t0\t0\t0\t0\t0\t0\t1200\t300\t-1\t\n" +
		"4\t1\t1\t1\t1\t0\t40\t110\t900\t60\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t40\t110\t200\t48\t96.5\tPatient:\n" +
		"5\t1\t1\t1\t1\t2\t260\t110\t150\t48\t95\tWalter\n" +
		"5\t1\t1\t1\t1\t3\t420\t112\t10\t46\t20\t \n" + // blank word: skipped
		"5\t1\t1\t1\t2\t1\t40\t200\t300\t48\t91.25\t00482913\r\n" +
		"5\t1\t1\t1\t2\tx\t40\t200\t300\t48\t91\tjunk\n" + // bad number
		"5\t1\t1\t1\t2\t2\t-4\t200\t300\t48\t91\tneg\n" + // negative
		"5\t1\t1\t1\t2\t3\t40\t200\t300\t48\tNaN\tnan\n" + // bad conf
		"5\t1\t1\t1\t2\t4\t40\t200\t300\t48\n" + // too few columns
		"5\t1\t2\t1\t1\t1\t500\t250\t80\t30\t88\ttab\there\n" + // tab in text: part of the word
		"garbage line\n"
	rec := ParseTSV(strings.NewReader(in))
	if want := "Patient: Walter\n00482913\ntabhere"; rec.Text != want {
		t.Fatalf("text %q, want %q", rec.Text, want)
	}
	want := []Word{
		{Text: "Patient:", Box: image.Rect(40, 110, 240, 158), Conf: 96.5, Start: 0, End: 8, Line: 0},
		{Text: "Walter", Box: image.Rect(260, 110, 410, 158), Conf: 95, Start: 9, End: 15, Line: 0},
		{Text: "00482913", Box: image.Rect(40, 200, 340, 248), Conf: 91.25, Start: 16, End: 24, Line: 1},
		{Text: "tabhere", Box: image.Rect(500, 250, 580, 280), Conf: 88, Start: 25, End: 32, Line: 2},
	}
	if len(rec.Words) != len(want) {
		t.Fatalf("words %+v", rec.Words)
	}
	for i, w := range rec.Words {
		if w != want[i] {
			t.Errorf("word %d: %+v, want %+v", i, w, want[i])
		}
	}
	if rec := ParseTSV(strings.NewReader("")); rec.Text != "" || len(rec.Words) != 0 {
		t.Errorf("empty input: %+v", rec)
	}
}

func TestBoxes(t *testing.T) {
	rec := ParseTSV(strings.NewReader(tsvHeader +
		"5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t90\tPt\n" +
		"5\t1\t1\t1\t1\t2\t70\t12\t80\t20\t90\tWalter\n" +
		"5\t1\t1\t1\t1\t3\t160\t8\t90\t24\t90\tPruitt\n" +
		"5\t1\t1\t1\t2\t1\t10\t50\t100\t20\t90\tMRN\n" +
		"5\t1\t1\t1\t2\t2\t120\t50\t100\t20\t90\t00482913\n"))
	// "Pt Walter Pruitt\nMRN 00482913"
	tests := []struct {
		name       string
		start, end int
		want       []image.Rectangle
	}{
		{"one word", 3, 9, []image.Rectangle{image.Rect(70, 12, 150, 32)}},
		{"two words", 3, 16, []image.Rectangle{image.Rect(70, 8, 250, 32)}},
		{"part of a word", 5, 6, []image.Rectangle{image.Rect(70, 12, 150, 32)}},
		{"two lines", 10, 21, []image.Rectangle{image.Rect(160, 8, 250, 32), image.Rect(10, 50, 110, 70)}},
		{"space only", 2, 3, nil},
		{"empty", 4, 4, nil},
		{"past the end", 100, 200, nil},
		{"reversed", 9, 3, nil},
	}
	for _, tt := range tests {
		got := Boxes(rec.Words, tt.start, tt.end)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func FuzzParseTSV(f *testing.F) {
	f.Add(tsvHeader + "5\t1\t1\t1\t1\t1\t40\t110\t200\t48\t96.5\tPatient:\n5\t1\t1\t1\t2\t1\t40\t200\t300\t48\t91\t00482913\n")
	f.Add("5\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\t\xff\x00a\tb\n5\t1\t1\t1\t1\t2\t9999999\t1\t1\t1\t100\tx\r\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		rec := ParseTSV(strings.NewReader(in))
		line, end := 0, 0
		for i, w := range rec.Words {
			if w.Text == "" || w.Start < end || w.End > len(rec.Text) || rec.Text[w.Start:w.End] != w.Text {
				t.Fatalf("word %d %+v does not match the text", i, w)
			}
			if strings.ContainsAny(w.Text, " \n\t") || w.Line < line || w.Line > line+1 {
				t.Fatalf("word %d %+v: bad text or line", i, w)
			}
			if w.Box.Min.X < 0 || w.Box.Min.Y < 0 || w.Conf < 0 || w.Conf > 100 {
				t.Fatalf("word %d %+v: bad box or confidence", i, w)
			}
			line, end = w.Line, w.End
			if b := Boxes(rec.Words, w.Start, w.End); len(b) != 1 || b[0] != w.Box {
				t.Fatalf("Boxes of word %d: %v", i, b)
			}
		}
		if strings.Count(rec.Text, "\n") != line && len(rec.Words) > 0 {
			t.Fatalf("%d lines for last line index %d", strings.Count(rec.Text, "\n")+1, line)
		}
		if len(rec.Words) == 0 && rec.Text != "" {
			t.Fatalf("text without words")
		}
	})
}

// tesseractOCR returns the real tesseract, skipping t when it is not
// installed (failing it when CHAPERONE_REQUIRE_OCR=1).
func tesseractOCR(t *testing.T) OCR {
	t.Helper()
	p := FindTesseract(os.Getenv)
	if p == "" {
		if os.Getenv("CHAPERONE_REQUIRE_OCR") == "1" {
			t.Fatal("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng) and CHAPERONE_REQUIRE_OCR=1")
		}
		t.Skip("tesseract is not installed")
	}
	return Tesseract(p, time.Minute)
}

// renderText is phototest.Text: the tests' rendered text pictures.
var renderText = phototest.Text

const ocrPatient = "Patient: Walter Pruitt MRN 00482913"

func TestInspectOCR(t *testing.T) {
	ocr := tesseractOCR(t)
	pic, ink := renderText(t, 1200, 300, 40, 110, 48, ocrPatient)
	rep, err := InspectWith(context.Background(), bytes.NewReader(pic), Limits{}, Tools{OCR: ocr})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OCR != OCRDone || rep.OCRError != "" {
		t.Fatalf("OCR %s %s", rep.OCR, rep.OCRError)
	}
	if rep.OCRText != ocrPatient {
		t.Errorf("read %q, want %q", rep.OCRText, ocrPatient)
	}
	i := strings.Index(rep.OCRText, "00482913")
	if i < 0 {
		t.Fatalf("the MRN was not read")
	}
	boxes := Boxes(rep.Words, i, i+len("00482913"))
	slack := ink.Inset(-4)
	if len(boxes) != 1 || !boxes[0].In(slack) || boxes[0].Dx() < 100 {
		t.Errorf("MRN boxes %v, ink %v", boxes, ink)
	}
	f := rules(rep)[RuleUnchecked]
	if !strings.Contains(f.Reason, "Faces in the image were not checked") || strings.Contains(f.Reason, "OCR and face detection are not installed") {
		t.Errorf("unchecked finding %q", f.Reason)
	}
	if rep.Decision != "review" {
		t.Errorf("decision %s: the pixels alone are only review until screened", rep.Decision)
	}
}

// TestOCRAccuracy reads rendered identifiers and logs how many were read
// exactly (the README quotes the figure).
func TestOCRAccuracy(t *testing.T) {
	ocr := tesseractOCR(t)
	ids := []string{
		"MRN 00482913",
		"Phone (415) 555-0142",
		"DOB 03/14/1931",
		"Walter Pruitt",
		"SSN 123-45-6789",
	}
	for _, size := range []float64{40, 16} {
		exact, chars, charsOK := 0, 0, 0
		for _, id := range ids {
			pic, _ := renderText(t, 900, 200, 40, 60, size, id)
			rep, err := InspectWith(context.Background(), bytes.NewReader(pic), Limits{}, Tools{OCR: ocr})
			if err != nil || rep.OCR != OCRDone {
				t.Fatalf("%v %s %s", err, rep.OCR, rep.OCRError)
			}
			if rep.OCRText == id {
				exact++
			}
			chars += len(id)
			charsOK += len(id) - min(len(id), distance(rep.OCRText, id))
		}
		t.Logf("OCR accuracy at %.0f px: %d/%d identifiers read exactly, %.1f%% of characters (tesseract, Go Regular)",
			size, exact, len(ids), 100*float64(charsOK)/float64(chars))
		if size == 40 && exact < 4 {
			t.Errorf("only %d/%d identifiers read exactly at %.0f px", exact, len(ids), size)
		}
	}
}

// TestOCRFailed: a failing OCR program keeps the image at review with text
// not checked, and the error does not quote anything.
func TestOCRFailed(t *testing.T) {
	fail := Tesseract("/bin/false", time.Second)
	rep, err := InspectWith(context.Background(), bytes.NewReader(plainPNG(t)), Limits{}, Tools{OCR: fail})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OCR != OCRFailed || !strings.Contains(rep.OCRError, "tesseract failed") || rep.Decision != "review" {
		t.Errorf("%+v", rep)
	}
	if f := rules(rep)[RuleUnchecked]; !strings.Contains(f.Reason, "OCR failed") {
		t.Errorf("unchecked finding %q", f.Reason)
	}
	rep, err = Inspect(bytes.NewReader(plainPNG(t)), Limits{})
	if err != nil || rep.OCR != OCRNotInstalled || !strings.Contains(rules(rep)[RuleUnchecked].Reason, "OCR and face detection are not installed") {
		t.Errorf("%v %+v", err, rep)
	}
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func TestRedactFillsBoxes(t *testing.T) {
	in := plainPNG(t)
	var out bytes.Buffer
	box := image.Rect(5, 3, 9, 6)
	if _, err := Redact(bytes.NewReader(in), &out, Limits{}, Redaction{Fill: []image.Rectangle{box, image.Rect(-50, -50, -40, -40)}}); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&out)
	if err != nil {
		t.Fatal(err)
	}
	padded := image.Rect(box.Min.X-RedactPad, box.Min.Y-RedactPad, box.Max.X+RedactPad, box.Max.Y+RedactPad).Intersect(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			black := r == 0 && g == 0 && b == 0
			if in := (image.Point{x, y}).In(padded); in != black {
				t.Fatalf("pixel %d,%d black=%v, inside the box=%v", x, y, black, in)
			}
		}
	}
}
