package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

func init() {
	registerSpan("name-person", (*doc).findNames)
	registerSpan("name-hashtag", (*doc).findHashtagNames)
}

// nameGroup is a run of capitalised tokens that may be a person's name.
type nameGroup struct {
	first, last int // token indexes, inclusive
	start, end  int // byte range of the name (titles and kinship excluded)
}

// role is who a name belongs to.
type role int

const (
	roleUnknown role = iota
	rolePatient
	roleOther // colleague, staff, the author or their family, a public figure, a place or a company
)

// findNames finds person names and keeps those of patients and their
// relatives. Lexical evidence (name dictionaries with frequencies, word
// levels, capitalisation) says whether a run of tokens is a name; cues
// around it (titles, kinship, patient nouns, staff roles, vocatives in
// replies, names from the review being answered) say whose.
func (d *doc) findNames(r *Rule) {
	base := r.ScoreOr(0.9)
	roles := map[string]role{} // first token of a name -> role, for later mentions
	ctxNames := d.contextNames()
	for i := 0; i < len(d.toks); i++ {
		g, ok := d.nameGroupAt(i)
		if !ok {
			continue
		}
		i = g.last
		lex := d.nameLexScore(g)
		rl, cue := d.nameRole(g, ctxNames)
		key := d.toks[g.first].lower
		if rl == roleUnknown {
			if prev, ok := roles[key]; ok {
				rl = prev
			}
		}
		var score float64
		switch rl {
		case roleOther:
			roles[key] = roleOther
			continue
		case rolePatient:
			score = base * cue
			if lex < 0.2 && cue < 0.95 {
				score = lex * 2
			}
		default:
			p := d.patientNear(g.first)
			switch {
			case p >= 0.5:
				score = lex
			case d.patientItem >= 0.5:
				score = lex * 0.85
			default:
				score = lex * 0.4
			}
		}
		if score >= Threshold {
			roles[key] = rolePatient
		}
		d.add(g.start, g.end, chaperone.SpanName, r.ID, score)
	}
	// lowercase first names right after a patient's kinship word:
	// "pt's wife linda called".
	kin := d.e.set("kinship")
	for i := 1; i < len(d.toks); i++ {
		t := &d.toks[i]
		if t.kind != tokWord || t.cap || t.hasDigit || !kin[d.word(i-1)] {
			continue
		}
		if p := d.word(i - 2); p != "pt's" && p != "patient's" && p != "her" && p != "his" && p != "their" && p != "your" {
			continue
		}
		if n, _, ok := d.e.lex.FirstName(t.lower); ok && n >= 2000 {
			if lvl, ok := d.e.lex.WordLevel(t.lower); ok && lvl <= 60 {
				continue
			}
			d.add(t.start, t.end, chaperone.SpanName, r.ID, base*0.9)
		}
	}
}

// isNameToken reports whether token i could be part of a name.
func (d *doc) isNameToken(i int) bool {
	if i < 0 || i >= len(d.toks) {
		return false
	}
	t := &d.toks[i]
	if t.kind != tokWord || !t.cap || t.hasDigit {
		return false
	}
	if t.allCaps && utf8.RuneCountInString(t.text) > 1 {
		return false
	}
	return true
}

var nameParticles = map[string]bool{"de": true, "la": true, "del": true, "van": true, "der": true, "von": true,
	"bin": true, "binti": true, "al": true, "el": true, "da": true, "dos": true, "das": true, "di": true,
	"le": true, "ibn": true, "y": true, "ten": true, "ter": true, "du": true}

