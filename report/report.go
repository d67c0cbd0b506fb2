// Package report writes the outcome of a screen in the formats chaperone
// offers: human text with the identifiers highlighted, JSON, and SARIF 2.1.0
// for code-scanning dashboards. It also turns the engine's UTF-8 byte
// offsets into the line and column numbers people and tools read.
//
// The CLI (cmd/chaperone) is its main caller; any Go program that holds a
// chaperone.Result may use it. No writer here ever prints the matched text
// outside the highlighted copy of the text that Text shows.
package report

import (
	chaperone "github.com/chaperone-project/chaperone"
)

// spanFinding reports whether f points at a usable, non-empty byte range
// of text. An image's findings have a span type but no range: the
// identifier is in the image's metadata, not in a text.
func spanFinding(f chaperone.Finding, text string) bool {
	return f.HasSpan() && f.Start < f.End && validRange(f.Start, f.End, len(text))
}

// validRange reports whether [start, end) is a range within n bytes.
func validRange(start, end, n int) bool {
	return 0 <= start && start <= end && end <= n
}

// normalize returns res with nil slices made empty, so that JSON shows []
// rather than null.
func normalize(res chaperone.Result) chaperone.Result {
	if res.Findings == nil {
		res.Findings = []chaperone.Finding{}
	}
	if res.Spans == nil {
		res.Spans = []chaperone.Span{}
	}
	return res
}
