package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

func writeRules(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "org.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOrgRules: an organisation's file adds a pattern rule, overrides a
// rule's score and disables another.
func TestOrgRules(t *testing.T) {
	p := writeRules(t, `
[[rule]]
id = "org-mrn"
kind = "pattern"
type = "MRN"
reason = "Gives one of our medical record numbers."
cite = "HIPAA 45 CFR 164.514(b)(2)(i)(H) medical record numbers"
regex = ['''\b(?P<v>XQ-\d{6})\b''']
match = ["chart [[XQ-004829]] is ready"]
nomatch = ["XQ-12 is too short"]

[[rule]]
id = "date-holiday"
enabled = false

[[rule]]
id = "ssn"
score = 0.6
`)
	e, err := NewWithRules(p)
	if err != nil {
		t.Fatal(err)
	}
	res := e.Screen(chaperone.Item{Text: "chart XQ-004829 is ready for pickup"})
	if len(res.Spans) != 1 || res.Spans[0].Rule != "org-mrn" || res.Decision != chaperone.Block {
		t.Errorf("added rule: got %+v", res)
	}
	if e.Rule("date-holiday") != nil {
		t.Error("disabled rule still enabled")
	}
	if r := e.Rule("ssn"); r == nil || r.ScoreOr(0) != 0.6 || len(r.Regex) == 0 {
		t.Errorf("override lost fields: %+v", r)
	}
	res = e.Screen(chaperone.Item{Text: "delivered a baby for my pt on Thanksgiving"})
	for _, s := range res.Spans {
		if s.Rule == "date-holiday" {
			t.Error("disabled rule reported a span")
		}
	}
}

// TestOrgRuleErrors: errors name the rule and the key.
func TestOrgRuleErrors(t *testing.T) {
	tests := []struct{ body, want string }{
		{`[[rule]]
id = "x"
kind = "pattern"
type = "NOPE"
reason = "r"
cite = "c"
regex = ['a']`, `rule x: key "type"`},
		{`[[rule]]
id = "y"
kind = "pattern"
type = "MRN"
reason = "r"
cite = "c"
regex = ['(']`, `rule y: key "regex"`},
		{`[[rule]]
id = "z"
kind = "pattern"
type = "MRN"
cite = "c"
regex = ['a']`, `rule z: key "reason"`},
		{`[[rule]]
id = "w"
kind = "magic"`, `rule w: key "kind"`},
		{`[[rule]]
id = "v"
colour = "red"`, `unknown key "rule.colour"`},
		{`[[rule]`, `org.toml`},
		{`[[rule]]
id = "ssn"
score = 2.0`, `rule ssn: key "score"`},
	}
	for _, tt := range tests {
		_, err := NewWithRules(writeRules(t, tt.body))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("want error containing %q, got %v", tt.want, err)
		}
	}
	if _, err := NewWithRules(filepath.Join(t.TempDir(), "missing.toml")); err == nil {
		t.Error("missing file accepted")
	}
}

// FuzzRuleFile: any rule file gives an engine or an error, never a panic.
func FuzzRuleFile(f *testing.F) {
	f.Add("[[rule]]\nid = \"ssn\"\nscore = 0.5\n")
	f.Add("[[rule]]\nid = \"a\"\nkind = \"phrase\"\ntype = \"UNPROFESSIONAL\"\nreason = \"r\"\ncite = \"c\"\nregex = ['x+']\n")
	f.Add("[lists]\nkinship = [\"mum\"]\n[cues]\nstory_time = ['\\btonight\\b']\n")
	base, err := loadDefaultRules()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 4096 {
			return
		}
		rf, err := parseRuleFile([]byte(body), "fuzz.toml")
		if err != nil {
			return
		}
		e, err := newEngine(base, rf)
		if err != nil {
			return
		}
		e.Screen(chaperone.Item{Text: "Mr. K in bed 4, DOB 3/14/1931, call 555-440-2201"})
	})
}
