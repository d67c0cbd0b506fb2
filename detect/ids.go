package detect

import (
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

func init() { registerSpan("id-labelled", (*doc).findLabelledIDs) }

// labelType maps the word lists of identifier labels to span types:
// "MRN 0048-2913", "member ID W2847719301", "plate 7KJX482".
var labelLists = []struct {
	list string
	typ  chaperone.SpanType
}{
	{"label_mrn", chaperone.SpanMRN},
	{"label_health_plan", chaperone.SpanHealthPlan},
	{"label_account", chaperone.SpanAccount},
	{"label_driver_license", chaperone.SpanLicense},
	{"label_license", chaperone.SpanLicense},
	{"label_vehicle", chaperone.SpanVehicle},
	{"label_device", chaperone.SpanDevice},
	{"label_id", chaperone.SpanID},
	{"label_room", chaperone.SpanID},
}

// labelTypes is labelLists as a map from list to type.
var labelTypes = func() map[string]chaperone.SpanType {
	m := map[string]chaperone.SpanType{}
	for _, l := range labelLists {
		m[l.list] = l.typ
	}
	return m
}()

// labelIndex finds identifier labels. The labels are prefilter literals,
// so the prefilter's one pass over a text finds them too (find).
type labelIndex struct {
	labels []string
	ids    []int32           // by label: its prefilter literal
	kind   map[string]string // label -> list name
	// labelOf is, by prefilter literal up to the last label's, 1 + the
	// index of the label it is (0 for none): find reads it for the
	// literals present, fewer than the labels
	labelOf []int32
	// ac finds the labels with a pass of their own, for rule files with
	// an empty label, which the prefilter does not look for; else nil
	ac *acMachine
}

// newLabelIndex gathers the labels of the rule set's label lists and
// registers them as literals of its prefilter; compileRules calls it
// before building the prefilter.
func newLabelIndex(rs *ruleSet) *labelIndex {
	li := &labelIndex{kind: map[string]string{}}
	for _, l := range labelLists {
		for _, w := range rs.list(l.list) {
			if _, dup := li.kind[w]; !dup {
				li.kind[w] = l.list
				li.labels = append(li.labels, w)
			}
		}
	}
	if slices.Contains(li.labels, "") {
		li.ac = buildAC(li.labels)
		return li
	}
	li.ids = rs.pre.ids(li.labels)
	if len(li.ids) > 0 {
		li.labelOf = make([]int32, slices.Max(li.ids)+1)
		for k, id := range li.ids {
			li.labelOf[id] = int32(k) + 1
		}
	}
	return li
}

// labels returns the engine's identifier labels.
func (e *Engine) labels() *labelIndex { return e.rules.labels }

// textLabels returns the engine's labels in the lower-cased text
// (labelIndex.find), found once per document; callers must not modify it.
func (d *doc) textLabels() [][2]int {
	if d.labelsFound == nil {
		found := d.e.labels().find(d.lower, d.hits())
		d.labelsFound = &found
	}
	return *d.labelsFound
}

// find returns the labels in lower, leftmost-longest, at word boundaries;
// h is what the prefilter found in lower.
func (li *labelIndex) find(lower string, h *litHits) [][2]int {
	var hits [][2]int
	at := func(k, e int) { // label k ends at byte e
		l := li.labels[k]
		s := e - len(l)
		if s > 0 && (isAlnum(lower[s-1]) || lower[s-1] == '@' || lower[s-1] == '#') {
			return
		}
		if isAlnum(l[len(l)-1]) && e < len(lower) && isAlnum(lower[e]) {
			return
		}
		hits = append(hits, [2]int{s, e})
	}
	if li.ac != nil {
		for _, m := range li.ac.scanAll(lower, nil) {
			at(int(m.id), int(m.end))
		}
	} else {
		// hits sorts them, so the order they are found in does not matter
		for _, id := range h.found {
			if int(id) >= len(li.labelOf) || li.labelOf[id] == 0 {
				continue
			}
			k := int(li.labelOf[id]) - 1
			for o := h.head[id]; o != 0; o = h.occ[o-1].next {
				at(k, int(h.occ[o-1].end))
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i][0] != hits[j][0] {
			return hits[i][0] < hits[j][0]
		}
		return hits[i][1] > hits[j][1]
	})
	out := hits[:0]
	end := -1
	for _, h := range hits {
		if h[0] >= end {
			out = append(out, h)
			end = h[1]
		}
	}
	return out
}

// ownVehicle matches the practice's own vehicle named just before a plate:
// "our very own clinic van", "our mobile unit", "the clinic's new bus".
// Used by findLabelledIDs.
var ownVehicle = regexp.MustCompile(`\b(?:our|the clinic['’]s|the practice['’]s)\s+(?:[a-z\-]+\s+){0,3}(?:van|bus|truck|rv|ambulance|rig|mobile unit|vehicle|car|suv|coach)\b[^.!?]{0,25}$`)

// findLabelledIDs finds identifier values that follow a label. The label
// decides the type; the value must hold a digit. Values seen once are
// found again wherever they recur in the text.
func (d *doc) findLabelledIDs(r *Rule) {
	li := d.e.labels()
	base := r.ScoreOr(0.95)
	found := map[string]chaperone.SpanType{}
	typeOf := labelTypes
	lower := d.lower
	for _, h := range d.textLabels() {
		ls, le := h[0], h[1]
		label := lower[ls:le]
		list := li.kind[label]
		typ := typeOf[list]
		// "social security ending in 0912" is the SSN rule's
		if list == "label_account" && strings.Contains(label, "ending") && containsAny(d.textBefore(ls, 30), []string{"ssn", "social"}) {
			continue
		}
		// training dummies and placeholders
		if a, b := d.sentenceRange(ls); d.listIn("placeholder_cues", a, b) {
			continue
		}
		vals := d.valuesAfter(le, list)
		if d.e.set(lsInsurerWords)[label] && len(vals) > 0 && strings.TrimLeft(d.text[le:vals[0][0]], " #:(") != "" {
			vals = nil // "UHC 921774530" yes; "UHC denied claim #…" is the claim's
		}
		for _, v := range vals {
			if ageValue(d.lower[v[0]:v[1]]) {
				continue // "Tonight's trauma: 19yo shot outside …": an age, not a room
			}
			if d.phoneNotID(le, v[0], v[1]) {
				continue // "Give us a ring at 520-555-0192", "Poison Control: 1-800-222-1222"
			}
			vt := typ
			if list == "label_id" {
				vt = d.idTypeFromWordBefore(ls, typ)
			}
			// "the SSN on this claim is 448-19-2207": an SSN, whatever the label
			if ssnShaped(d.text[v[0]:v[1]]) && containsAny(d.textBefore(ls, 30), []string{"ssn", "social"}) && validSSN(d, v[0], v[1]) {
				vt = chaperone.SpanSSN
			}
			score := base
			switch list {
			case "label_room":
				// the word before the label, or before its repetition: "lactation room (Room 210)"
				before := strings.TrimRight(d.textBefore(ls, 28), " (")
				if w := lastWord(before); w == "room" || w == "rm" {
					before = before[:len(before)-len(w)]
				}
				if w := lastWord(before); containsAny(w+" ", []string{"exam ", "hygiene ", "waiting ", "break ", "supply ", "conference ", "staff ", "call ", "operating ", "procedure ", "bath", "rest", "utility ", "storage ", "family ", "quiet ", "lactation ", "mother's ", "server ", "conf "}) {
					continue // a room of the practice, not a patient's
				}
				if k := d.tokAt(ls); k < len(d.toks) && d.roomOfBuilding(k) && d.patientIn(d.sent[k]) < 0.4 && !d.personIn(d.sent[k]) {
					continue // "Lab draws are in Room 4 on the 1st floor": the building's room, no one in it
				}
				vs, ve := ls, v[1]
				score = d.contextScoreWith(vs, base, 0.4)
				d.add(vs, ve, chaperone.SpanID, r.ID, score)
				continue
			case "label_license":
				score = d.contextScoreWith(v[0], base, 0.4)
				// the author's own licence next to their NPI or credentials
				if strings.Contains(d.lower, "npi") || d.ownCredential(ls) {
					score = 0
				}
			case "label_driver_license":
				if d.ownCredential(ls) {
					score = 0 // "KS APRN license #53-88102": the author's, not a driver's licence
				}
			case "label_device":
				alone := 0.45 // equipment serials are not a patient's
				if containsAny(d.sentenceAt(v[0]), d.e.rules.list("patient_device_words")) {
					alone = 0.8
				}
				score = d.contextScoreWith(v[0], base, alone)
			case "label_id", "label_account", "label_vehicle":
				score = d.contextScoreWith(v[0], base, 0.75)
				// CPT codes: "99214-25"
				if list == "label_id" && cptCode.MatchString(d.text[v[0]:v[1]]) {
					score = 0
				}
				// "our very own clinic van, plate GORGE-MD": the practice's vehicle
				if list == "label_vehicle" && ownVehicle.MatchString(d.lower[max(0, ls-60):ls]) {
					score = 0
				}
			}
			if d.item.Channel == chaperone.ChannelBio && (vt == chaperone.SpanLicense || d.patientNear(d.tokAt(v[0])) < 1) {
				score = 0 // a bio's numbers are the author's own
			}
			d.add(v[0], v[1], vt, r.ID, score)
			if score >= Threshold {
				found[d.text[v[0]:v[1]]] = vt
			}
		}
	}
	// values the context gave: "the serial on his card is PZN118839S" …
	// "that beep on PZN118839S"
	if d.ctxLower != "" {
		for _, h := range li.find(d.ctxLower, d.ctxHits()) {
			list := li.kind[d.ctxLower[h[0]:h[1]]]
			cd := &doc{e: d.e, text: d.item.Context, lower: d.ctxLower}
			for _, v := range cd.valuesAfter(h[1], list) {
				val := d.item.Context[v[0]:v[1]]
				if len(val) >= 5 && strings.Contains(d.text, val) {
					found[val] = typeOf[list]
				}
			}
		}
	}
	// a plural label before bare numbers: "Duplicate MRNs … we merged 00713355 and 00713356"
	for _, h := range d.textLabels() {
		label := lower[h[0]:h[1]]
		if !strings.HasSuffix(label, "s") || !strings.HasPrefix(li.kind[label], "label_") {
			continue
		}
		for k := d.tokAt(h[1]); k < len(d.toks) && d.toks[k].start < h[1]+160; k++ {
			t := &d.toks[k]
			if t.kind == tokNumber && len(digitsOf(t.text)) >= 6 && !strings.ContainsAny(t.text, "/.,:") && !d.phoneNotID(h[1], t.start, t.end) {
				if _, ok := found[t.text]; !ok {
					d.add(t.start, t.end, typeOf[li.kind[label]], r.ID, base*0.75)
				}
			}
		}
	}
	// recurrences of a value: "that beep on PZN118839S"
	for _, val := range slices.Sorted(maps.Keys(found)) {
		typ := found[val]
		if len(val) < 5 {
			continue
		}
		for off := 0; ; {
			k := strings.Index(d.text[off:], val)
			if k < 0 {
				break
			}
			s := off + k
			d.add(s, s+len(val), typ, r.ID, base*0.9)
			off = s + len(val)
		}
	}
}

// phoneNotID reports a value at [s,e), after a label that ends at le,
// written as a telephone number is and so read as one, not as the
// label's identifier: a toll-free number (a business or a hotline), or a
// number the words between label and value call a line ("Aetna, BCBS and
// Cigna. Give us a ring at 520-555-0192"). Called by findLabelledIDs.
func (d *doc) phoneNotID(le, s, e int) bool {
	m := phoneShape.FindStringSubmatch(d.text[s:e])
	if m == nil {
		return false
	}
	return tollFree(m[1]) || le <= s && containsCue(d.lower[le:s], d.e.rules.list("phone_cues"))
}

// phoneShape is a North American number with its separators: "(615)
// 555-0148", "1-800-222-1222", "520.555.0192".
var phoneShape = regexp.MustCompile(`^(?:1[-. ])?\(?(\d{3})\)?[-. ]\d{3}[-. ]\d{4}$`)

// ssnShaped reports digits grouped as a Social Security number is,
// "448-19-2207", "448 19 2207", or one by one, "4 4 8 - 1 9 - 2 2 0 7".
// Called by findLabelledIDs.
func ssnShaped(v string) bool {
	var lens []int
	for _, g := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '-' }) {
		if strings.Trim(g, "0123456789") != "" {
			return false
		}
		lens = append(lens, len(g))
	}
	return slices.Equal(lens, []int{3, 2, 4}) || len(lens) == 9 && slices.Max(lens) == 1
}

