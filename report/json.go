package report

import (
	"encoding/json"
	"io"

	chaperone "github.com/chaperone-project/chaperone"
)

// jsonResult is the JSON shape of one screened item: the Result fields and
// the suggested rewrite.
type jsonResult struct {
	chaperone.Result
	Rewrite string `json:"rewrite"`
}

// JSON writes res to w as one indented JSON object: the fields of
// chaperone.Result (id, decision, findings, spans, with UTF-8 byte offsets)
// plus "rewrite", the suggested safe rewrite ("" when there is none).
// Empty findings and spans are written as [], never null.
func JSON(w io.Writer, res chaperone.Result, rewrite string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonResult{Result: normalize(res), Rewrite: rewrite})
}
