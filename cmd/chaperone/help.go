package main

import (
	"flag"
	"fmt"
	"io"
)

// helpCommand prints usage.
var helpCommand = &command{
	name:    "help",
	args:    "[COMMAND]",
	short:   "print the usage of every command, or of one",
	maxArgs: 1,
	long:    `Print the usage of every command, or of COMMAND.`,
	setup: func(*flag.FlagSet) runner {
		return func(e *env, args []string) int { return runHelp(e, args) }
	},
}

// runHelp prints the usage of every command, or of the one named in args.
func runHelp(e *env, args []string) int {
	switch len(args) {
	case 0:
		writeOverview(e.stdout)
		for _, c := range commands {
			fmt.Fprintln(e.stdout)
			writeUsage(e.stdout, c)
		}
		return exitOK
	case 1:
		c := lookup(args[0])
		if c == nil {
			return fail(e, usageErrorf("help: unknown command %q", args[0]))
		}
		writeUsage(e.stdout, c)
		return exitOK
	}
	return fail(e, usageErrorf("help: too many arguments"))
}

// writeOverview writes the list of commands and the exit codes.
func writeOverview(w io.Writer) {
	fmt.Fprint(w, `chaperone screens clinicians' social-media texts for patient identifiers
(HIPAA Safe Harbor) and professional-conduct problems before publication.

Usage: chaperone COMMAND [flags] [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, `
Exit status: 0 allow, 1 review, 2 block, 3 bad input or usage, 4 internal error.
Run 'chaperone help COMMAND' for the flags of a command.
`)
}
