package payments

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func read(t *testing.T, data, npi string) ([]Payment, error) {
	t.Helper()
	var out []Payment
	err := Read(strings.NewReader(data), npi, func(p Payment) error { out = append(out, p); return nil })
	return out, err
}

func TestReadAndTies(t *testing.T) {
	b, err := os.ReadFile("testdata/general_payments_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := read(t, string(b), "1234567893")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 {
		t.Fatalf("%d payments, want 3", len(ps))
	}
	if p := ps[0]; p.Company != "Novo Nordisk Inc" || p.Amount != 23.17 || p.Date != time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC) ||
		p.Nature != "Food and Beverage" || p.Year != 2025 || len(p.Products) != 1 || p.Products[0] != "OZEMPIC" {
		t.Errorf("payment %+v", p)
	}
	ties := Ties(ps)
	if len(ties) != 2 || ties[0].Company != "Novo Nordisk Inc" || ties[0].Total != 2523.17 || ties[0].Payments != 2 ||
		len(ties[0].Natures) != 2 || strings.Join(ties[0].Products, ",") != "OZEMPIC,WEGOVY" ||
		!ties[0].From.Equal(time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)) || !ties[0].To.Equal(time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ties %+v", ties)
	}
	if ties[1].Company != "Medtronic USA, Inc." || ties[1].Total != 150 {
		t.Errorf("second tie %+v", ties[1])
	}
	none, err := read(t, string(b), "1003000126")
	if err != nil || len(none) != 0 {
		t.Errorf("someone else's NPI: %v %d", err, len(none))
	}
}

func TestReadBadInput(t *testing.T) {
	head := "Covered_Recipient_NPI,Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_Name,Total_Amount_of_Payment_USDollars,Date_of_Payment,Nature_of_Payment_or_Transfer_of_Value\n"
	cases := []struct {
		name, data, want string
		format           bool
	}{
		{"empty", "", "reading the header", true},
		{"another file", "NPI,Name\n1,x\n", "no Covered_Recipient_NPI column", true},
		{"bad amount", head + "1234567893,Pfizer,lots,01/02/2025,Food\n", "line 2: the amount", false},
		{"bad date", head + "1234567893,Pfizer,10,2025/13/40,Food\n", "line 2: the payment date", false},
		{"no company", head + "1234567893,,10,01/02/2025,Food\n", "line 2: no paying company", false},
		{"broken quote", head + "1234567893,\"Pfizer,10,01/02/2025,Food\n", "line 2", false},
		{"endless line", head + strings.Repeat("9", MaxLine+5), "longer than", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := read(t, c.data, "1234567893")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if errors.Is(err, ErrFormat) != c.format {
				t.Errorf("ErrFormat %v, want %v", errors.Is(err, ErrFormat), c.format)
			}
		})
	}
	// rows of other clinicians are not validated: a bad amount there is no error
	if _, err := read(t, head+"1245319599,Pfizer,lots,01/02/2025,Food\n", "1234567893"); err != nil {
		t.Errorf("someone else's bad row: %v", err)
	}
	// the pre-2021 column names are read too
	old := "Physician_NPI,Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_Name,Total_Amount_of_Payment_USDollars,Date_of_Payment,Nature_of_Payment_or_Transfer_of_Value\n1234567893,Pfizer,10,01/02/2019,Food and Beverage\n"
	if ps, err := read(t, old, "1234567893"); err != nil || len(ps) != 1 {
		t.Errorf("pre-2021 file: %v %d", err, len(ps))
	}
}

func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile("testdata/general_payments_sample.csv"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		Read(strings.NewReader(string(data)), "1234567893", func(p Payment) error {
			if p.Company == "" || p.Amount < 0 || p.Date.IsZero() {
				t.Fatalf("accepted %+v", p)
			}
			return nil
		})
	})
}
