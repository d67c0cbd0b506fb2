package detect

import (
	"math"
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
	first, last int  // token indexes, inclusive
	start, end  int  // byte range of the name (titles and kinship excluded)
	org         bool // an organisation's word followed ("Kraft Foundation", "Tyson Foods")
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
		if d.notNamePhrase(g) || d.makerAround(g) || d.orgName(g) || d.cityTeam(g.first, g.last) {
			continue // "the Atlanta Falcons visited our peds unit": a team, no one's name
		}
		lex := d.nameLexScore(g)
		rl, cue := d.nameRole(g, ctxNames)
		key := d.toks[g.first].lower
		if prev, ok := roles[key]; ok && (rl == roleUnknown || prev == roleOther && cue < 1) {
			rl = prev
			if cue == 0 {
				cue = 0.9
			}
		}
		if rl == roleUnknown && d.item.Channel == chaperone.ChannelBio && lex < 0.8 {
			rl = roleOther // a bio's single names are the author's people
		}

		if rl == roleUnknown && d.item.Author.Account == chaperone.AccountPersonal && !d.ptCue && !d.cues(cueStoryStrong) {
			rl = roleOther // a personal account's names are family and friends
		}
		var score float64
		switch rl {
		case roleOther:
			roles[key] = roleOther
			if d.collect {
				d.nameModelScore(g, rl, cue, lex, 0)
			}
			continue
		case rolePatient:
			if cue >= 1 && (d.titled(g) || d.fromContext(g, ctxNames) || d.namedAs(g)) {
				// "Mr. Whitfield", "Mrs. Brown": a title makes a name, and so
				// does the review's signature ("— Autumn R.", then "Autumn, …")
				score = base
				break
			}
			switch {
			case lex >= 0.3 || lex > 0 && cue >= 1: // a title makes even a common word a name
				score = base * cue
			case lex > 0:
				score = lex * 2 * cue
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
		if d.hypothetical {
			score *= 0.5
		}
		if m := d.e.model; m != nil && m.Names != nil || d.collect {
			score = d.nameModelScore(g, rl, cue, lex, score)
		}
		if score >= Threshold {
			roles[key] = rolePatient
		}
		d.add(g.start, g.end, chaperone.SpanName, r.ID, score)
	}
	d.findLowercaseNames(r, base)
}

// famous words, just before a name or one word before it, make it a
// public figure's: "Olympic hurdler Grant Holloway", "NBA legend …".
var famous = map[string]bool{"olympic": true, "olympian": true, "medalist": true, "hurdler": true, "sprinter": true, "nfl": true, "nba": true, "mlb": true,
	"nhl": true, "wnba": true, "pga": true, "lpga": true, "ufc": true, "quarterback": true, "popstar": true, "rapper": true,
	"actor": true, "actress": true, "astronaut": true, "grammy": true, "oscar": true, "emmy": true, "billionaire": true, "comedian": true}

// stormWords name a storm, whose name is no person's: "Hurricane Ian".
var stormWords = map[string]bool{"hurricane": true, "storm": true, "typhoon": true, "cyclone": true}

// notNamePhrase reports a name group that is, as a whole, a listed
// non-name ("Medi-Cal", "Wi-Fi", "Chuck E. Cheese", a device maker) or a
// verb made of a noun ("OD’d", "Venmo’d").
func (d *doc) notNamePhrase(g nameGroup) bool {
	raw := d.text[g.start:g.end]
	if stormWords[d.toks[g.first].lower] && g.last > g.first || stormWords[d.word(g.first-1)] {
		return true // "Hurricane Ian", "after tropical storm Debby"
	}
	if strings.HasSuffix(raw, "’d") || strings.HasSuffix(raw, "'d") {
		return true
	}
	// the group may end before the "'d": look at the text right after it
	rest := d.text[g.end:]
	for _, m := range []string{"’d", "'d"} {
		if strings.HasPrefix(rest, m) && (len(rest) == len(m) || !isWordByte(rest[len(m)]) && rest[len(m)] < 0x80) {
			return true
		}
	}
	// a single word keeps the role cues' say ("Summer, your …")
	return (g.last > g.first || strings.ContainsAny(raw, "-.")) && d.e.set(lsNotNames)[d.lowerText(g.start, g.end)]
}

// orgName reports a name group an organisation's word ends or follows:
// "Tyson Foods partnered with us", "the Kraft family foundation". Called
// by findNames.
func (d *doc) orgName(g nameGroup) bool {
	org := d.e.set(lsOrgWords)
	next := d.word(g.last + 1)
	if next == "family" || next == "families" {
		return org[d.word(g.last+2)] && d.word(g.last+2) != "family" // "the Kraft family foundation", not "the Nguyen family"
	}
	if d.shopAfter(g) {
		return true
	}
	return g.org && !familyWord(d.toks[g.last+1].lower) || g.last+1 < len(d.toks) && d.toks[g.last+1].kind == tokWord && org[next]
}

// shopAfter reports a name that owns a shop or a restaurant: "Mama Fu's
// Noodle House", "Big Al's Auto Repair": the possessive is followed by
// capitalised words, one of them a business word. Called by orgName.
func (d *doc) shopAfter(g nameGroup) bool {
	k := g.last + 1
	if !d.possessiveAfter(g.last) {
		return false
	}
	for j := k + 2; j < len(d.toks) && j <= k+4 && d.toks[j].kind == tokWord && d.toks[j].cap; j++ {
		if d.tokIn(j, lsBusinessWords) || d.tokIn(j, lsOrgWords) {
			return true
		}
	}
	return false
}

// familyWord reports "family" or "families", which org_words holds for
// practice names ("Smith Family Dental") but which after a surname names
// the people.
func familyWord(w string) bool { return w == "family" || w == "families" }

// makerAround reports a name group that ends a company's name joined by
// "&" or "and": "Church & Dwight", "Johnson & Johnson", "Procter & Gamble".
// Called by findNames.
func (d *doc) makerAround(g nameGroup) bool {
	k := g.first - 1
	if k < 1 || d.toks[k].text != "&" && d.toks[k].lower != "and" || !d.toks[k-1].cap {
		return false
	}
	_, ok := d.e.lex.CanonicalMaker(d.text[d.toks[k-1].start:g.end])
	return ok
}

// findLowercaseNames finds names typed in lower case where the words
// around them say a name follows: "pt's wife linda called", "a pt named
// tomasina reyes", "pt is mr. delacroix".
func (d *doc) findLowercaseNames(r *Rule, base float64) {
	var found []string
	for i := 0; i < len(d.toks); i++ {
		t := &d.toks[i]
		if t.kind != tokWord || t.cap || t.hasDigit || len(t.text) < 2 {
			continue
		}
		prev := d.prevWord(i)
		pm := d.prevWordLists(i, prev)
		prev2 := "" // the word before prev, needed by two cues only
		if prev == "is" || pm.has(lsKinship) {
			if j := d.tokBefore(d.toks[i-1].start); j >= 0 {
				prev2 = d.prevWord(j + 1)
			}
		}
		// any one of these cues (the dictionary one last, being dearest)
		cue, subject, owner := false, false, false
		switch {
		case pm.has(lsPatientTitles) && d.toks[i-1].text == ".":
			cue = true
		case (prev == "mr" || prev == "mrs" || prev == "ms" || prev == "miss") && d.toks[i-1].kind == tokWord && d.strongLowerName(t.lower):
			cue = true // "miss ellie from up in hazard"
		case prev == "named" && !d.e.set(lsStaffRoles)[t.lower] && !d.awardTitle(i):
			cue = true // "named Hospitalist of the Year" is an award, not a name
		case prev == "is" && prev2 == "name":
			cue = true
		case pm.has(lsKinship) && (prev2 == "pt's" || prev2 == "patient's" || prev2 == "her" || prev2 == "his" || prev2 == "their" || prev2 == "your"):
			cue = true
		case d.patientNear(i) >= 0.8 && d.strongLowerName(t.lower):
			cue = true
		case d.patientItem >= 0.6 && !d.staffIn(d.sent[i]) && (functionWords[prev] || i > 0 && d.toks[i-1].kind != tokWord) && d.strongLowerName(t.lower):
			cue = true // "had to call a code gray on marcus again", not "pan dulce"
		case d.possessiveAfter(i) && i+3 < len(d.toks) && d.tokIn(i+3, lsKinship) && d.strongLowerName(t.lower):
			cue = true // "dolores's daughter called me at 2am"
		case d.patientItem >= 0.6 && !d.staffIn(d.sent[i]) && d.familyOf(i) && d.givenName(t.lower, 5000) && !d.tokIn(i, lsMonths) && !d.personWord(t.lower) && !isDeterminer(prev) && !isPossessive(prev):
			cue, owner = true, true // "will's family brought the unit tamales": a word with a family is a name, common or not
		case t.sentStart && d.givenName(t.lower, 1000) && !d.personWord(t.lower) && d.storySubject(i):
			subject = true // "faith came back today to ring the bell!!! 16 rounds and she never once stopped smiling"
		}
		if subject {
			d.add(t.start, t.end, chaperone.SpanName, r.ID, base*0.9)
			found = append(found, t.lower)
			continue
		}
		if !cue {
			continue
		}
		// "Mr. van der Berg": particles then a capitalised surname
		if nameParticles[t.lower] {
			k := i
			for k < len(d.toks) && d.toks[k].kind == tokWord && nameParticles[d.toks[k].lower] {
				k++
			}
			if d.isNameToken(k) {
				d.add(t.start, d.toks[k].end, chaperone.SpanName, r.ID, base)
				i = k
			}
			continue
		}
		if !owner && !d.lowerNameLike(t.lower, pm.has(lsPatientTitles)) && !(prev == "named" && d.rareLowerName(t.lower)) {
			continue
		}
		end := t.end
		// a following surname: "tomasina reyes"
		if i+1 < len(d.toks) && d.toks[i+1].kind == tokWord && !d.toks[i+1].cap && d.lowerNameLike(d.toks[i+1].lower, true) {
			if _, ok := d.e.lex.Surname(d.toks[i+1].lower); ok {
				end = d.toks[i+1].end
				i++
			}
		}
		d.add(t.start, end, chaperone.SpanName, r.ID, base*0.9)
		found = append(found, t.lower)
	}
	// later mentions of a name found: "dolores passed on thanksgiving"
	for _, w := range found {
		for k := range d.toks {
			if t := &d.toks[k]; t.lower == w && !t.cap {
				d.add(t.start, t.end, chaperone.SpanName, r.ID, base*0.9)
			}
		}
	}
}

// lowerNameLike reports a lower-case word that is a known name and not a
// common English word (any name if afterTitle).
func (d *doc) lowerNameLike(w string, afterTitle bool) bool {
	lex := d.e.lex
	if lvl, ok := lex.WordLevel(w); ok && lvl <= 50 && !afterTitle {
		return false
	}
	if m := d.e.wordLists(w); m.has(lsNotNames) || m.has(lsKinship) {
		return false
	}
	if afterTitle {
		return !functionWords[w] // "Mr. and Mrs. Tate": "and" is no name
	}
	n, _, ok := lex.FirstName(w)
	_, sur := lex.Surname(w)
	f, l := lex.IntlName(w)
	return ok && n >= 500 || sur || f || l
}

// possessiveAfter reports token i followed by "'s" or "’s", which the
// tokeniser splits in two: "will's family", "Mama Fu's Noodle House".
func (d *doc) possessiveAfter(i int) bool {
	return i+2 < len(d.toks) && (d.toks[i+1].text == "'" || d.toks[i+1].text == "’") && d.toks[i+2].lower == "s"
}

// familyOf reports a word at token i followed by a possessive and a
// relative: "will's family", "grace's mom". Called by findLowercaseNames.
func (d *doc) familyOf(i int) bool {
	if !d.possessiveAfter(i) || i+3 >= len(d.toks) {
		return false
	}
	w := d.toks[i+3].lower
	return d.tokIn(i+3, lsKinship) || w == "family" || w == "parents" || w == "folks"
}

// rareLowerName reports a lower-case word that is a first name too rare
// for lowerNameLike and no common English word: "a pt named tomasina".
func (d *doc) rareLowerName(w string) bool {
	if _, _, ok := d.e.lex.FirstName(w); !ok || functionWords[w] {
		return false
	}
	lvl, common := d.e.lex.WordLevel(w)
	return !common || lvl > 40
}

// functionWords are the conjunctions, articles, prepositions and pronouns
// that may follow a title without being a name.
var functionWords = map[string]bool{
	"and": true, "or": true, "&": true, "the": true, "a": true, "an": true, "of": true, "to": true,
	"in": true, "on": true, "at": true, "is": true, "was": true, "from": true, "with": true,
	"for": true, "who": true, "he": true, "she": true, "his": true, "her": true, "it": true, "we": true,
	"i": true, "you": true, "they": true, "but": true, "so": true, "if": true, "as": true, "by": true,
}

// isNameToken reports whether token i could be part of a name: a
// capitalised word, or an all-capital word that is a known name
// ("OFELIA BATUNGBAKAL", "AMARA").
func (d *doc) isNameToken(i int) bool {
	if i < 0 || i >= len(d.toks) {
		return false
	}
	t := &d.toks[i]
	if t.kind != tokWord || !t.cap || t.hasDigit {
		return false
	}
	if t.allCaps && utf8.RuneCountInString(t.text) > 1 {
		return d.capsName(t.lower)
	}
	if len(t.text) == 1 && (i+1 < len(d.toks) && d.toks[i+1].text == "/" && d.toks[i+1].start == t.end || i > 0 && d.toks[i-1].text == "/" && d.toks[i-1].end == t.start) {
		return false // "E/M", "I/O", "A/P": an abbreviation, no initials
	}
	return true
}

// capsName reports an all-capital word that is a known name and no
// English word or abbreviation.
func (d *doc) capsName(w string) bool {
	lex := d.e.lex
	if len(w) < 4 || d.e.set(lsNotNames)[w] {
		return false
	}
	if _, ok := lex.WordLevel(w); ok {
		return false
	}
	n, _, ok := lex.FirstName(w)
	_, sur := lex.Surname(w)
	return ok && n >= 1000 || sur
}

var nameParticles = map[string]bool{"de": true, "la": true, "del": true, "van": true, "der": true, "von": true,
	"bin": true, "binti": true, "al": true, "el": true, "da": true, "dos": true, "das": true, "di": true,
	"le": true, "ibn": true, "y": true, "ten": true, "ter": true, "du": true, "den": true}

// nameGroupAt returns the name-like run starting at token i.
func (d *doc) nameGroupAt(i int) (nameGroup, bool) {
	if !d.isNameToken(i) {
		return nameGroup{}, false
	}
	skip := d.e.set(lsNamePrefixWords)
	kin := d.e.set(lsKinship)
	// leading words that are titles, kinship or endearments are not part
	// of the name: "Miss Hattie", "Abuela Xiomara", "Baby June"; nor is a
	// common word that only starts the sentence: "Today Ernesto …".
	for d.isNameToken(i+1) && d.toks[i+1].space {
		w := d.toks[i].lower
		if skip[w] || kin[w] || w == "the" {
			i++
			continue
		}
		if d.toks[i].sentStart {
			if lvl, ok := d.e.lex.WordLevel(w); ok && lvl <= 50 {
				if _, _, fn := d.e.lex.FirstName(w); !fn || lvl <= 20 {
					i++
					continue
				}
			}
		}
		break
	}
	g := nameGroup{first: i, last: i}
	for j := i + 1; j < len(d.toks) && j-i < 6; j++ {
		t := &d.toks[j]
		if !t.space {
			break
		}
		if d.isNameToken(j) {
			g.last = j
			continue
		}
		// an unknown all-capital word after an all-capital name: "OFELIA BATUNGBAKAL"
		if t.kind == tokWord && t.allCaps && d.toks[g.last].allCaps && !t.hasDigit && len(t.text) >= 4 {
			if _, ok := d.e.lex.WordLevel(t.lower); !ok && !d.e.set(lsNotNames)[t.lower] {
				g.last = j
				continue
			}
		}
		// particles: "de la Cruz", "van der Berg", "bin Rashid"
		if t.kind == tokWord && nameParticles[t.lower] {
			k := j
			for k < len(d.toks) && d.toks[k].kind == tokWord && nameParticles[d.toks[k].lower] {
				k++
			}
			if d.isNameToken(k) {
				j = k - 1
				continue
			}
		}
		break
	}
	// a trailing initial keeps its period: "Jim H."; initials "J.T."; a
	// middle initial joins the surname: "Michael J. Fox"
	g.start, g.end = d.toks[g.first].start, d.toks[g.last].end
	for k := g.last; k+1 < len(d.toks) && d.toks[k+1].text == "." && d.toks[k+1].start == d.toks[k].end && utf8.RuneCountInString(d.toks[k].text) == 1; {
		g.end = d.toks[k+1].end
		g.last = k
		if k+2 < len(d.toks) && d.toks[k+2].start == d.toks[k+1].end && d.isNameToken(k+2) && utf8.RuneCountInString(d.toks[k+2].text) == 1 {
			k += 2
			g.last = k
			continue
		}
		if k+2 < len(d.toks) && d.toks[k+2].space && d.isNameToken(k+2) && utf8.RuneCountInString(d.toks[k+2].text) > 1 && k > g.first {
			g.last = k + 2
			g.end = d.toks[k+2].end
		}
		break
	}
	// drop trailing words that name an organisation or a place type
	org := d.e.set(lsOrgWords)
	for g.last > g.first && org[d.toks[g.last].lower] {
		g.org = true
		g.last--
		g.end = d.toks[g.last].end
	}
	return g, true
}

// nameLexScore says how likely the run of tokens is a person's name at
// all, from dictionaries and word levels, before context.
func (d *doc) nameLexScore(g nameGroup) float64 {
	lex := d.e.lex
	best := 0.0
	nameLike := 0
	n := 0
	for i := g.first; i <= g.last; i++ {
		t := &d.toks[i]
		if nameParticles[t.lower] || t.kind != tokWord {
			continue
		}
		n++
		s := d.tokenNameScore(i)
		// "Parkinson's disease", "Crohn's": an eponym, not a person
		if d.e.lex.Eponym(t.lower) && (d.possWord(i) != t.lower || d.e.set(lsNameNotBefore)[d.nextWordAfter(t.end)]) {
			s = 0
		}
		if s >= 0.5 {
			nameLike++
		}
		if s > best {
			best = s
		}
		if s == 0 && g.last > g.first {
			return 0 // "Christmas Eve", "Tommy John surgery", brand words
		}
	}
	if g.end-g.start >= 4 && strings.Count(d.text[g.start:g.end], ".") >= 2 && g.last > g.first {
		best = 0.6 // initials: "J.T."
	}
	if n >= 2 && nameLike >= 2 {
		best += 0.15
	} else if n >= 2 && nameLike == 1 && best >= 0.6 {
		best += 0.05
	}
	// whole-phrase dictionaries: places, hospitals, brands, streets are not people
	phrase := d.lowerText(g.start, g.end)
	if _, _, ok := lex.City(phrase); ok && n >= 2 {
		return 0.1
	}
	if lex.Hospital(phrase) || d.e.set(lsPublicFigures)[phrase] || d.e.brand.has(phrase) || d.inBrand(g.start, g.end) {
		return 0
	}
	if _, ok := lex.CanonicalMaker(phrase); ok && n >= 2 {
		return 0
	}
	if n >= 2 {
		if _, ok := lex.CanonicalMaker(d.lowerText(g.start, d.toks[g.first+1].end)); ok {
			return 0
		}
	}
	last := d.toks[g.last].lower
	if n >= 2 && (lex.StreetSuffix(last) || d.e.set(lsPlaceWords)[last]) {
		return 0
	}
	if fw := d.toks[g.first].lower; d.e.set(lsPlaceWords)[fw] {
		return 0
	}
	// a name used as a thing: "Tommy John surgery", "the Obama administration"
	if nw := d.nextWordAfter(g.end); d.e.set(lsNameNotBefore)[nw] {
		return 0
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
	if strings.ContainsRune(w, '-') {
		// "Mary-Jane" and "Al-Hassan" are names; "X-ray" and "In-N-Out" are not
		worst := 1.0
		parts := strings.Split(w, "-")
		for k, p := range parts {
			if p == "" {
				continue
			}
			if k > 0 && len(p) <= 3 && t.cap && d.wordNameScore(parts[0], parts[0], false) >= 0.6 {
				continue // "Soon-ja": a given-name syllable
			}
			s := d.wordNameScore(p, t.text, false)
			if s < worst {
				worst = s
			}
		}
		return worst
	}
	s := d.wordNameScore(w, t.text, t.allCaps)
	// a family by its surname: "the Kowalskis", "the Duartes' baby"
	if n := len(w); s < 0.8 && n > 4 && w[n-1] == 's' && t.cap && !t.allCaps && d.word(i-1) == "the" {
		for _, stem := range [2]string{w[:n-1], strings.TrimSuffix(w[:n-1], "e")} {
			if _, sur := lex.Surname(stem); sur {
				if lvl, isW := lex.WordLevel(w); !isW || lvl > 50 {
					s = 0.8
				}
			}
		}
	}
	vocative := false
	if i+1 < len(d.toks) && (d.toks[i+1].text == "," || d.toks[i+1].text == "!") {
		if n, _, ok := lex.FirstName(w); ok && n >= 1000 {
			vocative = true
		}
	}
	// an unknown word with letters English does not use ("Xóchitl",
	// "Thảo") is no English word capitalised to open a sentence
	foreign := false
	if strings.ContainsFunc(w, func(r rune) bool { return r >= utf8.RuneSelf }) && utf8.RuneCountInString(w) >= 4 {
		_, isW := lex.WordLevel(w)
		foreign = !isW && latinWord(w)
	}
	if t.sentStart && s > 0 && !vocative && !foreign {
		// a capitalised word that only starts a sentence
		if _, _, fn := lex.FirstName(w); !fn {
			if _, sur := lex.Surname(w); !sur {
				if f, l := lex.IntlName(w); !f && !l {
					s *= 0.5
				}
			}
		}
		if lvl, ok := lex.WordLevel(w); ok && lvl <= 60 {
			s *= 0.6
		}
	}
	if e.set(lsKinship)[w] && !t.allCaps {
		return 0
	}
	// a common word capitalised mid-sentence that is a frequent first name:
	// "Watched Chase walk out of rehab", "Keep the faith, Faith!"
	if !t.sentStart && s > 0 && s < 0.6 {
		if n, _, ok := lex.FirstName(w); ok && n >= 10000 {
			if lvl, isW := lex.WordLevel(w); isW && lvl <= 50 {
				s = 0.6
			}
		}
	}
	// "SCr", "BiPAP": a mixed-case abbreviation
	if up := countUpper(t.text); up >= 2 && len(t.text) <= 5 && !t.allCaps {
		return 0
	}
	// "SSNs", "EKGs": a plural acronym; "FaceTiming": joined common words
	if n := len(t.text); n > 2 && t.text[n-1] == 's' && strings.ToUpper(t.text[:n-1]) == t.text[:n-1] {
		return 0
	}
	var pbuf [8]camelPart
	if parts := camelPartsInto(pbuf[:0], t.text); len(parts) > 1 {
		common := true
		for _, p := range parts {
			if lvl, ok := lex.WordLevel(strings.ToLower(p.s)); !ok || lvl > 50 {
				common = false
			}
		}
		if common {
			return 0
		}
	}
	return s
}

// wordNameScore scores a lower-cased word as a name, from the dictionaries.
func (d *doc) wordNameScore(w, orig string, allCaps bool) float64 {
	lex := d.e.lex
	e := d.e
	if m := e.wordLists(w); m.has(lsNotNames) || m.has(lsOrgWords) || m.has(lsMonths) || m.has(lsWeekdays) || m.has(lsVehicleWords) || m.has(lsInsurerWords) ||
		lex.Drug(w) || e.brand.has(w) || lex.State(orig) || lex.State(w) {
		return 0
	}
	// a brand or drug in the plural: "two EpiPens", "Band-Aids"
	if n := len(w); n > 4 && w[n-1] == 's' && (e.brand.has(w[:n-1]) || lex.Drug(w[:n-1])) {
		return 0
	}
	for _, rel := range d.item.Author.Relationships {
		if f := strings.Fields(strings.ToLower(rel)); len(f) > 0 && len(w) > 3 && f[0] == w {
			return 0 // the author's declared company: "Herbalife shakes are what I recommend"
		}
	}
	if m, ok := lex.CanonicalMaker(w); ok && len(w) > 3 {
		// a maker's short name that is no person's ("Pfizer"); a frequent
		// given name stays one ("Arthur", "Hope", "Leo") unless the
		// author's relationships make it the company
		if _, sur := lex.Surname(w); !sur {
			if n, _, given := lex.FirstName(w); !given || n < 5000 {
				return 0
			}
		}
		for _, rel := range d.item.Author.Relationships {
			if rm, ok := lex.CanonicalMaker(rel); ok && lex.Related(rm, m) {
				return 0 // "Paid partnership with Abbott"
			}
		}
	}
	if utf8.RuneCountInString(w) == 1 {
		if orig == "I" || orig == "A" {
			return 0
		}
		return 0.3 // an initial
	}
	level, isWord := lex.WordLevel(w)
	fn, _, isFirst := lex.FirstName(w)
	sn, isSur := lex.Surname(w)
	intlFirst, intlLast := lex.IntlName(w)
	if lex.Eponym(w) && !isFirst && !isSur && !intlFirst && !intlLast {
		return 0 // "the kid with Kawasaki"
	}
	common := isWord && level <= 35
	switch {
	case common && (isFirst && fn >= 2000 || isSur):
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
	if _, ok := lex.ProperLevel(orig); ok {
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
	prevDot := d.word(g.first-1) == "."
	pi := g.first - 1
	if prevDot {
		pi--
	}
	pw := d.word(pi) // the word before, past an abbreviation's period
	var pbuf, nbuf [4]string
	prevs := d.prevWords(pbuf[:], g.first, 4)
	nexts := d.nextWords(nbuf[:], g.last, 4)
	first := d.toks[g.first].lower
	if d.addressTown(g) {
		return roleOther, 0 // "1400 Pine St, Dayton": the town of a street address
	}
	if g.last+1 < len(d.toks) && d.bornHere(g.last+1) {
		return roleOther, 0 // a bio's "Hilo born": the author's home town
	}
	if petName(pw, nexts) {
		return roleOther, 0 // "my cat Mochi", "Pepper (14, beagle)", "Mr. Brown is my cat": a pet
	}
	if e.set(lsStaffTitles)[pw] && (prevDot || d.toks[pi].cap || pw == "doctor" || pw == "nurse") {
		return roleOther, 0
	}
	if e.set(lsPublicTitles)[pw] && pi >= 0 && d.toks[pi].cap || g.last > g.first && e.set(lsPublicTitles)[first] && d.toks[g.first].cap {
		return roleOther, 0 // "Senator Whitcomb", read as one name or not
	}
	if len(prevs) >= 2 && prevs[0] == "for" && prevs[1] == "ask" && d.item.Channel.IsReply() {
		return roleOther, 0 // "call our office at … and ask for Pam": the practice's staff
	}
	if famous[pw] || len(prevs) >= 2 && famous[prevs[1]] && pi == g.first-1 {
		return roleOther, 0 // "Olympic hurdler Grant Holloway", "NFL star Bijan Robinson": a public figure
	}
	// "St. Vincent's", "Mt. Sinai", "Fort Worth": a place, not a person;
	// but "Little Nevaeh made her debut" is a baby unless the whole is a
	// town ("Little Rock")
	if e.set(lsPlacePrefixes)[pw] && pi >= 0 && d.toks[pi].cap {
		_, _, town := d.e.lex.City(pw + " " + d.lowerText(g.start, g.end))
		n, _, given := d.e.lex.FirstName(first)
		if town || pw != "little" && pw != "big" || !given || n < 200 || g.last > g.first {
			return roleOther, 0 // "Little Rock", "Little Saigon"
		}
	}
	if len(nexts) > 0 && e.set(lsCredentials)[nexts[0]] && g.last+1 < len(d.toks) && (d.toks[g.last+1].text == "," || d.toks[g.last+1].allCaps) {
		return roleOther, 0
	}
	if d.staffAppositive(g) {
		return roleOther, 0
	}
	if d.staffBefore(pi) || d.staffBefore(g.first) {
		return roleOther, 0 // "our Chief Nursing Officer, Ms. Angela Brightwater"
	}
	if e.set(lsPatientTitles)[pw] && (prevDot || (pi >= 0 && d.toks[pi].cap)) {
		if e.set(lsPublicFigures)[pw+". "+d.lowerText(g.start, g.end)] || e.set(lsPublicFigures)[pw+" "+d.lowerText(g.start, g.end)] {
			return roleOther, 0 // "Mr. Rogers", "Dr. House"
		}
		return rolePatient, 1
	}
	if d.item.Author.Name != "" && strings.Contains(strings.ToLower(d.item.Author.Name), first) {
		return roleOther, 0
	}
	if g.last > g.first && e.set(lsPublicFigures)[d.lowerText(g.start, g.end)] {
		return roleOther, 0 // "Taylor Swift"; a single word is weighed last
	}
	// a song or a singer: "sang Amazing Grace", "danced to “Essence”",
	// "Conway Twitty on repeat"
	if performed[pw] || pw == "to" && performed[d.word(pi-1)] || len(nexts) >= 2 && nexts[0] == "on" && nexts[1] == "repeat" {
		return roleOther, 0
	}
	// "my son Jake", "our daughter" - the author's family; "her son", "your mother Evelyn"
	if pi >= 0 && pi == g.first-1 && e.set(lsKinship)[pw] {
		owner := d.prevWord(pi)
		if owner == "my" || owner == "our" {
			return roleOther, 0
		}
		return rolePatient, 0.95
	}
	if len(prevs) >= 2 && prevs[0] == "named" && e.set(lsKinship)[prevs[1]] {
		return rolePatient, 0.95
	}
	// "He named it Kevin": a thing's name; "Baby A", "baby B": twins in
	// birth order
	if len(prevs) >= 2 && prevs[0] == "it" && prevs[1] == "named" || pw == "baby" && g.first == g.last && len(first) == 1 {
		return roleOther, 0
	}
	if d.namedAs(g) {
		return rolePatient, 1 // "a baby girl named June", "mom named her Pascua"
	}
	if pw == "our" && d.ageAfter(g) {
		return rolePatient, 0.9 // "Our Hope, 7, beat relapsed ALL": a practice's patient, with her age
	}
	if g.first > 0 && d.toks[g.first-1].kind == tokWord && (pw == "his" || pw == "her" || pw == "their" || pw == "own" || pw == "my" || pw == "your" || pw == "our") {
		return roleOther, 0 // "his own Foley", "her Sinatra records"
	}
	if pw == "resident" && g.first > 0 && d.toks[g.first-1].kind == tokWord && d.digitCount() > 0 && oldAgeRe.matchAnywhere(d.lower) {
		return rolePatient, 0.9 // "Our resident Florence turned 100 today": a care home's resident, not a doctor in training
	}
	// "I was the L&D nurse for Tasha Greenwood's delivery": the one cared
	// for, when the possessive names their care (below)
	caredFor := len(prevs) >= 2 && prevs[0] == "for" && e.set(lsStaffRoles)[prevs[1]] && d.possessiveAfter(g.last)
	if !caredFor && hasAny(prevs[:min(2, len(prevs))], e.set(lsStaffRoles)) || (len(nexts) > 1 && nexts[0] == "from" && (nexts[1] == "our" || e.set(lsDepartments)[nexts[1]])) {
		return roleOther, 0 // "our hygienist Rose", "Dana from accounting"
	}
	if d.signedWithRole(g) {
		return roleOther, 0 // a signature: "— Marisol, Practice Manager"
	}
	if a, z := d.nameList(g); a < g.first || z > g.last {
		if a >= 1 && d.toks[a-1].kind == tokWord && d.staffRole(d.toks[a-1].lower) {
			return roleOther, 0 // "our techs June, Art and Grace"
		}
		eponyms := 0
		for k := a; k <= z; k++ {
			if d.toks[k].kind == tokWord && d.toks[k].cap && (k < g.first || k > g.last) && e.lex.Eponym(d.toks[k].lower) {
				eponyms++
			}
		}
		if eponyms >= 2 {
			return roleOther, 0 // "Graves, Crohn, Parkinson, Hashimoto and Addison were all real people": eponyms listed
		}
		if d.item.Channel == chaperone.ChannelBio && z+3 < len(d.toks) && (d.toks[z+1].text == "'" || d.toks[z+1].text == "’") && d.toks[z+2].lower == "s" && e.set(lsKinship)[d.toks[z+3].lower] {
			return roleOther, 0 // a bio's "Hope, Grace & June's mom": the author's children
		}
	}
	// "Wanda (his niece)", "Margaret (pt's daughter)"
	if len(nexts) >= 2 && isPossessive(nexts[0]) && e.set(lsKinship)[nexts[1]] && nexts[0] != "my" && nexts[0] != "our" {
		return rolePatient, 0.95
	}
	if g.first > 0 && d.toks[g.first-1].kind == tokWord && (e.set(lsPatientNouns)[pw] || pw == "little" || pw == "baby" || pw == "named") {
		if pw == "named" && (d.nameLexScore(g) < 0.5 || e.set(lsStaffRoles)[d.toks[g.first].lower] || d.awardTitle(g.first)) {
			return roleOther, 0 // "named Top Docs", "named Pediatrician of the Year"
		}
		return rolePatient, 0.98
	}
	if len(prevs) >= 2 && prevs[0] == "is" && prevs[1] == "name" {
		return rolePatient, 0.98
	}
	// "Earl's sugar was 410", "Bill's earlobe": a person's body, labs or care;
	// "Thảo's grandmother translated for us": a patient's relative's
	if pos := d.possWord(g.last); strings.HasSuffix(pos, "'s") && g.last+3 < len(d.toks) {
		nx := d.toks[g.last+3]
		if nx.kind == tokWord && !nx.cap && (e.set(lsClinicalTerms)[nx.lower] || e.set(lsBodyParts)[nx.lower]) {
			return rolePatient, 0.95
		}
		if nx.kind == tokWord && !nx.cap && e.set(lsKinship)[nx.lower] && d.patientNear(g.first) >= 0.5 {
			return rolePatient, 0.9
		}
		if nx.kind == tokWord && nx.cap && !d.isNameToken(g.last+3) {
			return roleOther, 0 // "Grey's Anatomy"
		}
	}
	// "Tell Bryce his strep test was negative": a name, then that person's care
	if len(nexts) >= 2 && (nexts[0] == "his" || nexts[0] == "her") && g.last+1 < len(d.toks) && d.toks[g.last+1].kind == tokWord {
		for _, w := range nexts[1:min(3, len(nexts))] {
			if e.set(lsClinicalTerms)[w] || e.set(lsCareNouns)[w] {
				return rolePatient, 0.95
			}
		}
	}
	// "Amaru (age 6)", "Luz (aged 4)": a name with an age; "Hunter in bed
	// 11": a name with a bed. Either makes even a common word a name.
	if g.last+3 < len(d.toks) && d.toks[g.last+1].text == "(" && (d.toks[g.last+2].lower == "age" || d.toks[g.last+2].lower == "aged") && d.toks[g.last+3].kind == tokNumber {
		return rolePatient, 1
	}
	if g.last+3 < len(d.toks) && d.toks[g.last+1].lower == "in" && d.e.set(lsLabelRoom)[d.toks[g.last+2].lower] && d.toks[g.last+3].kind == tokNumber {
		return rolePatient, 1
	}
	// "Sarge (87, Korea vet", "Ranch hand, 34,": a name with an age
	if g.last+2 < len(d.toks) && (d.toks[g.last+1].text == "(" || d.toks[g.last+1].text == ",") && d.toks[g.last+2].kind == tokNumber {
		if n := splitNums(d.toks[g.last+2].text); len(n) == 1 && n[0] > 0 && n[0] < 120 && g.last+3 < len(d.toks) && (d.toks[g.last+3].text == "," || d.toks[g.last+3].text == ")") {
			return rolePatient, 0.95
		}
	}
	// the author's family: "the kids are great, Jake made varsity"
	if a, b := d.sentenceBounds(g.first); d.listWords("author_family_cues", a, b) && d.patientIn(d.sent[g.first]) < 1 {
		return roleOther, 0
	}
	// vocatives and names taken from the review being answered
	if d.fromContext(g, ctxNames) {
		return rolePatient, 1
	}
	// "Dr. Soto referred Caleb to speech therapy": the one a doctor cares for
	if careVerbs[pw] && pi == g.first-1 {
		return rolePatient, 0.9
	}
	// colleagues, staff events, signatures
	if d.staffIn(d.sent[g.first]) && d.patientNear(g.first) < 1 && (d.sents[d.sent[g.first]].byTitle || !(d.digitCount() > 0 && oldAgeRe.matchAnywhere(d.sentenceAt(d.toks[g.first].start)))) {
		if d.greetedName(g) {
			d.greeted = append(d.greeted, [2]int{g.start, g.end}) // liftGreeted's, if the text is a patient's story
		}
		return roleOther, 0
	}
	if d.isSignature(g) {
		return roleOther, 0
	}
	// a reply to someone who wrote of their child or parent: a new first name is likely that relative
	if d.item.Channel.IsReply() && d.ctxHits().groups[e.rules.ctxFamily] {
		if n, _, ok := d.e.lex.FirstName(first); ok && n >= 1000 && !d.staffIn(d.sent[g.first]) {
			return rolePatient, 0.85
		}
	}
	if d.isVocative(g) {
		// someone who asked their own health question in public is no
		// patient unless the reply confirms their care: "Karen, you need to
		// stop the metformin", "Keep taking yours, Gloria"
		if d.item.Channel.IsReply() && !d.confirmed && d.answersOwnQuestion() && d.cuesIn(cueAdvicePersonalQuestion, d.ctxLower) && !d.replyConfirms() && d.nameLexScore(g) >= 0.3 {
			d.addressees = append(d.addressees, [2]int{g.start, g.end}) // liftAddressee's, if the reply confirms care after all
			return roleOther, 0
		}
		if d.item.Channel.IsReply() || d.patientItem >= 0.5 {
			if d.item.Channel.IsReply() && d.ctxListIn("staff_context_cues") && !d.confirmed {
				return roleOther, 0
			}
			return rolePatient, 0.9
		}
	}
	// identifiers right after the name: "Guadalupe Ortiz, DOB 8/30/1961"
	if len(nexts) > 0 && e.set(lsIdentifierLabels)[nexts[0]] {
		return rolePatient, 0.95
	}
	// a place after a preposition: "in Dearborn"
	if len(prevs) > 0 && e.set(lsLocatingWords)[prevs[0]] && !d.personSyntax(g) {
		if _, _, ok := d.e.lex.City(d.lowerText(g.start, g.end)); ok {
			return roleOther, 0
		}
	}
	// a city before a plural noun is where people are from: "helping
	// Austin athletes", "Dallas families"
	if g.last == g.first && g.last+1 < len(d.toks) && townsfolk[d.toks[g.last+1].lower] {
		if pop, _, ok := d.e.lex.City(first); ok && pop >= 50000 {
			return roleOther, 0
		}
	}
	// a public figure's surname alone ("Jordan", "Kennedy"), once no cue
	// above made it a patient's first name
	if e.set(lsPublicFigures)[first] {
		return roleOther, 0
	}
	return roleUnknown, 0
}

// personSyntax reports a name group the words around it make a person's
// name, whatever the dictionaries say of the word: an age after it ("Sarge
// (87, Korea vet", "Walter — 98, proud Navy vet"), an appositive "who" ("Sending love to Joy, who has been
// with us"), an address in the second person ("June, if you're reading
// this", "Hope, you're a champ", "You've got this, Joy."), a regular of a
// local shop ("Bill from the hardware store") or a story's subject
// (storySubject). A common word or a month that is also a given name
// ("Hope", "June") is then read as the name. Called by greetedName,
// liftStoryNames, nameRole and the place finders.
func (d *doc) personSyntax(g nameGroup) bool {
	n := len(d.toks)
	w := d.toks[g.first].lower
	if d.personWord(w) || d.e.set(lsGreetings)[w] {
		return false // "Sir, you have a sinus infection"
	}
	if d.ageAfter(g) {
		return true
	}
	if !d.givenName(w, 500) {
		return false
	}
	if k := g.last + 1; k+1 < n && d.toks[k].text == "," {
		switch w := d.toks[k+1].lower; w {
		case "who", "whose", "you", "you're", "youre", "you've", "your", "you'll":
			return true
		case "if", "we", "i":
			return k+2 < n && (d.toks[k+2].lower == "you" || d.toks[k+2].lower == "you're" || d.toks[k+2].lower == "miss" || d.toks[k+2].lower == "love")
		}
	}
	// "You've got this, Joy." / "proud of you, Hope!": the sentence's last word
	if g.first > 0 && d.toks[g.first-1].text == "," && (g.last+1 == n || d.toks[g.last+1].kind != tokWord && d.toks[g.last+1].kind != tokNumber) {
		a, _ := d.sentenceBounds(g.first)
		for k := a; k < g.first; k++ {
			switch d.toks[k].lower {
			case "you", "you've", "you're", "your", "youre":
				return true
			}
		}
	}
	// "Bill from the hardware store", at a sentence's start
	if d.toks[g.first].sentStart && g.last+3 < n && d.toks[g.last+1].lower == "from" && d.toks[g.last+2].lower == "the" {
		return !d.e.set(lsDepartments)[d.toks[g.last+3].lower] && !d.e.set(lsStaffRoles)[d.toks[g.last+3].lower]
	}
	return d.storySubject(g.first)
}

// ageAfter reports an age set after a name: "Sarge (87, Korea vet", "Rose
// (98 and sharp", "Bubba, 64, …": a name, a nickname even.
func (d *doc) ageAfter(g nameGroup) bool {
	n := len(d.toks)
	if k := g.last + 1; k+1 < n && (d.toks[k].text == "(" || d.toks[k].text == "," || d.toks[k].text == "—" || d.toks[k].text == "–") && d.toks[k+1].kind == tokNumber && (k+2 == n || d.toks[k+2].text == "," || d.toks[k+2].text == ")" || d.toks[k].text == "(" && d.toks[k+2].lower == "and") {
		if a := splitNums(d.toks[k+1].text); len(a) == 1 && a[0] > 0 && a[0] < 120 {
			return true
		}
	}
	return false
}

// personWord reports a word the name lists hold that speaks of a person
// without naming one: "guy", "sir", a title or a kinship word.
func (d *doc) personWord(w string) bool {
	return personNouns[w] || d.e.set(lsNamePrefixWords)[w] || d.e.set(lsKinship)[w]
}

// givenName reports a given name at least min babies were given.
func (d *doc) givenName(w string, min int) bool {
	f, _, ok := d.e.lex.FirstName(w)
	return ok && f >= min
}

// storySubject reports a given name at token i that opens a sentence as
// its subject: a story verb follows ("Faith finished her last round of
// chemo", "Will came in for his vasectomy"), then "he" or "her" in that
// sentence or the next. Called by personSyntax and readContext.
func (d *doc) storySubject(i int) bool {
	n := len(d.toks)
	if !d.toks[i].sentStart || i+1 >= n || !d.subjectVerb(i+1) || d.e.wordLists(d.toks[i].lower).has(lsMonths) {
		return false // "May is Mental Health Awareness Month"
	}
	if d.nameHashtag(d.toks[i].lower) {
		return true // "Hunter rang the bell today!!! … #hunterstrong"
	}
	if k := i + 1; k < n && (d.toks[k].lower == "passed" || d.toks[k].lower == "died" || d.toks[k].lower == "coded") {
		return true // "Charlie passed on the morning of the 8th": a death is someone's
	}
	a := d.sent[i]
	for k := i + 2; k < n && d.sent[k] <= a+1; k++ {
		switch d.toks[k].lower {
		case "he", "she", "his", "her", "him", "hers", "he's", "she's":
			return true
		case "my", "our":
			if practiceNouns[d.word(k+1)] {
				continue // "Patience has been coming to our clinic since 1998 and she …"
			}
			if d.sent[k] == a {
				return false // "Grace got me through my boards"
			}
		case "i", "we", "you", "they":
			if d.sent[k] == a {
				return false
			}
		}
	}
	return false
}

// nameHashtag reports a hashtag that holds the lower-case name w with a
// cue of support: "#hunterstrong", "#TeamHunter", "#PrayForHunter".
func (d *doc) nameHashtag(w string) bool {
	if !strings.Contains(d.text, "#") {
		return false
	}
	cues := d.e.set(lsHashtagNameCues)
	for k := range d.toks {
		t := &d.toks[k]
		if t.kind != tokHashtag {
			continue
		}
		h := strings.ToLower(t.text[1:])
		if rest, ok := strings.CutPrefix(h, w); ok && cues[rest] {
			return true
		}
		if cue, ok := strings.CutSuffix(h, w); ok && cues[cue] {
			return true
		}
	}
	return false
}

// practiceNouns are the author's workplace after "our" or "my": a patient
// comes to "our clinic" in a story about them.
var practiceNouns = map[string]bool{"clinic": true, "office": true, "practice": true, "unit": true, "floor": true, "er": true,
	"ed": true, "icu": true, "nicu": true, "picu": true, "hospital": true, "pharmacy": true, "ward": true, "chair": true, "door": true}

// storyVerbs are past-tense verbs a patient's story opens with after the
// patient's name ("Sandy came in", "Joy rang the bell"); storyAdverbs may
// come between ("Rusty finally got").
var storyVerbs = map[string]bool{"came": true, "got": true, "went": true, "rang": true, "was": true, "had": true, "has": true,
	"made": true, "brought": true, "told": true, "left": true, "woke": true, "turned": true, "gave": true, "took": true, "ate": true,
	"threw": true, "ran": true, "fell": true, "broke": true, "kept": true, "lost": true, "won": true, "beat": true, "finished": true,
	"walked": true, "asked": true, "showed": true, "passed": true, "started": true, "earned": true, "graduated": true, "danced": true,
	"sang": true, "drew": true, "wrote": true, "stopped": true, "hit": true, "is": true}

var storyAdverbs = map[string]bool{"just": true, "finally": true, "still": true, "officially": true, "proudly": true, "bravely": true}

// subjectVerb reports a story verb at token i, past one adverb.
func (d *doc) subjectVerb(i int) bool {
	for k := i; k < len(d.toks) && k < i+2; k++ {
		t := &d.toks[k]
		if t.kind != tokWord || t.cap {
			return false
		}
		if !storyAdverbs[t.lower] {
			return storyVerbs[t.lower]
		}
	}
	return false
}

// greetingWords open a congratulation or a greeting: "Congrats Natalia
// and Bogdan!!", "Happy birthday, sweet Aarav!", "shoutout to Aiyana".
var greetingWords = map[string]bool{"congrats": true, "congratulations": true, "birthday": true, "bday": true,
	"shoutout": true, "shout-out": true, "welcome": true, "kudos": true}

// greetedName reports a given name (not a titled one) that a greeting word
// opens, at most four words back: the staff word that made nameRole take it
// for a colleague may be a patient's congratulation. Called by nameRole.
func (d *doc) greetedName(g nameGroup) bool {
	if d.sents[d.sent[g.first]].byTitle || d.nameLexScore(g) < 0.5 && !d.personSyntax(g) {
		return false
	}
	for i, n := g.first-1, 0; i >= 0 && n < 4 && d.sent[i] == d.sent[g.first]; i-- {
		if d.toks[i].kind != tokWord {
			continue
		}
		if greetingWords[d.toks[i].lower] {
			return true
		}
		n++
	}
	return false
}

// lowerHashtagName finds the name in a hashtag typed in one case, after
// a listed prefix or before a listed suffix: "prayforpadraig" gives
// "padraig", "zuristrong" gives "zuri". It returns the name's offsets in
// tag. Called by findHashtagNames.
func (d *doc) lowerHashtagName(tag string) (int, int, bool) {
	w := asciiLower(tag)
	name := func(s, e int) bool {
		n, _, ok := d.e.lex.FirstName(w[s:e])
		if !ok || n < 200 || e-s < 3 {
			return false
		}
		if _, _, city := d.e.lex.City(w[s:e]); city || d.e.lex.State(w[s:e]) {
			return false // "#bostonstrong", "#texasstrong"
		}
		lvl, common := d.e.lex.WordLevel(w[s:e])
		return !common || lvl > 35
	}
	for _, p := range d.e.rules.list("hashtag_name_prefixes") {
		if strings.HasPrefix(w, p) && name(len(p), len(w)) {
			return len(p), len(w), true
		}
	}
	for _, x := range d.e.rules.list("hashtag_name_suffixes") {
		if strings.HasSuffix(w, x) && name(0, len(w)-len(x)) {
			return 0, len(w) - len(x), true
		}
	}
	return 0, 0, false
}

// performed are the words before a song or a singer: "sang", "danced to".
var performed = map[string]bool{"sang": true, "sings": true, "singing": true, "played": true, "playing": true, "hummed": true,
	"humming": true, "danced": true, "dancing": true, "listening": true, "listened": true, "blasting": true, "blasted": true}

// townsfolk are plural nouns a city's name may qualify: "Austin athletes".
var townsfolk = map[string]bool{"athletes": true, "families": true, "residents": true, "parents": true, "kids": true, "moms": true,
	"dads": true, "runners": true, "teams": true, "fans": true, "folks": true, "students": true, "seniors": true, "patients": true,
	"teens": true, "locals": true, "natives": true, "neighbors": true, "neighbours": true, "schools": true, "women": true, "men": true,
	"workers": true, "nurses": true, "doctors": true, "clinics": true, "hospitals": true, "drivers": true, "businesses": true}

// isVocative reports a name used to address someone: "Hi Lauren!",
// "Thanks Will!", "Jessica, our records…", "you've got this, Renee".
func (d *doc) isVocative(g nameGroup) bool {
	prev := d.word(g.first - 1)
	if d.e.set(lsGreetings)[prev] {
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
		// "Faith, hope and love": the first of a list of words
		if k := g.last + 2; next == "," && k+1 < len(d.toks) && d.toks[k].kind == tokWord && !d.toks[k].cap && !functionWords[d.toks[k].lower] && (d.toks[k+1].lower == "and" || d.toks[k+1].lower == "or" || d.toks[k+1].text == ",") {
			return false
		}
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
			// only a signature if nothing but the name follows: not a
			// quote's speaker with an age ("— DeShawn, 17")
			for k := g.last + 1; k < len(d.toks); k++ {
				if d.toks[k].kind == tokWord || d.toks[k].kind == tokNumber && d.toks[k-1].text == "," {
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
// oldAgeRe finds an age over 89 in a sentence (never without a digit): staff are not 94, so
// "Shoutout to Walt for winning the pie contest at 94!" is about a resident.
var oldAgeRe = mustLazyRegexp(`\b(?:at|turned|turns|turning|is|aged?) (?:9\d|1[01]\d)\b|\b(?:9\d|1[01]\d)(?:-year-old|yo\b|th birthday)`)

// staffAppositive reports a name followed by its staff role: "Will, our
// front-desk lead", "Linda, my office manager", "Father Mike, our hospital
// chaplain", "Mrs. Roland's class".
func (d *doc) staffAppositive(g nameGroup) bool {
	e := d.e
	if e.set(lsGreetings)[d.word(g.first-1)] {
		return false // "Hi Maria, our IT team saw…" addresses Maria
	}
	if g.last+2 < len(d.toks) && d.toks[g.last+1].text == "," && (d.toks[g.last+2].lower == "our" || d.toks[g.last+2].lower == "my" || d.toks[g.last+2].lower == "the") {
		for k := g.last + 3; k < len(d.toks) && k <= g.last+5; k++ {
			w := strings.Trim(d.toks[k].lower, "-")
			if e.set(lsStaffRoles)[w] || strings.HasSuffix(w, "-lead") || w == "lead" || petWords[w] {
				return true // "Meet Bill, our clinic therapy dog"
			}
		}
	}
	if pos := d.possWord(g.last); strings.HasSuffix(pos, "'s") {
		// "Mrs. Roland's class", "Ms. Park's 2nd grade class"
		for k := g.last + 3; k < len(d.toks) && k <= g.last+5; k++ {
			switch d.toks[k].lower {
			case "class", "classroom", "students", "homeroom":
				return true
			}
		}
	}
	return false
}

// careVerbs come before the person cared for: "Dr. Soto referred Caleb".
var careVerbs = map[string]bool{"referred": true, "treated": true, "admitted": true, "discharged": true, "examined": true,
	"intubated": true, "diagnosed": true, "delivered": true, "stitched": true, "splinted": true, "transported": true, "resuscitated": true}

// petName reports a name said to be a pet's by the word before it ("my
// cat Mochi") or the words after it ("Pepper (14, beagle)", "Biscuit,
// our new rescue beagle", "Mr. Brown is my cat"): pw is the word before
// the name, nexts the words after it. Called by nameRole.
func petName(pw string, nexts []string) bool {
	if petNouns[pw] {
		return true
	}
	for _, w := range nexts {
		switch {
		case petNouns[w]:
			return true
		case w == "is" || w == "my" || w == "our" || w == "a" || w == "the" || w == "new" || w == "rescue" || w == "old" || w == "senior" || w == "sweet" || w == "good" || w != "" && isASCIIDigit(w[0]) || w == "y" || w == "yo" || w == "mo":
			continue
		}
		return false
	}
	return false
}

// petNouns name an animal kept as a pet, by kind or breed (petName). The
// practice's own animals, with its "mascot", are petWords (staffAppositive).
var petNouns = map[string]bool{"dog": true, "cat": true, "pup": true, "puppy": true, "kitten": true, "kitty": true, "doggo": true, "pupper": true,
	"beagle": true, "labrador": true, "retriever": true, "goldendoodle": true, "labradoodle": true, "doodle": true, "corgi": true, "pug": true,
	"husky": true, "poodle": true, "terrier": true, "dachshund": true, "chihuahua": true, "bulldog": true, "collie": true, "greyhound": true,
	"pittie": true, "tabby": true, "hamster": true, "parakeet": true, "parrot": true, "tortoise": true, "bunny": true, "mutt": true}

// petWords name the practice's animals: "Meet Bill, our clinic therapy dog".
var petWords = map[string]bool{"dog": true, "cat": true, "pup": true, "puppy": true, "kitten": true, "mascot": true, "goldfish": true, "bunny": true}

// nameList returns the first and last tokens of the list of capitalised
// words that name group g is part of: "June, Art and Grace", "Hope, Grace
// & June". Without a list it returns g's own. Called by nameRole.
func (d *doc) nameList(g nameGroup) (int, int) {
	sep := func(k int) bool {
		t := d.toks[k].text
		return t == "," || t == "&" || t == "and"
	}
	name := func(k int) bool { return k >= 0 && k < len(d.toks) && d.toks[k].cap && d.toks[k].kind == tokWord }
	a := g.first
	for a > g.first-12 {
		k := a - 1
		for k >= 0 && k >= a-2 && sep(k) {
			k-- // ", and": an Oxford comma
		}
		if k == a-1 || !name(k) {
			break
		}
		a = k
	}
	z := g.last
	for z < g.last+12 {
		k := z + 1
		for k < len(d.toks) && k <= z+2 && sep(k) {
			k++
		}
		if k == z+1 || !name(k) {
			break
		}
		z = k
	}
	return a, z
}

// staffRole reports a staff role word, singular or plural: "tech", "techs".
// signedWithRole reports a name that signs the text with a staff role:
// a comma, one or two words ending in the role, and nothing more but
// punctuation ("Thanks for the review! — Marisol, Practice Manager").
func (d *doc) signedWithRole(g nameGroup) bool {
	k := g.last + 1
	if k+1 >= len(d.toks) || d.toks[k].text != "," {
		return false
	}
	role := -1
	for m := k + 1; m <= k+2 && m < len(d.toks) && d.toks[m].kind == tokWord; m++ {
		if d.staffRole(d.toks[m].lower) {
			role = m
		}
	}
	if role < 0 {
		return false
	}
	for m := role + 1; m < len(d.toks); m++ {
		if d.toks[m].kind == tokWord || d.toks[m].kind == tokNumber {
			return false
		}
	}
	return true
}

func (d *doc) staffRole(w string) bool {
	roles := d.e.set(lsStaffRoles)
	return roles[w] || len(w) > 3 && strings.HasSuffix(w, "s") && roles[w[:len(w)-1]]
}

// staffBefore reports a name (or its title) at token i that follows its
// staff role, written as a title, and a comma: "our Chief Nursing
// Officer, Ms. Angela Brightwater". Called by nameRole.
func (d *doc) staffBefore(i int) bool {
	if i < 2 || d.toks[i-1].text != "," {
		return false
	}
	k := i - 2
	if w := d.toks[k].lower; !d.toks[k].cap || !d.e.set(lsStaffRoles)[w] && w != "officer" {
		return false // a role given as a title: "Chief Nursing Officer", "Practice Manager"
	}
	for m := k - 1; m >= 0 && m >= k-4; m-- {
		switch d.toks[m].lower {
		case "our", "my":
			return true
		}
	}
	return false
}

// fromContext reports whether name group g repeats a name the review being
// answered was signed with or gave for a relative.
func (d *doc) fromContext(g nameGroup, ctxNames map[string]bool) bool {
	if len(ctxNames) == 0 {
		return false
	}
	first := d.toks[g.first].lower
	return ctxNames[d.toks[g.first].text] || ctxNames[d.text[g.start:g.end]] || ctxNames[strings.ToUpper(first[:1])+first[1:]]
}

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
		kin := i > 0 && d.e.set(lsKinship)[d.ctx[i-1].lower]
		if sig && d.e.set(lsStaffTitles)[t.lower] {
			continue // "— Dr. Renata Solis": a colleague's post, not a patient's review
		}
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
	cues := d.e.set(lsHashtagNameCues)
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokHashtag {
			continue
		}
		parts := camelParts(t.text[1:])
		// a hashtag that stands for the patient a noun names: "my patient
		// #DeShawn just got his transplant call", "missing my patient #LiamKnight"
		if i > 0 && d.tokIn(i-1, lsPatientNouns) && d.hashtagIsName(parts) {
			d.add(t.start+1, t.end, chaperone.SpanName, r.ID, r.ScoreOr(0.85))
			continue
		}
		if len(parts) < 2 {
			if s, e, ok := d.lowerHashtagName(t.text[1:]); ok {
				d.add(t.start+1+s, t.start+1+e, chaperone.SpanName, r.ID, r.ScoreOr(0.85))
			}
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
		for k := 0; k < len(parts); k++ {
			p := parts[k]
			// "De" + "Shawn", "Mc" + "Kenzie": one name split by its capitals
			if len(p.s) <= 3 && k+1 < len(parts) {
				joined := strings.ToLower(p.s + parts[k+1].s)
				if _, _, ok := d.e.lex.FirstName(joined); ok && !cues[strings.ToLower(p.s)] {
					p = camelPart{p.s + parts[k+1].s, p.off}
					k++
				}
			}
			w := strings.ToLower(p.s)
			if cues[w] || len(w) < 3 {
				continue
			}
			score := r.ScoreOr(0.85)
			n, _, ok := d.e.lex.FirstName(w)
			if ok && d.placeOverName(w, n) {
				continue // "#BostonStrong", "#TexasStrong": a town's, not a child's
			}
			if !ok || n < 200 {
				// a word no dictionary knows, not a place: "#SeunStrong"
				if _, known := d.e.lex.WordLevel(w); known || !latinWord(w) || d.placeWord(w) {
					continue
				}
				score *= 0.75
			}
			if lvl, ok := d.e.lex.WordLevel(w); ok && lvl <= 35 {
				continue
			}
			off := t.start + 1 + p.off
			d.add(off, off+len(p.s), chaperone.SpanName, r.ID, score)
		}
	}
}

// hashtagIsName reports a hashtag body, split at its capitals, that opens
// with a given name the dictionaries know that is no common word
// ("DeShawn", "LiamKnight").
func (d *doc) hashtagIsName(parts []camelPart) bool {
	if len(parts) == 0 || len(parts) > 3 {
		return false
	}
	first := strings.ToLower(parts[0].s)
	if len(parts) > 1 && len(parts[0].s) <= 3 {
		if _, _, ok := d.e.lex.FirstName(strings.ToLower(parts[0].s + parts[1].s)); ok {
			first = strings.ToLower(parts[0].s + parts[1].s) // "De" + "Shawn"
		}
	}
	if n, _, ok := d.e.lex.FirstName(first); !ok || n < 200 {
		return false
	}
	lvl, ok := d.e.lex.WordLevel(first)
	return !ok || lvl > 35 // "#Grace" may be a patient's, "#Hope" is no one's
}

// placeOverName reports a given name (n babies) that is more often a
// place: a state, or a city of more than three people for each baby so
// named ("Boston", not "Austin").
func (d *doc) placeOverName(w string, n int) bool {
	pop, _, city := d.e.lex.City(w)
	return d.e.lex.State(w) && n < 5000 || city && pop > 3*n
}

// placeWord reports a city or a state name: "#BostonStrong" names a town.
func (d *doc) placeWord(w string) bool {
	_, _, city := d.e.lex.City(w)
	return city || d.e.lex.State(w)
}

type camelPart struct {
	s   string
	off int
}

// camelParts splits "PrayForLiam" into Pray, For, Liam with byte offsets.
func camelParts(s string) []camelPart { return camelPartsInto(nil, s) }

// camelPartsInto is camelParts appending to out[:0]; tokenNameScore, which
// splits every capitalised token of a name, passes an array on its stack.
func camelPartsInto(out []camelPart, s string) []camelPart {
	out = out[:0]
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

// inBrand reports whether [s,e) overlaps a brand name in the text.
func (d *doc) inBrand(s, e int) bool {
	if d.brands == nil {
		b := d.e.brand.find(d)
		d.brands = &b
	}
	for _, b := range *d.brands {
		if s < b[1] && b[0] < e {
			return true
		}
	}
	return false
}

// strongLowerName reports a lower-case word that is a frequent first name
// and no English word at all: "marcus", "ellie".
func (d *doc) strongLowerName(w string) bool {
	if len(w) < 4 {
		return false
	}
	if _, ok := d.e.lex.WordLevel(w); ok || d.e.set(lsNotNames)[w] {
		return false
	}
	n, _, ok := d.e.lex.FirstName(w)
	return ok && n >= 20000
}

func countUpper(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n
}

// titled reports a name right after a patient title ("Mr.", "Mrs.", "Miss")
// whose first word is no month, weekday or organisation word.
func (d *doc) titled(g nameGroup) bool {
	pi := g.first - 1
	if pi >= 0 && d.toks[pi].text == "." {
		pi--
	}
	if pi < 0 || !d.e.set(lsPatientTitles)[d.toks[pi].lower] {
		return false
	}
	w := d.toks[g.first].lower
	e := d.e
	m := e.wordLists(w)
	return !(m.has(lsNotNames) || m.has(lsOrgWords) || m.has(lsMonths) || m.has(lsWeekdays))
}

// namedAs reports a name given by "named" after a person or patient ("a
// baby girl named June", "a pt named Honey", "her brother is named August")
// or after "named her/him" ("mom named her Pascua"): whatever word follows
// is the name, even a month or a common word. An award ("named Nurse of the
// Year") or a staff role is not.
func (d *doc) namedAs(g nameGroup) bool {
	if d.word(g.first-1) != "named" && d.word(g.first-2) != "named" {
		return false // the common case, without allocating
	}
	var pbuf [5]string
	prevs := d.prevWords(pbuf[:], g.first, 5)
	if len(prevs) < 2 || g.first == 0 || d.toks[g.first-1].kind != tokWord {
		return false
	}
	e := d.e
	first := d.toks[g.first].lower
	if e.set(lsStaffRoles)[first] || e.set(lsNotNames)[first] || d.awardTitle(g.first) {
		return false
	}
	switch {
	case prevs[0] == "named":
		if w := prevs[1]; w == "is" || w == "was" || w == "twins" {
			return true
		}
		// "a pt on our floor named Honey": a person within four words
		for _, w := range prevs[1:] {
			if e.set(lsStaffRoles)[w] {
				return false
			}
			if m := e.wordLists(w); m.has(lsPatientNouns) || m.has(lsPersonNouns) || m.has(lsKinship) {
				return true
			}
		}
		return false
	case prevs[0] == "her" || prevs[0] == "him" || prevs[0] == "them":
		return prevs[1] == "named"
	}
	return false
}

// nameFeatures describes a name candidate for the learned name model:
// the rules' verdict and its parts, the words around it, and the context.
// It gives each feature to add in two parts, to be joined.
func (d *doc) nameFeatures(g nameGroup, rl role, cue, lex, ruleScore float64, add func(name, value string)) {
	b := func(x float64) string { return digitString(int(min(max(x, 0), 0.99) * 5)) }
	t := &d.toks[g.first]
	add("n:rl", digitString(int(rl)))
	add("n:cue", b(cue))
	add("n:lex", b(lex))
	add("n:rs", b(ruleScore))
	add("n:pn", b(d.patientNear(g.first)))
	add("n:pi", b(d.patientItem))
	add("n:ch:", string(d.item.Channel))
	add("n:prev:", d.prevWord(g.first))
	add("n:next:", d.nextWordAfter(g.end))
	var pbuf [2]string
	if ps := d.prevWords(pbuf[:], g.first, 2); len(ps) == 2 {
		add("n:prev2:", ps[1])
	}
	if g.last > g.first {
		add("n:multi", "")
	}
	if t.sentStart {
		add("n:ss", "")
	}
	if t.allCaps {
		add("n:caps", "")
	}
	if d.staffIn(d.sent[g.first]) {
		add("n:staff", "")
	}
	if d.confirmed {
		add("n:confirmed", "")
	}
	if d.hypothetical {
		add("n:hyp", "")
	}
	if d.isVocative(g) {
		add("n:voc", "")
	}
	if strings.HasSuffix(d.possWord(g.last), "'s") {
		add("n:poss", "")
	}
	w := t.lower
	lx := d.e.lex
	if n, _, ok := lx.FirstName(w); ok {
		add("n:first", b(float64(min(n, 99999))/100000))
	}
	if _, ok := lx.Surname(w); ok {
		add("n:sur", "")
	}
	if lvl, ok := lx.WordLevel(w); ok {
		add("n:word", digitString(lvl/10))
	}
}

// nameModelScore scores a name candidate with the learned name model, or
// records its features for training.
func (d *doc) nameModelScore(g nameGroup, rl role, cue, lex, ruleScore float64) float64 {
	if d.collect {
		var fs []string
		d.nameFeatures(g, rl, cue, lex, ruleScore, func(name, value string) { fs = append(fs, name+value) })
		d.nameCands = append(d.nameCands, nameCand{g.start, g.end, fs})
		return ruleScore
	}
	m := d.e.model
	z := float64(m.Names[0])
	// fnv1a of the parts is hashFeature of the joined feature
	d.nameFeatures(g, rl, cue, lex, ruleScore, func(name, value string) { z += float64(m.Names[fnv1a(name, value)]) })
	p := 1 / (1 + math.Exp(-z))
	switch nameBlend {
	case "max":
		return max(p, ruleScore)
	case "avg":
		return (p + ruleScore) / 2
	}
	return p
}

// digitString returns string(rune('0'+v)) without allocating for 0..9.
func digitString(v int) string {
	if v >= 0 && v <= 9 {
		return "0123456789"[v : v+1]
	}
	return string(rune('0' + v))
}

// nameBlend says how the model's and the rules' name scores combine.
var nameBlend = "max"

// nameCand is a name candidate's features, kept when training.
type nameCand struct {
	start, end int
	feats      []string
}

// awardTitle reports whether the capitalised run at token i ends in "of the
// Year/Month/Week": "named Nurse of the Year".
func (d *doc) awardTitle(i int) bool {
	for k := i; k < len(d.toks) && k < i+6; k++ {
		if d.toks[k].lower == "of" && k+2 < len(d.toks) && d.toks[k+1].lower == "the" {
			switch d.toks[k+2].lower {
			case "year", "month", "week", "quarter":
				return true
			}
		}
		if d.toks[k].kind != tokWord || !d.toks[k].cap && d.toks[k].lower != "of" {
			return false
		}
	}
	return false
}

// latinWord reports whether s is all letters of the Latin script.
func latinWord(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// addressTown reports a town the dictionaries know closing a street
// address in its sentence: "1400 Pine St, Dayton", "418 Orchard Ln,
// Suite B, Millbrook". nameRole leaves it to the place rules.
func (d *doc) addressTown(g nameGroup) bool {
	if g.first < 3 || d.toks[g.first-1].text != "," {
		return false
	}
	if _, _, ok := d.e.lex.City(d.lowerText(g.start, g.end)); !ok {
		return false
	}
	for k := g.first - 2; k >= 0 && k >= g.first-9 && d.sent[k] == d.sent[g.first]; k-- {
		t := &d.toks[k]
		if t.kind == tokNumber && len(t.text) <= 6 && k+1 < g.first-1 && d.toks[k+1].kind == tokWord && d.toks[k+1].cap {
			return true
		}
	}
	return false
}
