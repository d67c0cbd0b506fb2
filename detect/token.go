package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a token.
type tokKind uint8

const (
	tokWord    tokKind = iota // letters, possibly with digits, inner ' or -
	tokNumber                 // digits only (may hold inner , . for 1,800 or 3.5)
	tokPunct                  // one punctuation rune
	tokSymbol                 // emoji and other symbols
	tokHandle                 // @user or @user@host
	tokHashtag                // #word
)

// token is a piece of the text with its UTF-8 byte offsets.
type token struct {
	start, end int
	kind       tokKind
	text       string // text[start:end]
	lower      string // lower-cased text, apostrophes folded to '
	cap        bool   // first rune upper-case
	allCaps    bool   // every letter upper-case and at least two letters
	hasDigit   bool
	hasLetter  bool
	sentStart  bool // first word of a sentence
	nl         bool // a line break precedes the token
	space      bool // white space precedes the token
}

// isApostrophe reports the apostrophes people type: ' ’ ʼ ‘.
func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' || r == '‘' }

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf { // the ASCII letters and digits, as below
		return 'a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9'
	}
	return isWordRuneNonASCII(r)
}

// isWordRuneNonASCII is isWordRune beyond ASCII, apart so that
// isWordRune inlines.
func isWordRuneNonASCII(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isSpace is unicode.IsSpace, with ASCII answered inline.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || '\t' <= r && r <= '\r'
	}
	return unicode.IsSpace(r)
}

// tokenize splits text into tokens. It runs once over the bytes; invalid
// UTF-8 bytes become one-byte symbol tokens.
func tokenize(text string) []token { return tokenizeLower(nil, text, asciiLower(text)) }

// tokenizeLower is tokenize given lower, asciiLower(text): the lower-cased
// forms of ASCII words are parts of it. It appends the tokens to buf[:0].
func tokenizeLower(buf []token, text, lower string) []token {
	toks := buf[:0]
	if cap(toks) < len(text)/4+4 {
		toks = make([]token, 0, len(text)/4+4)
	}
	sentStart := true
	nl, space := false, false
	i := 0
	for i < len(text) {
		r, sz := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n' || r == '\r':
			nl, space = true, true
			sentStart = true
			i += sz
			continue
		case isSpace(r):
			space = true
			i += sz
			continue
		}
		start := i
		var kind tokKind
		switch {
		case isWordRune(r):
			i = scanWord(text, i)
			kind = tokWord
		case r == '@' && i+1 < len(text) && isHandleRune(rune(text[i+1])) && (i == 0 || !isHandleRune(rune(text[i-1]))):
			i = scanHandle(text, i+1)
			kind = tokHandle
		case r == '#' && i+1 < len(text) && isLetterByte(text[i+1]):
			i = scanWord(text, i+1)
			kind = tokHashtag
		case unicode.IsPunct(r) || r == '$' || r == '+' || r == '<' || r == '>' || r == '=' || r == '|' || r == '~' || r == '^' || r == '`':
			i += sz
			kind = tokPunct
		default:
			i += sz
			kind = tokSymbol
		}
		toks = append(toks, token{start: start, end: i, kind: kind, text: text[start:i], nl: nl, space: space || start == 0})
		t := &toks[len(toks)-1]
		nl, space = false, false
		if kind == tokWord || kind == tokHashtag || kind == tokHandle {
			fillWordInfo(t, lower)
			if kind == tokWord && !t.hasLetter {
				t.kind = tokNumber
			}
		} else {
			t.lower = t.text
		}
		if kind == tokWord {
			t.sentStart = sentStart
			sentStart = false
		}
		if kind == tokPunct {
			switch t.text {
			case ".", "!", "?", "…":
				sentStart = !isAbbrevBefore(toks[:len(toks)-1])
			case ":", "|", "•":
				sentStart = true
			case "—", "–":
				// a range of times, numbers, dates or days is no break: "9am–1pm", "2–3 days", "Oct 15–Dec 7", "Mon–Fri"
				sentStart = true
				if len(toks) > 1 {
					prev := &toks[len(toks)-2]
					sentStart = !(isASCIIDigit(prev.text[0]) && (digitAfterSpace(text, i) || monthAfterSpace(text, i)) ||
						prev.kind == tokWord && weekdays[prev.lower] && weekdays[wordAfterSpace(text, i)])
				}
			}
		}
		if kind == tokSymbol && (r < 0x2190 || r > 0x21ff) {
			sentStart = true // emoji usually ends a clause in posts; an arrow joins its two sides: "Fatima → Hopkins"
		}
	}
	return toks
}

