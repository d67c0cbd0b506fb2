package photo

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bep/imagemeta"
	chaperone "github.com/chaperone-project/chaperone"
)

// Bounds on what the metadata readers keep, so that a crafted file cannot
// make them use much memory or time.
const (
	maxTexts     = 200      // text fields kept
	maxTextBytes = 64 << 10 // bytes kept of one text field
	maxInflate   = 1 << 20  // bytes inflated from one compressed PNG text chunk
)

// Rule ids of the findings Inspect reports.
const (
	RuleGPS        = "photo-gps"
	RulePlace      = "photo-place"
	RuleDate       = "photo-date"
	RuleSerial     = "photo-serial"
	RuleUnreadable = "photo-metadata-unreadable"
	RuleUnchecked  = "photo-not-checked"
	RuleFace       = "photo-face"
)

// FindingUnchecked is the finding type for what chaperone could not check
// in an image (its pixels, or metadata it could not read). It is not one
// of the annotation guideline's types; it makes the decision review.
const FindingUnchecked chaperone.FindingType = "IMAGE_NOT_CHECKED"

// Tag names (as imagemeta reports them, for EXIF, XMP and IPTC alike) by
// what they hold.
var (
	gpsTags = set("GPSLatitude", "GPSLongitude", "GPSDestLatitude", "GPSDestLongitude")
	// placeTags name a place smaller than a state; they are also screened as text.
	placeTags = set("City", "Sub-location", "Sublocation", "Location", "GPSAreaInformation")
	dateTags  = set("DateTimeOriginal", "DateTimeDigitized", "DateTime", "CreateDate", "ModifyDate",
		"DateCreated", "DigitalCreationDate", "MetadataDate", "GPSDateStamp", "ReleaseDate",
		"DateSent", "Creation Time")
	serialTags = set("SerialNumber", "BodySerialNumber", "LensSerialNumber", "CameraSerialNumber",
		"InternalSerialNumber", "ImageUniqueID")
	// textTags are free text fields the caller screens with the text engine.
	textTags = set(
		// EXIF
		"ImageDescription", "UserComment", "XPComment", "XPTitle", "XPSubject", "XPKeywords",
		"XPAuthor", "Artist", "OwnerName", "CameraOwnerName", "DocumentName", "PageName",
		// XMP (dc, photoshop, Iptc4xmpCore/Ext, exif)
		"Description", "Title", "Subject", "Creator", "Headline", "CaptionWriter", "Instructions",
		"PersonInImage", "Label", "Caption", "Keywords", "Comment", "Author", "Source", "Credit",
		"Country", "State", "ProvinceState",
		// IPTC
		"Caption-Abstract", "By-line", "By-lineTitle", "ObjectName", "Writer-Editor",
		"SpecialInstructions", "Province-State", "Country-PrimaryLocationName", "Contact",
		"OriginalTransmissionReference",
	)
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// meta is what the metadata readers found: which kinds of metadata, the
// field names that hold identifiers (never their values) and the texts.
type meta struct {
	kinds      map[string]bool
	gps        []string
	places     []string
	dates      []string
	serials    []string
	texts      []Text
	unreadable []string // the kinds that could not be read
}

// kindOrder is the order Report.Metadata lists kinds in.
var kindOrder = []string{"EXIF", "XMP", "IPTC", "PNG text", "JPEG comment"}

// readMetadata reads the EXIF, XMP and IPTC of the image with imagemeta
// (for HEIF, its EXIF and XMP items; HEIF has no IPTC), and the PNG text
// chunks and JPEG comments, which imagemeta skips.
func readMetadata(data []byte, f Format) *meta {
	m := &meta{kinds: map[string]bool{}}
	format := map[Format]imagemeta.ImageFormat{JPEG: imagemeta.JPEG, PNG: imagemeta.PNG, WebP: imagemeta.WebP, HEIF: imagemeta.HEIF}[f]
	_, err := imagemeta.Decode(imagemeta.Options{
		R:               bytes.NewReader(data),
		ImageFormat:     format,
		Sources:         imagemeta.EXIF | imagemeta.XMP | imagemeta.IPTC,
		ShouldHandleTag: func(imagemeta.TagInfo) bool { return true },
		HandleTag: func(ti imagemeta.TagInfo) error {
			m.tag(sourceName(ti.Source), prefix(ti), ti.Tag, ti.Value)
			return nil
		},
	})
	if err != nil {
		// The message may describe the data; keep only that it failed.
		m.unreadable = append(m.unreadable, "EXIF/XMP/IPTC")
	}
	switch f {
	case JPEG:
		m.jpegComments(data)
	case PNG:
		m.pngText(data)
	}
	return m
}

func sourceName(s imagemeta.Source) string {
	switch s {
	case imagemeta.EXIF:
		return "EXIF"
	case imagemeta.XMP:
		return "XMP"
	case imagemeta.IPTC:
		return "IPTC"
	}
	return "metadata"
}

// prefix is the XMP namespace prefix of the tag ("dc:"), for field names.
func prefix(ti imagemeta.TagInfo) string {
	if ti.Source != imagemeta.XMP {
		return ""
	}
	switch ti.Namespace {
	case "http://purl.org/dc/elements/1.1/":
		return "dc:"
	case "http://ns.adobe.com/photoshop/1.0/":
		return "photoshop:"
	case "http://ns.adobe.com/exif/1.0/":
		return "exif:"
	case "http://ns.adobe.com/tiff/1.0/":
		return "tiff:"
	case "http://ns.adobe.com/xap/1.0/":
		return "xmp:"
	case "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/":
		return "Iptc4xmpCore:"
	case "http://iptc.org/std/Iptc4xmpExt/2008-02-29/":
		return "Iptc4xmpExt:"
	}
	return ""
}

// tag classifies one metadata field; source is "EXIF", "XMP", "IPTC" or
// "PNG tEXt"-like, kind the entry of Report.Metadata it counts under.
func (m *meta) tag(kind, pfx, name string, value any) {
	m.kinds[kind] = true
	field := kind + " " + pfx + xmpCase(pfx, name)
	if empty(value) {
		return
	}
	switch {
	case gpsTags[name]:
		m.gps = append(m.gps, field)
	case dateTags[name]:
		m.dates = append(m.dates, field)
	case serialTags[name]:
		m.serials = append(m.serials, field)
	}
	if placeTags[name] {
		m.places = append(m.places, field)
	}
	if textTags[name] || placeTags[name] {
		if s := textOf(value); strings.TrimSpace(s) != "" {
			m.addText(field, s)
		}
	}
}

// xmpCase restores Dublin Core's lower-case property names
// ("dc:description"), which imagemeta capitalises.
func xmpCase(pfx, name string) string {
	if pfx != "dc:" || name == "" {
		return name
	}
	return strings.ToLower(name[:1]) + name[1:]
}

func (m *meta) addText(field, s string) {
	if len(m.texts) >= maxTexts {
		return
	}
	if len(s) > maxTextBytes {
		s = s[:maxTextBytes]
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	m.texts = append(m.texts, Text{Field: field, Value: s})
}

// empty reports whether a metadata value holds nothing (a zero GPS
// coordinate is kept: it is still a position).
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(strings.Trim(v, "\x00")) == ""
	case []byte:
		return len(bytes.Trim(v, "\x00 ")) == 0
	case []string:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

// textOf turns a metadata value into text: strings as they are, lists
// joined with "; ", bytes as UTF-8 or (Windows XP* tags) UTF-16LE.
func textOf(v any) string {
	switch v := v.(type) {
	case string:
		return strings.Trim(v, "\x00")
	case []string:
		return strings.Join(v, "; ")
	case []byte:
		return bytesText(v)
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, textOf(x))
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}

func bytesText(b []byte) string {
	if len(b)%2 == 0 && len(b) >= 2 && (b[1] == 0 || !utf8.Valid(b)) {
		u := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			u = append(u, binary.LittleEndian.Uint16(b[i:]))
		}
		return strings.TrimRight(string(utf16.Decode(u)), "\x00")
	}
	return strings.Trim(string(b), "\x00")
}

// jpegComments reads the COM segments of a JPEG, up to the first scan.
func (m *meta) jpegComments(data []byte) {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 {
			return
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return
		}
		if marker == 0xFE {
			m.kinds["JPEG comment"] = true
			if s := strings.Trim(string(data[i+4:i+2+n]), "\x00"); strings.TrimSpace(s) != "" {
				m.addText("JPEG comment", s)
			}
		}
		i += 2 + n
	}
}

