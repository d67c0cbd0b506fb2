package detect

import (
	"regexp"
	"sort"
	"strings"
	"sync"
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
	{"label_ssn", chaperone.SpanSSN},
	{"label_id", chaperone.SpanID},
	{"label_room", chaperone.SpanID},
}

// labelIndex is a compiled matcher over every identifier label.
type labelIndex struct {
	re   *regexp.Regexp
	kind map[string]string // label -> list name
}

var (
	labelOnce sync.Map // *Engine -> *labelIndex
)

func (e *Engine) labels() *labelIndex {
	if li, ok := labelOnce.Load(e); ok {
		return li.(*labelIndex)
	}
	li := &labelIndex{kind: map[string]string{}}
	var all []string
	for _, l := range labelLists {
		for _, w := range e.rules.list(l.list) {
			if _, dup := li.kind[w]; !dup {
				li.kind[w] = l.list
				all = append(all, w)
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	parts := make([]string, len(all))
	for i, w := range all {
		parts[i] = regexp.QuoteMeta(w)
	}
	li.re = regexp.MustCompile(`(?:^|[^a-z0-9])(` + strings.Join(parts, "|") + `)(?:[^a-z0-9]|$)`)
	v, _ := labelOnce.LoadOrStore(e, li)
	return v.(*labelIndex)
}

// findLabelledIDs finds identifier values that follow a label. The label
// decides the type; the value must hold a digit. Values seen once are
// found again wherever they recur in the text.
func (d *doc) findLabelledIDs(r *Rule) {
	li := d.e.labels()
	base := r.ScoreOr(0.95)
	found := map[string]chaperone.SpanType{}
	typeOf := map[string]chaperone.SpanType{}
	for _, l := range labelLists {
		typeOf[l.list] = l.typ
	}
	lower := d.lower
	pos := 0
	for pos < len(lower) {
		m := li.re.FindStringSubmatchIndex(lower[pos:])
		if m == nil {
			break
		}
		ls, le := pos+m[2], pos+m[3]
		pos = le
		label := lower[ls:le]
		list := li.kind[label]
		typ := typeOf[list]
		// a label word inside a longer word or handle is no label
		if ls > 0 && (lower[ls-1] == '@' || lower[ls-1] == '#' && list != "label_id") {
			continue
		}
		vals := d.valuesAfter(le, list)
		for _, v := range vals {
			vt := typ
			if list == "label_id" {
				vt = d.idTypeFromWordBefore(ls, typ)
			}
			score := base
			switch list {
			case "label_room":
				vs, ve := ls, v[1]
				score = d.contextScoreWith(vs, base, 0.4)
				d.add(vs, ve, chaperone.SpanID, r.ID, score)
				continue
			case "label_license":
				score = d.contextScoreWith(v[0], base, 0.4)
			case "label_id", "label_account", "label_device", "label_vehicle":
				score = d.contextScoreWith(v[0], base, 0.75)
			}
			d.add(v[0], v[1], vt, r.ID, score)
			found[d.text[v[0]:v[1]]] = vt
		}
	}
	// recurrences of a value: "that beep on PZN118839S"
	for val, typ := range found {
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
	switch {
	case d.e.set("insurer_words")[w]:
		return chaperone.SpanHealthPlan
	case d.e.set("device_words")[w]:
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
		for i < len(t) && strings.IndexByte(" \t:#(=-–", t[i]) >= 0 {
			i++
		}
		if i >= len(t) {
			break
		}
		w := wordAt(t, i)
		lw := strings.ToLower(w)
		if w == "" {
			break
		}
		vEnd := d.scanIDValue(i, list)
		if vEnd > i {
			out = append(out, [2]int{i, vEnd})
			i = vEnd
			// "00713355 and 00713356", "2/2 to 2/19"
			rest := strings.ToLower(t[i:min(len(t), i+6)])
			if strings.HasPrefix(rest, " and ") || strings.HasPrefix(rest, ", ") || strings.HasPrefix(rest, " & ") {
				i += strings.Index(rest[1:], " ") + 2
				skipped++
				continue
			}
			break
		}
		// skip filler: state codes, label words, "no.", "number", "is", "on his card is"
		switch {
		case len(w) == 2 && w == strings.ToUpper(w) && d.e.lex.State(w):
		case d.e.set("id_filler")[lw]:
		case d.e.labels().kind[lw] != "":
		case lw != "" && unicode.IsLower(rune(lw[0])) && skipped < 5 && list != "label_room":
		default:
			return out
		}
		i += len(w)
		if i < len(t) && t[i] == '.' {
			i++
		}
		skipped++
	}
	return out
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
func (d *doc) scanIDValue(i int, list string) int {
	t := d.text
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
	switch list {
	case "label_room":
		if n > 4 || strings.ContainsAny(v, "/") {
			return i
		}
	default:
		if len(v) < 3 || (n < 3 && len(v) < 5) {
			return i
		}
	}
	// dates and money are not identifiers
	if strings.Count(v, "/") > 0 {
		return i
	}
	return end
}

func isAlnum(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
