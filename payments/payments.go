// Package payments reads CMS Open Payments general-payments files (the
// public-use CSV, about 15 million rows a year) for one clinician's NPI and
// turns their payments into proposed industry relationships: the company,
// what the payments were for, how much, when, and the products named. The
// clinician confirms them as declared relationships, which the screen then
// checks posts against (UNDISCLOSED_FINANCIAL).
//
// The service's industry-ties import calls it; it imports no storage or
// web code.
package payments

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Payment is one general payment to a covered recipient.
type Payment struct {
	RecordID string    `json:"record_id"`
	NPI      string    `json:"npi"`
	Company  string    `json:"company"` // the applicable manufacturer or GPO making the payment
	Amount   float64   `json:"amount_usd"`
	Date     time.Time `json:"date"`
	Nature   string    `json:"nature"` // "Food and Beverage", "Consulting Fee", …
	Form     string    `json:"form,omitempty"`
	Products []string  `json:"products,omitempty"`
	Year     int       `json:"program_year,omitempty"`
}

// The published column names; program years before 2021 used
// Physician_* where later ones use Covered_Recipient_*.
var columns = map[string][]string{
	"npi":     {"Covered_Recipient_NPI", "Physician_NPI"},
	"company": {"Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_Name"},
	"amount":  {"Total_Amount_of_Payment_USDollars"},
	"date":    {"Date_of_Payment"},
	"nature":  {"Nature_of_Payment_or_Transfer_of_Value"},
	"form":    {"Form_of_Payment_or_Transfer_of_Value"},
	"record":  {"Record_ID"},
	"year":    {"Program_Year"},
}

// productColumns name the products a payment relates to (1 to 5).
var productColumns = []string{
	"Name_of_Drug_or_Biological_or_Device_or_Medical_Supply_%d",
	"Name_of_Associated_Covered_Drug_or_Biological%d",
	"Name_of_Associated_Covered_Device_or_Medical_Supply%d",
}

// MaxLine bounds one line; real rows are under 4 KB.
const MaxLine = 256 << 10

// ErrFormat marks a file that is not an Open Payments general-payments file.
var ErrFormat = errors.New("not an Open Payments general-payments file")

// Read streams a general-payments CSV and calls fn for each payment to
// the clinician with the given NPI, in one pass and bounded memory. The
// first malformed row among those stops it with an error naming the line;
// rows for other clinicians are skipped without being checked further.
func Read(r io.Reader, npi string, fn func(Payment) error) error {
	lr := &lineLimit{r: bufio.NewReaderSize(r, 64<<10), max: MaxLine}
	cr := csv.NewReader(lr)
	cr.ReuseRecord = true
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
	col := map[string]int{}
	for field, names := range columns {
		for _, n := range names {
			if i, ok := idx[n]; ok {
				col[field] = i
				break
			}
		}
	}
	for _, need := range []string{"npi", "company", "amount", "date", "nature"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("%w: the header has no %s column", ErrFormat, columns[need][0])
		}
	}
	var products []int
	for _, pat := range productColumns {
		for k := 1; k <= 5; k++ {
			if i, ok := idx[fmt.Sprintf(pat, k)]; ok {
				products = append(products, i)
			}
		}
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
		get := func(f string) string {
			if i, ok := col[f]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		if get("npi") != npi {
			continue
		}
		p, err := parseRow(get, row, products)
		if err != nil {
			return fmt.Errorf("line %d: %v", line, err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
}

func parseRow(get func(string) string, row []string, products []int) (Payment, error) {
	for _, f := range row {
		if !utf8.ValidString(f) {
			return Payment{}, errors.New("not valid UTF-8")
		}
	}
	p := Payment{RecordID: get("record"), NPI: get("npi"), Company: get("company"), Nature: get("nature"), Form: get("form")}
	if p.Company == "" {
		return p, errors.New("no paying company")
	}
	amt, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimPrefix(get("amount"), "$"), ",", ""), 64)
	if err != nil || !(amt >= 0 && amt <= 1e10) {
		return p, errors.New("the amount must be a number of dollars")
	}
	p.Amount = amt
	if p.Date, err = time.Parse("01/02/2006", get("date")); err != nil {
		if p.Date, err = time.Parse("2006-01-02", get("date")); err != nil {
			return p, errors.New("the payment date must be MM/DD/YYYY")
		}
	}
	if y := get("year"); y != "" {
		if p.Year, err = strconv.Atoi(y); err != nil {
			return p, errors.New("the program year must be a year")
		}
	}
	seen := map[string]bool{}
	for _, i := range products {
		if i < len(row) {
			if name := strings.TrimSpace(row[i]); name != "" && !seen[strings.ToLower(name)] {
				seen[strings.ToLower(name)] = true
				p.Products = append(p.Products, name)
			}
		}
	}
	return p, nil
}

// Tie is a proposed industry relationship: every payment from one company.
type Tie struct {
	Company  string    `json:"company"`
	Total    float64   `json:"total_usd"`
	Payments int       `json:"payments"`
	Natures  []string  `json:"natures"`
	Products []string  `json:"products,omitempty"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
}

// Ties groups payments by company (case-insensitively), largest total
// first, for the clinician to confirm.
func Ties(ps []Payment) []Tie {
	by := map[string]*Tie{}
	natures := map[string]map[string]bool{}
	products := map[string]map[string]bool{}
	for _, p := range ps {
		k := strings.ToLower(p.Company)
		t := by[k]
		if t == nil {
			t = &Tie{Company: p.Company, From: p.Date, To: p.Date}
			by[k] = t
			natures[k], products[k] = map[string]bool{}, map[string]bool{}
		}
		t.Total += p.Amount
		t.Payments++
		if p.Date.Before(t.From) {
			t.From = p.Date
		}
		if p.Date.After(t.To) {
			t.To = p.Date
		}
		if p.Nature != "" && !natures[k][p.Nature] {
			natures[k][p.Nature] = true
			t.Natures = append(t.Natures, p.Nature)
		}
		for _, pr := range p.Products {
			if !products[k][strings.ToLower(pr)] {
				products[k][strings.ToLower(pr)] = true
				t.Products = append(t.Products, pr)
			}
		}
	}
	out := make([]Tie, 0, len(by))
	for _, t := range by {
		t.Total = float64(int64(t.Total*100+0.5)) / 100
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		return out[i].Company < out[j].Company
	})
	return out
}

// lineLimit fails a read once a line grows past max bytes.
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
		if l.cur++; l.cur > l.max {
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
