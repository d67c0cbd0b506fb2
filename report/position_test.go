package report

import "testing"

func TestLinesPosition(t *testing.T) {
	tests := []struct {
		name string
		text string
		off  int
		want Position
	}{
		{"empty", "", 0, Position{1, 1}},
		{"start", "abc", 0, Position{1, 1}},
		{"ascii", "abc", 2, Position{1, 3}},
		{"end", "abc", 3, Position{1, 4}},
		{"second line", "ab\ncd", 4, Position{2, 2}},
		{"line start", "ab\ncd", 3, Position{2, 1}},
		{"at newline", "ab\ncd", 2, Position{1, 3}},
		{"crlf", "ab\r\ncd", 5, Position{2, 2}},
		{"lone cr", "ab\rcd", 3, Position{2, 1}},
		{"trailing newline", "ab\n", 3, Position{2, 1}},
		{"two-byte", "é1", 2, Position{1, 2}},
		{"four-byte", "🚑x", 4, Position{1, 2}},
		{"inside char", "a🚑x", 2, Position{1, 2}},
		{"after multibyte line", "🚑\né", 7, Position{2, 2}},
		{"invalid byte counts one", "a\xffb", 2, Position{1, 3}},
		{"negative clamps", "abc", -5, Position{1, 1}},
		{"past end clamps", "ab\ncd", 99, Position{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewLines(tt.text).Position(tt.off); got != tt.want {
				t.Errorf("Position(%q, %d) = %+v, want %+v", tt.text, tt.off, got, tt.want)
			}
			if l, c := LineCol(tt.text, tt.off); l != tt.want.Line || c != tt.want.Column {
				t.Errorf("LineCol(%q, %d) = %d:%d, want %+v", tt.text, tt.off, l, c, tt.want)
			}
		})
	}
}

func TestLinesCount(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 1}, {"a", 1}, {"a\n", 2}, {"a\r\nb", 2}, {"a\rb\nc", 3},
	}
	for _, tt := range tests {
		if got := NewLines(tt.text).Count(); got != tt.want {
			t.Errorf("Count(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func BenchmarkLinesPosition(b *testing.B) {
	text := ""
	for range 200 {
		text += "a line of a clinician's post, with é and 🚑 in it\n"
	}
	offs := []int{0, len(text) / 3, len(text) / 2, len(text) - 1}
	for b.Loop() {
		l := NewLines(text)
		for _, o := range offs {
			l.Position(o)
		}
	}
}