// lastWord returns the last space-separated word of s, lower-cased as s is.
func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// placeScoreWith is contextScoreWith for named places and facilities: in
// a post (not a reply), a sentence whose only cue is a person ("two of our
// asthma kids from Central High", "a freshman at Pinedale High") places
// that person, weaker evidence than a patient cue but stronger than none.
func (d *doc) placeScoreWith(off int, base, alone float64) float64 {
	i := d.tokAt(off)
	if i >= len(d.toks) {
		i = len(d.toks) - 1
	}
	if d.weakPerson(i) {
		return base * max(alone, weakPersonFactor)
	}
	return d.contextScoreWith(off, base, alone)
}

// weakPerson reports a sentence at token i whose strongest cue is a noun
// for one person (0.4; "a freshman", not "kids"), in a post whose item has
// no patient cue: see placeScoreWith.
func (d *doc) weakPerson(i int) bool {
	return i >= 0 && i < len(d.toks) && d.patientNear(i) >= 0.4 && d.patientNear(i) < 0.5 && d.patientItem < 0.5 && d.personIn(d.sent[i]) &&
		!d.staffIn(d.sent[i]) && !d.item.Channel.IsReply() && d.item.Channel != chaperone.ChannelBio &&
		d.word(i-2) != "our" && d.word(i-3) != "our" // "our clinic in Cody": the practice's own
}

