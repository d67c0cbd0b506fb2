package main

import (
	"flag"
	"fmt"
	"os"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/policy"
)

// policyCommand prints the default routing policy or checks a policy file.
var policyCommand = &command{
	name:    "policy",
	args:    "default | check FILE",
	short:   "print the default routing policy, or check an organisation's",
	minArgs: 1,
	maxArgs: 2,
	long: `
A routing policy sends screened drafts to review or blocks them beyond what
the screen decides, with CEL expressions over the screen result, the author,
the account and the channel. It can only tighten the screen's decision.

"policy default" prints the shipped policy, a starting point for your own.
"policy check FILE" compiles every route, runs its match and no_match
examples and lists the routes; errors name the route and the key.

Exit status: 0 valid, 3 invalid file or usage.`,
	setup: func(*flag.FlagSet) runner {
		return func(e *env, args []string) int {
			switch {
			case args[0] == "default" && len(args) == 1:
				if _, err := e.stdout.Write(policy.DefaultFile()); err != nil {
					return fail(e, internalError("writing the policy", err))
				}
				return exitOK
			case args[0] == "check" && len(args) == 2:
				return checkPolicy(e, args[1])
			}
			return fail(e, usageErrorf("policy: want 'policy default' or 'policy check FILE'; run 'chaperone help policy' for usage"))
		}
	},
}

// checkPolicy validates the policy file at path and lists its routes.
func checkPolicy(e *env, path string) int {
	st, err := os.Stat(path)
	if err != nil {
		return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "policy file", Err: err})
	}
	if st.Size() > policy.MaxFileBytes {
		return fail(e, chaperone.Errorf(chaperone.ErrTooLarge, "policy file %s is %d bytes; the limit is %d", path, st.Size(), policy.MaxFileBytes))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "policy file", Err: err})
	}
	p, err := policy.Parse(b)
	if err != nil {
		return fail(e, fmt.Errorf("%s: %w", path, err))
	}
	for _, r := range p.Routes() {
		fmt.Fprintf(e.stdout, "%-8s %s  when %s\n", r.To, r.Name, r.When)
	}
	fmt.Fprintf(e.stdout, "ok: %d routes\n", len(p.Routes()))
	return exitOK
}
