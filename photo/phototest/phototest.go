// Package phototest makes the pictures the image tests read: text rendered
// in Go Regular, black on white, as an identifier would be printed on a
// wristband, a label or a whiteboard. Only tests import it.
package phototest

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Text draws lines of text in Go Regular at size px, black on a white
// w×h canvas starting at (x, y) (the first baseline is y+size, each next
// one 1.5 sizes lower), and returns the PNG and the bounding box of the
// ink.
func Text(t testing.TB, w, h, x, y int, size float64, lines ...string) ([]byte, image.Rectangle) {
	t.Helper()
	ft, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	var ink image.Rectangle
	for i, s := range lines {
		d := font.Drawer{Dst: img, Src: image.Black, Face: face,
			Dot: fixed.P(x, y+int(size)*(i+1)+int(size/2)*i)}
		b, _ := d.BoundString(s)
		ink = ink.Union(image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil()))
		d.DrawString(s)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), ink
}

// Label is one line of text at 48 px on a white 1200×300 canvas: a
// wristband or a label as a phone photographs it.
func Label(t testing.TB, text string) ([]byte, image.Rectangle) {
	t.Helper()
	return Text(t, 1200, 300, 40, 110, 48, text)
}