// weakPersonFactor is placeScoreWith's factor for a person cue alone.
const weakPersonFactor = 0.7

// contextScoreWith scales base by the patient context at off, with alone
// as the factor where there is none.
func (d *doc) contextScoreWith(off int, base, alone float64) float64 {
	i := d.tokAt(off)
	if i >= len(d.toks) {
		i = len(d.toks) - 1
	}
	switch {
	case i >= 0 && d.patientNear(i) >= 0.5:
		return base
	case i >= 0 && d.staffIn(d.sent[i]):
		return base * alone // "our charge nurse retires Friday 6/27": a colleague's date
	case d.patientItem >= 0.5:
		return base * 0.9
	}
	return base * alone
}

// idTypeFromWordBefore refines a bare "ID" or "#" label by the word before
// it: "Medicaid ID" is a health-plan number, "transmitter ID" a device's.
func (d *doc) idTypeFromWordBefore(labelStart int, def chaperone.SpanType) chaperone.SpanType {
	b := strings.TrimSpace(d.textBefore(labelStart, 24))
	words := strings.Fields(b)
	if len(words) == 0 {
		return def
	}
	w := strings.Trim(words[len(words)-1], "(),:'’")
	for _, x := range words[max(0, len(words)-4):] {
		if d.e.set(lsInsurerWords)[strings.Trim(x, "(),:'’")] {
			return chaperone.SpanHealthPlan // "Medicaid card …, ID 00417729LA"
		}
	}
	switch {
	case d.e.set(lsInsurerWords)[w]:
		return chaperone.SpanHealthPlan
	case d.e.set(lsDeviceWords)[w]:
		return chaperone.SpanDevice
	case w == "member" || w == "subscriber" || w == "policy" || w == "insurance" || w == "plan":
		return chaperone.SpanHealthPlan
	case w == "patient" || w == "pt" || w == "chart" || w == "record":
		return chaperone.SpanMRN
	}
	return def
}

