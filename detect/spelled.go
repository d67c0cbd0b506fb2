package detect

import (
	"strings"
	"unicode/utf8"
)

// Identifiers written out in words or obfuscated so that a filter does not
// read them: "tina dot okamura at gmail dot com", "jane[at]gmail[.]com",
// "gofundme dot com slash f slash …", "hxxp://…", "five oh three, five
// five five, oh one nine eight". The contact recognizers (findPhones,
// findEmails, findURLs) call the finders here and report what they find as
// they report addresses in digits and dots; the identifier labels
// (scanIDValue) and the SSN validator read numbers in words with
// readSpelledNumber.

// digitWord returns the digit a number word stands for ("oh" and "o" are
// zero), or 0 for none.
func digitWord(w string) byte {
	switch w {
	case "zero", "oh", "o":
		return '0'
	case "one":
		return '1'
	case "two":
		return '2'
	case "three":
		return '3'
	case "four":
		return '4'
	case "five":
		return '5'
	case "six":
		return '6'
	case "seven":
		return '7'
	case "eight":
		return '8'
	case "nine":
		return '9'
	}
	return 0
}

// teenWord returns the two digits of "ten" … "nineteen", or "".
func teenWord(w string) string {
	switch w {
	case "ten":
		return "10"
	case "eleven":
		return "11"
	case "twelve":
		return "12"
	case "thirteen":
		return "13"
	case "fourteen":
		return "14"
	case "fifteen":
		return "15"
	case "sixteen":
		return "16"
	case "seventeen":
		return "17"
	case "eighteen":
		return "18"
	case "nineteen":
		return "19"
	}
	return ""
}

// tensWord returns the first digit of "twenty" … "ninety", or 0.
func tensWord(w string) byte {
	switch w {
	case "twenty":
		return '2'
	case "thirty":
		return '3'
	case "forty":
		return '4'
	case "fifty":
		return '5'
	case "sixty":
		return '6'
	case "seventy":
		return '7'
	case "eighty":
		return '8'
	case "ninety":
		return '9'
	}
	return 0
}

// spelledNumber is a run of numbers read by readSpelledNumber.
type spelledNumber struct {
	end    int    // byte offset past its last number
	digits string // the digits it spells
	words  int    // how many of its numbers are words
	groups int    // how many numbers, in words or digits
	tens   bool   // it holds a teen or tens word ("ninety-eight"), not digits alone
}

// readSpelledNumber reads the numbers, in words or digits, that start at
// byte i of the lower-cased text s: "five oh three, five five five",
// "five-oh-three 555 0198", "oh one ninety-eight", "double oh seven".
// Numbers are apart by up to three spaces, hyphens or parentheses, with at
// most one comma; "hundred", "and", a period or any other word ends the run.
func readSpelledNumber(s string, i int) spelledNumber {
	var n spelledNumber
	var dg []byte
	rep := 1 // "double", "triple"
	p := i
loop:
	for first := true; p < len(s); first = false {
		q := p
		if !first {
			commas := 0
			for q < len(s) && q-p <= 3 && strings.IndexByte(" -(),", s[q]) >= 0 {
				if s[q] == ',' {
					commas++
				}
				q++
			}
			if q == p || q-p > 3 || commas > 1 || q >= len(s) {
				break
			}
		}
		j := q
		switch c := s[q]; {
		case c >= '0' && c <= '9':
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			dg = append(dg, s[q:j]...)
			n.groups++
		case c >= 'a' && c <= 'z':
			for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
				j++
			}
			if j < len(s) && (s[j] >= utf8.RuneSelf || s[j] == '\'' || isAlnum(s[j])) {
				break loop // "o'clock", "fives"
			}
			w := s[q:j]
			if w == "double" || w == "triple" {
				rep = 2
				if w == "triple" {
					rep = 3
				}
				p = j // the run ends before it unless a digit word follows
				continue
			}
			if dw := digitWord(w); dw != 0 {
				for ; rep > 0; rep-- {
					dg = append(dg, dw)
				}
			} else if t := teenWord(w); t != "" {
				dg = append(dg, t...)
				n.tens = true
			} else if t := tensWord(w); t != 0 {
				unit := byte('0')
				// "ninety-eight", "ninety eight"
				if j+1 < len(s) && (s[j] == '-' || s[j] == ' ') {
					k := j + 1
					for k < len(s) && s[k] >= 'a' && s[k] <= 'z' {
						k++
					}
					if u := digitWord(s[j+1 : k]); u > '0' && (k >= len(s) || !isAlnum(s[k]) && s[k] != '\'') {
						unit, j = u, k
					}
				}
				dg = append(dg, t, unit)
				n.tens = true
			} else {
				break loop
			}
			rep = 1
			n.words++
			n.groups++
		default:
			break loop
		}
		p, n.end = j, j
	}
	n.digits = string(dg)
	return n
}

