package npi

import (
	"strings"
	"testing"
)

func TestCheckClaims(t *testing.T) {
	internist := Record{NPI: "1234567893", Credential: "M.D.", Taxonomies: []Taxonomy{{Code: "207R00000X", Primary: true}, {Code: "207RC0000X"}}}
	np := Record{NPI: "1245319599", Credential: "FNP-BC", Taxonomies: []Taxonomy{{Code: "363LF0000X", Primary: true}}}
	noCred := Record{NPI: "1234567893", Taxonomies: []Taxonomy{{Code: "207N00000X", Primary: true}}}
	cases := []struct {
		name   string
		bio    string
		rec    Record
		claims []string
	}{
		{"matching", "Ana Ruiz, MD · Internist and cardiologist in Boston. Views my own.", internist, nil},
		{"board-certified in their field", "Board-certified in internal medicine. MD.", internist, nil},
		{"NP calling herself MD", "Ben Ode, MD | family medicine", np, []string{"MD"}},
		{"NP as family physician", "Ben Ode, FNP-BC, family medicine NP", np, nil},
		{"wrong specialty", "Ana Ruiz M.D., board-certified dermatologist", internist, []string{"board-certified dermatology", "dermatology"}},
		{"degree from the taxonomy", "Dr. Ruiz, MD, dermatologist", noCred, nil},
		{"DO claimed by MD", "Ana Ruiz, DO", internist, []string{"DO"}},
		{"no claims", "Runner, reader, mom of two.", np, nil},
		{"words inside words", "Loves the Dodo bird and MDMA research papers", np, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, m := range CheckClaims(c.bio, c.rec) {
				got = append(got, m.Claim)
				if m.Reason == "" {
					t.Errorf("%s has no reason", m.Claim)
				}
			}
			if strings.Join(got, "|") != strings.Join(c.claims, "|") {
				t.Errorf("claims %q, want %q", got, c.claims)
			}
		})
	}
}