// nameGroupAt returns the name-like run starting at token i.
func (d *doc) nameGroupAt(i int) (nameGroup, bool) {
	if !d.isNameToken(i) {
		return nameGroup{}, false
	}
	skip := d.e.set("name_prefix_words")
	// leading words that are titles, kinship or endearments are not part
	// of the name: "Miss Hattie", "Abuela Xiomara", "Baby June".
	for d.isNameToken(i) && (skip[d.toks[i].lower] || d.e.set("kinship")[d.toks[i].lower]) && d.isNameToken(i+1) {
		i++
	}
	g := nameGroup{first: i, last: i}
	for j := i + 1; j < len(d.toks) && j-i < 5; j++ {
		t := &d.toks[j]
		if !t.space && t.kind == tokWord && !d.toks[j-1].space && j > 0 && d.toks[j-1].kind == tokWord {
			break
		}
		if d.isNameToken(j) {
			g.last = j
			continue
		}
		if nameParticles[t.lower] && d.isNameToken(j+1) && t.kind == tokWord {
			continue
		}
		break
	}
	// a trailing initial keeps its period: "Jim H."
	g.start, g.end = d.toks[g.first].start, d.toks[g.last].end
	if lt := &d.toks[g.last]; utf8.RuneCountInString(lt.text) == 1 && g.last+1 < len(d.toks) && d.toks[g.last+1].text == "." && d.toks[g.last+1].start == lt.end {
		g.end = d.toks[g.last+1].end
	}
	// drop trailing words that name an organisation or a place type
	org := d.e.set("org_words")
	for g.last > g.first && org[d.toks[g.last].lower] {
		g.last--
		g.end = d.toks[g.last].end
	}
	if org[d.toks[g.last].lower] && g.last == g.first {
		return g, true // scored as non-name below
	}
	return g, true
}

// nameLexScore says how likely the run of tokens is a person's name at
// all, from dictionaries and word levels, before context.
func (d *doc) nameLexScore(g nameGroup) float64 {
	lex := d.e.lex
	best := 0.0
	nameLike := 0
	for i := g.first; i <= g.last; i++ {
		t := &d.toks[i]
		if nameParticles[t.lower] {
			continue
		}
		s := d.tokenNameScore(i)
		if s >= 0.5 {
			nameLike++
		}
		if s > best {
			best = s
		}
	}
	n := g.last - g.first + 1
	if n >= 2 && nameLike >= 2 {
		best += 0.15
	} else if n >= 2 && nameLike == 1 && best >= 0.6 {
		best += 0.05
	}
	// whole-phrase dictionaries: places, hospitals, brands are not people
	phrase := strings.ToLower(d.text[g.start:g.end])
	if _, _, ok := lex.City(phrase); ok && n >= 2 {
		return 0.1
	}
	if lex.Hospital(phrase) || d.e.set("public_figures")[phrase] {
		return 0
	}
	// a capitalised common word at the start of a sentence
	if n == 1 && d.toks[g.first].sentStart {
		if lvl, ok := lex.WordLevel(d.toks[g.first].lower); ok && lvl <= 60 {
			best *= 0.5
		}
	}
	if best > 1 {
		best = 1
	}
	return best
}

// tokenNameScore scores one capitalised token as a name part.
func (d *doc) tokenNameScore(i int) float64 {
	t := &d.toks[i]
	w := t.lower
	lex := d.e.lex
	e := d.e
	if e.set("not_names")[w] || e.set("org_words")[w] || e.set("months")[w] || e.set("weekdays")[w] ||
		lex.Drug(w) || lex.Eponym(w) || lex.State(t.text) || e.brand.has(w) {
		return 0
	}
	if utf8.RuneCountInString(t.text) == 1 {
		return 0.3 // an initial
	}
	level, isWord := lex.WordLevel(w)
	fn, _, isFirst := lex.FirstName(w)
	sn, isSur := lex.Surname(w)
	intlFirst, intlLast := lex.IntlName(w)
	common := isWord && level <= 35
	switch {
	case common && (isFirst || isSur):
		return 0.35
	case common:
		return 0.05
	case isWord && level <= 50 && !isFirst && !isSur:
		return 0.1
	case isFirst && fn >= 5000, isSur && sn >= 10000:
		return 0.9
	case isFirst && fn >= 300, isSur:
		return 0.8
	case intlFirst || intlLast:
		return 0.75
	case isFirst:
		return 0.65
	case lex.WeakName(w):
		return 0.6
	case isWord:
		return 0.15
	}
	if _, ok := lex.ProperLevel(t.text); ok {
		return 0.3 // a proper noun that is no known name: likely a place or brand
	}
	if _, _, ok := lex.City(w); ok {
		return 0.3
	}
	return 0.55 // an unknown capitalised word
}

