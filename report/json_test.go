package report

import (
	"bytes"
	"encoding/json"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestJSONGolden(t *testing.T) {
	fx := newFixture()
	tests := []struct {
		golden  string
		res     chaperone.Result
		rewrite string
	}{
		{"json_block.golden", fx.res, fx.rewrite},
		{"json_allow.golden", chaperone.Result{ID: "t-2", Decision: chaperone.Allow}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, tt.res, tt.rewrite); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, buf.Bytes())
		})
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, chaperone.Result{ID: "x", Decision: chaperone.Allow}, ""); err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"id": `"x"`, "decision": `"allow"`, "findings": `[]`, "spans": `[]`, "rewrite": `""`} {
		if got := string(m[k]); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
}