// pngText reads the tEXt, zTXt and iTXt chunks of a PNG. The XMP packet
// (iTXt "XML:com.adobe.xmp") is read as XMP; imagemeta does not read it.
func (m *meta) pngText(data []byte) {
	for i := 8; i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		if n < 0 || n > len(data)-i-12 {
			return
		}
		body := data[i+8 : i+8+n]
		i += 12 + n
		var keyword, text string
		var ok bool
		switch typ {
		case "tEXt":
			keyword, text, ok = pngTEXt(body)
		case "zTXt":
			keyword, text, ok = pngZTXt(body)
		case "iTXt":
			keyword, text, ok = pngITXt(body)
		case "IEND":
			return
		default:
			continue
		}
		if !ok {
			m.kinds["PNG text"] = true
			m.unreadable = append(m.unreadable, "PNG "+typ)
			continue
		}
		switch {
		case keyword == "XML:com.adobe.xmp":
			m.kinds["XMP"] = true
			if err := m.xmp(text); err != nil {
				m.unreadable = append(m.unreadable, "XMP")
			}
		case strings.HasPrefix(keyword, "Raw profile type"):
			// EXIF or IPTC as hex; imagemeta reads the IPTC one.
			m.kinds["PNG text"] = true
		default:
			m.tag("PNG text", "", keyword, text)
			if !textTags[keyword] && !dateTags[keyword] && strings.TrimSpace(text) != "" {
				// Any other PNG text is free text too (Comment, Disclaimer, Warning…).
				m.addText("PNG text "+keyword, text)
			}
		}
	}
}