// nameRole reads the cues around a name. It returns the role and, for a
// patient, how strong the cue is (0..1).
func (d *doc) nameRole(g nameGroup, ctxNames map[string]bool) (role, float64) {
	e := d.e
	prev1 := d.word(g.first - 1)
	prevDot := prev1 == "."
	pi := g.first - 1
	if prevDot {
		pi--
	}
	pw := d.word(pi) // the word before, past an abbreviation's period
	prevs := d.prevWords(g.first, 4)
	nexts := d.nextWords(g.last, 3)
	first := d.toks[g.first].lower
	if e.set("staff_titles")[pw] && (prevDot || d.toks[pi].cap || pw == "doctor" || pw == "nurse") {
		return roleOther, 0
	}
	if len(nexts) > 0 && e.set("credentials")[nexts[0]] && g.last+1 < len(d.toks) && (d.toks[g.last+1].text == "," || d.toks[g.last+1].allCaps) {
		return roleOther, 0
	}
	if e.set("patient_titles")[pw] && (prevDot || (pi >= 0 && d.toks[pi].cap)) {
		return rolePatient, 1
	}
	if d.item.Author.Name != "" && strings.Contains(strings.ToLower(d.item.Author.Name), first) {
		return roleOther, 0
	}
	if e.set("public_figures")[strings.ToLower(d.text[g.start:g.end])] {
		return roleOther, 0
	}
	// "my son Jake", "our daughter" - the author's family; "her son", "your mother Evelyn"
	if len(prevs) >= 1 && (e.set("kinship")[prevs[0]] || (len(prevs) >= 2 && e.set("kinship")[prevs[1]] && prevs[0] == "named")) {
		k := 1
		if prevs[0] == "named" {
			k = 2
		}
		owner := ""
		if len(prevs) > k {
			owner = prevs[k]
		}
		if owner == "my" || owner == "our" {
			return roleOther, 0
		}
		return rolePatient, 0.95
	}
	if hasAny(prevs[:min(2, len(prevs))], e.set("staff_roles")) || (len(nexts) > 0 && nexts[0] == "from" && len(nexts) > 1 && nexts[1] == "our") {
		return roleOther, 0
	}
	if len(prevs) > 0 && (e.set("patient_nouns")[prevs[0]] || prevs[0] == "little" || prevs[0] == "baby" || prevs[0] == "named" || prevs[0] == "is") {
		if prevs[0] != "is" || (len(prevs) > 1 && prevs[1] == "name") {
			return rolePatient, 1
		}
	}
	// the author's family: "the kids are great, Jake made varsity"
	a, b := d.sentenceBounds(g.first)
	sent := d.lower[a:b]
	if containsAny(sent, e.rules.list("author_family_cues")) {
		return roleOther, 0
	}
	// vocatives and names taken from the review being answered
	if ctxNames[d.toks[g.first].text] || ctxNames[d.text[g.start:g.end]] {
		return rolePatient, 0.95
	}
	if d.isVocative(g) {
		if d.item.Channel.IsReply() || d.patientItem >= 0.5 {
			return rolePatient, 0.9
		}
	}
	// colleagues, staff events, signatures
	if d.staffSent[d.sent[g.first]] && d.patientNear(g.first) < 1 {
		return roleOther, 0
	}
	if d.isSignature(g) {
		return roleOther, 0
	}
	// identifiers right after the name: "Guadalupe Ortiz, DOB 8/30/1961"
	if len(nexts) > 0 && e.set("identifier_labels")[nexts[0]] {
		return rolePatient, 0.95
	}
	// a place after a preposition: "in Dearborn"
	if len(prevs) > 0 && (prevs[0] == "in" || prevs[0] == "near" || prevs[0] == "from" || prevs[0] == "at" || prevs[0] == "to") {
		if _, _, ok := d.e.lex.City(strings.ToLower(d.text[g.start:g.end])); ok {
			return roleOther, 0
		}
	}
	return roleUnknown, 0
}

