package redact

import (
	"fmt"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// Operator says how a span is replaced. The zero value is Mask.
type Operator int

// The operators, in the order of their numeric values.
const (
	Mask       Operator = iota // every non-space rune becomes the mask rune
	Tag                        // "[TYPE]"
	Surrogate                  // a consistent realistic fake of the same type
	Generalize                 // the Safe Harbor generalisation, or Tag
)

var operatorNames = [...]string{Mask: "mask", Tag: "tag", Surrogate: "surrogate", Generalize: "generalize"}

// ParseOperator returns the operator named s: "mask", "tag", "surrogate",
// "generalize" or "generalise", in any case and with surrounding space. It is
// for flags, configuration files and request parameters; the error, of code
// chaperone.ErrInvalid, names the bad value.
func ParseOperator(s string) (Operator, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "generalise" {
		return Generalize, nil
	}
	for op, n := range operatorNames {
		if name == n {
			return Operator(op), nil
		}
	}
	return 0, chaperone.Errorf(chaperone.ErrInvalid,
		"redact: unknown operator %q (want mask, tag, surrogate or generalize)", s)
}

// String returns the operator's name as ParseOperator reads it, or
// "Operator(n)" for a value that is no operator.
func (o Operator) String() string {
	if o.valid() {
		return operatorNames[o]
	}
	return fmt.Sprintf("Operator(%d)", int(o))
}

func (o Operator) valid() bool { return o >= 0 && int(o) < len(operatorNames) }

// MarshalText writes the operator's name, so that JSON, TOML and flag.TextVar
// carry operators by name.
func (o Operator) MarshalText() ([]byte, error) {
	if !o.valid() {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "redact: unknown operator %d", int(o))
	}
	return []byte(o.String()), nil
}

// UnmarshalText reads an operator's name as ParseOperator does.
func (o *Operator) UnmarshalText(b []byte) error {
	op, err := ParseOperator(string(b))
	if err != nil {
		return err
	}
	*o = op
	return nil
}