// valuesAfter scans the identifier values after a label ending at off:
// separators ("#", ":", "(", "no.", "number", "is"), a state code ("CA DL
// B7204431") and further labels are skipped; "A and B" gives two values.
func (d *doc) valuesAfter(off int, list string) [][2]int {
	var out [][2]int
	t := d.text
	i := off
	skipped := 0
	for len(out) < 4 && i < len(t) && skipped < 8 {
		// separators
		for i < len(t) {
			// a sentence ends right after a label that is a word: "age group. By 2040 …"
			if t[i] == '.' && i == off && i+2 < len(t) && t[i+1] == ' ' && t[i+2] >= 'A' && t[i+2] <= 'Z' && d.wordLabel(off) {
				return out
			}
			if strings.IndexByte(" \t:#(=-.,", t[i]) >= 0 {
				i++
				continue
			}
			if strings.HasPrefix(t[i:], "—") || strings.HasPrefix(t[i:], "–") {
				i += 3
				continue
			}
			break
		}
		if i >= len(t) {
			break
		}
		w := wordAt(t, i)
		lw := strings.ToLower(w)
		if w == "" {
			break
		}
		if len(w) == 2 && w == strings.ToUpper(w) && d.e.lex.State(w) && i+2 < len(t) && t[i+2] == ' ' {
			i += 3 // a state code before the number: "CA DL B7204431", "IL P884221"
			skipped++
			continue
		}
		vEnd := d.scanIDValue(i, list)
		if vEnd > i && skipped > 0 && yearLike(t[i:vEnd]) {
			i = vEnd // words away from the label, a year: "that claim came from a retracted 1998 paper", "a DL from 2011 (OH RX493771)"
			skipped++
			continue
		}
		if vEnd > i {
			out = append(out, [2]int{i, vEnd})
			i = vEnd
			// "00713355 and 00713356", "2/2 to 2/19"
			rest := strings.ToLower(t[i:min(len(t), i+6)])
			if strings.HasPrefix(rest, " / ") {
				rest = " and " + rest[3:] // "2338A1190 / 2338A1191"
			}
			if strings.HasPrefix(rest, " and ") || strings.HasPrefix(rest, ", ") || strings.HasPrefix(rest, " & ") {
				k := i + strings.Index(rest[1:], " ") + 2
				for k < len(t) && t[k] == '#' {
					k++
				}
				// only a bare second value continues the list: "00713355 and 00713356"
				if nv := d.scanIDValue(k, list); nv > k {
					out = append(out, [2]int{k, nv})
				}
			}
			break
		}
		// skip filler: state codes, label words, "no.", "number", "is", "on his card is"
		switch {
		case len(w) == 2 && w == strings.ToUpper(w) && d.e.lex.State(w):
		case d.e.set(lsIdFiller)[lw] && (list != "label_room" || roomFiller[lw]):
		case d.e.labels().kind[lw] != "":
		case lw != "" && unicode.IsLower(rune(lw[0])) && skipped < 5 && list != "label_room":
		default:
			return out
		}
		i += len(w)
		skipped++
		if i < len(t) && t[i] == '.' {
			if i+2 < len(t) && t[i+1] == ' ' && t[i+2] >= 'A' && t[i+2] <= 'Z' {
				return out // a sentence ends past a filler word: "No ID needed. Call 555-0101", "age group in the US. By 2040"
			}
			i++
		}
	}
	return out
}

