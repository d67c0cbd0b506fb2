package eval

import (
	"bytes"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

// The secret appears in every bad input: no error may quote it.
const secret = "Maria Gonzalez"

const goodLine = `{"id": "g1", "channel": "post", "author": {"role": "nurse", "specialty": null, "account": "professional"}, "text": "Maria Gonzalez was admitted March 3.", "spans": [{"start": 0, "end": 14, "type": "NAME", "text": "Maria Gonzalez"}, {"start": 28, "end": 35, "type": "DATE", "text": "March 3"}], "findings": ["PHI", "PATIENT_STORY"], "decision": "block", "why": "name and date"}`

func TestReadSet(t *testing.T) {
	multi := `{"id": "u1", "text": "¡Olé! José, née Zoë, in Zürich", "spans": [{"start": 8, "end": 13, "type": "NAME", "text": "José"}, {"start": 29, "end": 36, "type": "LOCATION", "text": "Zürich"}], "findings": ["PHI"], "decision": "block"}`
	in := "\xef\xbb\xbf" + goodLine + "\r\n\n   \n" + multi + "\n" +
		`{"id": "a1", "text": "Get your flu shot.", "decision": "allow"}`
	set, err := ReadSet(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 3 {
		t.Fatalf("%d items, want 3", len(set))
	}
	g := set[0]
	if g.ID != "g1" || g.Channel != chaperone.ChannelPost || g.Author.Role != "nurse" || g.Author.Account != chaperone.AccountProfessional ||
		g.Decision != chaperone.Block || g.Why != "name and date" || len(g.Spans) != 2 || g.Spans[1] != (GoldSpan{28, 35, chaperone.SpanDate, "March 3"}) ||
		len(g.Findings) != 2 || g.Findings[1] != chaperone.FindingPatientStory {
		t.Errorf("item 1 = %+v", g)
	}
	if s := set[1].Spans[1]; set[1].Text[s.Start:s.End] != "Zürich" {
		t.Errorf("multi-byte span = %+v", s)
	}
	if set[2].Spans != nil || set[2].Findings != nil || set[2].Decision != chaperone.Allow {
		t.Errorf("item 3 = %+v", set[2])
	}
}

func TestReadSetErrors(t *testing.T) {
	// line returns goodLine with one substitution.
	line := func(old, new string) string {
		if !strings.Contains(goodLine, old) {
			t.Fatalf("goodLine lacks %q", old)
		}
		return strings.Replace(goodLine, old, new, 1)
	}
	second := func(s string) string { return goodLine + "\n" + s + "\n" }
	tests := []struct {
		name string
		in   string
		code chaperone.ErrorCode
		want []string // substrings of the message
	}{
		{"truncated JSON", second(goodLine[:len(goodLine)-20]), chaperone.ErrInvalid, []string{"line 2:", "malformed JSON"}},
		{"not JSON", "\n\nMaria Gonzalez, MRN 12345\n", chaperone.ErrInvalid, []string{"line 3:", "malformed JSON"}},
		{"trailing data", goodLine + " " + goodLine, chaperone.ErrInvalid, []string{"line 1:", "malformed JSON"}},
		{"wrong field type", second(line(`"start": 0`, `"start": "Maria Gonzalez"`)), chaperone.ErrInvalid, []string{"line 2:", "spans.start", "int"}},
		{"array line", second(`["Maria Gonzalez"]`), chaperone.ErrInvalid, []string{"line 2:", "malformed JSON"}},
		{"bad offset", second(line(`"end": 14`, `"end": 13`)), chaperone.ErrInvalid, []string{"line 2 ", `"g1"`, "span 1", "NAME [0:13]", "differs"}},
		{"byte vs rune offsets", `{"id": "u", "text": "Zoë Maria Gonzalez", "spans": [{"start": 4, "end": 18, "type": "NAME", "text": "Maria Gonzalez"}], "decision": "block"}`,
			chaperone.ErrInvalid, []string{"line 1 ", `"u"`, "differs", "UTF-8 bytes"}},
		{"offset past end", second(line(`"start": 28, "end": 35`, `"start": 28, "end": 99`)), chaperone.ErrInvalid, []string{"line 2 ", "span 2", "out of range", "36 bytes"}},
		{"negative offset", line(`"start": 0`, `"start": -1`), chaperone.ErrInvalid, []string{"line 1 ", "out of range"}},
		{"empty span", line(`"start": 28, "end": 35`, `"start": 28, "end": 28`), chaperone.ErrInvalid, []string{"out of range"}},
		{"unknown span type", line(`"type": "DATE"`, `"type": "BIRTHDAY"`), chaperone.ErrInvalid, []string{"span 2", "unknown type", "BIRTHDAY"}},
		{"unknown finding", line(`"PATIENT_STORY"`, `"STORY"`), chaperone.ErrInvalid, []string{"unknown finding"}},
		{"bad decision", line(`"decision": "block"`, `"decision": "deny"`), chaperone.ErrInvalid, []string{"decision", "deny"}},
		{"missing decision", line(`"decision": "block"`, `"decided": "block"`), chaperone.ErrInvalid, []string{"missing decision"}},
		{"missing id", second(line(`"id": "g1"`, `"name": "g1"`)), chaperone.ErrInvalid, []string{"line 2: missing id"}},
		{"duplicate id", second(goodLine), chaperone.ErrInvalid, []string{"line 2 ", `"g1"`, "line 1"}},
		{"unknown channel", line(`"channel": "post"`, `"channel": "tweet"`), chaperone.ErrInvalid, []string{"channel"}},
		{"empty input", "\n \n", chaperone.ErrInvalid, []string{"no items"}},
		{"line too long", goodLine + "\n" + `{"id": "big", "text": "` + strings.Repeat("Maria Gonzalez ", MaxLineBytes/15+1) + `"}` + "\n",
			chaperone.ErrTooLarge, []string{"line 2:", "longer than"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, err := ReadSet(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("no error; read %d items", len(set))
			}
			if set != nil {
				t.Errorf("items returned with the error")
			}
			msg := err.Error()
			if got := chaperone.CodeOf(err); got != tc.code {
				t.Errorf("code %s, want %s (%s)", got, tc.code, msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "Maria") || strings.Contains(msg, "Gonzalez") {
				t.Errorf("error quotes the text: %q", msg)
			}
		})
	}
}

func TestReadSetLongLineWithinLimit(t *testing.T) {
	text := strings.Repeat("a", MaxLineBytes-100)
	in := `{"id": "long", "decision": "allow", "text": "` + text + `"}`
	in += strings.Repeat(" ", MaxLineBytes-len(in)) // exactly MaxLineBytes
	set, err := ReadSet(strings.NewReader(in + "\r\n" + in))
	if err == nil || !strings.Contains(err.Error(), "line 2 ") || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("want a duplicate-id error on line 2 (both lines read), got %v", err)
	}
	set, err = ReadSet(bytes.NewReader([]byte(in)))
	if err != nil || len(set) != 1 || len(set[0].Text) != len(text) {
		t.Fatalf("a line of exactly MaxLineBytes: %d items, %v", len(set), err)
	}
	if _, err := ReadSet(strings.NewReader(in + " ")); chaperone.CodeOf(err) != chaperone.ErrTooLarge {
		t.Fatalf("a line one byte over: %v, want too_large", err)
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errTest }

var errTest = &chaperone.Error{Code: chaperone.ErrInternal, Msg: "device gone"}

func TestReadSetReadError(t *testing.T) {
	_, err := ReadSet(failReader{})
	if err == nil || !strings.Contains(err.Error(), "device gone") || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("got %v, want the read error on line 1", err)
	}
}

// FuzzReadSet: any input gives a set or an error, never a panic, and
// every span of an accepted set lies inside its text.
func FuzzReadSet(f *testing.F) {
	f.Add(`{"id":"a","channel":"post","author":{},"text":"Mr. K","spans":[{"start":4,"end":5,"type":"NAME","text":"K"}],"findings":["PHI"],"decision":"block"}` + "\n")
	f.Add("{\"id\":1}\n\xff\n")
	f.Fuzz(func(t *testing.T, in string) {
		set, err := ReadSet(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, g := range set {
			for _, s := range g.Spans {
				if s.Start < 0 || s.End > len(g.Text) || s.Start > s.End {
					t.Fatalf("span outside its text: %+v", s)
				}
			}
		}
	})
}
