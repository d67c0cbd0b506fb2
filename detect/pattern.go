package detect

import (
	"net"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// runPattern reports a span wherever the rule's regexes match: the named
// group "v" (or the whole match), if the validator accepts it. Rules with
// context = "patient" count fully only in a sentence about a patient.
func (d *doc) runPattern(r *Rule) {
	if !r.hasKeyword(d.lower) {
		return
	}
	val := validators[r.Validate]
	for xi := range r.compiled {
		x := &r.compiled[xi]
		if !d.may(x) {
			continue
		}
		vi := x.v
		for _, m := range d.findAll(x, r.Needs == "digits") {
			s, e := m[0], m[1]
			if vi > 0 && m[2*vi] >= 0 {
				s, e = m[2*vi], m[2*vi+1]
			}
			for e > s && (d.text[e-1] == ' ' || d.text[e-1] == '\t') {
				e--
			}
			if val != nil && !val(d, s, e) {
				continue
			}
			if d.unlessHit(r, s) {
				continue
			}
			d.add(s, e, chaperone.SpanType(r.Type), r.ID, d.contextScore(r, s))
		}
	}
}

// unlessHit reports whether an "unless" regex of the rule matches the
// sentence around byte offset off.
func (d *doc) unlessHit(r *Rule, off int) bool {
	if len(r.unless) == 0 {
		return false
	}
	sent := d.sentenceAt(off)
	h, base := d.hitsFor(sent)
	for ui := range r.unless {
		u := &r.unless[ui]
		if d.may(u) && d.matchAt(u, sent, base, h) {
			return true
		}
	}
	return false
}

// contextScore scales the rule's score by the patient context at off.
func (d *doc) contextScore(r *Rule, off int) float64 {
	s := r.ScoreOr(0.9)
	if r.Context != "patient" {
		return s
	}
	i := d.tokAt(off)
	if i >= len(d.toks) {
		i = len(d.toks) - 1
	}
	if i >= 0 && d.staffIn(d.sent[i]) && d.patientIn(d.sent[i]) < 1 {
		s *= 0.5 // a sentence about a colleague or the practice
	}
	if d.item.Channel == chaperone.ChannelBio && (i < 0 || d.patientIn(d.sent[i]) < 1) {
		s *= 0.4 // a bio's places and dates are the author's
	}
	if (d.item.Channel == chaperone.ChannelReviewReply || d.item.Channel == chaperone.ChannelReply) && !d.confirmed && (i < 0 || d.patientNear(i) < 0.8) {
		s *= 0.5 // a reply that confirms no one speaks of the practice
	}
	switch p := d.patientNear(i); {
	case p >= 0.5:
		return s
	case d.patientItem >= 0.5:
		return s * 0.9
	case (r.Type == string(chaperone.SpanLocation) || r.Type == string(chaperone.SpanFacility)) && d.weakPerson(i):
		alone := 0.3
		if r.Alone != nil {
			alone = *r.Alone
		}
		return s * max(alone, weakPersonFactor) // "a freshman at Pinedale High"
	}
	if r.Alone != nil {
		return s * *r.Alone
	}
	return s * 0.3
}

// validator checks a candidate span text[start:end] in its document.
type validator func(d *doc, start, end int) bool

var validators = map[string]validator{
	"date": validDate,
	"ssn":  validSSN,
	"vin":  func(d *doc, s, e int) bool { return validVIN(d.text[s:e]) },
	"ipv4": validIPv4,
	"ipv6": func(d *doc, s, e int) bool {
		ip := net.ParseIP(d.text[s:e])
		return ip != nil && ip.To4() == nil && !ip.IsPrivate() && !ip.IsLoopback() && !(docRange(ip) && d.patientNear(d.tokAt(s)) < 0.5)
	},
	"old_year": validOldYear,
	"ordinal":  validOrdinalDate,
	"age":      validAge,
	"zip":      validZIP,
	"landmark": validLandmark,
	"luhn":     func(d *doc, s, e int) bool { return luhn(digitsOf(d.text[s:e])) },
	"npi":      func(d *doc, s, e int) bool { return validNPI(digitsOf(d.text[s:e])) },
}

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// nextWordAfter returns the lower-cased word right after byte offset off.
func (d *doc) nextWordAfter(off int) string {
	i := d.tokAt(off)
	for ; i < len(d.toks); i++ {
		if d.toks[i].kind == tokWord || d.toks[i].kind == tokNumber {
			return d.toks[i].lower
		}
		if d.toks[i].kind == tokPunct && d.toks[i].text != "(" && d.toks[i].text != ")" {
			return d.toks[i].text
		}
	}
	return ""
}

// validDate accepts numeric and written dates that exist on the calendar
// and are not fractions, scores, doses or ratios.
func validDate(d *doc, s, e int) bool {
	v := d.text[s:e]
	// what follows must not be a unit: "1/2 tab", "3/10 pain", "2/3 of"
	next := d.nextWordAfter(e)
	if d.e.set(lsDateNotBefore)[next] {
		return false
	}
	if next == "per" && strings.Count(v, "-")+strings.Count(v, "/")+strings.Count(v, ".") == 1 {
		return false // a rate: "1-2 per million", not "2016-08-22 per the registry"
	}
	if s > 0 {
		c := d.text[s-1]
		if c == '/' || c == '$' || c == '#' || c == '.' || c == '-' || c == '+' || (c >= '0' && c <= '9') {
			return false
		}
	}
	if e < len(d.text) {
		c := d.text[e]
		if c == '/' || c == '%' || ((c == '-' || c == '.') && e+1 < len(d.text) && d.text[e+1] >= '0' && d.text[e+1] <= '9') {
			return false
		}
	}
	nums := splitNums(v)
	if len(nums) >= 2 && !strings.ContainsAny(strings.ToLower(v), "abcdefghijklmnopqrstuvwxyz") {
		m, dd := nums[0], nums[1]
		if nums[0] > 31 { // 2024-03-14
			if len(nums) < 3 {
				return false
			}
			m, dd = nums[1], nums[2]
		} else if m > 12 && dd <= 12 { // 14.03.2024
			m, dd = dd, m
		}
		if m < 1 || m > 12 || dd < 1 || dd > daysIn(m) {
			return false
		}
		// "7.2" and "1.6" are more often lab values, "10/10" and "5/5"
		// ratings: they need a date word right before ("on 7.2")
		if len(nums) == 2 && !strings.Contains(v, "-") && (strings.Contains(v, ".") || nums[0] == nums[1] && nums[0] >= 5) {
			i := d.tokAt(s)
			switch d.prevWord(i) {
			case "on", "dob", "since", "due", "by", "until", "born", "from":
				return true
			case "of": // "as of 7.2", not "a potassium of 7.1"
				return i >= 2 && d.prevWord(i-1) == "as"
			}
			return false
		}
		// "1/2" and "1/3" are more often fractions; need a date cue
		if len(nums) == 2 && m <= 2 && dd <= 4 && !strings.Contains(v, "-") {
			return containsAny(d.textBefore(s, 20), []string{"on ", "dob", "since ", "from ", "due ", "by ", "until "})
		}
		return true
	}
	for _, n := range nums {
		if n > 31 && n < 1800 {
			return false
		}
	}
	return true
}

func splitNums(s string) []int {
	var out []int
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
			in = true
			if n > 100000 {
				n = 100000
			}
			continue
		}
		if in {
			out = append(out, n)
			n, in = 0, false
		}
	}
	if in {
		out = append(out, n)
	}
	return out
}