// digitAfterSpace reports whether the first byte after text[i:]'s
// spaces is an ASCII digit.
func digitAfterSpace(text string, i int) bool {
	for i < len(text) && text[i] == ' ' {
		i++
	}
	return i < len(text) && isASCIIDigit(text[i])
}

// monthAfterSpace reports whether the first word after text[i:]'s spaces
// is a month's name or abbreviation ("Dec", "Sept", "December").
func monthAfterSpace(text string, i int) bool {
	w := wordAfterSpace(text, i)
	if w == "" {
		return false
	}
	for _, m := range monthNames {
		if w == m[:3] || w == m || w == "sept" && m == "september" {
			return true
		}
	}
	return false
}

// wordAfterSpace returns, lower-cased, the ASCII word of 3 to 10 letters
// that comes first after text[i:]'s spaces, or "" when there is none.
func wordAfterSpace(text string, i int) string {
	for i < len(text) && text[i] == ' ' {
		i++
	}
	j := i
	for j < len(text) && j-i < 10 && (text[j]|0x20 >= 'a' && text[j]|0x20 <= 'z') {
		j++
	}
	if j-i < 3 || j < len(text) && text[j]|0x20 >= 'a' && text[j]|0x20 <= 'z' {
		return ""
	}
	return asciiLower(text[i:j])
}

// weekdays are the days of the week and their abbreviations: a dash
// between two of them ("Mon–Fri") is a range, no sentence break. The
// tokenizer runs without a rule set, so it keeps its own list, as it does
// monthNames; the rule files' "weekdays" list serves the recognizers.
var weekdays = map[string]bool{"mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true, "wed": true, "wednesday": true,
	"thu": true, "thur": true, "thurs": true, "thursday": true, "fri": true, "friday": true, "sat": true, "saturday": true, "sun": true, "sunday": true}

// monthNames are the months in English, for monthAfterSpace.
var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// isAbbrevBefore reports whether the period just seen ends an abbreviation
// such as "Mr." or "Dr." rather than a sentence.
func isAbbrevBefore(toks []token) bool {
	if len(toks) == 0 {
		return false
	}
	p := toks[len(toks)-1]
	if p.kind != tokWord {
		return false
	}
	switch p.lower {
	case "mr", "mrs", "ms", "dr", "st", "jr", "sr", "mt", "ft", "ave", "vs", "no", "ext", "acct", "approx", "prof", "rev", "sgt", "capt", "lt", "col", "gen", "sen", "rep", "gov", "pres", "dept", "univ", "inc", "co", "corp", "ltd", "u.s", "e.g", "i.e", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "rx", "dob", "lic", "pt", "pts", "dl":
		return true
	}
	// a lone capital letter: an initial ("Jim H.")
	return utf8.RuneCountInString(p.text) == 1 && p.cap
}

func isLetterByte(b byte) bool { return b >= 0x80 || (b|0x20 >= 'a' && b|0x20 <= 'z') }

func isHandleRune(r rune) bool {
	return r == '_' || (r >= '0' && r <= '9') || (r|0x20 >= 'a' && r|0x20 <= 'z')
}

// scanWord scans letters and digits with inner apostrophes, hyphens and
// periods between letters or digits ("O'Connell", "92-year-old", "3.5").
// A possessive 's is left out so "Okafor's" gives "Okafor".
func scanWord(text string, i int) int {
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf && ('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9') {
			i++ // an ASCII letter or digit: the common case of the test below
			continue
		} else if c < utf8.RuneSelf && !isApostrophe(rune(c)) && c != '-' && c != '.' && c != ',' {
			break // other ASCII ends the word, as below
		}
		r, sz := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			i += sz
			continue
		}
		if (isApostrophe(r) || r == '-' || r == '.' || r == ',') && i+sz < len(text) {
			n, nsz := utf8.DecodeRuneInString(text[i+sz:])
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			switch {
			case isApostrophe(r) && unicode.IsLetter(n):
				// possessive 's or s' ends the word
				if (n == 's' || n == 'S') && !followedByLetter(text, i+sz+nsz) {
					return i
				}
				i += sz
				continue
			case r == '-' && isWordRune(n) && isWordRune(prev):
				i += sz
				continue
			case (r == '.' || r == ',') && unicode.IsDigit(n) && unicode.IsDigit(prev):
				i += sz
				continue
			}
		}
		break
	}
	return i
}

