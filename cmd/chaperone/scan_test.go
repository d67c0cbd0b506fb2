package main

import (
	"encoding/json"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

// jsonOutput is scan --format json's object.
type jsonOutput struct {
	chaperone.Result
	Rewrite *string `json:"rewrite"`
}

func TestScanJSON(t *testing.T) {
	r := runCLI(t, []byte("Flu shots are in."), "scan", "--format", "json")
	var out jsonOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	if out.Decision.Severity() < 0 || out.Findings == nil || out.Spans == nil || out.Rewrite == nil {
		t.Errorf("missing fields: %s", r.stdout)
	}
}

func TestScanJSONBlock(t *testing.T) {
	needEngine(t)
	r := runCLI(t, []byte(secret), "scan", "--format", "json")
	var out jsonOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	if out.Decision != chaperone.Block || r.code != 2 {
		t.Fatalf("decision %s exit %d, want block 2", out.Decision, r.code)
	}
	ssn := strings.Index(secret, "519")
	found := false
	for _, s := range out.Spans {
		if s.Type == chaperone.SpanSSN && s.Start <= ssn && ssn < s.End {
			found = true
		}
	}
	if !found {
		t.Errorf("no SSN span over byte %d: %+v", ssn, out.Spans)
	}
	if out.Rewrite == nil || strings.Contains(*out.Rewrite, "519-04-7732") {
		t.Errorf("rewrite missing or keeps the SSN: %v", out.Rewrite)
	}
}

// sarifLog is the part of a SARIF log the CLI tests read back.
type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine, StartColumn, ByteOffset, ByteLength int }
				}
			}
		} `json:"results"`
	} `json:"runs"`
}

func TestScanSARIF(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		needEngine bool
		code       int
		results    bool
	}{
		{"allow", "Flu shots are in.", false, 0, false},
		{"block", "Busy night.\n" + secret, true, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needEngine {
				needEngine(t)
			}
			r := runCLI(t, []byte(tt.text), "scan", "--format", "sarif")
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tt.code, r.stderr)
			}
			var log sarifLog
			if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
				t.Fatalf("output is not JSON: %v", err)
			}
			if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") || len(log.Runs) != 1 {
				t.Fatalf("not a SARIF 2.1.0 log with one run: %s", r.stdout)
			}
			run := log.Runs[0]
			if run.Tool.Driver.Name != "chaperone" || run.ColumnKind != "unicodeCodePoints" {
				t.Errorf("driver %q columnKind %q", run.Tool.Driver.Name, run.ColumnKind)
			}
			if got := len(run.Results) > 0; got != tt.results {
				t.Fatalf("results present = %v, want %v", got, tt.results)
			}
			for _, res := range run.Results {
				if res.RuleID == "" || res.Message.Text == "" || len(res.Locations) != 1 {
					t.Errorf("incomplete result: %+v", res)
				}
				if res.Level != "error" && res.Level != "warning" {
					t.Errorf("level %q in a blocked item", res.Level)
				}
				if strings.Contains(res.Message.Text, "519-04-7732") {
					t.Errorf("message quotes the text: %q", res.Message.Text)
				}
				if uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "stdin" {
					t.Errorf("uri %q, want stdin", uri)
				}
			}
			if tt.results {
				ssnLine := false
				for _, res := range run.Results {
					reg := res.Locations[0].PhysicalLocation.Region
					if reg.StartLine == 2 && reg.ByteLength > 0 && reg.ByteOffset >= len("Busy night.\n") {
						ssnLine = true
					}
				}
				if !ssnLine {
					t.Errorf("no result located on line 2: %s", r.stdout)
				}
			}
		})
	}
}

func TestScanColor(t *testing.T) {
	tests := []struct {
		flag string
		want bool
	}{
		{"always", true}, {"never", false}, {"auto", false}, // auto: stdout is a pipe
	}
	for _, tt := range tests {
		r := runCLI(t, []byte("Flu shots are in."), "scan", "--color", tt.flag)
		if got := strings.Contains(r.stdout, "\x1b["); got != tt.want {
			t.Errorf("--color %s: escapes = %v, want %v", tt.flag, got, tt.want)
		}
	}
}
