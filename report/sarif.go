package report

import (
	"io"
	"net/url"
	"path/filepath"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// SARIF constants.
const (
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	SARIFVersion = "2.1.0"
	// SARIFColumnKind is how SARIF columns are counted: chaperone counts
	// Unicode code points, as Position does, and says so on the run.
	SARIFColumnKind = "unicodeCodePoints"
	toolName        = "chaperone"
	toolURI         = "https://github.com/chaperone-project/chaperone"
)

// SARIF writes a SARIF 2.1.0 log with one run to w: the tool with the given
// rules, and one result per finding of results, all located in the artifact
// file whose content is text.
//
// A finding with a span gets a region with 1-based lines and code-point
// columns (endColumn exclusive) and the byte offset and length; an
// item-level finding gets the region of the whole text. Levels follow the
// guideline: findings that block (PHI, RELATIONSHIP_CONFIRMED) are "error",
// others "warning", never above the item's decision ("note" when allowed).
// Messages are the rule's reason and never contain the matched text.
//
// The log is written as it is encoded, result by result; on an encoding
// error (a score that is not a number) w may hold the start of it.
func SARIF(w io.Writer, rules []chaperone.RuleInfo, file string, text string, results []chaperone.Result) error {
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: toolName, InformationURI: toolURI, Rules: []sarifRule{}}},
		ColumnKind: SARIFColumnKind,
	}
	index := make(map[string]int, len(rules))
	reasons := make(map[string]string, len(rules))
	for i, r := range rules {
		index[r.ID] = i
		reasons[r.ID] = r.Reason
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(r))
	}

	uri := fileURI(file)
	lines := NewLines(text)
	whole := textRegion(lines, 0, len(text))
	// resultOf returns the SARIF result of finding f of res.
	resultOf := func(res *chaperone.Result, f *chaperone.Finding) *sarifResult {
		sr := &sarifResult{
			RuleID:  nonEmpty(f.Rule, string(f.Type)),
			Level:   findingLevel(f.Type, res.Decision),
			Message: sarifMessage{Text: findingMessage(*f, reasons[f.Rule])},
			Properties: map[string]any{
				"findingType": string(f.Type),
				"score":       f.Score,
			},
		}
		if i, ok := index[f.Rule]; ok {
			sr.RuleIndex = &i
		}
		if f.SpanType != "" {
			sr.Properties["spanType"] = string(f.SpanType)
		}
		if f.Cite != "" {
			sr.Properties["cite"] = f.Cite
		}
		if res.ID != "" {
			sr.Properties["itemId"] = res.ID
		}
		region := whole
		if spanFinding(*f, text) {
			region = textRegion(lines, f.Start, f.End)
		}
		sr.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: uri},
			Region:           &region,
		}}}
		return sr
	}

	// The log is written result by result, as json.Encoder would write
	// sarifLog{Schema, Version, []sarifRun{run}} whole with run.Results
	// filled: a long text has tens of thousands of them.
	n := 0
	for _, res := range results {
		n += len(res.Findings)
	}
	s := newJSONStream(w)
	s.raw("{")
	s.key(1, "$schema", true)
	s.value(1, SARIFSchema)
	s.key(1, "version", false)
	s.value(1, SARIFVersion)
	s.key(1, "runs", false)
	err := s.array(1, 1, func(int) error {
		s.raw("{")
		s.key(3, "tool", true)
		if err := s.value(3, run.Tool); err != nil {
			return err
		}
		s.key(3, "columnKind", false)
		s.value(3, run.ColumnKind)
		s.key(3, "results", false)
		ri, fi := 0, 0 // the next finding is results[ri].Findings[fi]
		err := s.array(3, n, func(int) error {
			for fi == len(results[ri].Findings) {
				ri, fi = ri+1, 0
			}
			fi++
			return s.value(4, resultOf(&results[ri], &results[ri].Findings[fi-1]))
		})
		s.raw("\n" + indent(2) + "}")
		return err
	})
	if err != nil {
		return err
	}
	s.raw("\n}\n")
	return s.flush()
}

