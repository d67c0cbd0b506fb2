package photo

import (
	"bytes"
	"image"
	"image/draw"

	"github.com/bep/imagemeta"
)

// orientation returns the EXIF Orientation (1–8) of the image, 1 when it
// has none or it cannot be read. A HEIF's is ignored (1): its rotation and
// mirroring are boxes of the file, which heif-convert applies.
func orientation(data []byte, f Format) int {
	if f == HEIF {
		return 1
	}
	format := map[Format]imagemeta.ImageFormat{JPEG: imagemeta.JPEG, PNG: imagemeta.PNG, WebP: imagemeta.WebP}[f]
	o := 1
	imagemeta.Decode(imagemeta.Options{
		R:               bytes.NewReader(data),
		ImageFormat:     format,
		Sources:         imagemeta.EXIF,
		ShouldHandleTag: func(ti imagemeta.TagInfo) bool { return ti.Tag == "Orientation" },
		HandleTag: func(ti imagemeta.TagInfo) error {
			var v int
			switch n := ti.Value.(type) {
			case uint16:
				v = int(n)
			case uint32:
				v = int(n)
			case int:
				v = n
			case int64:
				v = int(n)
			}
			if v >= 1 && v <= 8 {
				o = v
			}
			return imagemeta.ErrStopWalking
		},
	})
	return o
}

// orient returns img as it is meant to be shown under EXIF orientation o,
// since the stripped copy loses the tag: 2 mirrored, 3 rotated 180°,
// 4 flipped, 5 transposed, 6 rotated 90° clockwise, 7 transversed, 8
// rotated 90° anticlockwise.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	src := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			copy(dst.Pix[dst.PixOffset(x, y):][:4], src.Pix[src.PixOffset(sx, sy):][:4])
		}
	}
	return dst
}