// startsNumberWord reports a word that can open a number said digit by
// digit: "five", "oh", "five-oh-three", "double".
func startsNumberWord(w string) bool {
	if w == "" {
		return false
	}
	switch w[0] { // most words fail here
	case 'z', 'o', 't', 'f', 's', 'e', 'n':
	case 'd':
		return w == "double"
	default:
		return false
	}
	if len(w) > 5 {
		if w == "triple" {
			return true
		}
		k := strings.IndexByte(w[:6], '-') // "five-oh-three"
		if k < 0 {
			return false
		}
		w = w[:k]
	}
	return digitWord(w) != 0
}

// findSpelledPhones finds phone numbers written out in words, alone or
// mixed with digits: "five oh three, five five five, oh one nine eight",
// "(five zero three) 555-0198", "eight six seven five three oh nine". Ten
// digits said one by one are a number anywhere; seven digits, or tens
// words ("oh one ninety-eight"), only near a word of calling
// (phone_cues), since counts, times and vitals are said the same way.
// Called by findPhones.
func (d *doc) findSpelledPhones(r *Rule) {
	for i := 0; i < len(d.toks); i++ {
		t := &d.toks[i]
		if t.kind != tokWord || !startsNumberWord(t.lower) {
			continue
		}
		// digits right before the first word may open the number: "(503)
		// five five five …"; else it starts at the word ("seen 3 times,
		// five oh three, …")
		s := t.start
		for k := i - 1; k >= 0; k-- {
			if tk := &d.toks[k]; tk.kind == tokNumber {
				if gap := d.lower[tk.end:s]; len(gap) > 3 || strings.Trim(gap, " ,-()") != "" {
					break
				}
				s = tk.start
			} else if tk.kind != tokPunct || strings.IndexByte("(),-", tk.text[0]) < 0 {
				break
			}
		}
		e, dg := d.spelledPhoneAt(s)
		if e < 0 && s < t.start {
			s = t.start
			e, dg = d.spelledPhoneAt(s)
		}
		for i+1 < len(d.toks) && d.toks[i+1].start < max(e, t.end) {
			i++
		}
		if e < 0 {
			continue
		}
		if s > 0 && d.text[s-1] == '(' && strings.IndexByte(d.text[s:e], ')') > 0 {
			s-- // "(five zero three) …"
		}
		d.addPhone(r, s, e, dg)
	}
}

// spelledPhoneAt reads a phone number in words at byte s and returns
// where it ends and its digits, or -1 when there is none: seven, ten or
// eleven digits ("one, five oh three, …") grouped as a phone number is,
// the exchange starting with 2 to 9. Called by findSpelledPhones.
func (d *doc) spelledPhoneAt(s int) (int, string) {
	n := readSpelledNumber(d.lower, s)
	if n.words < 3 {
		return -1, ""
	}
	dg := n.digits
	if len(dg) == 11 && dg[0] == '1' {
		dg = dg[1:]
	}
	cue := func() bool {
		return containsCue(d.lower[max(0, s-60):min(len(d.lower), n.end+30)], d.e.rules.list("phone_cues"))
	}
	if !phoneGroups(d.lower[s:n.end], len(n.digits)) {
		return -1, "" // "one oh five, two oh nine, three": times
	}
	if len(dg) >= 7 && dg[len(dg)-7] < '2' {
		return -1, "" // no exchange starts with 0 or 1
	}
	if len(dg) == 10 && !n.tens || (len(dg) == 10 || len(dg) == 7) && cue() {
		return n.end, dg
	}
	return -1, ""
}

// phoneGroups reports whether the commas of a number of n digits said in
// words fall where a phone number's groups end: "five oh three, five five
// five, oh one nine eight", "eight six seven, five three oh nine".
func phoneGroups(run string, n int) bool {
	at := 0 // digits before the comma
	for part := range strings.SplitSeq(run, ",") {
		if k := strings.IndexFunc(part, func(r rune) bool { return r < utf8.RuneSelf && isAlnum(byte(r)) }); k >= 0 {
			at += len(readSpelledNumber(part, k).digits)
		}
		if at == n {
			return true
		}
		switch n - at { // the digits after the comma
		case 4, 7, 10:
		default:
			return false
		}
	}
	return true
}

// deobText is the lower-cased text with the markers of written-out
// addresses replaced by what they stand for (" dot " by ".", "(at)" by
// "@", " slash " by "/", "hxxp" by "http"), so that "tina dot okamura at
// gmail dot com" reads "tina.okamura@gmail.com".
type deobText struct {
	norm string
	pos  []int    // by byte of norm: the byte of the text it comes from
	reps [][2]int // the byte ranges of norm that replace a marker
}

// spelledMarkers are the written-out forms deobfuscate replaces, with
// what each stands for. The bracketed forms come first: they take a space
// on either side with them ("jsmith (at) yahoo (dot) com"); the others are
// taken as they are ("hxxps[:]//").
var spelledMarkers = []struct{ form, repl string }{
	{"(at)", "@"}, {"[at]", "@"}, {"{at}", "@"},
	{"(dot)", "."}, {"[dot]", "."}, {"{dot}", "."}, {"[.]", "."}, {"(.)", "."}, {"{.}", "."},
	{" at ", "@"}, {" @ ", "@"}, {" dot ", "."}, {" slash ", "/"}, {" forward slash ", "/"}, {" underscore ", "_"},
	{"hxxp", "http"}, {"[:]", ":"},
}

// bracketMarkers is how many of spelledMarkers are bracketed.
const bracketMarkers = 9

// deobfuscated returns the text with its markers replaced, computed once,
// or nil when the text holds none of spelled_contact_markers: the
// markers, or " at " before a mail service ("maria.g at outlook"). Called
// by findSpelledEmails and findSpelledURLs.
func (d *doc) deobfuscated() *deobText {
	if d.deob == nil {
		d.deob = &deobText{}
		if d.listIn("spelled_contact_markers", 0, len(d.lower)) {
			d.deob = deobfuscate(d.lower)
		}
	}
	if d.deob.norm == "" {
		return nil
	}
	return d.deob
}

// deobfuscate replaces the spelledMarkers in lower.
func deobfuscate(lower string) *deobText {
	t := &deobText{pos: make([]int, 0, len(lower))}
	var b strings.Builder
	b.Grow(len(lower))
	for i := 0; i < len(lower); {
		if n, repl := markerAt(lower, i); n > 0 {
			t.reps = append(t.reps, [2]int{b.Len(), b.Len() + len(repl)})
			b.WriteString(repl)
			for k := range len(repl) {
				t.pos = append(t.pos, i+min(k, n-1))
			}
			i += n
			continue
		}
		b.WriteByte(lower[i])
		t.pos = append(t.pos, i)
		i++
	}
	t.norm = b.String()
	return t
}

// markerAt returns the length of the marker at byte i of lower, with a
// bracketed marker's spaces, and what it stands for; 0 for none.
func markerAt(lower string, i int) (int, string) {
	c := lower[i]
	if c != ' ' && c != '(' && c != '[' && c != '{' && c != 'h' {
		return 0, ""
	}
	j := i
	if c == ' ' {
		j++
	}
	for _, m := range spelledMarkers[:bracketMarkers] {
		if strings.HasPrefix(lower[j:], m.form) {
			k := j + len(m.form)
			if k < len(lower) && lower[k] == ' ' {
				k++
			}
			return k - i, m.repl
		}
	}
	for _, m := range spelledMarkers[bracketMarkers:] {
		if strings.HasPrefix(lower[i:], m.form) {
			return len(m.form), m.repl
		}
	}
	return 0, ""
}

// replaced reports a replaced marker in norm[a:b].
func (t *deobText) replaced(a, b int) bool {
	for _, r := range t.reps {
		if r[0] < b && r[1] > a {
			return true
		}
	}
	return false
}

// findReplaced returns the matches of x.re.FindAllStringIndex(norm, -1)
// that findSpelledURLs can keep: every one that holds a replaced marker,
// and maybe others (the caller tests each). With separators (rx.seps), no
// match holds one, so it searches only the runs between them that hold a
// marker; the matches there are the ones in the whole text, as in
// findInRuns.
func (t *deobText) findReplaced(x *rx) [][]int {
	if x.seps == nil {
		return x.re.FindAllStringIndex(t.norm, -1)
	}
	n := t.norm
	var out [][]int
	runEnd := 0
	for _, r := range t.reps {
		if r[0] < runEnd {
			continue // in the run just searched
		}
		a := r[0]
		for a > 0 && !x.seps[n[a-1]] {
			a--
		}
		runEnd = r[1]
		for runEnd < len(n) && !x.seps[n[runEnd]] {
			runEnd++
		}
		for _, m := range x.re.FindAllStringIndex(n[a:runEnd], -1) {
			out = append(out, []int{m[0] + a, m[1] + a})
		}
	}
	return out
}

// at reports a real "@" at byte k of norm: one written so, bracketed or
// in capitals (" AT "), not a plain " at " ("her page is at gofundme dot
// com"); text is the document's text.
func (t *deobText) at(k int, text string) bool {
	if k < 0 || k >= len(t.norm) || t.norm[k] != '@' {
		return false
	}
	i := t.pos[k]
	plain := i+4 <= len(text) && strings.EqualFold(text[i:i+4], " at ") && text[i+1:i+3] != "AT"
	return !plain
}

