package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestLineReader(t *testing.T) {
	type line struct {
		text    string
		num     int
		tooLong bool
	}
	tests := []struct {
		name string
		in   string
		max  int
		want []line
	}{
		{"empty", "", 10, nil},
		{"one without newline", "abc", 10, []line{{"abc", 1, false}}},
		{"crlf and blank", "a\r\n\r\nb\n", 10, []line{{"a", 1, false}, {"", 2, false}, {"b", 3, false}}},
		{"bom dropped on line 1 only", "\xef\xbb\xbfa\n\xef\xbb\xbfb", 10, []line{{"a", 1, false}, {"\xef\xbb\xbfb", 2, false}}},
		{"exactly max", "12345\n", 5, []line{{"12345", 1, false}}},
		{"exactly max crlf", "12345\r\n", 5, []line{{"12345", 1, false}}},
		{"over max skipped", "ok\n123456\nok2", 5, []line{{"ok", 1, false}, {"", 2, true}, {"ok2", 3, false}}},
		{"far over max", "x\n" + strings.Repeat("y", 300_000) + "\nz\n", 100, []line{{"x", 1, false}, {"", 2, true}, {"z", 3, false}}},
		{"long but allowed", strings.Repeat("y", 200_000) + "\n", 300_000, []line{{strings.Repeat("y", 200_000), 1, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				lr := newLineReader(r, tt.max)
				var got []line
				for {
					b, num, tooLong, err := lr.next()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, line{string(b), num, tooLong})
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			}
		})
	}
}

// A line of many buffers grows in place. The reader once copied the line
// so far at each 64 KB read: 175 MB of allocations for this 4 MB line,
// 850 MB for a 9.6 MB one; growing it costs about five times the line.
// Allocation counts are exact, so the bound is not flaky.
func TestLineReaderLongLine(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 1<<18) // 4 MiB
	lr := newLineReader(strings.NewReader(long+"\nnext\n"), maxInput)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b, _, _, err := lr.next()
	runtime.ReadMemStats(&after)
	if err != nil || string(b) != long {
		t.Fatalf("next() = %d bytes, %v; want the %d-byte line", len(b), err, len(long))
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8*uint64(len(long)) {
		t.Errorf("reading a %d-byte line allocated %d bytes", len(long), n)
	}
	if next, _, _, _ := lr.next(); string(next) != "next" || string(b) != long {
		t.Errorf("the second line is %q, or it changed the first", next)
	}
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args   []string
		pos    []string
		format string
	}{
		{[]string{}, nil, ""},
		{[]string{"a.txt"}, []string{"a.txt"}, ""},
		{[]string{"--format", "json", "a.txt"}, []string{"a.txt"}, "json"},
		{[]string{"a.txt", "--format", "json"}, []string{"a.txt"}, "json"},
		{[]string{"-", "-format=sarif"}, []string{"-"}, "sarif"},
		{[]string{"a", "--", "--format", "x"}, []string{"a", "--format", "x"}, ""},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		format := fs.String("format", "", "")
		pos, err := parseArgs(fs, tt.args)
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if !slices.Equal(pos, tt.pos) || *format != tt.format {
			t.Errorf("%q: pos %q format %q, want %q %q", tt.args, pos, *format, tt.pos, tt.format)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", -1}, {"plain", -1}, {"é🚑", -1}, {"\xff", 0}, {"ab\xc3", 2}, {"é\xe2\x82x", 2}, {"\xed\xa0\x80", 0},
	}
	for _, tt := range tests {
		if got := invalidUTF8([]byte(tt.in)); got != tt.want {
			t.Errorf("invalidUTF8(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestSplitList(t *testing.T) {
	if got := splitList(" Pfizer, AbbVie ,,L'Oréal "); !slices.Equal(got, []string{"Pfizer", "AbbVie", "L'Oréal"}) {
		t.Errorf("splitList = %q", got)
	}
}

func TestPanicError(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"runtime error keeps its message", runtimeError(), "the engine failed: runtime error: index out of range [5] with length 3"},
		{"other values are dropped", "panic about SSN 519-04-7732", "the engine failed: panic"},
		{"errors are dropped", fmt.Errorf("bad text %q", "519-04-7732"), "the engine failed: panic"},
	}
	for _, tt := range tests {
		err := panicError("the engine failed", tt.v)
		if err.Error() != tt.want || exitCode(err) != exitInternal {
			t.Errorf("%s: %q (exit %d), want %q (exit 4)", tt.name, err, exitCode(err), tt.want)
		}
	}
}

// runtimeError returns the value of an index-out-of-range panic.
func runtimeError() (v any) {
	defer func() { v = recover() }()
	s := []int{1, 2, 3}
	i := 5
	_ = s[i]
	return nil
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{usageErrorf("x"), exitUsage},
		{chaperone.Errorf(chaperone.ErrTooLarge, "x"), exitUsage},
		{chaperone.Errorf(chaperone.ErrNotFound, "x"), exitUsage},
		{internalError("x", io.EOF), exitInternal},
		{io.ErrUnexpectedEOF, exitInternal},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
