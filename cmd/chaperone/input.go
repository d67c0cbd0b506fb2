package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

// maxInput is the largest text, context file or JSON Lines line chaperone
// accepts: 10 MiB.
const maxInput = 10 << 20

// openInput opens path for reading; "" and "-" mean stdin. It returns the
// reader, the name to report it by ("stdin" or path) and a closer.
func openInput(e *env, path string) (io.Reader, string, func(), error) {
	if isStdin(path) {
		return e.stdin, "stdin", func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		code := chaperone.ErrInvalid
		if errors.Is(err, fs.ErrNotExist) {
			code = chaperone.ErrNotFound
		}
		return nil, path, nil, &chaperone.Error{Code: code, Msg: "cannot open input", Err: err}
	}
	return f, path, func() { f.Close() }, nil
}

// isStdin reports whether the input path names stdin: "" or "-".
func isStdin(path string) bool { return path == "" || path == "-" }

// readText reads a whole text of at most maxInput bytes from path ("" and
// "-" mean stdin) and checks that it is valid UTF-8. what names the input
// in errors ("input", "--context-file"); errors never quote the text.
func readText(e *env, path, what string) (text, name string, err error) {
	r, name, closer, err := openInput(e, path)
	if err != nil {
		return "", name, err
	}
	defer closer()
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return "", name, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "reading " + what, Err: err}
	}
	if len(b) > maxInput {
		return "", name, chaperone.Errorf(chaperone.ErrTooLarge,
			"%s is larger than 10 MiB (%d bytes); split it, or use --format jsonl for many texts", what, maxInput)
	}
	if off := invalidUTF8(b); off >= 0 {
		return "", name, chaperone.Errorf(chaperone.ErrInvalid, "%s is not valid UTF-8: invalid byte at offset %d", what, off)
	}
	return string(b), name, nil
}

// invalidUTF8 returns the byte offset of the first invalid UTF-8 sequence
// in b, or -1 when b is valid.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