func daysIn(m int) int {
	switch m {
	case 2:
		return 29
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// validOrdinalDate accepts "the 14th" as a date only when no noun follows
// ("the 3rd time", "4th floor", "7th grader" are not dates).
func validOrdinalDate(d *doc, s, e int) bool {
	n := splitNums(d.text[s:e])
	if len(n) == 0 || n[0] < 1 || n[0] > 31 {
		return false
	}
	next := d.nextWordAfter(e)
	if next == "" || next == "." || next == "," || next == "!" || next == ")" || next == ":" || next == ";" || next == "—" || next == "-" {
		return true
	}
	if k := d.tokAt(e); k < len(d.toks) && d.toks[k].kind == tokSymbol {
		return true // "on the 21st 😳"
	}
	return d.e.set(lsOrdinalDateFollowers)[next]
}

// validOldYear accepts a birth year that implies an age over 89.
func validOldYear(d *doc, s, e int) bool {
	n := splitNums(d.text[s:e])
	if len(n) == 0 {
		return false
	}
	y := n[len(n)-1]
	return y >= 1880 && y <= time.Now().Year()-90
}

// validAge accepts a bare number as an age over 89 only when no unit
// follows ("at 94" yes, "at 95 mph", "is 90%" no).
func validAge(d *doc, s, e int) bool {
	n := splitNums(d.text[s:e])
	if len(n) == 0 || n[0] < 90 || n[0] > 125 {
		if !strings.ContainsAny(d.text[s:e], "abcdefghijklmnopqrstuvwxyz") {
			return false
		}
	}
	if e < len(d.text) && (d.text[e] == '%' || d.text[e] == '/' || d.text[e] == ':') {
		return false
	}
	// "walk-ins welcome at 118 Pine St": a house number
	if streetAfterRe.matchPrefix(d.text[e:min(len(d.text), e+48)]) {
		return false
	}
	// "if Liam's fever is still 104 tomorrow": a temperature
	if before := d.lower[max(0, s-24):s]; strings.Contains(before, "fever") || strings.Contains(before, "temp") || strings.Contains(before, "°") {
		return false
	}
	// "Happy 94th birthday to us!": the practice's anniversary
	if rest := d.lowerText(e, min(len(d.text), e+24)); strings.Contains(rest, " to us") || strings.Contains(rest, "anniversary") {
		return false
	}
	return !d.e.set(lsAgeNotBefore)[d.nextWordAfter(e)]
}

// streetAfterRe is a street name after a number, which makes the number a
// house number: " Pine St", " W. Oak Avenue". Used by validAge.
var streetAfterRe = mustLazyRegexp(`^\s+(?:[NSEW]\.?\s+)?(?:[A-Z][a-z]+\s+){1,3}(?:St|Street|Ave|Avenue|Blvd|Boulevard|Rd|Road|Dr|Drive|Ln|Lane|Ct|Court|Way|Pl|Place|Pkwy|Parkway|Hwy|Highway)\b`)

// validSSN checks the Social Security number ranges; the well-known
// placeholders (123-45-6789, 078-05-1120) and 000/666/9xx areas are not SSNs.
func validSSN(d *doc, s, e int) bool {
	v := d.text[s:e]
	dg := digitsOf(v)
	if n := readSpelledNumber(d.lower, s); n.words > 0 && n.end == e {
		dg = n.digits // "four four seven one"
	} else if strings.ContainsAny(v, "*xX") {
		return true // masked: the label made it an SSN
	}
	if len(dg) == 4 {
		return true // the last four
	}
	if len(dg) != 9 {
		return false
	}
	if dg == "123456789" || dg == "078051120" || dg == "219099999" {
		return false
	}
	area, _ := strconv.Atoi(dg[:3])
	if area == 0 || dg[3:5] == "00" || dg[5:] == "0000" {
		return false
	}
	if area == 666 || area >= 900 {
		// never issued as an SSN, but an ITIN starts with 9: after its
		// label ("her social is 912-44-8810") the number identifies someone
		before := strings.ToLower(d.textBefore(s, 40))
		return containsAny(before, []string{"ssn", "social", "ss#", "ss #", "itin", "tax id"})
	}
	// a phone number with a different grouping is not an SSN
	before := d.textBefore(s, 12)
	return !strings.Contains(before, "fax") && !strings.Contains(before, "phone") && !strings.Contains(before, "call")
}

// validVIN checks a 17-character vehicle identification number and its
// check digit (position 9).
func validVIN(v string) bool {
	if len(v) != 17 {
		return false
	}
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	letters, digits, sum := 0, 0, 0
	for i := 0; i < 17; i++ {
		c := v[i]
		var val int
		switch {
		case c >= '0' && c <= '9':
			val = int(c - '0')
			digits++
		case c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q':
			val = vinLetter(c)
			letters++
		default:
			return false
		}
		sum += val * weights[i]
	}
	if letters == 0 || digits < 4 {
		return false
	}
	check := sum % 11
	want := byte('0' + check)
	if check == 10 {
		want = 'X'
	}
	return v[8] == want
}

func vinLetter(c byte) int {
	const tbl = "12345678.12345.7.923456789"
	v := tbl[c-'A']
	if v == '.' {
		return 0
	}
	return int(v - '0')
}

func validIPv4(d *doc, s, e int) bool {
	ip := net.ParseIP(d.text[s:e])
	if ip == nil || ip.To4() == nil {
		return false
	}
	// loopback and link-local addresses are infrastructure, not a patient's
	if ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return false
	}
	// a private address is the network's, unless the sentence is about a
	// patient or the text is ("the stream came off guest wifi as
	// 10.88.4.217")
	if ip.IsPrivate() {
		i := d.tokAt(s)
		return d.patientItem >= 0.8 || i < len(d.toks) && d.patientIn(d.sent[i]) >= 0.8
	}
	switch ip.String() {
	case "8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "208.67.222.222":
		return false // public DNS resolvers
	}
	// version numbers: "v1.2.3.4", "iOS 17.1.2.1"
	b := d.textBefore(s, 8)
	if strings.HasSuffix(b, "v") || strings.Contains(b, "version") {
		return false
	}
	return !ip.IsUnspecified()
}

// validZIP accepts a ZIP code that exists, in an address-like context.
func validZIP(d *doc, s, e int) bool {
	z := d.text[s:e]
	if len(z) < 5 || !d.e.lex.ZipExists(z[:5]) {
		return false
	}
	b := d.textBefore(s, 30)
	return containsAny(b, []string{"zip", " st ", " ave", " rd", ", ", " in ", "from ", "near ", "moved to ", "move to ", "lives in ", "out to ", "around ", "outside "}) ||
		strings.HasPrefix(d.lower[e:], " zip") || strings.HasPrefix(d.lower[e:], " area") || d.e.lex.State(strings.TrimSpace(strings.TrimRight(d.text[max(0, s-4):s], " ,")))
}

// luhn checks a Luhn check digit.
func luhn(num string) bool {
	if len(num) < 2 {
		return false
	}
	sum := 0
	alt := false
	for i := len(num) - 1; i >= 0; i-- {
		n := int(num[i] - '0')
		if alt {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		alt = !alt
	}
	return sum%10 == 0
}

// validNPI checks a National Provider Identifier: ten digits whose Luhn
// check digit is computed with the 80840 prefix.
func validNPI(num string) bool {
	return len(num) == 10 && luhn("80840"+num)
}

// findAll returns the submatch indexes of x in the text; with nearDigits
// it searches only windows around runs of digits, which is where every
// number-bearing pattern must match, and skips windows with fewer digits
// than any match needs.
func (d *doc) findAll(x *rx, nearDigits bool) [][]int {
	if x.digits > 0 && d.digitCount() < x.digits {
		return nil
	}
	if !nearDigits {
		return d.findAllAt(x, d.text, 0, d.hits(), true)
	}
	var out [][]int
	for _, w := range d.digitWindows() {
		if w.digits < x.digits {
			continue
		}
		for _, m := range d.findAllAt(x, d.text[w.start:w.end], w.start, d.hits(), true) {
			for k := range m {
				if m[k] >= 0 {
					m[k] += w.start
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// digitWindow is a byte range of the text around runs of digits, with the
// number of digits inside it.
type digitWindow struct{ start, end, digits int }

// digitCount returns the number of ASCII digits in the text, counted
// with the digit windows.
func (d *doc) digitCount() int {
	d.digitWindows()
	return d.digits
}

// digitWindows returns merged byte windows around every run of digits,
// widened to white space, computed once per document.
func (d *doc) digitWindows() []digitWindow {
	if d.windows != nil {
		return *d.windows
	}
	const pad = 40
	var ws []digitWindow
	t := d.text
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			continue
		}
		j := i
		digits := 0
		for j < len(t) && (t[j] >= '0' && t[j] <= '9' || t[j] == '-' || t[j] == '.' || t[j] == '/' || t[j] == ':' || isAlnum(t[j])) {
			if t[j] >= '0' && t[j] <= '9' {
				digits++
			}
			j++
		}
		a, b := max(0, i-pad), min(len(t), j+pad)
		for a > 0 && t[a-1] != ' ' && t[a-1] != '\n' {
			a--
		}
		for b < len(t) && t[b] != ' ' && t[b] != '\n' {
			b++
		}
		if n := len(ws); n > 0 && a <= ws[n-1].end {
			ws[n-1].end = max(ws[n-1].end, b)
			ws[n-1].digits += digits
		} else {
			ws = append(ws, digitWindow{a, b, digits})
		}
		i = j
	}
	d.windows = &ws
	for _, w := range ws {
		d.digits += w.digits
	}
	return ws
}

// validLandmark accepts "the Kroger on Delmar Blvd", "the Love's in
// Effingham": the place after the preposition must be a road, a numbered
// route or exit, or a town in the gazetteer, and the landmark no holiday
// or family ("the Hendersons on Thanksgiving").
// timeUnits after a number make it a duration: "in 14 minutes".
var timeUnits = map[string]bool{"minutes": true, "minute": true, "min": true, "mins": true, "seconds": true, "secs": true,
	"hours": true, "hour": true, "hrs": true, "days": true, "weeks": true, "months": true, "years": true}

func validLandmark(d *doc, s, e int) bool {
	v := d.text[s:e]
	words := strings.Fields(v)
	k := -1
	for i, w := range words {
		switch w {
		case "on", "in", "off", "at", "near", "by":
			k = i
		}
		if k >= 0 {
			break
		}
	}
	if k < 0 {
		return true // "the Hwy 20 truck stop": no preposition to check
	}
	if k < 2 || k == len(words)-1 {
		return false
	}
	place := words[k+1:]
	last := strings.ToLower(strings.Trim(place[len(place)-1], ".,"))
	if timeUnits[d.nextWordAfter(e)] {
		return false // "got him to the OR in 14 minutes"
	}
	if d.e.lex.StreetSuffix(last) || d.e.set(lsMonths)[last] == false && strings.ContainsAny(strings.Join(place, " "), "0123456789") {
		return true
	}
	switch strings.ToLower(place[0]) {
	case "route", "hwy", "highway", "interstate", "exit", "main", "broadway":
		return true
	}
	if _, _, ok := d.e.lex.City(strings.ToLower(strings.Join(place, " "))); ok {
		return true
	}
	if len(place) > 1 {
		if _, _, ok := d.e.lex.City(strings.ToLower(place[0])); ok {
			return true
		}
	}
	return false
}

var docNets = func() []*net.IPNet {
	var out []*net.IPNet
	for _, c := range []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"} {
		_, n, _ := net.ParseCIDR(c)
		out = append(out, n)
	}
	return out
}()

// docRange reports the address ranges reserved for documentation.
func docRange(ip net.IP) bool {
	for _, n := range docNets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