// roomFiller are the words that may stand between a room label and its
// number ("room no. 12", "bed # 4", "her room is 412"); the other filler
// words read as prose after a room ("restocked every room in 11 minutes").
// Used by valuesAfter.
var roomFiller = map[string]bool{"no": true, "no.": true, "number": true, "num": true, "nbr": true, "is": true, "was": true, "#": true}

// wordLabel reports a label ending at off that is a whole English word of
// five letters or more ("group", "member"), whose period can only end a
// sentence, unlike an abbreviation's ("Acct.", "No.").
func (d *doc) wordLabel(off int) bool {
	w := strings.ToLower(lastWord(d.text[max(0, off-24):off]))
	_, ok := d.e.lex.WordLevel(w)
	return ok && len(w) >= 5
}

// wordAt returns the run of letters, digits and apostrophes at i.
func wordAt(t string, i int) string {
	j := i
	for j < len(t) {
		r, sz := utf8.DecodeRuneInString(t[j:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’') {
			break
		}
		j += sz
	}
	return t[i:j]
}

// scanIDValue returns the end of an identifier value starting at i, or i
// when there is none. A value is letters, digits and inner hyphens, with at
// least one digit; space-separated groups join when each group is short
// and holds digits or is an all-capital plate prefix ("PXL 8829").
// vanityPlate reports an all-capital run of letters after a plate label
// that is no English word or abbreviation: "DLYSSQN", not "TEXAS" or
// "EXPIRED". Called by scanIDValue.
func (d *doc) vanityPlate(g string) bool {
	w := strings.ToLower(g)
	if _, ok := d.e.lex.WordLevel(w); ok || d.e.lex.State(g) || d.e.lex.State(w) {
		return false
	}
	return !d.e.set(lsNotNames)[w]
}

func (d *doc) scanIDValue(i int, list string) int {
	t := d.text
	if e := d.spelledIDValue(i, list); e > i {
		return e
	}
	// a bed or bay by its letter: "bed B in our unit"
	if list == "label_room" && i < len(t) && t[i] >= 'A' && t[i] <= 'Z' && (i+1 == len(t) || !isAlnum(t[i+1]) && t[i+1] != '\'' && t[i+1] != '.') {
		if b := strings.TrimRight(d.lower[max(0, i-5):i], " "); strings.HasSuffix(b, "bed") || strings.HasSuffix(b, "bay") {
			return i + 1
		}
	}
	end := i
	groups := 0
	hasDigit := false
	for {
		j := end
		if groups > 0 {
			if j >= len(t) || t[j] != ' ' {
				break
			}
			j++
		}
		k := j
		digits, letters, lowers := 0, 0, 0
		for k < len(t) {
			c := t[k]
			switch {
			case c >= '0' && c <= '9':
				digits++
			case c >= 'A' && c <= 'Z':
				letters++
			case c >= 'a' && c <= 'z':
				letters++
				lowers++
			case c == '-' || c == '*' || (c == '.' && k+1 < len(t) && t[k+1] >= '0' && t[k+1] <= '9'):
				if k+1 >= len(t) || !isAlnum(t[k+1]) {
					goto done
				}
			default:
				goto done
			}
			k++
		}
	done:
		if k == j {
			break
		}
		g := t[j:k]
		if groups > 0 {
			// a further group must look like part of an ID
			if digits == 0 || lowers > 0 || len(g) > 8 {
				break
			}
			// not a count or unit: "4471 on 5/22", "100 mg"
			if k < len(t) && t[k] == '/' {
				break
			}
		} else {
			if lowers > 0 && digits == 0 {
				return i
			}
			if digits == 0 && list == "label_vehicle" && lowers == 0 && letters >= 5 && letters <= 8 && (k >= len(t) || t[k] != ' ' || !isAlnum(t[min(k+1, len(t)-1)])) && d.vanityPlate(g) {
				return k // a vanity plate: "plate DRLL4ME" has digits, "plate DLYSSQN" none
			}
			if digits == 0 {
				// an all-capital plate prefix: "PXL 8829", "HGT 4471"
				if list != "label_vehicle" || letters > 4 || k >= len(t) || t[k] != ' ' {
					return i
				}
			}
			if lowers > 0 && letters-lowers > 0 && digits < 3 {
				return i
			}
		}
		if digits > 0 {
			hasDigit = true
		}
		end = k
		groups++
		if groups >= 4 {
			break
		}
	}
	if !hasDigit {
		return i
	}
	v := t[i:end]
	n := len(digitsOf(v))
	if placeholderNumber(digitsOf(v)) {
		return i // 7777777, 0000001, 1234567: a test record
	}
	if d.practiceNumberAt(i) {
		return i
	}
	switch list {
	case "label_room":
		if n > 4 || strings.ContainsAny(v, "/") {
			return i
		}
	case "label_vehicle":
		// a plate may hold one digit ("DRLL4ME", "4HK-927"), never a
		// lower-case letter ("one very proud 11-year-old")
		if len(v) < 5 && n < 3 || n < 1 || n < 3 && strings.ToUpper(v) != v {
			return i
		}
	default:
		if len(v) < 3 || n < 3 {
			return i
		}
	}
	// dates and money are not identifiers
	if strings.Count(v, "/") > 0 || isoDate.MatchString(v) {
		return i
	}
	return end
}

// practiceNumberAt reports a number at i that is the practice's own:
// "group NPI is …", "TIN 84-…". Called by scanIDValue and spelledIDValue.
func (d *doc) practiceNumberAt(i int) bool {
	return containsAny(d.lower[max(0, i-14):i], []string{"npi", "tin ", "ein", "dea", "w-9", "tax id"})
}

// spelledIDValue returns the end of an identifier value said digit by
// digit at i, in words or in digits apart ("MRN is two two nine one
// eight", "MRN 7 7 0 4 1 8 2 6"), or i when there is none: three number
// words or five lone digits or more, five digits or more (four for the
// last four), no tens word
// ("nineteen ninety-eight" is a year), no placeholder and not the
// practice's own (practiceNumberAt). Rooms and plates are not read so
// ("room for two"). Called by scanIDValue.
func (d *doc) spelledIDValue(i int, list string) int {
	if list == "label_room" || list == "label_vehicle" || i+2 >= len(d.lower) {
		return i
	}
	l := d.lower
	spaced := '0' <= l[i] && l[i] <= '9' && l[i+1] == ' ' && '0' <= l[i+2] && l[i+2] <= '9' // "7 7 0 4"
	if !spaced && !startsNumberWord(wordAt(l, i)) {
		return i
	}
	n := readSpelledNumber(l, i)
	if n.words < 3 && (n.groups < 5 || len(n.digits) > n.groups+2) || n.tens || placeholderNumber(n.digits) || d.practiceNumberAt(i) {
		return i
	}
	// four digits only as the last four ("account ending in four four one
	// two"), not a count ("run one two three four", "two, four, six, eight,
	// nine")
	if len(n.digits) < 4 || len(n.digits) == 4 && !containsAny(d.textBefore(i, 24), []string{"ending", "ends in", "ends with", "last four", "last 4"}) || strings.Count(l[i:n.end], ",") >= n.groups-1 {
		return i
	}
	return n.end
}

var cptCode = regexp.MustCompile(`^\d{5}(?:-[0-9A-Z]{2})?$`)

var isoDate = regexp.MustCompile(`^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4})$`)

func isAlnum(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// placeholderNumber reports digits that no real record has: one digit
// repeated, or a run up or down ("1234567"), or mostly zeros.
func placeholderNumber(dg string) bool {
	if len(dg) < 5 {
		return false
	}
	same, up, down, zeros := true, true, true, 0
	for k := 1; k < len(dg); k++ {
		if dg[k] != dg[0] {
			same = false
		}
		if dg[k] != dg[k-1]+1 {
			up = false
		}
		if dg[k]+1 != dg[k-1] {
			down = false
		}
	}
	for k := 0; k < len(dg); k++ {
		if dg[k] == '0' {
			zeros++
		}
	}
	return same || up || down || zeros >= len(dg)-1
}

// ownCredential reports a licence label right after a professional
// credential in a sentence about no patient: "Proud to be an FNP-C! KS APRN
// license #53-88102" is the author's own licence.
func (d *doc) ownCredential(label int) bool {
	before := d.textBefore(label, 16)
	if !containsAny(before, []string{"aprn", "rn ", "md ", "np ", "nursing", "medical", "board", "pa-c", "lpn", "dds", "dmd", "pharmacist", "pharmacy", "professional", "nurse", "physician", "dental"}) {
		return false
	}
	return !containsAny(d.sentenceAt(label), []string{"his ", "her ", "their ", "pt's", "pt ", "patient's", "patient is", "mom's", "dad's", "retired", "herself", "himself", "she ", "he "})
}

// ageValue reports a value written as an age: "19yo", "84 y/o", "7yr".
func ageValue(v string) bool {
	v = strings.TrimRight(v, ". ")
	for _, u := range []string{"yo", "y/o", "yr", "yrs", "y.o"} {
		if n := strings.TrimSuffix(v, u); n != v {
			n = strings.TrimSpace(n)
			return n != "" && strings.Trim(n, "0123456789") == ""
		}
	}
	return false
}
