package main

import (
	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/redact"
)

// defaultOperator is the redact operator of scan's suggested rewrite and
// of redact when --operator is not given.
const defaultOperator = "generalize"

// newRedactor returns the redactor for the operator named op with seed.
func newRedactor(op, seed string) (*redact.Redactor, error) {
	o, err := redact.ParseOperator(op)
	if err != nil {
		return nil, usageErrorf("--operator: must be one of mask, tag, surrogate, generalize")
	}
	return redact.New(o, redact.WithSeed(seed)), nil
}

// rewrite returns rd's suggested safe rewrite of the screened item. A
// rewriter panic becomes an internal error that never holds the text.
func rewrite(rd *redact.Redactor, it chaperone.Item, res chaperone.Result) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError("the rewriter failed", r)
		}
	}()
	return rd.Rewrite(it, res), nil
}
