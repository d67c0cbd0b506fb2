package report

import (
	"sort"
	"unicode/utf8"
)

// Position is a place in a text as people and SARIF viewers count it: Line
// and Column are 1-based, and Column counts Unicode code points from the
// start of the line (SARIF columnKind "unicodeCodePoints"). A byte that is
// not valid UTF-8 counts as one code point.
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Lines indexes where the lines of a text start, so that the positions of
// many byte offsets cost a binary search each. A line ends at "\n", "\r\n"
// or a lone "\r". Build one with NewLines; it is safe for concurrent reads.
type Lines struct {
	text   string
	starts []int // byte offset at which each line starts; starts[0] == 0
}

// NewLines indexes the lines of text.
func NewLines(text string) *Lines {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				continue // the '\n' ends the line
			}
			starts = append(starts, i+1)
		}
	}
	return &Lines{text: text, starts: starts}
}

// Count returns the number of lines in the text; an empty text has one.
func (l *Lines) Count() int { return len(l.starts) }

// Position returns the position of byte offset off, which is clamped to
// [0, len(text)]. An offset inside a multi-byte character is placed on
// that character.
func (l *Lines) Position(off int) Position {
	off = min(max(off, 0), len(l.text))
	// The line is the last one that starts at or before off.
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	start := l.starts[i]
	col := 1
	for j := start; j < off; {
		_, size := utf8.DecodeRuneInString(l.text[j:])
		if j+size > off { // off is inside this character
			break
		}
		j += size
		col++
	}
	return Position{Line: i + 1, Column: col}
}

// LineCol returns the 1-based line and code-point column of byte offset
// off in text. Use Lines when converting many offsets of one text.
func LineCol(text string, off int) (line, col int) {
	p := NewLines(text).Position(off)
	return p.Line, p.Column
}