// pngTEXt splits a tEXt chunk: keyword, NUL, Latin-1 text.
func pngTEXt(b []byte) (string, string, bool) {
	k, rest, ok := bytes.Cut(b, []byte{0})
	if !ok {
		return "", "", false
	}
	return latin1(k), latin1(rest), true
}

// pngZTXt splits a zTXt chunk: keyword, NUL, method 0, zlib text.
func pngZTXt(b []byte) (string, string, bool) {
	k, rest, ok := bytes.Cut(b, []byte{0})
	if !ok || len(rest) < 1 || rest[0] != 0 {
		return "", "", false
	}
	t, err := inflate(rest[1:])
	if err != nil {
		return "", "", false
	}
	return latin1(k), latin1(t), true
}

// pngITXt splits an iTXt chunk: keyword, NUL, compression flag and method,
// language tag, NUL, translated keyword, NUL, UTF-8 text.
func pngITXt(b []byte) (string, string, bool) {
	k, rest, ok := bytes.Cut(b, []byte{0})
	if !ok || len(rest) < 2 {
		return "", "", false
	}
	compressed := rest[0] == 1
	rest = rest[2:]
	if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok { // language
		return "", "", false
	}
	if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok { // translated keyword
		return "", "", false
	}
	if compressed {
		t, err := inflate(rest)
		if err != nil {
			return "", "", false
		}
		rest = t
	}
	return latin1(k), strings.ToValidUTF8(string(rest), "\uFFFD"), true
}

