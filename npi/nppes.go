package npi

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Record is what chaperone keeps of a clinician's NPPES record.
type Record struct {
	NPI        string     `json:"npi"`
	EntityType int        `json:"entity_type"` // 1 individual, 2 organisation
	First      string     `json:"first,omitempty"`
	Middle     string     `json:"middle,omitempty"`
	Last       string     `json:"last,omitempty"`
	OrgName    string     `json:"org_name,omitempty"`
	Credential string     `json:"credential,omitempty"` // as entered: "M.D.", "MD, FACP", "NP"
	State      string     `json:"state,omitempty"`      // practice location state
	Taxonomies []Taxonomy `json:"taxonomies,omitempty"`
	// Deactivated is the deactivation date as the file gives it (MM/DD/YYYY),
	// empty when the NPI is active.
	Deactivated string `json:"deactivated,omitempty"`
}

// Taxonomy is one of a provider's taxonomy codes with its licence.
type Taxonomy struct {
	Code         string `json:"code"` // NUCC code, e.g. 207R00000X internal medicine
	License      string `json:"license,omitempty"`
	LicenseState string `json:"license_state,omitempty"`
	Primary      bool   `json:"primary"`
}

// Columns of the NPPES monthly data dissemination file (npidata_pfile)
// that Read uses; the file has about 330.
const (
	colNPI         = "NPI"
	colEntity      = "Entity Type Code"
	colOrg         = "Provider Organization Name (Legal Business Name)"
	colLast        = "Provider Last Name (Legal Name)"
	colFirst       = "Provider First Name"
	colMiddle      = "Provider Middle Name"
	colCredential  = "Provider Credential Text"
	colState       = "Provider Business Practice Location Address State Name"
	colDeactivated = "NPI Deactivation Date"
	maxTaxonomies  = 15
)

// MaxLine bounds one line of an NPPES file; real rows are a few KB.
const MaxLine = 256 << 10

// ErrFormat marks a file that is not an NPPES data file.
var ErrFormat = errors.New("not an NPPES data file")

// Read streams an NPPES monthly file (CSV with the published header) and
// calls fn for every record whose NPI is in want, or for every record
// when want is nil. It reads the file once, in bounded memory (the real
// file is about 10 GB), and stops at the first error, which names the
// line. The service's identity import calls it.
func Read(r io.Reader, want map[string]bool, fn func(Record) error) error {
	lr := &lineLimit{r: bufio.NewReaderSize(r, 64<<10), max: MaxLine}
	cr := csv.NewReader(lr)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = 0
	head, err := cr.Read()
	if err != nil {
		if lr.err != nil {
			return fmt.Errorf("line 1: %w", lr.err)
		}
		return fmt.Errorf("%w: reading the header: %v", ErrFormat, err)
	}
	idx := map[string]int{}
	for i, h := range head {
		idx[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range []string{colNPI, colEntity, colLast, colFirst, colCredential} {
		if _, ok := idx[c]; !ok {
			return fmt.Errorf("%w: the header has no %q column", ErrFormat, c)
		}
	}
	get := func(row []string, col string) string {
		if i, ok := idx[col]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			line := errLine(err)
			if lr.err != nil {
				return fmt.Errorf("line %d: %w", line, lr.err)
			}
			return fmt.Errorf("line %d: %v", line, err)
		}
		line, _ := cr.FieldPos(0)
		n := get(row, colNPI)
		if want != nil && !want[n] {
			continue
		}
		for _, f := range row {
			if !utf8.ValidString(f) {
				return fmt.Errorf("line %d: not valid UTF-8", line)
			}
		}
		if err := Check(n); err != nil {
			return fmt.Errorf("line %d: %v", line, err)
		}
		rec := Record{NPI: n, First: get(row, colFirst), Middle: get(row, colMiddle), Last: get(row, colLast),
			OrgName: get(row, colOrg), Credential: get(row, colCredential), State: get(row, colState),
			Deactivated: get(row, colDeactivated)}
		switch get(row, colEntity) {
		case "1":
			rec.EntityType = 1
		case "2":
			rec.EntityType = 2
		case "":
			// deactivated NPIs have no entity type
		default:
			return fmt.Errorf("line %d: entity type must be 1 or 2", line)
		}
		for k := 1; k <= maxTaxonomies; k++ {
			code := get(row, fmt.Sprintf("Healthcare Provider Taxonomy Code_%d", k))
			if code == "" {
				continue
			}
			rec.Taxonomies = append(rec.Taxonomies, Taxonomy{Code: code,
				License:      get(row, fmt.Sprintf("Provider License Number_%d", k)),
				LicenseState: get(row, fmt.Sprintf("Provider License Number State Code_%d", k)),
				Primary:      get(row, fmt.Sprintf("Healthcare Provider Primary Taxonomy Switch_%d", k)) == "Y"})
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// lineLimit fails a read once a line grows past max bytes, so that a file
// without line breaks cannot fill memory.
type lineLimit struct {
	r   *bufio.Reader
	max int
	cur int
	err error
}

func (l *lineLimit) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			l.cur = 0
			continue
		}
		l.cur++
		if l.cur > l.max {
			l.err = fmt.Errorf("a line is longer than %d bytes", l.max)
			return i, l.err
		}
	}
	return n, err
}

// errLine is the line a CSV error is on (0 when unknown).
func errLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}