func followedByLetter(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r)
}

func scanHandle(text string, i int) int {
	for i < len(text) {
		c := text[i]
		if isHandleRune(rune(c)) {
			i++
			continue
		}
		// inner dots and a second @host part (Mastodon), not a trailing dot
		if (c == '.' || c == '@') && i+1 < len(text) && isHandleRune(rune(text[i+1])) {
			i++
			continue
		}
		break
	}
	return i
}

// fillWordInfo sets the word fields of t; lower is the text t is part of,
// ASCII-lower-cased.
func fillWordInfo(t *token, lower string) {
	s := t.text
	if t.kind == tokHandle || t.kind == tokHashtag {
		s = s[1:]
	}
	if fillASCIIWordInfo(t, s, lower) {
		return
	}
	letters, uppers := 0, 0
	first := true
	var b strings.Builder
	needLower, ascii := false, true
	for _, r := range s {
		if r >= utf8.RuneSelf {
			ascii = false
		}
		if unicode.IsDigit(r) {
			t.hasDigit = true
		}
		if unicode.IsLetter(r) {
			t.hasLetter = true
			letters++
			if unicode.IsUpper(r) {
				uppers++
				needLower = true
			}
			if first {
				t.cap = unicode.IsUpper(r) || unicode.IsTitle(r)
			}
		}
		if r == '’' || r == 'ʼ' || r == '‘' {
			needLower = true
		}
		first = false
	}
	t.allCaps = letters >= 2 && uppers == letters
	if !needLower {
		t.lower = t.text
		return
	}
	if ascii { // s is t.text, or t.text after an ASCII '@' or '#'
		t.lower = lower[t.start:t.end] // what the loop below would build
		return
	}
	b.Grow(len(t.text))
	for _, r := range t.text {
		if r == '’' || r == 'ʼ' || r == '‘' {
			r = '\''
		}
		b.WriteRune(unicode.ToLower(r))
	}
	t.lower = b.String()
}

// fillASCIIWordInfo is fillWordInfo for the common case of an ASCII word
// s (t.text without its '@' or '#'), byte by byte; it reports false, and
// leaves t alone, when s is not ASCII.
func fillASCIIWordInfo(t *token, s, lower string) bool {
	letters, uppers := 0, 0
	digit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return false
		case 'a' <= c && c <= 'z':
			letters++
		case 'A' <= c && c <= 'Z':
			letters++
			uppers++
		case '0' <= c && c <= '9':
			digit = true
		}
	}
	t.hasDigit = t.hasDigit || digit
	t.hasLetter = t.hasLetter || letters > 0
	if s != "" && 'A' <= s[0] && s[0] <= 'Z' {
		t.cap = true
	} else if s != "" && 'a' <= s[0] && s[0] <= 'z' {
		t.cap = false
	}
	t.allCaps = letters >= 2 && uppers == letters
	if uppers == 0 {
		t.lower = t.text
	} else {
		t.lower = lower[t.start:t.end]
	}
	return true
}

// sentences returns, for each token, the index of its sentence.
func sentenceIndex(toks []token) []int { return sentenceIndexInto(nil, toks) }

// sentenceIndexInto is sentenceIndex, written into buf when it is large
// enough.
func sentenceIndexInto(buf []int, toks []token) []int {
	idx := buf[:0]
	if cap(idx) < len(toks) {
		idx = make([]int, len(toks))
	}
	idx = idx[:len(toks)]
	s := 0
	for i := range toks {
		if toks[i].kind == tokWord && toks[i].sentStart && i > 0 {
			s++
		}
		idx[i] = s
	}
	return idx
}

// isASCIIDigit reports whether c is 0-9.
func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }
