package photo

// Test images, made here: a plain JPEG and PNG from the standard library,
// with metadata injected byte by byte (EXIF APP1, JPEG COM, PNG tEXt and
// iTXt XMP), a WebP wrapped in VP8X with an EXIF chunk, a decompression
// bomb header and truncated files. The "patient" values are invented.

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"sort"
	"testing"
)

// The metadata values the fixtures carry; none may appear in errors,
// findings or stripped copies.
const (
	patientCaption = "Pt John Okafor, MRN 0048-2913, post-op day 2"
	patientXMP     = "Wound check for Siobhan O'Connell"
	serialValue    = "SN-4471-0098-ZX"
	dateValue      = "2026:03:14 09:41:07"
)

// picture is a small gradient, so the encoders have something to encode.
func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 8), 128, 255})
		}
	}
	return img
}

func plainJPEG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(32, 24), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func plainPNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, picture(32, 24)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ifdEntry is one TIFF directory entry. data is the value's bytes (little
// endian); ptr, when set, makes the entry a LONG pointing at that IFD.
type ifdEntry struct {
	tag   uint16
	typ   uint16 // 2 ASCII, 4 LONG, 5 RATIONAL, 7 UNDEFINED
	count uint32
	data  []byte
	ptr   []ifdEntry
}

func ascii(tag uint16, s string) ifdEntry {
	return ifdEntry{tag: tag, typ: 2, count: uint32(len(s) + 1), data: append([]byte(s), 0)}
}

// rationals encodes degrees, minutes, seconds as three RATIONALs (n/1).
func rationals(tag uint16, d, m, s uint32) ifdEntry {
	b := make([]byte, 24)
	for i, v := range []uint32{d, m, s} {
		binary.LittleEndian.PutUint32(b[i*8:], v)
		binary.LittleEndian.PutUint32(b[i*8+4:], 1)
	}
	return ifdEntry{tag: tag, typ: 5, count: 3, data: b}
}

// ifdSize is the bytes an IFD takes with its out-of-line values (and the
// IFDs it points to).
func ifdSize(es []ifdEntry) int {
	n := 2 + 12*len(es) + 4
	for _, e := range es {
		if e.ptr != nil {
			n += ifdSize(e.ptr)
		} else if len(e.data) > 4 {
			n += len(e.data) + len(e.data)%2
		}
	}
	return n
}

// writeIFD lays out es at offset off of the TIFF data: the directory, then
// its values and sub-IFDs. Entries must be sorted by tag.
func writeIFD(tiff []byte, off int, es []ifdEntry) {
	le := binary.LittleEndian
	le.PutUint16(tiff[off:], uint16(len(es)))
	extra := off + 2 + 12*len(es) + 4
	for i, e := range es {
		p := off + 2 + 12*i
		le.PutUint16(tiff[p:], e.tag)
		switch {
		case e.ptr != nil:
			le.PutUint16(tiff[p+2:], 4)
			le.PutUint32(tiff[p+4:], 1)
			le.PutUint32(tiff[p+8:], uint32(extra))
			writeIFD(tiff, extra, e.ptr)
			extra += ifdSize(e.ptr)
		case len(e.data) > 4:
			le.PutUint16(tiff[p+2:], e.typ)
			le.PutUint32(tiff[p+4:], e.count)
			le.PutUint32(tiff[p+8:], uint32(extra))
			copy(tiff[extra:], e.data)
			extra += len(e.data) + len(e.data)%2
		default:
			le.PutUint16(tiff[p+2:], e.typ)
			le.PutUint32(tiff[p+4:], e.count)
			copy(tiff[p+8:], e.data)
		}
	}
	// next-IFD offset stays 0: one image directory.
}

// exifTIFF is the EXIF block of a phone photo of a patient: IFD0 with an
// ImageDescription naming the patient, an Exif IFD with DateTimeOriginal
// and BodySerialNumber, and a GPS IFD at 42°21'36"N 71°3'36"W (Boston).
// Little-endian TIFF: "II", 42, offset 8 of IFD0.
func exifTIFF() []byte {
	ifd0 := []ifdEntry{
		ascii(0x010e, patientCaption), // ImageDescription
		{tag: 0x8769, ptr: []ifdEntry{ // ExifIFD
			ascii(0x9003, dateValue),   // DateTimeOriginal
			ascii(0xa431, serialValue), // BodySerialNumber
		}},
		{tag: 0x8825, ptr: []ifdEntry{ // GPSInfo
			ascii(0x0001, "N"),
			rationals(0x0002, 42, 21, 36),
			ascii(0x0003, "W"),
			rationals(0x0004, 71, 3, 36),
		}},
	}
	tiff := make([]byte, 8+ifdSize(ifd0))
	copy(tiff, "II*\x00")
	binary.LittleEndian.PutUint32(tiff[4:], 8)
	writeIFD(tiff, 8, ifd0)
	return tiff
}

// jpegSegment is a JPEG marker segment: FF marker, length (itself
// included), payload.
func jpegSegment(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// withSegments inserts segments right after the JPEG's SOI.
func withSegments(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// exifJPEG is a JPEG with the EXIF APP1 segment ("Exif\0\0" + TIFF).
func exifJPEG(t testing.TB) []byte {
	return withSegments(plainJPEG(t), jpegSegment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF()...)))
}

// xmpPacket is an XMP packet with dc:description and dc:subject.
func xmpPacket(description string) string {
	return `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Springfield">` +
		`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">` + description + `</rdf:li></rdf:Alt></dc:description>` +
		`<dc:subject><rdf:Bag><rdf:li>wound</rdf:li><rdf:li>surgery</rdf:li></rdf:Bag></dc:subject>` +
		`</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
}

// pngChunk is a PNG chunk: length, type, data, CRC-32 of type and data.
func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// withChunks inserts chunks after the PNG's IHDR (signature 8 + IHDR 25).
func withChunks(p []byte, chunks ...[]byte) []byte {
	out := append([]byte{}, p[:33]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[33:]...)
}

// textPNG is a PNG with a tEXt "Description" naming the patient and an
// iTXt XMP packet (keyword, NUL, uncompressed, method 0, no language, no
// translated keyword).
func textPNG(t testing.TB) []byte {
	return withChunks(plainPNG(t),
		pngChunk("tEXt", []byte("Description\x00"+patientCaption)),
		pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+xmpPacket(patientXMP))),
	)
}

// bombPNG is only a PNG header: an IHDR declaring w×h RGBA pixels, with a
// valid CRC, then an empty IDAT and IEND. Decoding it would need w×h×4
// bytes.
func bombPNG(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

func plainWebP(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exifWebP wraps the plain WebP's VP8 chunk in an extended file: VP8X
// (flags: EXIF; canvas 150×100, stored minus one), VP8, EXIF (the TIFF).
func exifWebP(t testing.TB) []byte {
	plain := plainWebP(t)
	vp8 := plain[12:] // the VP8 chunk, after "RIFF" size "WEBP"
	vp8x := make([]byte, 10)
	vp8x[0] = 0x08 // EXIF present
	putUint24(vp8x[4:], 150-1)
	putUint24(vp8x[7:], 100-1)
	body := []byte("WEBP")
	body = append(body, riffChunk("VP8X", vp8x)...)
	body = append(body, vp8...)
	body = append(body, riffChunk("EXIF", exifTIFF())...)
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(len(body)))
	return append(out, body...)
}

func riffChunk(typ string, data []byte) []byte {
	c := append([]byte(typ), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(c[4:], uint32(len(data)))
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

func putUint24(b []byte, v uint32) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }

func zlibBytes(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	z.Write([]byte(s))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// iptcAPP13 is a JPEG APP13 payload holding IPTC-IIM record 2 datasets:
// "Photoshop 3.0\0", then one 8BIM resource 0x0404 (empty Pascal name,
// padded to two bytes; 4-byte size; data padded to even), whose data is
// the datasets 0x1C 0x02 NUMBER LENGTH(2) VALUE, in dataset order.
func iptcAPP13(datasets map[byte]string) []byte {
	var nums []int
	for n := range datasets {
		nums = append(nums, int(n))
	}
	sort.Ints(nums)
	var iim []byte
	for _, n := range nums {
		v := datasets[byte(n)]
		iim = append(iim, 0x1C, 0x02, byte(n))
		iim = binary.BigEndian.AppendUint16(iim, uint16(len(v)))
		iim = append(iim, v...)
	}
	out := []byte("Photoshop 3.0\x00" + "8BIM\x04\x04\x00\x00")
	out = binary.BigEndian.AppendUint32(out, uint32(len(iim)))
	out = append(out, iim...)
	if len(iim)%2 == 1 {
		out = append(out, 0)
	}
	return out
}