// inflate decompresses a zlib stream of at most maxInflate bytes.
func inflate(b []byte) ([]byte, error) {
	z, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer z.Close()
	out, err := io.ReadAll(io.LimitReader(z, maxInflate+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxInflate {
		return nil, fmt.Errorf("inflated text over %d bytes", maxInflate)
	}
	return out, nil
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// xmp reads an XMP packet the way imagemeta does (the attributes and
// simple, list or alternative elements of each rdf:Description), for the
// packets imagemeta does not reach (PNG iTXt).
func (m *meta) xmp(packet string) error {
	const rdfNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	d := xml.NewDecoder(strings.NewReader(packet))
	var stack []xml.Name
	var text strings.Builder
	var items []string
	inDesc := -1 // depth of the current rdf:Description
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name)
			if t.Name.Space == rdfNS && t.Name.Local == "Description" {
				inDesc = len(stack)
				for _, a := range t.Attr {
					if a.Name.Space != rdfNS && a.Name.Space != "xmlns" && a.Name.Local != "xmlns" {
						m.xmpProp(a.Name, a.Value)
					}
				}
			}
			if inDesc > 0 && len(stack) == inDesc+1 {
				text.Reset()
				items = items[:0]
			}
			if t.Name.Space == rdfNS && t.Name.Local == "li" {
				text.Reset()
			}
		case xml.CharData:
			if inDesc > 0 && len(stack) > inDesc && text.Len() < maxTextBytes {
				text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil
			}
			depth := len(stack)
			stack = stack[:depth-1]
			switch {
			case t.Name.Space == rdfNS && t.Name.Local == "li":
				if s := strings.TrimSpace(text.String()); s != "" && len(items) < maxTexts {
					items = append(items, s)
				}
				text.Reset()
			case inDesc > 0 && depth == inDesc+1:
				if len(items) > 0 {
					m.xmpProp(t.Name, append([]string(nil), items...))
				} else if s := strings.TrimSpace(text.String()); s != "" {
					m.xmpProp(t.Name, s)
				}
			case depth == inDesc:
				inDesc = -1
			}
		}
	}
}

// xmpProp classifies one XMP property read by xmp.
func (m *meta) xmpProp(name xml.Name, v any) {
	ti := imagemeta.TagInfo{Source: imagemeta.XMP, Namespace: name.Space}
	tag := name.Local
	if tag != "" {
		tag = strings.ToUpper(tag[:1]) + tag[1:]
	}
	m.tag("XMP", prefix(ti), tag, v)
}

// kinds lists the kinds of metadata found, in kindOrder.
func (m *meta) kindsList() []string {
	out := []string{}
	for _, k := range kindOrder {
		if m.kinds[k] {
			out = append(out, k)
		}
	}
	return out
}

