package redact

import (
	"encoding/json"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestParseOperator(t *testing.T) {
	tests := []struct {
		in   string
		want Operator
		err  bool
	}{
		{"mask", Mask, false},
		{"tag", Tag, false},
		{"surrogate", Surrogate, false},
		{"generalize", Generalize, false},
		{"generalise", Generalize, false},
		{" Generalise\n", Generalize, false},
		{"TAG", Tag, false},
		{"", 0, true},
		{"redact", 0, true},
		{"masks", 0, true},
		{"Operator(2)", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseOperator(tt.in)
		if tt.err {
			if err == nil {
				t.Errorf("ParseOperator(%q) = %v, want an error", tt.in, got)
				continue
			}
			if !strings.Contains(err.Error(), "\""+tt.in+"\"") && !strings.Contains(err.Error(), strings.TrimSpace(tt.in)) {
				t.Errorf("ParseOperator(%q) error %q does not name the value", tt.in, err)
			}
			if chaperone.CodeOf(err) != chaperone.ErrInvalid {
				t.Errorf("ParseOperator(%q) error code %q, want %q", tt.in, chaperone.CodeOf(err), chaperone.ErrInvalid)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseOperator(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestOperatorString(t *testing.T) {
	for op, want := range map[Operator]string{Mask: "mask", Tag: "tag", Surrogate: "surrogate", Generalize: "generalize", 7: "Operator(7)", -1: "Operator(-1)"} {
		if got := op.String(); got != want {
			t.Errorf("Operator(%d).String() = %q, want %q", int(op), got, want)
		}
	}
	for _, op := range []Operator{Mask, Tag, Surrogate, Generalize} {
		back, err := ParseOperator(op.String())
		if err != nil || back != op {
			t.Errorf("ParseOperator(%v.String()) = %v, %v", op, back, err)
		}
	}
}

func TestOperatorJSON(t *testing.T) {
	var cfg struct{ Op Operator }
	if err := json.Unmarshal([]byte(`{"Op":"generalise"}`), &cfg); err != nil || cfg.Op != Generalize {
		t.Fatalf("unmarshal = %v, %v", cfg.Op, err)
	}
	b, err := json.Marshal(cfg)
	if err != nil || string(b) != `{"Op":"generalize"}` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	if err := json.Unmarshal([]byte(`{"Op":"blur"}`), &cfg); err == nil || !strings.Contains(err.Error(), "blur") {
		t.Errorf("unmarshal of a bad name: %v", err)
	}
	if _, err := json.Marshal(struct{ Op Operator }{9}); err == nil {
		t.Error("marshal of Operator(9) succeeded")
	}
}

func TestNewUnknownOperatorTags(t *testing.T) {
	r := New(Operator(42))
	if r.Operator() != Tag {
		t.Fatalf("New(42).Operator() = %v, want tag", r.Operator())
	}
	if got := one(r, "call Ana now", "Ana", chaperone.SpanName); got != "call [NAME] now" {
		t.Errorf("got %q", got)
	}
}
