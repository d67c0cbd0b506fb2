package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// lineReader reads the lines of a JSON Lines stream. A line longer than max
// bytes (without its "\n" or "\r\n") is skipped without being buffered:
// its bytes are read and dropped, and it is reported as too long. Only the
// batch reader of scan uses it.
type lineReader struct {
	r   *bufio.Reader
	max int
	n   int // number of the last line read, 1-based
}

// newLineReader returns a lineReader over r for lines of at most max bytes.
func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line, without its line ending, in a new slice the
// caller owns, and its 1-based number. A UTF-8 byte order mark at the very
// start is dropped. For a line over max bytes it returns a nil line and
// tooLong. At the end of the input it returns io.EOF; other errors are the
// reader's.
func (lr *lineReader) next() (line []byte, num int, tooLong bool, err error) {
	var buf []byte
	read := false
	shared := false // buf is the reader's buffer
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if len(chunk) > 0 {
			read = true
		}
		if !tooLong {
			// Keep up to max+2 bytes: room for the line and "\r\n".
			if len(buf)+len(chunk) > lr.max+2 {
				tooLong, buf = true, nil
			} else if buf == nil && err == nil {
				buf, shared = chunk, true // the whole line in one chunk: copied below
			} else {
				// buf is nil or ours (a shared chunk ends the line), so
				// it grows in place: a line of many chunks is not copied
				// at each one
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, lr.n + 1, false, err
		}
		if !read && err == io.EOF {
			return nil, lr.n, false, io.EOF
		}
		break
	}
	lr.n++
	if tooLong {
		return nil, lr.n, true, nil
	}
	buf = bytes.TrimSuffix(buf, []byte("\n"))
	buf = bytes.TrimSuffix(buf, []byte("\r"))
	if lr.n == 1 {
		buf = bytes.TrimPrefix(buf, []byte("\xef\xbb\xbf"))
	}
	if len(buf) > lr.max {
		return nil, lr.n, true, nil
	}
	if shared {
		buf = bytes.Clone(buf)
	}
	return buf, lr.n, false, nil
}
