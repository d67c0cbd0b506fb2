package main

import (
	"errors"
	"fmt"
	"runtime"

	chaperone "github.com/chaperone-project/chaperone"
)

// Exit codes. The decision codes are chaperone.Decision.ExitCode.
const (
	exitOK       = 0
	exitUsage    = 3 // bad input, arguments or files
	exitInternal = 4 // the engine, the output or the system failed
)

// usageErrorf returns a bad-usage error (exit 3).
func usageErrorf(format string, args ...any) error {
	return chaperone.Errorf(chaperone.ErrInvalid, format, args...)
}

// internalError wraps err as an internal error (exit 4) with msg.
func internalError(msg string, err error) error {
	return &chaperone.Error{Code: chaperone.ErrInternal, Msg: msg, Err: err}
}

// exitCode returns the exit code for err: 3 for bad input, 4 otherwise.
func exitCode(err error) int {
	switch chaperone.CodeOf(err) {
	case chaperone.ErrInvalid, chaperone.ErrTooLarge, chaperone.ErrNotFound, chaperone.ErrConflict, chaperone.ErrForbidden, chaperone.ErrUnauthenticated:
		return exitUsage
	}
	return exitInternal
}

// fail prints err to stderr as "chaperone: ..." and returns its exit code.
// Callers make sure err never holds the text being screened.
func fail(e *env, err error) int {
	fmt.Fprintf(e.stderr, "chaperone: %v\n", err)
	return exitCode(err)
}

// panicError turns a recovered panic into an internal error. Only runtime
// errors keep their message: any other panic value might hold the text.
func panicError(what string, r any) error {
	var re runtime.Error
	if err, ok := r.(error); ok && errors.As(err, &re) {
		return internalError(what, re)
	}
	return internalError(what, errors.New("panic"))
}