// span returns the byte range of the text that norm[a:b] comes from;
// norm[b-1] must be no replaced marker.
func (t *deobText) span(a, b int) (int, int) { return t.pos[a], t.pos[b-1] + 1 }

// defanged reports a web address written with brackets, capitals or
// "hxxp" ("example[.]com", "gofundme DOT com", "hxxps://…"): written so
// to hide it, not prose. Called by findSpelledURLs.
func defanged(orig string) bool {
	return strings.ContainsAny(orig, "([{") || strings.Contains(orig, " DOT ") || strings.Contains(orig, "hxxp")
}

// isLocalByte reports a byte of an address's mailbox name.
func isLocalByte(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// findSpelledEmails finds e-mail addresses written out: "tina dot okamura
// at gmail dot com", "jsmith (at) yahoo (dot) com", "maria.g at outlook",
// "jsmith@gmail". A plain " at " makes prose ("look at this dot com", "she
// works at yahoo dot com"), so with it the mailbox must hold a dot,
// underscore or digit, or the text must speak of mail, or the address be
// at a mail service's domain and the mailbox no common word. Called by
// findEmails.
func (d *doc) findSpelledEmails(r *Rule) {
	t := d.deobfuscated()
	if t == nil {
		return
	}
	n := t.norm
	for k := strings.IndexByte(n, '@'); k >= 0; k = nextAt(n, k) {
		ls := k
		for ls > 0 && isLocalByte(n[ls-1]) {
			ls--
		}
		for ls < k && (n[ls] == '.' || n[ls] == '-' || n[ls] == '_') {
			ls++
		}
		if ls == k || ls > 0 && (n[ls-1] == '\'' || n[ls-1] >= utf8.RuneSelf) {
			continue // "she's at …"
		}
		de := k + 1
		for de < len(n) && (isAlnum(n[de]) || n[de] == '.' || n[de] == '-') {
			de++
		}
		for de > k+1 && (n[de-1] == '.' || n[de-1] == '-') {
			de--
		}
		if de == k+1 || de < len(n) && (n[de] == '@' || n[de] >= utf8.RuneSelf || n[de] == '\'') {
			continue
		}
		local, domain := n[ls:k], n[k+1:de]
		dot := strings.LastIndexByte(domain, '.')
		switch {
		case dot > 0 && d.e.set(lsWebTLDs)[domain[dot+1:]]:
		case dot < 0 && d.e.set(lsMailProviders)[domain]:
		default:
			continue
		}
		if dot > 0 && !t.replaced(ls, de) {
			continue // an address in plain form: findEmails' regexes have it
		}
		s, e := t.span(ls, de)
		if !t.at(k, d.text) && !strings.ContainsAny(local, "._0123456789") && !strings.Contains(d.textBefore(s, 40), "mail") {
			// "she works at yahoo dot com", "Sarah at Yahoo"
			lvl, common := d.e.lex.WordLevel(local)
			if dot < 0 || !d.e.set(lsFreeMailDomains)[domain] || common && lvl <= 35 {
				continue
			}
		}
		d.addEmail(r, s, e, local+"@"+domain)
	}
}

// nextAt returns the index of the next "@" in n after k, or -1.
func nextAt(n string, k int) int {
	if j := strings.IndexByte(n[k+1:], '@'); j >= 0 {
		return k + 1 + j
	}
	return -1
}

// findSpelledURLs finds web addresses written out or defanged:
// "gofundme dot com slash f slash help-the-nguyens", "gofundme(dot)com/f/…",
// "example[.]com", "hxxps://…". Written out in plain words a domain alone
// is prose ("some dot com startup"): it needs a path, or to be a
// fundraiser's or social network's. Called by findURLs.
func (d *doc) findSpelledURLs(r *Rule) {
	t := d.deobfuscated()
	if t == nil {
		return
	}
	n := t.norm
	for xi := range r.compiled {
		for _, m := range t.findReplaced(&r.compiled[xi]) {
			a, b := m[0], m[1]
			for b > a && strings.IndexByte(".,;:!?)'\"/_@", n[b-1]) >= 0 {
				b--
			}
			if b == a || !t.replaced(a, b) {
				continue
			}
			if a > 0 && (isAlnum(n[a-1]) || t.at(a-1, d.text)) || t.at(b, d.text) {
				continue // part of an e-mail address
			}
			u := n[a:b]
			s, e := t.span(a, b)
			host := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"), "www.")
			path := ""
			if k := strings.IndexByte(host, '/'); k >= 0 {
				host, path = host[:k], host[k:]
			}
			if !defanged(d.text[s:e]) && len(path) < 2 && !d.e.set(lsFundraiserDomains)[host] && !d.e.set(lsSocialDomains)[host] {
				continue
			}
			d.addURL(r, s, e, u)
		}
	}
}
