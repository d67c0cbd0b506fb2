package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run go test -update if the change is intended)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// fixture is a screened item with two spans on two lines, multi-byte
// characters before them, and an item-level finding.
type fixture struct {
	item    chaperone.Item
	res     chaperone.Result
	rules   []chaperone.RuleInfo
	rewrite string
}

// spanAt returns the byte range of the first occurrence of sub in text.
func spanAt(text, sub string) (int, int) {
	i := strings.Index(text, sub)
	if i < 0 {
		panic("fixture: " + sub + " not in text")
	}
	return i, i + len(sub)
}

func newFixture() fixture {
	text := "Café night 🚑: Mr. Álvarez came in again.\r\nSSN 519-04-7732 for my pt, ugh"
	ns, ne := spanAt(text, "Álvarez")
	ss, se := spanAt(text, "519-04-7732")
	return fixture{
		item: chaperone.Item{ID: "t-1", Channel: chaperone.ChannelPost, Text: text},
		res: chaperone.Result{
			ID:       "t-1",
			Decision: chaperone.Block,
			Findings: []chaperone.Finding{
				{Rule: "name-title", Type: chaperone.FindingPHI, SpanType: chaperone.SpanName, Start: ns, End: ne, Score: 0.9,
					Reason: "A patient's name follows a title.", Cite: "HIPAA 45 CFR 164.514(b)(2)(i)(A)"},
				{Rule: "ssn", Type: chaperone.FindingPHI, SpanType: chaperone.SpanSSN, Start: ss, End: se, Score: 0.99,
					Reason: "A Social Security number.", Cite: "HIPAA 45 CFR 164.514(b)(2)(i)(G)"},
				{Rule: "patient-story", Type: chaperone.FindingPatientStory, Score: 0.7,
					Reason: "Describes a specific patient encounter.", Cite: "AMA Code of Medical Ethics 2.3.2"},
			},
			Spans: []chaperone.Span{
				{Start: ns, End: ne, Type: chaperone.SpanName, Rule: "name-title", Score: 0.9},
				{Start: ss, End: se, Type: chaperone.SpanSSN, Rule: "ssn", Score: 0.99},
			},
		},
		rules: []chaperone.RuleInfo{
			{ID: "name-title", Kind: "pattern", Type: "NAME", Reason: "A patient's name follows a title.", Cite: "HIPAA 45 CFR 164.514(b)(2)(i)(A)", Help: "Remove the name."},
			{ID: "ssn", Kind: "pattern", Type: "SSN", Reason: "A Social Security number.", Cite: "HIPAA 45 CFR 164.514(b)(2)(i)(G)"},
			{ID: "patient-story", Kind: "finding", Type: "PATIENT_STORY", Reason: "Describes a specific patient encounter.", Cite: "AMA Code of Medical Ethics 2.3.2", Help: "Get written consent or make it general."},
		},
		rewrite: "Café night 🚑: a patient came in again.\r\nSSN [SSN] for my pt, ugh",
	}
}