// isVocative reports a name used to address someone: "Hi Lauren!",
// "Thanks Will!", "Jessica, our records…", "you've got this, Renee".
func (d *doc) isVocative(g nameGroup) bool {
	prev := d.word(g.first - 1)
	if d.e.set("greetings")[prev] {
		return true
	}
	if prev == "you" && d.word(g.first-2) == "thank" {
		return true
	}
	next := ""
	if g.last+1 < len(d.toks) {
		next = d.toks[g.last+1].text
	}
	if d.toks[g.first].sentStart && (next == "," || next == "!") {
		return true
	}
	if (prev == "," || d.word(g.first-1) == "you") && (next == "!" || next == "." || next == "" || g.last+1 < len(d.toks) && d.toks[g.last+1].kind == tokSymbol) {
		return true
	}
	return false
}

// isSignature reports a name that signs the text: "— Dr. Kim" at the end.
func (d *doc) isSignature(g nameGroup) bool {
	for j := g.first - 1; j >= 0 && j >= g.first-4; j-- {
		t := d.toks[j].text
		if t == "—" || t == "–" || t == "-" || t == "~" {
			// only a signature if nothing but the name follows
			for k := g.last + 1; k < len(d.toks); k++ {
				if d.toks[k].kind == tokWord {
					return false
				}
			}
			return true
		}
		if d.toks[j].kind == tokWord && !d.toks[j].cap {
			return false
		}
	}
	return false
}

// contextNames collects names the review or post being answered uses for
// its writer or their family ("— Jessica M.", "my daughter Sofia").
func (d *doc) contextNames() map[string]bool {
	if len(d.ctx) == 0 {
		return nil
	}
	out := map[string]bool{}
	for i := range d.ctx {
		t := &d.ctx[i]
		if t.kind != tokWord || !t.cap || t.hasDigit {
			continue
		}
		prev := ""
		if i > 0 {
			prev = d.ctx[i-1].text
		}
		sig := prev == "—" || prev == "–" || prev == "-" || prev == "~"
		if !sig && i > 1 && d.ctx[i-1].text == "." && utf8.RuneCountInString(d.ctx[i-2].text) == 1 && i > 2 {
			p := d.ctx[i-3].text
			sig = p == "—" || p == "–" || p == "-"
		}
		kin := i > 0 && d.e.set("kinship")[d.ctx[i-1].lower]
		if sig || kin {
			out[t.text] = true
			for j := i + 1; j < len(d.ctx) && j <= i+2; j++ {
				if d.ctx[j].kind == tokWord && d.ctx[j].cap {
					out[d.ctx[j].text] = true
				}
			}
		}
	}
	return out
}

// findHashtagNames finds first names inside hashtags: #PrayForLiam,
// #TeamJayden, #AvaStrong. Only the name part is a span.
func (d *doc) findHashtagNames(r *Rule) {
	cues := d.e.set("hashtag_name_cues")
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokHashtag {
			continue
		}
		parts := camelParts(t.text[1:])
		if len(parts) < 2 {
			continue
		}
		hasCue := false
		for _, p := range parts {
			if cues[strings.ToLower(p.s)] {
				hasCue = true
			}
		}
		if !hasCue {
			continue
		}
		for _, p := range parts {
			w := strings.ToLower(p.s)
			if cues[w] || len(w) < 3 {
				continue
			}
			n, _, ok := d.e.lex.FirstName(w)
			if !ok || n < 200 {
				continue
			}
			if lvl, ok := d.e.lex.WordLevel(w); ok && lvl <= 35 {
				continue
			}
			off := t.start + 1 + p.off
			d.add(off, off+len(p.s), chaperone.SpanName, r.ID, r.ScoreOr(0.85))
		}
	}
}

type camelPart struct {
	s   string
	off int
}

// camelParts splits "PrayForLiam" into Pray, For, Liam with byte offsets.
func camelParts(s string) []camelPart {
	var out []camelPart
	start := 0
	prevLower := false
	for i, r := range s {
		if unicode.IsUpper(r) && prevLower && i > start {
			out = append(out, camelPart{s[start:i], start})
			start = i
		}
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
	}
	if start < len(s) {
		out = append(out, camelPart{s[start:], start})
	}
	return out
}