// sarifRuleOf describes rule r for the SARIF driver.
func sarifRuleOf(r chaperone.RuleInfo) sarifRule {
	var help []string
	if r.Cite != "" {
		help = append(help, r.Cite)
	}
	if r.Help != "" {
		help = append(help, r.Help)
	}
	sr := sarifRule{
		ID:                   r.ID,
		ShortDescription:     sarifMessage{Text: nonEmpty(r.Reason, r.Type)},
		DefaultConfiguration: sarifConfig{Level: findingLevel(ruleFindingType(r.Type), chaperone.Block)},
		Properties:           sarifRuleProps{Tags: ruleTags(r)},
	}
	if len(help) > 0 {
		sr.Help = &sarifMessage{Text: strings.Join(help, "\n\n")}
	}
	return sr
}

// ruleFindingType returns the finding type a rule reporting t raises: PHI
// for a span type, t itself for a finding type.
func ruleFindingType(t string) chaperone.FindingType {
	if chaperone.SpanType(t).Valid() {
		return chaperone.FindingPHI
	}
	return chaperone.FindingType(t)
}

// ruleTags returns the SARIF tags of a rule: its kind, the type it
// reports, and "phi" or "conduct".
func ruleTags(r chaperone.RuleInfo) []string {
	tags := []string{}
	for _, t := range []string{r.Kind, r.Type} {
		if t != "" && !containsString(tags, t) {
			tags = append(tags, t)
		}
	}
	switch ft := ruleFindingType(r.Type); {
	case ft == chaperone.FindingPHI:
		tags = append(tags, "phi")
	case ft.Valid():
		tags = append(tags, "conduct")
	}
	return tags
}

// findingLevel returns the SARIF level of a finding of type t in an item
// decided d: "error" for findings that block, "warning" for those that need
// review, capped by the item's decision, "note" when the item is allowed.
func findingLevel(t chaperone.FindingType, d chaperone.Decision) string {
	sev := chaperone.Review.Severity()
	if t == chaperone.FindingPHI || t == chaperone.FindingRelationshipConfirmed {
		sev = chaperone.Block.Severity()
	}
	if ds := d.Severity(); ds >= 0 && ds < sev {
		sev = ds
	}
	switch sev {
	case chaperone.Block.Severity():
		return "error"
	case chaperone.Review.Severity():
		return "warning"
	}
	return "note"
}

// findingMessage returns the message of a finding: its reason, else the
// rule's, else its type. Reasons never quote the matched text.
func findingMessage(f chaperone.Finding, ruleReason string) string {
	msg := nonEmpty(f.Reason, ruleReason)
	if msg == "" {
		msg = string(f.Type) + " finding"
		if f.SpanType != "" {
			msg = string(f.Type) + " finding: " + string(f.SpanType)
		}
	}
	return msg
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// textRegion returns the SARIF region of bytes [start, end) of the text.
func textRegion(lines *Lines, start, end int) sarifRegion {
	s, e := lines.Position(start), lines.Position(end)
	return sarifRegion{
		StartLine: s.Line, StartColumn: s.Column,
		EndLine: e.Line, EndColumn: e.Column,
		ByteOffset: start, ByteLength: end - start,
	}
}

// fileURI returns the artifact URI of a file name: a relative path stays a
// relative URI reference (escaped, with forward slashes), an absolute path
// becomes a file:// URI, and something that already is a URI is kept.
func fileURI(file string) string {
	if strings.Contains(file, "://") {
		return file
	}
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // Windows: C:/x -> /C:/x
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// The SARIF 2.1.0 objects chaperone writes; the field names are the spec's.
// SARIF writes a sarifLog piece by piece, in the order of these fields.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		ShortDescription     sarifMessage   `json:"shortDescription"`
		Help                 *sarifMessage  `json:"help,omitempty"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           sarifRuleProps `json:"properties"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifRuleProps struct {
		Tags []string `json:"tags"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID     string          `json:"ruleId"`
		RuleIndex  *int            `json:"ruleIndex,omitempty"`
		Level      string          `json:"level"`
		Message    sarifMessage    `json:"message"`
		Locations  []sarifLocation `json:"locations"`
		Properties map[string]any  `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
		ByteOffset  int `json:"byteOffset"`
		ByteLength  int `json:"byteLength"`
	}
)
