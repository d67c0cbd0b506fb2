package redact

import (
	"strconv"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestGeneralize(t *testing.T) {
	tests := []struct {
		typ       chaperone.SpanType
		text, sub string
		want      string
	}{
		// AGE: Safe Harbor's category "90 or older", rendered to fit.
		{"AGE", "At 96, your grandmother Rose", "96", "At 90 or older, your grandmother Rose"},
		{"AGE", "a 92-year-old man", "92-year-old", "a 90-plus-year-old man"},
		{"AGE", "a 103-year-old woman", "103-year-old", "a 90-plus-year-old woman"},
		{"AGE", "94yo F with CHF", "94yo", "90-plus-year-old F with CHF"},
		{"AGE", "94 y/o F", "94 y/o", "90-plus-year-old F"},
		{"AGE", "a 92 year old man", "92 year old", "a 90-plus-year-old man"},
		{"AGE", "she is 92 years old", "92 years old", "she is 90 or more years old"},
		{"AGE", "he is 97 years of age", "97 years of age", "he is 90 or more years of age"},
		{"AGE", "in her late nineties", "late nineties", "in her 90s or older"},
		{"AGE", "in his 90s", "90s", "in his 90s or older"},
		{"AGE", "she turned 95 today", "turned 95", "she turned 90 or older today"},
		{"AGE", "she's over 100!", "over 100", "she's 90 or older!"},
		{"AGE", "Aged 91, still sharp", "Aged 91", "Aged 90 or older, still sharp"},
		{"AGE", "a ninety-two-year-old", "ninety-two-year-old", "a 90-plus-year-old"},
		{"AGE", "our centenarian", "centenarian", "our 90 or older"},
		{"AGE", "age 99999999999999999999", "99999999999999999999", "age 90 or older"},
		{"AGE", "she is 89", "89", "she is [AGE]"},
		{"AGE", "the 45-year-old", "45-year-old", "the [AGE]"},
		{"AGE", "very old", "very old", "[AGE]"},
		// Renderings render to themselves.
		{"AGE", "x 90 or older", "90 or older", "x 90 or older"},
		{"AGE", "x 90-plus-year-old", "90-plus-year-old", "x 90-plus-year-old"},
		{"AGE", "x 90 or more years old", "90 or more years old", "x 90 or more years old"},
		{"AGE", "x 90s or older", "90s or older", "x 90s or older"},
		// DATE: the year alone, when there is one and it reveals no age over 89.
		{"DATE", "seen 3/14/2024.", "3/14/2024", "seen 2024."},
		{"DATE", "seen 3/14/24.", "3/14/24", "seen 2024."},
		{"DATE", "born 1/2/70", "1/2/70", "born 1970"},
		{"DATE", "on 2024-03-14", "2024-03-14", "on 2024"},
		{"DATE", "Christmas Eve 2023", "Christmas Eve 2023", "2023"},
		{"DATE", "Christmas '23", "Christmas '23", "2023"},
		{"DATE", "born 11/02/1947", "11/02/1947", "born 1947"},
		{"DATE", "born 1937", "1937", "born 1937"},               // at most 89 in 2026
		{"DATE", "born 12/31/1936", "12/31/1936", "born [DATE]"}, // 90 for a day of 2026
		{"DATE", "born 1935", "1935", "born [DATE]"},
		{"DATE", "seen 3/14", "3/14", "seen [DATE]"},
		{"DATE", "on March 14th", "March 14th", "on [DATE]"},
		{"DATE", "in June", "June", "in [DATE]"},
		{"DATE", "from 12/30/2023 to 1/2/2024", "12/30/2023 to 1/2/2024", "from [DATE]"},
		{"DATE", "from 1/2/2024 to 2/2/2024", "1/2/2024 to 2/2/2024", "from 2024"},
		{"DATE", "at 0830", "0830", "at [DATE]"},
		{"DATE", "x [DATE]", "[DATE]", "x [DATE]"},
		// LOCATION: a ZIP code keeps its 3-digit prefix, 000 when restricted.
		{"LOCATION", "lives in 02138.", "02138", "lives in 021."},
		{"LOCATION", "zip 02138-4321", "02138-4321", "zip 021"},
		{"LOCATION", "zip 03601", "03601", "zip 000"},
		{"LOCATION", "zip 89301-1234", "89301-1234", "zip 000"},
		{"LOCATION", "zip 021", "021", "zip 021"},
		{"LOCATION", "zip 036", "036", "zip 000"},
		{"LOCATION", "zip 0213", "0213", "zip [LOCATION]"},
		{"LOCATION", "on Maple Ave", "Maple Ave", "on [LOCATION]"},
		// The rest is tagged.
		{"NAME", "Hi Lauren!", "Lauren", "Hi [NAME]!"},
		{"PHONE", "call 555-771-2093", "555-771-2093", "call [PHONE]"},
		{"FACILITY", "at Mercy General", "Mercy General", "at [FACILITY]"},
		{"MRN", "MRN 0048-2913", "0048-2913", "MRN [MRN]"},
	}
	r := New(Generalize, WithReferenceYear(testYear))
	for _, tt := range tests {
		if got := one(r, tt.text, tt.sub, tt.typ); got != tt.want {
			t.Errorf("generalize %s %q = %q, want %q", tt.typ, tt.sub, got, tt.want)
		}
	}
}

func TestGeneralizeKeepsSurroundingSpace(t *testing.T) {
	r := New(Generalize, WithReferenceYear(testYear))
	if got := one(r, "a 96 b", " 96 ", "AGE"); got != "a 90 or older b" {
		t.Errorf("got %q", got)
	}
}

func TestGeneralizeReferenceYear(t *testing.T) {
	const text = "born 1/2/1950"
	if got := one(New(Generalize, WithReferenceYear(2030)), text, "1/2/1950", "DATE"); got != "born 1950" {
		t.Errorf("in 2030: %q", got)
	}
	if got := one(New(Generalize, WithReferenceYear(2040)), text, "1/2/1950", "DATE"); got != "born [DATE]" {
		t.Errorf("in 2040: %q", got)
	}
}

func TestGeneralizeDefaultYearIsNow(t *testing.T) {
	old := strconv.Itoa(time.Now().Year() - 90)
	if got := one(New(Generalize), "born "+old, old, "DATE"); got != "born [DATE]" {
		t.Errorf("born %s: %q", old, got)
	}
	recent := strconv.Itoa(time.Now().Year() - 89)
	if got := one(New(Generalize, WithReferenceYear(0)), "born "+recent, recent, "DATE"); got != "born "+recent {
		t.Errorf("born %s: %q", recent, got)
	}
}

func TestRestrictedZIP3Replaceable(t *testing.T) {
	saved := RestrictedZIP3
	t.Cleanup(func() { RestrictedZIP3 = saved })
	RestrictedZIP3 = map[string]bool{"021": true}
	r := New(Generalize)
	if got := one(r, "zip 02138", "02138", "LOCATION"); got != "zip 000" {
		t.Errorf("replaced list: 02138 -> %q", got)
	}
	if got := one(r, "zip 03601", "03601", "LOCATION"); got != "zip 036" {
		t.Errorf("replaced list: 03601 -> %q", got)
	}
}

func TestRestrictedZIP3Default(t *testing.T) {
	want := []string{"036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893"}
	if len(RestrictedZIP3) != len(want) {
		t.Errorf("%d restricted prefixes, want %d", len(RestrictedZIP3), len(want))
	}
	for _, p := range want {
		if !RestrictedZIP3[p] {
			t.Errorf("%s is not restricted", p)
		}
	}
}
