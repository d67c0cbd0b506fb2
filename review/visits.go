package review

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Visit is one patient visit from an appointment list, as the review
// requests keep it: when, who and their address, and the visit's id in
// the practice's system if the list has one. Nothing else is read: no
// reason for the visit, diagnosis, department or provider.
type Visit struct {
	ID    string    // the appointment's id in the practice's system; "" if none
	Name  string    // the patient's name; may be ""
	Email string    // the patient's address, lower case
	At    time.Time // the visit's date (00:00 UTC) or time, UTC
}

// Key is what makes a visit unique in its org: its id, or else its day
// and address. The store keeps only a keyed hash of it.
func (v Visit) Key() string {
	if v.ID != "" {
		return "id:" + v.ID
	}
	return "day:" + v.At.UTC().Format(time.DateOnly) + "/" + v.Email
}

// VisitFile is what ReadVisits read.
type VisitFile struct {
	Visits []Visit
	// Ignored names the file's columns that were not read (headers only,
	// never values): reasons, providers, departments and anything else
	// a review request must not know.
	Ignored []string
}

// Limits on an appointment list.
const (
	MaxVisitBytes = 8 << 20
	MaxVisits     = 50_000
)

// visitColumns are the header names each field goes by in practice
// systems' appointment exports, lower case, with spaces for _ and -.
var visitColumns = map[string][]string{
	"id":    {"visit id", "appointment id", "appt id", "encounter id", "encounter", "visit number", "appointment number", "id"},
	"name":  {"name", "patient", "patient name", "full name", "patient full name"},
	"first": {"first name", "patient first name", "given name", "first"},
	"last":  {"last name", "patient last name", "family name", "surname", "last"},
	"email": {"email", "e mail", "email address", "e mail address", "patient email", "patient email address", "mail"},
	"date":  {"date", "visit date", "appointment date", "appt date", "date of service", "service date", "dos", "visit", "appointment", "appointment time", "visit time", "start", "start time"},
}

// visitDateLayouts are the date forms appointment lists use.
var visitDateLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
	"01/02/2006 15:04", "01/02/2006 3:04 PM", "1/2/2006 15:04", "1/2/2006 3:04 PM", "01/02/2006", "1/2/2006",
}

// normHeader lower-cases a header and turns _ and - into spaces.
func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	return strings.Join(strings.FieldsFunc(h, func(r rune) bool { return r == '_' || r == '-' || r == ' ' || r == '\t' }), " ")
}

// ReadVisits reads an appointment list: CSV with a header that has a
// date column and an email column (and optionally a visit id, a name, or
// first and last names; header names are matched liberally). Values are
// read strictly, all or nothing: a bad date or address, a repeated visit
// or broken quoting is refused with the line and the reason, never a
// quote of the file. Columns it does not know are not read at all, and
// named in VisitFile.Ignored. The service's visit import calls it.
func ReadVisits(r io.Reader) (VisitFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxVisitBytes+1))
	if err != nil {
		return VisitFile{}, fmt.Errorf("reading the appointment list: %w", err)
	}
	if len(data) > MaxVisitBytes {
		return VisitFile{}, fmt.Errorf("the appointment list is larger than %d MiB; split it", MaxVisitBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return VisitFile{}, fmt.Errorf("line %d: the file is not valid UTF-8 (save it as UTF-8 and import again)", lineOf(data, invalidUTF8(data)))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return VisitFile{}, errors.New("the file is empty")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = 0
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return VisitFile{}, fmt.Errorf("line 1: %s", csvError(err))
	}
	col := map[string]int{}
	var out VisitFile
	for i, h := range head {
		n := normHeader(h)
		known := false
		for field, names := range visitColumns {
			if slices.Contains(names, n) {
				known = true
				if _, dup := col[field]; !dup {
					col[field] = i
				}
			}
		}
		if !known && n != "" {
			out.Ignored = append(out.Ignored, clip(strings.TrimSpace(h), 40))
		}
	}
	for _, need := range []string{"date", "email"} {
		if _, ok := col[need]; !ok {
			return VisitFile{}, fmt.Errorf("line 1: no %s column (expected one of %s)", need, strings.Join(visitColumns[need], ", "))
		}
	}
	seen := map[string]int{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return VisitFile{}, fmt.Errorf("line %d: %s", line, csvError(err))
		}
		line, _ := cr.FieldPos(0)
		if len(out.Visits) >= MaxVisits {
			return VisitFile{}, fmt.Errorf("line %d: the list has more than %d visits; split it", line, MaxVisits)
		}
		get := func(f string) string {
			if i, ok := col[f]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue // a blank line
		}
		v := Visit{ID: get("id"), Name: get("name")}
		if v.Name == "" {
			v.Name = strings.TrimSpace(get("first") + " " + get("last"))
		}
		if v.Email, err = CheckAddress(get("email")); err != nil {
			return VisitFile{}, fmt.Errorf("line %d: %v", line, err)
		}
		if v.At, err = ParseVisitTime(get("date")); err != nil {
			return VisitFile{}, fmt.Errorf("line %d: %v", line, err)
		}
		if err := v.check(); err != nil {
			return VisitFile{}, fmt.Errorf("line %d: %v", line, err)
		}
		if first, dup := seen[v.Key()]; dup {
			return VisitFile{}, fmt.Errorf("line %d repeats the visit on line %d", line, first)
		}
		seen[v.Key()] = line
		out.Visits = append(out.Visits, v)
	}
	if len(out.Visits) == 0 {
		return VisitFile{}, errors.New("the file has a header but no visits")
	}
	return out, nil
}

// check validates a visit's lengths; its messages never quote it.
func (v Visit) check() error {
	switch {
	case len(v.ID) > 200:
		return errors.New("the visit id is longer than 200 characters")
	case len(v.Name) > 200:
		return errors.New("the name is longer than 200 characters")
	case strings.ContainsAny(v.Name+v.ID, "\r\n\x00"):
		return errors.New("the name or visit id holds a line break")
	}
	return nil
}

// CheckAddress returns an email address in lower case, or an error that
// does not quote it: the address must be a bare address (no display
// name), as mail servers take it.
func CheckAddress(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", errors.New("no email address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") ||
		strings.ContainsAny(s, "\r\n<>\"") {
		return "", errors.New("the email address is not valid")
	}
	return s, nil
}

// ParseVisitTime reads a visit's date or date and time, as UTC. A date
// without a time is 00:00 UTC.
func ParseVisitTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("no date")
	}
	for _, l := range visitDateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				return time.Time{}, errors.New("the date is out of range")
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("the date is not one chaperone reads (use 2006-01-02, 2006-01-02 15:04 or 01/02/2006)")
}

// clip shortens s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