// findings turns what was found into findings: one per kind of identifier
// (naming the fields, never the values).
func (m *meta) findings() []chaperone.Finding {
	var fs []chaperone.Finding
	strip := " Publish a stripped copy (chaperone scan --strip OUT)."
	if len(m.gps) > 0 {
		fs = append(fs, chaperone.Finding{
			Rule: RuleGPS, Type: chaperone.FindingPHI, SpanType: chaperone.SpanLocation, Score: 1,
			Reason: "The image's metadata holds the GPS position where it was taken (" + fields(m.gps) + "), a place smaller than a state." + strip,
			Cite:   "HIPAA 45 CFR 164.514(b)(2)(i)(B)",
		})
	}
	if len(m.places) > 0 {
		fs = append(fs, chaperone.Finding{
			Rule: RulePlace, Type: chaperone.FindingPHI, SpanType: chaperone.SpanLocation, Score: 0.9,
			Reason: "The image's metadata names a place smaller than a state (" + fields(m.places) + ")." + strip,
			Cite:   "HIPAA 45 CFR 164.514(b)(2)(i)(B)",
		})
	}
	if len(m.dates) > 0 {
		fs = append(fs, chaperone.Finding{
			Rule: RuleDate, Type: chaperone.FindingPHI, SpanType: chaperone.SpanDate, Score: 0.9,
			Reason: "The image's metadata holds the date it was taken or changed (" + fields(m.dates) + "), which can date a patient's visit." + strip,
			Cite:   "HIPAA 45 CFR 164.514(b)(2)(i)(C)",
		})
	}
	if len(m.serials) > 0 {
		fs = append(fs, chaperone.Finding{
			Rule: RuleSerial, Type: chaperone.FindingPHI, SpanType: chaperone.SpanDevice, Score: 0.9,
			Reason: "The image's metadata holds a camera or lens serial number or unique id (" + fields(m.serials) + "), a device identifier." + strip,
			Cite:   "HIPAA 45 CFR 164.514(b)(2)(i)(M)",
		})
	}
	if len(m.unreadable) > 0 {
		fs = append(fs, chaperone.Finding{
			Rule: RuleUnreadable, Type: FindingUnchecked, Score: 1,
			Reason: "Some of the image's metadata could not be read (" + fields(m.unreadable) + "), so it was not checked." + strip,
			Cite:   "HIPAA 45 CFR 164.514(b)(2)",
		})
	}
	return fs
}

// unchecked is the finding for what was not checked in the pixels, given
// whether OCR read the text and whether face detection looked for faces:
// text, faces, or both, and why (not installed, or failed). When both ran
// there is none (ok is false), and an image where nothing is found can be
// allowed. InspectWith adds it.
func unchecked(ocr, faces OCRStatus) (f chaperone.Finding, ok bool) {
	why := func(status OCRStatus, tool, verb string) string {
		if status == OCRFailed {
			return tool + " failed"
		}
		return tool + " " + verb + " not installed"
	}
	var reason, cite string
	switch {
	case ocr == OCRDone && faces == OCRDone:
		return chaperone.Finding{}, false
	case ocr == OCRDone:
		reason = "Faces in the image were not checked (" + why(faces, "face detection", "is") +
			"); its text was read with OCR and screened. A person must look at the picture."
		cite = "HIPAA 45 CFR 164.514(b)(2)(i)(Q)"
	case faces == OCRDone:
		reason = "Text in the image was not checked (" + why(ocr, "OCR", "is") +
			"); faces were looked for with face detection. A person must read the text in the picture."
		cite = "HIPAA 45 CFR 164.514(b)(2)"
	default:
		both := why(ocr, "OCR", "is") + " and " + why(faces, "face detection", "is")
		if ocr != OCRFailed && faces != OCRFailed {
			both = "OCR and face detection are not installed"
		}
		reason = "Text in the image and faces were not checked (" + both + "); a person must look at the picture."
		cite = "HIPAA 45 CFR 164.514(b)(2)(i)(Q)"
	}
	return chaperone.Finding{Rule: RuleUnchecked, Type: FindingUnchecked, Score: 1, Reason: reason, Cite: cite}, true
}

// faceFinding is the finding for one face found in the image: a full-face
// photograph is an identifier, so it needs the patient's consent (or the
// copy with the face blurred). InspectWith adds one per face.
func faceFinding() chaperone.Finding {
	return chaperone.Finding{
		Rule: RuleFace, Type: chaperone.FindingConsentNeeded, Score: 0.8,
		Reason: "The image shows a face: a full-face photograph is an identifier (HIPAA Safe Harbor item Q); " +
			"publish it only with the patient's written authorisation, or publish the copy with the face blurred.",
		Cite: "HIPAA 45 CFR 164.514(b)(2)(i)(Q); 45 CFR 164.508",
	}
}

// fields lists distinct field names, sorted, at most 6.
func fields(names []string) string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	if len(out) > 6 {
		out = append(out[:6], fmt.Sprintf("and %d more", len(out)-6))
	}
	return strings.Join(out, ", ")
}
