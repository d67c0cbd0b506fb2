package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestSARIFGolden(t *testing.T) {
	fx := newFixture()
	tests := []struct {
		golden  string
		rules   []chaperone.RuleInfo
		file    string
		results []chaperone.Result
	}{
		{"sarif_block.sarif.golden", fx.rules, "posts/draft 1.txt", []chaperone.Result{fx.res}},
		{"sarif_empty.sarif.golden", nil, "stdin", []chaperone.Result{{Decision: chaperone.Allow}}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := SARIF(&buf, tt.rules, tt.file, fx.item.Text, tt.results); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, buf.Bytes())
		})
	}
}

// sarifDoc is the part of a SARIF log the tests read back.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name           string `json:"name"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string `json:"id"`
					ShortDescription struct{ Text string }
					Help             *struct{ Text string }
					Properties       struct{ Tags []string }
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           *struct {
						StartLine, StartColumn, EndLine, EndColumn int
						ByteOffset, ByteLength                     *int
					}
				}
			}
		} `json:"results"`
	} `json:"runs"`
}

// TestSARIFFields unmarshals the log and checks the fields SARIF 2.1.0 and
// code-scanning tools require, and that each region's line/column and byte
// range select the same text.
func TestSARIFFields(t *testing.T) {
	fx := newFixture()
	var buf bytes.Buffer
	if err := SARIF(&buf, fx.rules, "draft.txt", fx.item.Text, []chaperone.Result{fx.res}); err != nil {
		t.Fatal(err)
	}
	var doc sarifDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if doc.Schema != SARIFSchema || doc.Version != "2.1.0" {
		t.Errorf("$schema, version = %q, %q", doc.Schema, doc.Version)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind = %q", run.ColumnKind)
	}
	d := run.Tool.Driver
	if d.Name != "chaperone" || d.InformationURI == "" {
		t.Errorf("driver = %q, %q", d.Name, d.InformationURI)
	}
	if len(d.Rules) != len(fx.rules) {
		t.Fatalf("%d rules, want %d", len(d.Rules), len(fx.rules))
	}
	for i, r := range d.Rules {
		if r.ID != fx.rules[i].ID || r.ShortDescription.Text != fx.rules[i].Reason || r.Help == nil ||
			!strings.Contains(r.Help.Text, fx.rules[i].Cite) || len(r.Properties.Tags) == 0 {
			t.Errorf("rule %d = %+v", i, r)
		}
	}
	if len(run.Results) != len(fx.res.Findings) {
		t.Fatalf("%d results, want %d", len(run.Results), len(fx.res.Findings))
	}
	wantLevel := map[string]string{"name-title": "error", "ssn": "error", "patient-story": "warning"}
	text := fx.item.Text
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, r := range run.Results {
		f := fx.res.Findings[i]
		if r.RuleID != f.Rule || r.RuleIndex == nil || d.Rules[*r.RuleIndex].ID != f.Rule {
			t.Errorf("result %d: ruleId %q ruleIndex %v", i, r.RuleID, r.RuleIndex)
		}
		if r.Level != wantLevel[f.Rule] {
			t.Errorf("result %d: level %q, want %q", i, r.Level, wantLevel[f.Rule])
		}
		if r.Message.Text == "" {
			t.Errorf("result %d: empty message", i)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d: %d locations", i, len(r.Locations))
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != "draft.txt" {
			t.Errorf("result %d: uri %q", i, loc.ArtifactLocation.URI)
		}
		reg := loc.Region
		if reg == nil || reg.ByteOffset == nil || reg.ByteLength == nil {
			t.Fatalf("result %d: region %+v", i, reg)
		}
		start, end := *reg.ByteOffset, *reg.ByteOffset+*reg.ByteLength
		if !f.HasSpan() {
			if start != 0 || end != len(text) {
				t.Errorf("result %d: item-level region %d..%d, want the whole text", i, start, end)
			}
			continue
		}
		if start != f.Start || end != f.End {
			t.Errorf("result %d: bytes %d..%d, want %d..%d", i, start, end, f.Start, f.End)
		}
		if strings.Contains(r.Message.Text, text[f.Start:f.End]) {
			t.Errorf("result %d: message quotes the matched text", i)
		}
		// Single-line spans: the code-point columns must select the same text.
		if reg.StartLine != reg.EndLine {
			t.Fatalf("result %d: fixture span crosses lines", i)
		}
		line := []rune(lines[reg.StartLine-1])
		if got := string(line[reg.StartColumn-1 : reg.EndColumn-1]); got != text[start:end] {
			t.Errorf("result %d: columns select %q, bytes select %q", i, got, text[start:end])
		}
	}
	if !utf8.Valid(buf.Bytes()) {
		t.Error("SARIF output is not UTF-8")
	}
}

func TestFindingLevel(t *testing.T) {
	tests := []struct {
		t    chaperone.FindingType
		d    chaperone.Decision
		want string
	}{
		{chaperone.FindingPHI, chaperone.Block, "error"},
		{chaperone.FindingRelationshipConfirmed, chaperone.Block, "error"},
		{chaperone.FindingPatientStory, chaperone.Block, "warning"},
		{chaperone.FindingPHI, chaperone.Review, "warning"},
		{chaperone.FindingMisinformation, chaperone.Review, "warning"},
		{chaperone.FindingPHI, chaperone.Allow, "note"},
		{"CUSTOM", chaperone.Block, "warning"},
	}
	for _, tt := range tests {
		if got := findingLevel(tt.t, tt.d); got != tt.want {
			t.Errorf("findingLevel(%s, %s) = %s, want %s", tt.t, tt.d, got, tt.want)
		}
	}
}

func TestFileURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"post.txt", "post.txt"},
		{"dir/my post.txt", "dir/my%20post.txt"},
		{"/tmp/a#b.txt", "file:///tmp/a%23b.txt"},
		{"https://example.com/x", "https://example.com/x"},
	}
	for _, tt := range tests {
		if got := fileURI(tt.in); got != tt.want {
			t.Errorf("fileURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkSARIF(b *testing.B) {
	fx := newFixture()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := SARIF(&buf, fx.rules, "draft.txt", fx.item.Text, []chaperone.Result{fx.res}); err != nil {
			b.Fatal(err)
		}
	}
}
