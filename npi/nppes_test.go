package npi

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func readAll(t *testing.T, data string, want map[string]bool) ([]Record, error) {
	t.Helper()
	var out []Record
	err := Read(strings.NewReader(data), want, func(r Record) error { out = append(out, r); return nil })
	return out, err
}

func TestReadNPPES(t *testing.T) {
	data, err := os.ReadFile("testdata/npidata_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := readAll(t, string(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	r := recs[0]
	if r.NPI != "1234567893" || r.EntityType != 1 || r.First != "ANA" || r.Last != "RUIZ" || r.Credential != "M.D." || r.State != "MA" {
		t.Errorf("record %+v", r)
	}
	if len(r.Taxonomies) != 2 || r.Taxonomies[0] != (Taxonomy{Code: "207R00000X", License: "245781", LicenseState: "MA", Primary: true}) || r.Taxonomies[1].Primary {
		t.Errorf("taxonomies %+v", r.Taxonomies)
	}
	if recs[2].EntityType != 2 || recs[2].OrgName != "HARBOR FAMILY MEDICINE LLC" {
		t.Errorf("organisation %+v", recs[2])
	}
	only, err := readAll(t, string(data), map[string]bool{"1245319599": true})
	if err != nil || len(only) != 1 || only[0].Last != "ODE" {
		t.Fatalf("filtered: %v %+v", err, only)
	}
}

func TestReadNPPESBadInput(t *testing.T) {
	header := `"NPI","Entity Type Code","Provider Last Name (Legal Name)","Provider First Name","Provider Credential Text"` + "\n"
	cases := []struct {
		name, data, want string
		format           bool
	}{
		{"empty", "", "reading the header", true},
		{"wrong file", "id,name\n1,x\n", `no "NPI" column`, true},
		{"bad check digit", header + `"1234567890","1","RUIZ","ANA","MD"` + "\n", "line 2: NPI 1234567890 fails its check digit", false},
		{"bad entity", header + `"1234567893","7","RUIZ","ANA","MD"` + "\n", "line 2: entity type", false},
		{"broken quote", header + `"1234567893","1","RUIZ,"ANA","MD"` + "\n", "line 2", false},
		{"bad UTF-8", header + "\"1234567893\",\"1\",\"RU\xffIZ\",\"ANA\",\"MD\"\n", "line 2: not valid UTF-8", false},
		{"endless line", header + strings.Repeat("x", MaxLine+10), "longer than", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readAll(t, c.data, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if errors.Is(err, ErrFormat) != c.format {
				t.Errorf("ErrFormat %v, want %v", errors.Is(err, ErrFormat), c.format)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile("testdata/npidata_sample.csv"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("NPI,Entity Type Code,Provider Last Name (Legal Name),Provider First Name,Provider Credential Text\n1234567893,1,A,B,MD\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		Read(strings.NewReader(string(data)), nil, func(r Record) error {
			if !Valid(r.NPI) {
				t.Fatalf("record with invalid NPI %q", r.NPI)
			}
			return nil
		})
	})
}
