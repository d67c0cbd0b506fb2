package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// runner runs a subcommand once its flags are parsed, with the positional
// arguments, and returns the exit code.
type runner func(e *env, args []string) int

// command is one subcommand. setup registers its flags on fs and returns
// the function that runs it; help calls setup only to print the flags.
type command struct {
	name    string
	args    string // positional arguments, for the synopsis
	short   string // one line, for the command list
	long    string // paragraphs after the synopsis
	minArgs int
	maxArgs int
	setup   func(fs *flag.FlagSet) runner
}

// commands lists the subcommands in the order help shows them. It is set
// in init because help itself reads it.
var commands []*command

func init() {
	commands = []*command{scanCommand, redactCommand, evalCommand, serveCommand, userCommand, identityCommand, keyCommand, auditCommand, backupCommand, restoreCommand, policyCommand, versionCommand, helpCommand}
}

// lookup returns the subcommand called name, or nil.
func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// runCommand parses args for c and runs it. -h prints c's usage to stdout.
func runCommand(e *env, c *command, args []string) int {
	fs := flag.NewFlagSet("chaperone "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := c.setup(fs)
	pos, err := parseArgs(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		writeUsage(e.stdout, c)
		return exitOK
	case err != nil:
		return fail(e, usageErrorf("%s: %v; run 'chaperone help %s' for usage", c.name, err, c.name))
	case len(pos) < c.minArgs:
		return fail(e, usageErrorf("%s: missing %s; run 'chaperone help %s' for usage", c.name, c.args, c.name))
	case len(pos) > c.maxArgs:
		return fail(e, usageErrorf("%s: too many arguments; run 'chaperone help %s' for usage", c.name, c.name))
	}
	return run(e, pos)
}

// parseArgs parses flags that may come before or after the positional
// arguments ("scan post.txt --format json"); "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// writeUsage writes the usage of c: synopsis, description and flags.
func writeUsage(w io.Writer, c *command) {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.setup(fs)
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	synopsis := "chaperone " + c.name
	if hasFlags {
		synopsis += " [flags]"
	}
	if c.args != "" {
		synopsis += " " + c.args
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", synopsis, strings.TrimSpace(c.long))
	if hasFlags {
		fmt.Fprintf(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}
