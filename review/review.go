// Package review reads patients' online reviews from the export shapes of
// Google Business Profile, Yelp and Healthgrades (JSON and CSV), and holds
// the HIPAA-safe reply templates: replies that thank, never confirm that
// the reviewer is a patient, and invite them to call the office.
//
// It also reads practices' appointment lists (ReadVisits) and renders the
// review request email (RequestMail), the same for every patient.
//
// The service's review import and reply composer call it; it imports no
// storage or web code. Imports are all or nothing: Parse returns every
// review or an error naming the line (or JSON element) and the reason.
package review

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Review is one patient review as chaperone keeps it.
type Review struct {
	Site       string    `json:"site"`        // "google", "yelp", "healthgrades", or as given
	ExternalID string    `json:"external_id"` // the site's id; with Site, unique
	Reviewer   string    `json:"reviewer,omitempty"`
	Rating     int       `json:"rating"` // 1 to 5
	Text       string    `json:"text,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	URL        string    `json:"url,omitempty"`
	// Reply is the practice's published reply, if the export has one.
	Reply string `json:"reply,omitempty"`
}

// Limits on an import.
const (
	MaxBytes   = 32 << 20 // one export file
	MaxReviews = 100_000
	MaxText    = 64 << 10 // one review's text
)

// ErrFormat marks input that is none of the known shapes.
var ErrFormat = errors.New("not a review export chaperone knows")

// Parse reads a review export: JSON (Google Business Profile's reviews
// list, Yelp's reviews, or a list of objects in the generic shape) or CSV
// with a header (Google, Yelp and Healthgrades column names, or the
// generic site,id,reviewer,rating,text,date). site names the source when
// the file does not say ("" lets the shape decide).
func Parse(r io.Reader, site string) ([]Review, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the export: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("the export is larger than %d MiB", MaxBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("line %d: the export is not valid UTF-8 (save it as UTF-8 and import again)", lineOf(data, invalidUTF8(data)))
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrFormat)
	}
	var out []Review
	if trimmed[0] == '{' || trimmed[0] == '[' {
		out, err = parseJSON(data, trimmed[0], site)
	} else {
		out, err = parseCSV(data, site)
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	for i, rv := range out {
		if j, dup := seen[rv.Site+"\x00"+rv.ExternalID]; dup {
			return nil, fmt.Errorf("review %d repeats the id of review %d (%s)", i+1, j+1, rv.ExternalID)
		}
		seen[rv.Site+"\x00"+rv.ExternalID] = i
	}
	return out, nil
}

// invalidUTF8 returns the offset of the first byte of data that is not
// valid UTF-8, or len(data).
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// lineOf returns the line (from 1) of byte offset off in data.
func lineOf(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// check validates a parsed review; where names it in errors.
func (rv *Review) check(where string) error {
	rv.Site = strings.ToLower(strings.TrimSpace(rv.Site))
	rv.ExternalID = strings.TrimSpace(rv.ExternalID)
	switch {
	case rv.Site == "":
		return fmt.Errorf("%s: no site (give one with the import)", where)
	case rv.ExternalID == "":
		return fmt.Errorf("%s: no review id", where)
	case len(rv.ExternalID) > 200:
		return fmt.Errorf("%s: the review id is longer than 200 characters", where)
	case rv.Rating < 1 || rv.Rating > 5:
		return fmt.Errorf("%s: the rating must be 1 to 5", where)
	case rv.CreatedAt.IsZero():
		return fmt.Errorf("%s: no date", where)
	case len(rv.Text) > MaxText || len(rv.Reply) > MaxText:
		return fmt.Errorf("%s: the text is longer than %d KiB", where, MaxText>>10)
	case len(rv.Reviewer) > 200 || len(rv.URL) > 2048:
		return fmt.Errorf("%s: the reviewer's name or the URL is too long", where)
	}
	return nil
}

// dateLayouts are the date forms the exports use.
var dateLayouts = []string{
	time.RFC3339Nano, time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02",
	"01/02/2006 15:04", "01/02/2006", "1/2/2006", "Jan 2, 2006", "January 2, 2006",
}

// parseDate reads a date in one of the exports' forms, as UTC.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("the date is not one chaperone reads (use 2006-01-02 or RFC 3339)")
}
