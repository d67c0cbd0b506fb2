package main

import (
	"flag"
	"io"
	"strings"
)

// redactCommand prints the suggested safe rewrite of a text.
var redactCommand = &command{
	name:    "redact",
	args:    "[FILE|-]",
	short:   "print a safe rewrite of a text, identifiers replaced",
	maxArgs: 1,
	long: `
Screen the text in FILE, or on stdin when FILE is "-" or missing, and print
the suggested safe rewrite: every identifier found is replaced with the
--operator, and a reply that confirms a patient relationship becomes a
HIPAA-safe template. The item flags are those of scan.

Operators: mask (*****), tag ([NAME]), surrogate (a consistent realistic
fake; --seed makes the fakes repeatable and should be kept secret) and
generalize (what Safe Harbor lets stay: a year for a date, "90 or older").

Exit status: 0 when the rewrite is printed, 3 bad input or usage, 4
internal error.`,
	setup: func(fs *flag.FlagSet) runner {
		o := &redactOptions{operator: defaultOperator}
		o.item.register(fs)
		fs.Func("operator", "the `operator` that replaces identifiers: mask, tag, surrogate or generalize (default generalize)",
			choice(&o.operator, "mask", "tag", "surrogate", "generalize"))
		fs.StringVar(&o.seed, "seed", "", "`seed` of the surrogate operator's fakes")
		return func(e *env, args []string) int {
			o.item.parsed(fs)
			return o.run(e, args)
		}
	},
}

// redactOptions are the parsed flags of redact.
type redactOptions struct {
	item     itemFlags
	operator string
	seed     string
}

// run runs redact on the input named by args.
func (o *redactOptions) run(e *env, args []string) int {
	path := ""
	if len(args) > 0 {
		path = args[0]
	}
	rd, err := newRedactor(o.operator, o.seed)
	if err != nil {
		return fail(e, err)
	}
	s, err := screenInput(e, &o.item, path)
	if err != nil {
		return fail(e, err)
	}
	out, err := rewrite(rd, s.item, s.res)
	if err != nil {
		return fail(e, err)
	}
	// written as it is, without the copies that adding the newline to it
	// and fmt would make of a long text
	_, err = io.WriteString(e.stdout, out)
	if err == nil && out != "" && !strings.HasSuffix(out, "\n") {
		_, err = io.WriteString(e.stdout, "\n")
	}
	if err != nil {
		return fail(e, internalError("writing the rewrite", err))
	}
	return exitOK
}
