// Command chaperone screens clinicians' social-media texts for patient
// identifiers (HIPAA Safe Harbor) and professional-conduct problems before
// they are published, the way gitleaks screens commits for secrets.
//
//	chaperone scan [flags] [FILE|-]      screen a text, or a JSON Lines batch
//	chaperone redact [flags] [FILE|-]    print a safe rewrite of a text
//	chaperone eval [flags] SET.jsonl     score the engine on a labelled set
//	chaperone audit verify [flags]       verify the service's audit log
//	chaperone key status|rotate [flags]  show, rotate and drop the keys of text at rest
//	chaperone version
//	chaperone help [COMMAND]
//
// Exit codes: 0 allow, 1 review, 2 block, 3 bad input or usage, 4 internal
// error (audit verify: 0 intact, 2 broken, 3 unreadable). Errors go to stderr as "chaperone: ..." and never quote the text.
//
// This package is wiring only: the engine is detect, the rewriter redact,
// the output formats report and the scoring eval. main.go dispatches to one
// file per subcommand.
package main

import (
	"io"
	"os"
)

// env is what a subcommand may touch of the process: its streams, whether
// stdout is a terminal, and the environment. Tests and benchmarks build
// their own.
type env struct {
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
	stdoutTTY bool
	getenv    func(string) string
}

func main() {
	e := &env{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stdoutTTY: isTerminal(os.Stdout),
		getenv:    os.Getenv,
	}
	os.Exit(run(e, os.Args[1:]))
}

// run dispatches args (without the program name) to a subcommand and
// returns the exit code.
func run(e *env, args []string) int {
	if len(args) == 0 {
		writeOverview(e.stderr)
		return exitUsage
	}
	switch name := args[0]; name {
	case "help", "-h", "-help", "--help":
		return runHelp(e, args[1:])
	case "-version", "--version":
		return runCommand(e, versionCommand, nil)
	default:
		c := lookup(name)
		if c == nil {
			return fail(e, usageErrorf("unknown command %q; run 'chaperone help' for usage", name))
		}
		return runCommand(e, c, args[1:])
	}
}

// isTerminal reports whether f is a character device such as a terminal.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
