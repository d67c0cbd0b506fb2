package detect

import (
	"strings"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

func init() {
	registerSpan("location-city", (*doc).findCities)
	registerSpan("facility-named", (*doc).findFacilities)
	registerSpan("place-after-preposition", (*doc).findPlacesAfterPrepositions)
}

// findCities finds towns, cities and counties from the embedded gazetteer
// after a locating word ("in Leominster", "only in Cut Bank", "from
// Dearborn") or before a state ("Noel, MO"). A place is a span only when
// it locates a patient: the sentence or the item is about one.
func (d *doc) findCities(r *Rule) {
	lex := d.e.lex
	preps := d.e.set(lsLocatingWords)
	for i := 0; i < len(d.toks); i++ {
		t := &d.toks[i]
		if t.kind != tokWord || !t.cap || t.hasDigit {
			continue
		}
		prev := d.word(i - 1)
		// longest gazetteer phrase starting here (up to 4 words)
		bestEnd := -1
		for n := min(4, len(d.toks)-i); n >= 1; n-- {
			last := i + n - 1
			ok := true
			for k := i; k <= last; k++ {
				if d.toks[k].kind != tokWord || !d.toks[k].cap {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			phrase := d.lowerText(t.start, d.toks[last].end)
			if n <= 3 && last+1 < len(d.toks) && (d.toks[last+1].lower == "county" || d.toks[last+1].lower == "parish") && lex.County(phrase) {
				bestEnd = last + 1 // "Polk County" before the town of Polk
				break
			}
			if _, _, ok := lex.City(phrase); ok {
				bestEnd = last
				break
			}
		}
		if bestEnd < 0 {
			continue
		}
		// "found by the Toppenish rodeo grounds": a town's landmark
		theTown := prev == "the" && preps[d.word(i-2)] && bestEnd+1 < len(d.toks) && d.toks[bestEnd+1].kind == tokWord && !d.toks[bestEnd+1].cap && d.patientNear(i) >= 0.5
		located := preps[prev] || theTown || (bestEnd+2 < len(d.toks) && d.toks[bestEnd+1].text == "," && lex.State(d.toks[bestEnd+2].text)) ||
			bestEnd > i && (d.toks[bestEnd].lower == "county" || d.toks[bestEnd].lower == "parish") || // "a Yavapai County rancher"
			prev == "," && d.afterStreet(i-1) || // "1142 Lakeview Dr NE, Bemidji"
			bestEnd+1 < len(d.toks) && (townsfolk[d.toks[bestEnd+1].lower] || d.toks[bestEnd+1].lower == "people" || d.toks[bestEnd+1].lower == "regular") && d.patientItem >= 0.6 && d.townOf(i, bestEnd) // "Hilo people are the best"
		if !located || d.word(i-2) == "here" || d.word(i-2) == "based" || d.word(i-2) == "located" || d.travelDestination(i) {
			continue // "our team here in Springfield": the practice's own town
		}
		// a city name followed by another capitalised name: "Taylor Swift"
		if bestEnd+1 < len(d.toks) && d.toks[bestEnd+1].kind == tokWord && d.toks[bestEnd+1].cap && !lex.State(d.toks[bestEnd+1].text) && !d.e.set(lsPlaceWords)[d.toks[bestEnd+1].lower] {
			continue
		}
		phrase := d.lowerText(t.start, d.toks[bestEnd].end)
		if d.e.set(lsNotPlaces)[phrase] || lex.State(d.text[t.start:d.toks[bestEnd].end]) {
			continue
		}
		// "drunk at Ashley's": a given name's possessive is a bar or a home, not the town
		if bestEnd == i && strings.HasSuffix(d.possWord(i), "'s") && d.givenName(t.lower, 1000) && !(i+3 < len(d.toks) && d.toks[i+3].cap) {
			continue // ("Bailey's Elementary" is a school's name)
		}
		// a common word or first name after "in" is weaker evidence
		score := r.ScoreOr(0.85)
		if bestEnd == i {
			if lvl, ok := lex.WordLevel(t.lower); ok && lvl <= 50 {
				score *= 0.6
			}
		}
		if d.weakPerson(i) {
			score *= weakPersonFactor // "a trucker from Dodge City"
		} else if d.patientNear(i) < 0.5 && d.patientItem < 0.6 {
			score *= 0.25
		} else if d.patientNear(i) < 0.5 {
			score *= 0.9
		}
		if d.item.Channel == chaperone.ChannelBio && d.patientNear(i) < 1 {
			score = 0
		}
		if d.staffIn(d.sent[i]) && d.patientNear(i) < 1 {
			score *= 0.5
		}
		d.add(t.start, d.toks[bestEnd].end, chaperone.SpanLocation, r.ID, score)
		i = bestEnd
	}
}

// cityTeam reports a run of capitalised words, tokens i to j, that is a
// big city followed by a plural that is no place word: a team or a club
// named after its city ("the Kansas City Chiefs", "the Boston Red Sox").
func (d *doc) cityTeam(i, j int) bool {
	last := d.toks[j].lower
	if m := d.e.wordLists(last); j == i || len(last) < 4 || !strings.HasSuffix(last, "s") || m.has(lsPlaceWords) || m.has(lsFacilityWords) || m.has(lsWeekdays) {
		return false
	}
	for k := j - 1; k >= i; k-- {
		if pop, _, ok := d.e.lex.City(d.lowerText(d.toks[i].start, d.toks[k].end)); ok && pop >= 100000 {
			return true // a big city's: "Blue Note Tuesdays" is no team
		}
	}
	return false
}

// findFacilities finds named hospitals, nursing homes, schools and
// workplaces tied to a patient's event: the CMS hospital list, the
// author's own employer when a patient event happened there, and names
// ending in a facility word ("Willow Creek Manor", "Roosevelt Elementary").
func (d *doc) findFacilities(r *Rule) {
	lex := d.e.lex
	fw := d.e.set(lsFacilityWords)
	base := r.ScoreOr(0.85)
	emp := strings.ToLower(strings.TrimSpace(d.item.Author.Employer))
	for i := 0; i < len(d.toks); i++ {
		t := &d.toks[i]
		if t.kind != tokWord || !t.cap {
			continue
		}
		// run of capitalised words ("St. Vincent's", "University of X", "Bone & Joint")
		j := i
		for j+1 < len(d.toks) {
			n := &d.toks[j+1]
			if n.kind == tokWord && n.cap {
				j++
				continue
			}
			if n.text == "." && (d.toks[j].lower == "st" || d.toks[j].lower == "mt") && j+2 < len(d.toks) && d.toks[j+2].cap {
				j += 2
				continue
			}
			if (n.lower == "&" || n.lower == "of" && fw[d.toks[j].lower]) && j+2 < len(d.toks) && d.toks[j+2].cap {
				j += 2
				continue
			}
			break
		}
		for j > i && d.toks[j].allCaps && len(d.toks[j].text) <= 3 {
			j-- // "Costco HR": the workplace is Costco
		}
		end := d.toks[j].end
		// possessive "'s" belongs to the name: "St. Vincent's"
		if j+2 < len(d.toks) && (d.toks[j+1].text == "'" || d.toks[j+1].text == "’") && d.toks[j+2].lower == "s" && d.toks[j+1].start == end {
			end = d.toks[j+2].end
		}
		start := t.start
		phrase := d.lowerText(start, end)
		isFac := false
		switch {
		case d.nextWordAfter(end) == "wort":
			// the herb, "St. John's wort", is no St. John's hospital
		case (t.lower == "st" || t.lower == "saint") && j > i:
			isFac = true
		case fw[d.toks[j].lower] && j > i && !(countUpper(d.toks[j].text) >= 2 && !d.toks[j].allCaps): // "HIV PrEP" is no prep school
			isFac = true
		case j > i && lex.Hospital(phrase):
			isFac = true
		case emp != "" && len(phrase) >= 5 && (strings.HasPrefix(emp+" ", phrase+" ") || strings.HasPrefix(phrase, emp)) && (j > i || len(phrase) >= 6) && d.prevWord(i) != "dr":
			// "Dr. Lindgren" is the doctor the practice is named after
			isFac = true
		}
		// a workplace: "works at Dunmore Paper", "Costco HR", "the Ford plant"
		byJob := false // a worker's workplace: "Blue Bottle" is no Blue Cross plan
		if !isFac {
			var pbuf [3]string
			prevs := d.prevWords(pbuf[:], i, 3) // nearest first: put them back in reading order
			for a, b := 0, len(prevs)-1; a < b; a, b = a+1, b-1 {
				prevs[a], prevs[b] = prevs[b], prevs[a]
			}
			if len(prevs) > 0 && containsAny(strings.Join(prevs, " ")+" ", d.e.rules.list("workplace_before")) {
				isFac = true
			}
			// "a line cook at Olive Garden", "a Waffle House waitress"
			// (one word only when it is no sentence's first, no abbreviation and no place: not "CDL driver", "Guam driver's license")
			jobs := d.e.set(lsWorkplaceJobs)
			named := j > i || !t.sentStart && !t.allCaps && !d.e.lex.State(t.lower) && !d.e.set(lsCountries)[t.lower]
			// "a line cook from Smokey Joe's BBQ", "barista from the Blue Bottle"
			k := i
			if d.prevWord(k) == "the" {
				k--
			}
			_, _, town := lex.City(phrase) // "a roofer from Cookeville" is from a town
			if p := d.prevWord(k); named && ((p == "at" || p == "for" || p == "from" && !town) && jobs[d.prevWord(k-1)] || j+1 < len(d.toks) && jobs[d.toks[j+1].lower] && !d.toks[j+1].cap && d.toks[j+1].kind == tokWord) {
				isFac, byJob = true, true
			}
			if j > i && d.teamRole(j) {
				isFac = true // "the Auburn Tigers' backup kicker"
			}
			if j+1 < len(d.toks) && d.e.set(lsWorkplaceAfter)[d.toks[j+1].lower] {
				isFac = true
				if d.toks[j+1].lower != "hr" {
					end = d.toks[j+1].end
				}
			}
		}
		if !isFac || d.e.set(lsNotFacilities)[phrase] || d.e.set(lsInsurerWords)[t.lower] && !byJob || d.acceptedPlan(i, j) {
			i = j
			continue
		}
		score := d.placeScoreWith(start, base, 0.2)
		si := d.sent[i]
		if d.staffIn(si) && d.patientIn(si) < 1 {
			score *= 0.4
		}
		// a pupil's school: a named school in a text that names one child
		// or pupil ("Congrats to Zuri from Maplewood Elementary on her
		// first cavity-free checkup", "J.T. has visited the Roosevelt
		// Elementary health office")
		if score < Threshold && schoolWords[d.toks[j].lower] && d.namesPupil(i, j) {
			score = base * 0.7
		}
		if d.item.Channel == chaperone.ChannelBio && d.patientIn(si) < 1 {
			score = 0
		}
		// the author's own workplace counts only for a patient event
		// ("crazy night at Mercy General: a 34yo came in")
		if emp != "" && strings.HasPrefix(emp, phrase) && d.patientIn(si) < 0.5 && !d.headsPatientSentence(j) {
			score = 0
		}
		// a signature at the end of a reply
		if d.isSignature(nameGroup{first: i, last: j}) {
			score = 0
		}
		d.add(start, end, chaperone.SpanFacility, r.ID, score)
		i = j
	}
}

// teamRoles are the players and squads of a team: the team named before
// them is a patient's school or club ("the Hillcrest Hawks 12U softball
// roster").
var teamRoles = map[string]bool{"kicker": true, "quarterback": true, "qb": true, "pitcher": true, "catcher": true, "goalie": true,
	"shortstop": true, "linebacker": true, "receiver": true, "striker": true, "defender": true, "roster": true, "cheerleader": true,
	"cheerleaders": true, "wrestler": true, "center": true, "captain": true, "mascot": true, "starter": true}

// teamRole reports a team's name ending at token j, a plural such as
// "Tigers" or "Hawks", with a player's role within three words after it.
// Called by findFacilities.
func (d *doc) teamRole(j int) bool {
	w := d.toks[j].lower
	if len(w) < 4 || w[len(w)-1] != 's' || d.e.set(lsFacilityWords)[w] {
		return false
	}
	for k := j + 1; k < len(d.toks) && k <= j+4; k++ {
		if teamRoles[d.toks[k].lower] {
			return true
		}
		if d.toks[k].kind == tokPunct && d.toks[k].text != "'" && d.toks[k].text != "’" {
			return false
		}
	}
	return false
}

// acceptedPlan reports a health plan named as one the practice takes:
// "we take Apple Health", "We accept Molina, Sunshine Health and most …".
func (d *doc) acceptedPlan(i, j int) bool {
	switch d.toks[j].lower {
	case "health", "healthcare", "plan", "plans", "choice", "advantage", "care", "medicaid", "medicare", "blue":
	default:
		return false
	}
	var buf [6]string
	for _, w := range d.prevWords(buf[:], i, 6) {
		switch w {
		case "take", "takes", "accept", "accepts", "accepting", "in-network", "contracted", "bill", "participate":
			return true
		}
	}
	return false
}

// findPlacesAfterPrepositions finds the capitalised places that stories
// put after a preposition or a transfer verb ("flown to Bronson", "he's at
// Adena", "from Bensonhurst", "stable at Sacred Heart") in a sentence about
// a patient: hospitals, towns, neighbourhoods and workplaces the
// dictionaries don't know. Hospital-like names are FACILITY, others
// LOCATION; either way the text would be redacted.
func (d *doc) findPlacesAfterPrepositions(r *Rule) {
	if d.item.Channel == chaperone.ChannelBio {
		return
	}
	not := d.e.set(lsPlaceNot)
	lex := d.e.lex
	for i := 1; i < len(d.toks); i++ {
		t := &d.toks[i]
		if t.kind != tokWord || !t.cap || t.hasDigit || t.sentStart || not[t.lower] {
			continue
		}
		if d.patientNear(i) < 0.5 && d.patientItem < 0.6 {
			continue
		}
		if d.staffIn(d.sent[i]) && d.patientIn(d.sent[i]) < 1 {
			continue
		}
		if d.e.set(lsPlacePrefixes)[t.lower] && i+1 < len(d.toks) && d.toks[i+1].text == "." {
			continue // "St. Vincent's": the facility recognizer's
		}
		before := d.textBefore(t.start, 24)
		// "an apartment in the Tenderloin": the article may come between,
		// unless the name only qualifies a noun ("at the Cubs game")
		article := false
		if b, ok := strings.CutSuffix(before, " the "); ok && i >= 2 && !d.toks[i-1].cap {
			before, article = b+" ", true
		}
		cue, strong := false, false
		for _, w := range d.e.rules.list("transfer_words") {
			if endsWithWord(before, w) {
				cue = true
				strong = strings.Contains(w, " ") // "flown to", "stable at": no person goes there
				break
			}
		}
		if !cue || d.travelDestination(i) {
			continue
		}
		// the run of capitalised words, with a possessive: "Children's", "Sacred Heart"
		j := i
		for j+1 < len(d.toks) && d.toks[j+1].kind == tokWord && d.toks[j+1].cap && j-i < 3 {
			j++
		}
		end := d.toks[j].end
		if j+2 < len(d.toks) && (d.toks[j+1].text == "'" || d.toks[j+1].text == "’") && d.toks[j+2].lower == "s" && d.toks[j+1].start == end {
			end = d.toks[j+2].end
		}
		if article && j+1 < len(d.toks) && d.toks[j+1].kind == tokWord && !d.toks[j+1].cap && !functionWords[d.toks[j+1].lower] {
			i = j
			continue
		}
		phrase := d.lowerText(t.start, end)
		if m := d.e.wordLists(t.lower); lex.State(d.text[t.start:end]) || d.e.set(lsCountries)[phrase] || d.e.set(lsNotPlaces)[phrase] || m.has(lsMonths) || m.has(lsWeekdays) ||
			m.has(lsNotNames) || m.has(lsPublicTitles) && j > i || d.e.brand.has(t.lower) || strings.HasSuffix(before, "here in ") {
			i = j
			continue
		}
		if _, ok := lex.CanonicalMaker(phrase); ok || d.e.brand.has(phrase) {
			i = j
			continue // a company or a product: "#sponsored by Viatris", "give that to FreeStyle Libre support"
		}
		// a label with its number ("at Station 4", "from Zip 53704"), a
		// letter ("from L&D"), an image's source ("Image from Radiopaedia")
		if j+1 < len(d.toks) && d.toks[j+1].kind == tokNumber || utf8.RuneCountInString(phrase) <= 2 ||
			strings.HasSuffix(before, "image from ") || strings.HasSuffix(before, "photo from ") || strings.HasSuffix(before, "courtesy of ") {
			i = j
			continue
		}
		// a person's name is the name recognizer's: "to Joy, who has been with us"
		if !strong && d.personSyntax(nameGroup{first: i, last: j, start: t.start, end: d.toks[j].end}) {
			i = j
			continue
		}
		if !strong && d.tokenNameScore(i) >= 0.6 && !lex.Hospital(phrase) {
			if _, _, city := lex.City(phrase); !city {
				i = j
				continue
			}
		}
		if t.allCaps && len(t.text) <= 5 && !(j+1 < len(d.toks) && d.e.set(lsFacilityWords)[d.toks[j+1].lower]) && !lex.Hospital(phrase) {
			i = j
			continue // an acronym: "at ACEP", "in EPIC"
		}
		if d.cityTeam(i, j) {
			i = j
			continue // a team or club named after its city: "to the Kansas City Chiefs"
		}
		typ := chaperone.SpanLocation
		if lex.Hospital(phrase) || strings.HasSuffix(phrase, "'s") || strings.HasSuffix(phrase, "’s") || d.e.set(lsFacilityWords)[d.word(j+1)] || d.e.set(lsFacilityWords)[d.toks[j].lower] {
			typ = chaperone.SpanFacility
		}
		if d.authorsWorkplace(i, j, phrase) {
			i = j
			continue
		}
		score := r.ScoreOr(0.6) * max(d.patientNear(i), 0.9)
		if strong {
			typ, score = chaperone.SpanFacility, 0.9 // "flown to Bronson": a hospital
		}
		d.add(t.start, end, typ, r.ID, score)
		i = j
	}
}

// travelWords are the trips a place name may end: "a pic from her trip
// to Cancún" says where someone went, not where they live or were seen.
var travelWords = map[string]bool{"trip": true, "vacation": true, "vacay": true, "honeymoon": true, "cruise": true,
	"getaway": true, "backpacking": true}

// travelDestination reports a place at token i that a trip goes to: "her
// trip to Cancún", "honeymoon in Bali". Called by findCities and
// findPlacesAfterPrepositions.
func (d *doc) travelDestination(i int) bool {
	p := d.word(i - 1)
	if p != "to" && p != "in" {
		return false
	}
	return travelWords[d.word(i-2)] || travelWords[d.word(i-3)]
}

// townOf reports a city of 20,000 people or more in tokens [i,j]: big
// enough for its name to say where people are from ("Hilo people", not
// "Dakota men"). Called by findCities.
func (d *doc) townOf(i, j int) bool {
	pop, _, ok := d.e.lex.City(d.lowerText(d.toks[i].start, d.toks[j].end))
	return ok && pop >= 20000
}

// schoolWords end the name of a school.
var schoolWords = map[string]bool{"elementary": true, "middle": true, "high": true, "academy": true, "preschool": true, "montessori": true, "prep": true}

// pupilNouns name one pupil or player.
var pupilNouns = map[string]bool{"kid": true, "student": true, "grader": true, "kindergartner": true, "kindergartener": true, "freshman": true,
	"sophomore": true, "junior": true, "senior": true, "qb": true, "quarterback": true, "coach": true, "player": true, "pitcher": true,
	"athlete": true, "boy": true, "girl": true, "son": true, "daughter": true, "teen": true, "kiddo": true}

// namesPupil reports a text that speaks of one person besides the school
// in tokens [i,j]: a first name, initials ("J.T."), or one pupil ("your
// coach", "a 10th grader"). Called by findFacilities for a school's name.
func (d *doc) namesPupil(i, j int) bool {
	for k := range d.toks {
		if k >= i && k <= j {
			continue
		}
		t := &d.toks[k]
		if t.kind != tokWord {
			continue
		}
		if pupilNouns[t.lower] {
			return true
		}
		if !t.cap || t.allCaps && len(t.text) > 1 {
			continue
		}
		if len(t.text) == 1 && k+2 < len(d.toks) && d.toks[k+1].text == "." && len(d.toks[k+2].text) == 1 && d.toks[k+2].cap {
			return true // "J.T."
		}
		if n, _, ok := d.e.lex.FirstName(t.lower); ok && n >= 1000 {
			if lvl, common := d.e.lex.WordLevel(t.lower); !common || lvl > 30 {
				return true
			}
		}
	}
	return false
}

// afterStreet reports a street address ending right before token i (a
// comma): a number, then words ending in a street suffix, perhaps with a
// direction ("1142 Lakeview Dr NE"). Called by findCities.
func (d *doc) afterStreet(i int) bool {
	k := i - 1
	if k >= 0 && (d.toks[k].lower == "ne" || d.toks[k].lower == "nw" || d.toks[k].lower == "se" || d.toks[k].lower == "sw") {
		k--
	}
	if k >= 0 && d.toks[k].text == "." {
		k-- // "Rd."
	}
	if k < 1 || d.toks[k].kind != tokWord || !d.e.lex.StreetSuffix(d.toks[k].lower) {
		return false
	}
	for j := k - 1; j >= 0 && j >= k-4; j-- {
		if d.toks[j].kind == tokNumber {
			return true
		}
		if d.toks[j].kind != tokWord || !d.toks[j].cap {
			return false
		}
	}
	return false
}

// authorsWorkplace reports a place in tokens [i,j] that is the author's
// own workplace and not a patient's: their employer named in a sentence
// with no patient, or a sentence about their own career ("I'm going to be
// a resident at Hennepin", "my first day as a hospitalist at Mercy").
func (d *doc) authorsWorkplace(i, j int, phrase string) bool {
	si := d.sent[i]
	if d.patientIn(si) >= 0.5 || d.headsPatientSentence(j) {
		return false
	}
	emp := strings.ToLower(strings.TrimSpace(d.item.Author.Employer))
	if emp != "" && len(phrase) >= 5 && strings.HasPrefix(emp, phrase) && d.patientItem < 0.5 {
		return true
	}
	a, b := d.sentenceBounds(i)
	first := false
	for k := d.tokAt(a); k < i && k < len(d.toks); k++ {
		switch d.toks[k].lower {
		case "i", "i'm", "i’m", "my", "i've", "i’ve", "i'll", "i’ll":
			first = true
		}
	}
	return first && d.listWords("career_words", a, b)
}

// headsPatientSentence reports whether the sentence holding token j ends
// with a colon and the next one is about a patient: "Crazy night at Mercy
// General: a 34yo guy came in …".
func (d *doc) headsPatientSentence(j int) bool {
	s := d.sent[j]
	for k := j; k < len(d.toks) && d.sent[k] == s; k++ {
		if d.toks[k].text == ":" && k+1 < len(d.toks) {
			return d.patientIn(d.sent[k+1]) >= 0.4 || d.patientItem >= 0.6 && d.cues(cueStoryPerson)
		}
	}
	return false
}

// endsWithWord reports whether s ends with " "+w+" " or is w+" ", without
// building those strings.
func endsWithWord(s, w string) bool {
	n := len(s) - len(w) - 1 // where w would start
	if n < 0 || s[len(s)-1] != ' ' || s[n:len(s)-1] != w {
		return false
	}
	return n == 0 || s[n-1] == ' '
}
