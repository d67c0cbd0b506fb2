package detect

import (
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// readContext scores each sentence for cues that it is about a specific
// patient (or a patient's relative), and marks sentences about colleagues
// or the practice itself. Span recognizers use these scores to tell a
// patient's name, date or place from anyone else's.
func (d *doc) readContext() {
	n := 0 // sentences
	if len(d.sent) > 0 {
		n = d.sent[len(d.sent)-1] + 1
	}
	d.sents = d.bufs.sents[:0]
	if cap(d.sents) < n {
		d.sents = make([]sentCtx, 0, n)
	}
	d.sents = d.sents[:n]
	clear(d.sents)
	sents := d.sents
	anyStaff := false
	careWord := 0.0 // careCue but for a person noun with an event ("the bartender cried"), kinByName included
	careCue := 0.0  // the strongest patient cue a word gives, but for "born" and "license", and before the item-level readings
	careOwn := 0.0  // careCue but for a third person's care ("his frontal lobe") and a person noun with an event ("told … he was 'the luckiest man'"), which may be a public figure's
	masks := d.tokLists()
	reply := d.item.Channel.IsReply()
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokWord && t.kind != tokNumber {
			continue
		}
		s := d.sent[i]
		w := t.lower
		m := masks[i] // the lists holding w
		prev := d.word(i - 1)
		var v float64
		// "we will never ask for your MRN, SSN or password": any reader's
		readersOwn := !reply && (m.has(lsIdentifierLabels) || m.has(lsClinicalEvents)) && d.readersLabel(i)
		kinByName := false
		thirdCare := false   // v is for "his"/"her" before a care word
		personEvent := false // v is a person noun's with an event in its sentence: "the bartender cried"
		switch {
		case m.has(lsPatientNouns) && d.tokIn(i+1, lsPatientNounNotBefore):
			v = 0
		case (w == "pt" || w == "pts") && t.allCaps && d.possWord(i) == w:
			v = 0 // "PT": physical therapy or therapist
		case (w == "inpatient" || w == "outpatient") && !isDeterminer(prev) && !isPossessive(prev):
			v = 0 // "outpatient ortho", "inpatient rehab": a setting, not "an outpatient"
		case w == "patient" && patienceWords[prev]:
			v = 0 // "1 very patient husband": an adjective (keepNonPatientWords)
		case (w == "patient" || w == "pt") && (prev == "the" || prev == "a") && d.word(i-2) == "as":
			v = 0 // "at urgent care as the PATIENT for once": the author
		case w == "resident" && (d.tokIn(i-1, lsSpecialtyWords) || prev == "chief" || d.word(i+1) == "at" && isDeterminer(prev) || d.word(i+1) == "physician"):
			v = 0 // a doctor in training: "every neuro resident", "a resident at Mercy", not "ur 99 y/o resident at Sunrise"
		case m.has(lsPatientNouns) && (prev == "every" || prev == "any"):
			v = 0.4 // "every patient I've ever prepped": patients at large, as "patients" is
		case m.has(lsPatientNouns):
			v = 1
			if w == "patients" || w == "clients" || w == "residents" || w == "pts" {
				v = 0.4
				if prev == "our" || prev == "my" || prev == "the" {
					v = 0.5
				}
			}
		case m.has(lsPatientTitles) && i+1 < len(d.toks) && (d.toks[i+1].text == "." || d.toks[i+1].cap) && t.cap:
			v = 1
		case m.has(lsKinship) && isPossessive(d.prevWord(i)):
			v = 0.8
			if prev == "my" || prev == "our" || prev == "your" && !reply && genericLead[d.word(i-2)] {
				v = 0 // "my mom"; in a post, "if your kid isn't vaccinated" is any reader's
			}
		case m.has(lsKinTitles) && t.cap && !t.sentStart && i+1 < len(d.toks) && d.toks[i+1].kind == tokWord && d.toks[i+1].cap && !d.toks[i+1].allCaps:
			v = 0.6 // a relative called by name: "Mamaw Opal", "Abuela Rosa"
			kinByName = true
		case m.has(lsClinicalEvents) && !readersOwn && !d.statistic(i):
			v = 0.6
		case (m.has(lsClinicalTerms) || m.has(lsBodyParts) || m.has(lsInjuryTerms) || m.has(lsCareNouns) || d.e.lex.Condition(w)) && (isThirdPoss(prev) || isThirdPoss(d.word(i-2)) || visitWords[w] && isThirdPoss(d.word(i-3))) &&
			(m.has(lsClinicalTerms) || m.has(lsBodyParts) || m.has(lsInjuryTerms) || d.e.lex.Condition(w) || !d.familyIn(i)) &&
			!d.tokIn(i+1, lsWorkNouns) && !d.examPassed(i): // "her billing certification", "passed his BCPS exam" are a colleague's
			v = 0.8 // "his troponin", "her new pump"
			thirdCare = true
			if w == "care" && (d.word(i-2) == "in" || d.word(i-2) == "under") {
				v = 0 // "grew up in his care": the carer's, not a patient's
			}
		case m.has(lsPersonNouns) && (isDeterminer(prev) || isAgeToken(prev) || isDeterminer(d.word(i-2)) || t.sentStart && t.cap && !d.placeTailAt(i+1) || i > 0 && d.toks[i-1].sentStart && d.toks[i-1].cap && d.toks[i-1].kind == tokWord && !t.cap && personWhere[d.word(i+1)] && d.item.Channel != chaperone.ChannelBio || strings.HasSuffix(d.prevWord(i-1), "'s") || isDeterminer(d.wordBeforeCaps(i))):
			v = 0.4
			if !groupNoun(w) {
				sents[s].person = true
			}
			// "a roofer from Cookeville took a nail gun to the orbit":
			// a person with an event in the same sentence is a story
			if sents[s].event == 0 {
				a, b := d.sentenceBounds(i)
				sents[s].event = -1
				if d.cuesAt(cueStoryEvent, a, b) && !d.cuesAt(cueStoryHypothetical, a, b) {
					sents[s].event = 1
				}
			}
			if sents[s].event > 0 {
				v = 0.6
				personEvent = true
			}
		case isAgeToken(w):
			v = 0.5
		case (w == "case" || w == "cases") && d.publicHealthCase(i):
			v = 0.6 // "3 cases of tularemia, all from the same subdivision", "the TB case lives in 60623"
		case reply && (prev == "your" || prev == "you're") && m.has(lsCareNouns):
			v = 1
		}
		if (w == "dob" || w == "mrn" || w == "ssn" || w == "d.o.b") && !readersOwn {
			v = 1
		}
		if !kinByName || d.item.Author.Account != chaperone.AccountPersonal {
			careCue = max(careCue, v) // on a personal account "Tía Carmen" is the author's own family (ownLifeCue)
			if !thirdCare && !personEvent {
				careOwn = max(careOwn, v)
			}
		}
		if !personEvent {
			careWord = max(careWord, v)
		}
		ownLicence := (w == "license" || w == "licence") && d.tokIn(i-1, lsCredentials)
		// "fax" labelling a number ("fax 504-555-0111") is the practice's
		// line as often as a patient's; "fax the record to" is a record's
		faxLabel := w == "fax" && i+1 < len(d.toks) && (d.toks[i+1].kind == tokNumber || d.toks[i+1].text == ":" || d.toks[i+1].text == "(")
		commonRoom := (w == "room" || w == "rm") && (commonRooms[prev] || prev == "every" || prev == "each" || d.roomOfBuilding(i)) // "cake in the 3rd floor break room at 2pm", "lab draws are in Room 4 on the 1st floor", "restocked every room"
		// "cell" labels a number ("cell 555-0142", "cell #", "cell phone"), not "zero cell service"
		cellWord := w == "cell" && !cellKinds[prev] && !(i+1 < len(d.toks) && (d.toks[i+1].kind == tokNumber || d.toks[i+1].text == ":" || d.toks[i+1].text == "#" || d.toks[i+1].text == "(" || cellNouns[d.toks[i+1].lower]))
		if v < 0.8 && m.has(lsIdentifierLabels) && !readersOwn && w != "age" && !d.bornHere(i) && w != "phone" && w != "email" && !faxLabel && !ownLicence && !commonRoom && !cellWord {
			v = 0.8 // "acct 7720-33918": about a patient's records
			if w != "born" && w != "license" && w != "licence" {
				careCue = max(careCue, v) // "Born in 1922 in Ponce", "renewed his fishing license" may tell of the author's family
				careOwn = max(careOwn, v)
				careWord = max(careWord, v)
			}
		}
		// "Dr. Okafor's last clinic day": a sentence about a colleague
		if (w == "dr" || w == "doctor") && t.cap && i+2 < len(d.toks) && (i < 3 || d.sent[i-3] != s || d.tributeLead(i) || d.tokIn(i-1, lsStaffRoles)) ||
			d.credentialled(i) && d.tributeLead(d.nameStart(i)) {
			sents[s].staff = true // "Dr. Okafor's last clinic day is …"
			sents[s].byTitle = true
			anyStaff = true
		}
		if m.has(lsStaffEventWords) && !staffCueIsVerb(w, d.word(i+1)) {
			sents[s].staff = true
			anyStaff = true
		}
		if v >= 1 && (w == "pt" || w == "pt's" || w == "pts" || w == "pt.") {
			d.ptCue = true
		}
		if v > sents[s].patient {
			sents[s].patient = v
			sents[s].scored = true
		}
	}
	// A staff word in a patient's story ("our NICU grad came back for her
	// first birthday", "congrats to Marisol and Diego on baby Elena") does
	// not make the sentence about colleagues: one with a strong story cue,
	// or a patient cue of 0.8, and no doctor named, is the patient's.
	if anyStaff {
		strong := d.cues(cueStoryStrong)
		for i := 0; i < len(d.toks); i++ {
			s := d.sent[i]
			if !sents[s].staff || sents[s].byTitle {
				continue
			}
			a, b := d.sentenceBounds(i)
			if sents[s].patient >= 0.8 || strong && d.cuesAt(cueStoryStrong, a, b) {
				sents[s].staff = false
			}
			for i+1 < len(d.toks) && d.sent[i+1] == s {
				i++
			}
		}
	}
	// a staff heading carries to what follows it: "Night crew MVPs: June …",
	// and through a short label after it: "Meet our new front desk team!
	// L to R: Keisha, Bao and Teodora"
	for i := range d.toks {
		if (d.toks[i].text == ":" || d.toks[i].text == "—") && i+1 < len(d.toks) {
			s := d.sent[i]
			if sents[s].staff || s > 0 && sents[s-1].staff && sents[s].patient == 0 && d.wordsInSentence(i) <= 4 {
				sents[d.sent[i+1]].staff = true
			}
		}
	}
	// a colleague named by title stays the subject of the next sentence
	// that opens with a pronoun: "Remembering Patricia Gallagher, RN. She
	// started in our nursery in 1953 and volunteered until she was 90."
	for i := 1; i < len(d.toks); i++ {
		if s := d.sent[i]; s > 0 && d.sent[i-1] == s-1 && sents[s-1].byTitle && sents[s].patient < 1 && subjectPronouns[d.toks[i].lower] {
			sents[s].staff, sents[s].byTitle = true, true
		}
	}
	// a public person's own disclosure ("Magic Johnson announced his HIV
	// diagnosis in 1991") is no patient's story
	if d.cues(cuePublicDisclosure) {
		for i := 0; i < len(d.toks); i++ {
			s := d.sent[i]
			a, b := d.sentenceBounds(i)
			if sents[s].patient < 1 && d.cuesAt(cuePublicDisclosure, a, b) {
				sents[s].patient = 0
				sents[s].scored = true
				sents[s].staff = true
			}
			for i+1 < len(d.toks) && d.sent[i+1] == s {
				i++
			}
		}
	}
	for s := range sents {
		if sents[s].byTitle && sents[s].staff && sents[s].patient < 1 {
			continue // "RIP Dr. Walter Fenwick, 93, who delivered half of Greene County": a colleague's life
		}
		if v := sents[s].patient; v > d.patientItem {
			d.patientItem = v
		}
		if sents[s].patient >= 1 {
			sents[s].staff = false
		}
	}
	d.hypothetical = d.cues(cueStoryHypothetical) && !containsAny(d.lower, d.e.rules.list("real_case_cues"))
	// a person noun with a time: "last night's unresponsive guy"
	if d.patientItem >= 0.4 && d.patientItem < 0.6 && d.cues(cueStoryTime) {
		d.patientItem = 0.6
	}
	if d.item.Channel == chaperone.ChannelImageCaption && d.patientItem < 0.6 && (d.cues(cueStoryPerson) || d.cues(cueConsentImage)) {
		d.patientItem = 0.6 // a photo of a person
	}
	// a story about a specific person, or a reply that confirms care,
	// makes the whole item about a patient
	if d.patientItem < 0.6 && (d.cues(cueStoryStrong) || d.cues(cueStoryPerson) && (d.cues(cueStoryEvent) || d.cues(cueStoryTime))) {
		d.patientItem = 0.6
	}
	// a given name as the subject of a story told on a practice's account:
	// "Sandy came in today with her first loose tooth"
	if d.item.Author.Account != chaperone.AccountPersonal && (d.cues(cueStoryEvent) || d.cues(cueStoryTime)) && d.findNamedSubject() {
		d.namedSubject = true
		d.patientItem = max(d.patientItem, 0.6)
	}
	if reply && d.replyConfirms() {
		d.confirmed = true
		d.patientItem = 1
	}
	// a reply that speaks to the person and quotes a record of theirs
	// (an ID, a card ending, an address, a date) is about their care
	if reply && !d.confirmed && d.addressed(0, len(d.toks), false) && (d.hasLabelledValue() || d.recordHint()) {
		d.confirmed = true
		d.patientItem = 1
	}
	// A reply to a review whose writer speaks of their own care.
	if reply && d.item.Context != "" && d.patientItem < 0.5 {
		if d.ctxListIn("reviewer_patient_cues") {
			d.patientItem = 0.5
		}
	}
	// the author's own life, medicine's history, the news or a job posting, with no patient in it
	d.aboutNoPatient = d.item.Channel != chaperone.ChannelNote && !d.ptCue && !d.confirmed && !d.hypothetical &&
		!d.cues(cueStoryStrong) && (careCue < 0.6 && !(d.cues(cueStoryEvent) && d.clinicalWord(false)) && d.ownLifeCue(masks, false) ||
		careWord < 0.6 && !d.cues(cueStoryTime) && !d.clinicalWord(false) && d.ownLifeCue(masks, true) || careCue < 0.6 && d.publicCue() ||
		careOwn < 0.6 && d.publicFigure() || // "Phineas Gage survived an iron rod through his frontal lobe": a famous patient's own care
		careOwn < 0.6 && d.cues(cueOwnCare) || // "3 weeks post-op from my own ACL repair", "34 weeks today … baby girl due 5/19"
		careCue < 0.6 && containsAny(d.lower, d.e.rules.list("job_post_cues")) ||
		d.kinStory(masks))
	if d.item.Channel == chaperone.ChannelNote {
		d.patientItem = 1
		for s := range sents {
			if sents[s].scored {
				sents[s].patient = 1
			}
		}
	}
}

// statistic reports a clinical event counted in aggregate, in a sentence
// with a rate or a share and not told of one person: "Overdose deaths in
// Pike County rose 30% last year", "the highest overdose death rate".
// Called by readContext.
func (d *doc) statistic(i int) bool {
	if prev := d.word(i - 1); isThirdPoss(prev) || isPossessive(prev) || prev == "a" || prev == "an" || prev == "this" || prev == "that" {
		return false // "her overdose", "an overdose": one person's
	}
	a, b := d.sentenceBounds(i)
	s := d.lower[a:b]
	return strings.Contains(s, "%") || containsAny(s, d.e.rules.list("statistic_cues"))
}

// subjectPronouns open a sentence that goes on about the last one's subject.
var subjectPronouns = map[string]bool{"he": true, "she": true, "they": true, "his": true, "her": true}

// tributeWords open a sentence that honours, mourns or greets a
// colleague: "Rest in peace, Dr. Samuel Adeyemi", "Remembering Patricia
// Gallagher, RN".
var tributeWords = map[string]bool{"rip": true, "rest": true, "in": true, "peace": true, "remembering": true, "memory": true, "of": true,
	"honoring": true, "honouring": true, "celebrating": true, "farewell": true, "to": true, "congrats": true, "congratulations": true,
	"welcome": true, "thank": true, "you": true, "happy": true, "retirement": true, "birthday": true, "mourning": true, "loving": true,
	"a": true, "tribute": true, "salute": true, "goodbye": true, "our": true, "beloved": true, "dear": true, "friend": true, "mentor": true, "colleague": true}

// tributeLead reports that only tribute words (and punctuation) come
// before token i in its sentence, at most six of them.
func (d *doc) tributeLead(i int) bool {
	n := 0
	for k := i - 1; k >= 0 && d.sent[k] == d.sent[i]; k-- {
		if d.toks[k].kind != tokWord {
			continue
		}
		if n++; n > 6 || !tributeWords[d.toks[k].lower] {
			return false
		}
	}
	return true
}

// credentialled reports that token i is a capitalised name followed by
// ", RN" or another credential: "Patricia 'Patty' Gallagher, RN".
func (d *doc) credentialled(i int) bool {
	t := &d.toks[i]
	if t.kind != tokWord || !t.cap || i+2 >= len(d.toks) || d.toks[i+1].text != "," {
		return false
	}
	c := &d.toks[i+2]
	return c.allCaps && len(c.text) > 1 && d.tokIn(i+2, lsCredentials)
}

// nameStart returns the first token of the run of capitalised words and
// quoted nicknames that ends at token i: for "Patricia 'Patty' Gallagher"
// at "Gallagher", "Patricia".
func (d *doc) nameStart(i int) int {
	k := i
	for k > 0 {
		p := &d.toks[k-1]
		if p.kind == tokWord && p.cap || p.text == "'" || p.text == "‘" || p.text == "’" || p.text == "\"" || p.text == "“" || p.text == "”" {
			k--
			continue
		}
		break
	}
	return k
}

// cellNouns follow "cell" when it labels a number: "cell phone", "cell no".
var cellNouns = map[string]bool{"phone": true, "number": true, "no": true, "num": true, "#": true, "is": true, "ph": true}

// genericLead come before "your" when it means any reader's: "if your
// kid isn't vaccinated", "make sure your teen".
var genericLead = map[string]bool{"if": true, "when": true, "whether": true, "does": true, "is": true, "has": true, "sure": true,
	"before": true, "until": true, "once": true, "while": true, "unless": true, "keep": true, "protect": true, "vaccinate": true}

// personWhere follow a person noun that opens a story after one word:
// "Vaping kid from Bishop Kelly HS", "Third grader at Lincoln".
var personWhere = map[string]bool{"from": true, "at": true, "in": true, "who": true, "with": true, "on": true}

// cellKinds name a kind of cell, a clinical word: "a basal cell on the nose".
var cellKinds = map[string]bool{"basal": true, "squamous": true, "sickle": true, "merkel": true, "stem": true, "giant": true, "clear": true, "small": true, "hairy": true, "mast": true, "islet": true, "plasma": true, "t": true, "b": true, "white": true, "red": true, "blood": true}

// readersLabel reports an identifier label at token i that a post asks of
// any reader: "your MRN, SSN or portal password", "bring your insurance
// card". Called by readContext.
func (d *doc) readersLabel(i int) bool {
	for k := i - 1; k >= 0 && k >= i-6; k-- {
		switch w := d.toks[k].lower; {
		case w == "your" || w == "ur":
			return d.anyReaderSentence(k)
		case w == "," || w == "or" || w == "and" || w == "/" || w == "&" || d.tokIn(k, lsIdentifierLabels):
		default:
			return false
		}
	}
	return false
}

// anyReaderSentence reports that the sentence of token i speaks to any
// reader, as a notice or a rule does: "we will never ask for your MRN",
// "bring your insurance card", "protect your SSN".
func (d *doc) anyReaderSentence(i int) bool {
	a, b := d.sentenceBounds(i)
	for k := d.tokAt(a); k < len(d.toks) && d.toks[k].start < b; k++ {
		if noticeWords[d.toks[k].lower] {
			return true
		}
	}
	return false
}

// noticeWords make a sentence a notice to any reader.
var noticeWords = map[string]bool{"never": true, "bring": true, "protect": true, "scam": true, "scams": true, "phishing": true, "anyone": true, "always": true,
	"won't": true, "won’t": true, "don't": true, "don’t": true, "keep": true, "guard": true, "share": true, "sharing": true, "post": true, "posting": true}

// roomOfBuilding reports a room, token i, that its sentence places in the
// building or tells of as a room: "Lab draws are in Room 4 on the 1st
// floor", "Room 512 on our unit just got renovated". Called by
// readContext.
func (d *doc) roomOfBuilding(i int) bool {
	for k := i + 1; k < len(d.toks) && d.sent[k] == d.sent[i]; k++ {
		if buildingWords[d.toks[k].lower] {
			return true
		}
	}
	return false
}

// buildingWords place a room in the building, or tell of it as a room.
var buildingWords = map[string]bool{"floor": true, "wing": true, "building": true, "suite": true, "lobby": true, "elevator": true, "elevators": true, "entrance": true, "hallway": true,
	"renovated": true, "renovation": true, "remodeled": true, "remodelled": true, "repainted": true, "located": true, "signage": true}

// examPassed reports an exam at token i that someone passed or sat ("just
// passed his BCPS exam", "passed her boards"): a qualification, not a
// patient's care. Called by readContext.
func (d *doc) examPassed(i int) bool {
	if w := d.toks[i].lower; w != "exam" && w != "exams" && w != "boards" {
		return false
	}
	for k := i - 2; k >= i-4 && k >= 0; k-- {
		switch d.word(k) {
		case "pass", "passed", "passes", "passing", "aced", "sat", "studying", "failed":
			return true
		}
	}
	return false
}

// commonRooms name a room that is no patient's: "the break room", "the
// waiting room".
var commonRooms = map[string]bool{"safe": true, "storm": true, "panic": true, "rest": true, "bath": true, "laundry": true, "play": true, "game": true, "sun": true, "mud": true, "escape": true, "chat": true, "war": true, "weight": true, "sleeping": true,
	"break": true, "waiting": true, "conference": true, "family": true, "locker": true, "call": true,
	"dining": true, "living": true, "board": true, "class": true, "court": true, "emergency": true, "operating": true, "staff": true,
	"lunch": true, "supply": true, "med": true, "nurses": true, "nurses'": true, "community": true, "meeting": true, "training": true, "conf": true}

// patienceWords make "patient" after them an adjective: "a very patient
// husband", "be patient".
var patienceWords = map[string]bool{"very": true, "so": true, "too": true, "more": true, "most": true, "super": true, "really": true,
	"incredibly": true, "extremely": true, "infinitely": true, "be": true, "been": true, "being": true, "stay": true, "remain": true, "endlessly": true}

// personNouns are nouns for a person that the name lists also hold: "Guy
// came in with chest pain" tells of no one named Guy.
var personNouns = map[string]bool{"guy": true, "lady": true, "man": true, "dude": true, "kid": true, "baby": true, "boy": true,
	"girl": true, "fella": true, "gent": true, "sir": true, "doc": true, "nurse": true, "buddy": true, "chief": true, "captain": true}

// findNamedSubject reports a sentence that opens with a known given name
// as the subject of a story (storySubject), outside staff sentences.
func (d *doc) findNamedSubject() bool {
	for i := range d.toks {
		t := &d.toks[i]
		if !t.sentStart || !t.cap || t.allCaps || t.kind != tokWord || d.sents[d.sent[i]].staff {
			continue
		}
		if d.givenName(t.lower, 1000) && !d.personWord(t.lower) && d.storySubject(i) {
			return true
		}
	}
	return false
}

// familyIn reports a sentence at token i about the author's own family
// ("my son Darius passed his driving test"): its "his test" is no patient's.
func (d *doc) familyIn(i int) bool {
	a, b := d.sentenceBounds(i)
	return d.listWords("author_family_cues", a, b)
}

// ownLifeCue reports a sign that the text tells of the author's own life:
// their family ("my sister", "with my 94-year-old grandpa", and on a
// personal account a relative called by title, "Grandma Ruth turned 90
// today!"), or their time off ("took the kids to Yellowstone", "Vacation
// mode on"). "Our" is left out: "our kids" are a school's, "our unit" a
// ward's. With mine set only the words that say "mine" count ("my
// sister", "Vacation mode on"), not a relative called by title, which a
// patient may be too ("Grandpa J.R. in the memory unit"). Called by
// readContext, which also asks that no sentence speaks of a patient.
func (d *doc) ownLifeCue(masks []listMask, mine bool) bool {
	if d.listIn("own_life_cues", 0, len(d.lower)) && d.ownLifeWordMine(masks) {
		return true
	}
	personal := d.item.Author.Account == chaperone.AccountPersonal
	for i := range d.toks {
		t := &d.toks[i]
		switch {
		case t.lower == "my":
			// "my 94-year-old grandpa", but not "my patient's son"
			for j, words := i+1, 0; words < 3 && j < len(d.toks) && d.sent[j] == d.sent[i]; j++ {
				if masks[j].has(lsPatientNouns) || d.toks[j].lower == "whose" || strings.HasSuffix(d.toks[j].lower, "'s") {
					break
				}
				if d.toks[j].kind == tokWord && !masks[j].has(lsPersonNouns) && !masks[j].has(lsKinship) && (d.clinicalTermWord(masks[j], d.toks[j].lower) || d.toks[j].allCaps && len(d.toks[j].text) > 1) {
					break // "my ACL kid", "my NICU baby": a patient called by their care
				}
				if masks[j].has(lsKinship) && !careKin[d.toks[j].lower] {
					return true
				}
				if w := d.toks[j].lower; (w == "girl" || w == "boy") && j == i+2 && (d.toks[i+1].lower == "baby" || d.toks[i+1].lower == "little") {
					return true // "my baby girl Marisol turned 7 today"
				}
				if d.toks[j].kind == tokWord {
					words++
				}
			}
		case personal && !mine && t.cap && !t.allCaps && (masks[i].has(lsKinTitles) && i+1 < len(d.toks) && d.toks[i+1].kind == tokWord && d.toks[i+1].cap || ownKin[t.lower]) &&
			!isPossessive(d.prevWord(i)) && !isDeterminer(d.prevWord(i)) && !d.atWork():
			return true // "Grandma Ruth turned 90 today!", "Dad's 90th at the VFW hall"
		}
	}
	return false
}

// kinStory reports a text about the health of the author's own relative,
// who opens it, called as one calls one's own ("my dad Ray is 72 and just
// ran his first 5K after his knee replacement", "Dad's heart cath went
// great"; a bare "mom" or "Dad" only on a personal account), with no
// patient or stranger ("the bartender") named anywhere: the relative is
// no patient of the author's. "Mom of 3", "my dad's neighbor", a "Mom" met
// later in a birth story, "my patient's mom" and a "Grandpa J.R. in the
// memory unit" (atWork) are not. Called by readContext.
func (d *doc) kinStory(masks []listMask) bool {
	next := func(i int) int { // the next word in i's sentence, or -1
		for j := i + 1; j < len(d.toks) && d.sent[j] == d.sent[i]; j++ {
			if d.toks[j].kind == tokWord {
				return j
			}
		}
		return -1
	}
	k := -1 // the first word
	for i := range d.toks {
		if masks[i].has(lsPatientNouns) || masks[i].has(lsPersonNouns) && !masks[i].has(lsKinship) && !ownKin[d.toks[i].lower] &&
			!(masks[i].has(lsBodyParts) && isPossessive(d.prevWord(i))) { // "squeezing my hand" names no farm hand
			return false
		}
		if k < 0 && d.toks[i].kind == tokWord {
			k = i
		}
	}
	if k < 0 || d.atWork() {
		return false
	}
	bare := d.toks[k].lower != "my"
	if !bare {
		if k = next(k); k < 0 {
			return false
		}
	}
	w := d.toks[k].lower
	kin := strings.TrimSuffix(w, "'s")
	if !ownKin[kin] && (bare || !masks[k].has(lsKinship) || careKin[kin]) || bare && d.item.Author.Account != chaperone.AccountPersonal {
		return false
	}
	n := next(k)
	return n < 0 || d.toks[n].lower != "of" && (w == kin || !masks[n].has(lsPersonNouns) && !masks[n].has(lsKinship))
}

// workWords say a text is told from the author's work, where a "Grandpa"
// or a "Mom" is a patient or a patient's kin (atWork).
var workWords = map[string]bool{"unit": true, "ward": true, "shift": true, "shifts": true, "floor": true, "rounds": true, "charting": true}

// atWork reports a workWords word in the text: "Grandpa R.T. in the
// memory unit" is a patient, not the author's grandfather. Called by
// kinStory and ownLifeCue.
func (d *doc) atWork() bool {
	for i := range d.toks {
		if workWords[d.toks[i].lower] {
			return true
		}
	}
	return false
}

// ownLifeWordMine reports an own_life_cues word ("camping", "vacation"),
// as a whole word, that is not told of a stranger: "a guy camping at the
// lake" is a patient's trip, not the author's. Called by ownLifeCue once
// the prefilter has found one of the list's words.
func (d *doc) ownLifeWordMine(masks []listMask) bool {
	for _, w := range d.e.rules.list("own_life_cues") {
		w = strings.TrimSpace(w)
		for a := wordIndex(d.lower, w, 0); a >= 0; a = wordIndex(d.lower, w, a+1) {
			i, stranger := d.tokAt(a), false
			for j := i - 1; j >= 0 && j >= i-3 && d.sent[j] == d.sent[min(i, len(d.toks)-1)]; j-- {
				if firstPerson[d.toks[j].lower] {
					break
				}
				if masks[j].has(lsPatientNouns) || masks[j].has(lsPersonNouns) && isDeterminer(d.prevWord(j)) && !firstPerson[d.prevWord(j)] {
					stranger = true
				}
			}
			if !stranger {
				return true
			}
		}
	}
	return false
}

// publicCue reports medicine's history or the news told: a history cue
// ("#MedHistory", "on this day in"), a fun fact with a year half a century
// back ("Fun fact: Fleming noticed the mold in September 1928"), or a news
// cue ("Heartbreaking news out of Uvalde", "per AP"). Called by
// readContext, which also asks that no sentence speaks of a patient.
func (d *doc) publicCue() bool {
	if d.listWords("history_cues", 0, len(d.lower)) || d.listWords("news_cues", 0, len(d.lower)) {
		return true
	}
	if d.historyDate() {
		return true
	}
	if !strings.Contains(d.lower, "fact") || !d.listWords("fact_cues", 0, len(d.lower)) {
		return false
	}
	for i := range d.toks {
		if t := &d.toks[i]; t.kind == tokNumber && len(t.text) == 4 && t.text >= "1500" && t.text <= "1975" {
			return true
		}
	}
	return false
}

// publicFigure reports a public figure named in full as the subject that
// opens a sentence or follows its opening phrase ("Lou Gehrig gave his
// 'luckiest man' speech …", "Born in Roanoke in 1920, Henrietta Lacks
// never consented …"; public_figures entries of two words or
// more, but not a "Grandpa Joe", who may be anyone's): their health is
// public news. Called by readContext, which asks it only when no word of
// the text is a patient's but for a third person's care or a person with an
// event, which may be the figure's (careOwn).
func (d *doc) publicFigure() bool {
	figures := d.e.set(lsPublicFigures)
	for i := range d.toks {
		if !d.toks[i].cap || !(d.opensSentence(i) || i > 0 && d.toks[i-1].text == ",") || ownKin[d.toks[i].lower] {
			continue
		}
		for j := i + 1; j < len(d.toks) && j <= i+3 && d.sent[j] == d.sent[i]; j++ {
			if figures[strings.TrimSuffix(d.lowerText(d.toks[i].start, d.toks[j].end), "'s")] {
				return true
			}
		}
	}
	return false
}

// opensSentence reports that token k is the first of its sentence, of
// whatever kind ("1848, tamping iron …" opens with a number). Called by
// historyDate and publicFigure.
func (d *doc) opensSentence(k int) bool { return k == 0 || d.sent[k-1] != d.sent[k] }

// historyDate reports a date half a century back told as history: a year
// from 1800 to 1940 after a month or "in", or a date to 1975 that opens
// its sentence ("July 4, 1939: Lou Gehrig …", "Dec 3, 1967: Christiaan
// Barnard …", "1848, tamping iron through …"; "Married June 3, 1955" is a
// living couple's) in a sentence
// with no first person and no patient noun, and no birth or record label
// before it ("born March 3, 1929", "DOB 4/2/1934" are a patient's).
// Called by publicCue.
func (d *doc) historyDate() bool {
	masks := d.tokLists()
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokNumber || len(t.text) != 4 || t.text < "1800" || t.text > "1975" {
			continue
		}
		dated := d.opensSentence(i) // "1848, tamping iron through the left frontal lobe"
		for k := i - 1; k >= 0 && k >= i-3; k-- {
			if w := d.toks[k].lower; masks[k].has(lsMonths) && (t.text <= "1940" || d.opensSentence(k)) || (w == "in" || w == "of") && t.text <= "1940" {
				dated = true
			}
		}
		if !dated {
			continue
		}
		ok := true
		for k := max(0, i-5); k < i; k++ {
			if w := d.toks[k].lower; w == "born" || w == "b" || w == "dob" || w == "birth" || w == "since" || masks[k].has(lsIdentifierLabels) {
				ok = false
			}
		}
		a, b := d.sentenceBounds(i)
		for k := d.tokAt(a); ok && k < len(d.toks) && d.toks[k].start < b; k++ {
			if firstPerson[d.toks[k].lower] || masks[k].has(lsPatientNouns) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// firstPerson are the author's words for themselves and their team.
var firstPerson = map[string]bool{"i": true, "i'm": true, "i’m": true, "i've": true, "i’ve": true, "i'd": true, "i’d": true, "me": true, "my": true, "we": true, "our": true, "us": true, "we're": true, "we’re": true, "we've": true, "we’ve": true}

// careKin are kinship words a clinician also uses of patients: "my angel
// baby Ximena" on a NICU nurse's account.
var careKin = map[string]bool{"baby": true, "babies": true, "twin": true,
	"partner": true, "caregiver": true, "guardian": true, "parent": true, "parents": true, "sibling": true}

// ownKin are relatives called by kinship alone, as one calls one's own:
// "Dad turns 91 on Sunday".
var ownKin = map[string]bool{"mom": true, "dad": true, "mum": true, "mama": true, "papa": true, "grandma": true, "grandpa": true, "granny": true, "nana": true, "gramps": true}

// wordBeforeCaps returns the word before the run of capitalised words that
// ends just before token i: for "a Yavapai County rancher" at "rancher" it
// returns "a"; "" when no capitalised word precedes i.
func (d *doc) wordBeforeCaps(i int) string {
	j := i - 1
	for j >= 0 && i-j <= 3 && d.toks[j].kind == tokWord && d.toks[j].cap {
		j--
	}
	if j == i-1 {
		return ""
	}
	return d.word(j)
}

// groupNoun reports a person noun for a group ("kids", "farmworkers",
// "family"): a group is an audience, not a patient.
func groupNoun(w string) bool {
	switch w {
	case "men", "women", "people", "folks", "family", "couple", "regulars", "ladies", "dudes":
		return true
	}
	return strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss")
}

// staffCueIsVerb reports a staff word used as a patient's verb: "walk out
// of rehab", "presented with chest pain".
func staffCueIsVerb(w, next string) bool {
	switch w {
	case "walk":
		return next == "out" || next == "in" || next == "into" || next == "through" || next == "again"
	case "presented":
		return next == "with" || next == "to"
	}
	return false
}

func isPossessive(w string) bool {
	switch w {
	case "her", "his", "their", "your", "my", "our", "pt's", "patient's", "its":
		return true
	}
	return strings.HasSuffix(w, "'s")
}

func isDeterminer(w string) bool {
	switch w {
	case "a", "an", "the", "this", "that", "my", "our", "one", "some", "another":
		return true
	}
	return false
}

// caseCounts are the words that count cases: "3 cases of tularemia".
var caseCounts = map[string]bool{"two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true,
	"nine": true, "ten": true, "several": true, "a": true, "one": true, "another": true, "index": true, "confirmed": true, "probable": true, "suspected": true}

// caseAfter are the words after "case" that tell of the person: "the TB
// case lives in", "cases from the same subdivision".
var caseAfter = map[string]bool{"lives": true, "lived": true, "works": true, "worked": true, "attends": true, "attended": true, "who": true,
	"visited": true, "from": true, "traveled": true, "travelled": true, "had": true, "was": true}

// publicHealthCase reports "case" or "cases" at token i meaning patients,
// as public health says: counted and of a disease ("3 cases of
// tularemia"), or a disease's case who did something ("the TB case lives
// in 60623"). Called by readContext.
func (d *doc) publicHealthCase(i int) bool {
	prev, next := d.word(i-1), d.word(i+1)
	counted := i > 0 && d.toks[i-1].kind == tokNumber || caseCounts[prev]
	disease := i > 0 && (d.toks[i-1].allCaps && len(prev) >= 2 || d.e.lex.Condition(prev))
	return counted && (next == "of" || caseAfter[next]) || disease && caseAfter[next]
}

// isAgeToken reports words such as "34yo", "58-year-old", "22m", "16yo".
func isAgeToken(w string) bool {
	if strings.HasSuffix(w, "-year-old") || strings.HasSuffix(w, "-yr-old") || strings.HasSuffix(w, "-years-old") {
		return true
	}
	n := 0
	for n < len(w) && w[n] >= '0' && w[n] <= '9' {
		n++
	}
	if n == 0 || n > 3 {
		return false
	}
	switch w[n:] {
	case "yo", "y/o", "yof", "yom", "m", "f", "yr", "yrs":
		return true
	}
	return false
}

// bornHere reports a bio's "born" that tells where the author comes
// from: "Hilo born", "born and raised in Tulsa", not "baby Willow, born
// in the back of a Subaru". Called by readContext.
func (d *doc) bornHere(i int) bool {
	if d.item.Channel != chaperone.ChannelBio || d.toks[i].lower != "born" {
		return false
	}
	return d.word(i+1) == "and" && d.word(i+2) == "raised" || i > 0 && d.toks[i-1].kind == tokWord && d.toks[i-1].cap && d.sent[i-1] == d.sent[i]
}

// recordHint matches what only a record holds: a numeric date, an
// address number with a street, an e-mail address.
var recordHint = mustLazyRegexp(`\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])\b|\b\d{2,6} [a-z]+ (?:st|ave|rd|ln|dr|way|ct|blvd)\b|\bon file\b`)

// recordHint reports a match of recordHint in the lower-cased text; each
// needs an ASCII digit or "on file". A match in a sentence the author
// tells of themselves, with "I", "my" or "me" and no "you", is the
// author's own: "I had my own colonoscopy on 6/3". Called by readContext
// for replies.
func (d *doc) recordHint() bool {
	if d.digitCount() == 0 && !strings.Contains(d.lower, "on file") || !recordHint.matchAnywhere(d.lower) {
		return false
	}
	for _, m := range recordHint.FindAllStringIndex(d.lower, -1) {
		if !d.ownSentence(d.tokAt(m[0])) {
			return true
		}
	}
	return false
}

// ownSentence reports that token i's sentence speaks of the author alone:
// it has "I", "my" or "me" and no "you" or "your".
func (d *doc) ownSentence(i int) bool {
	if i < 0 || i >= len(d.toks) {
		return false
	}
	own, s := false, d.sent[i]
	for i > 0 && d.sent[i-1] == s {
		i--
	}
	for k := i; k < len(d.toks) && d.sent[k] == s; k++ {
		switch d.toks[k].lower {
		case "i", "my", "me", "i'm", "i’m", "i've", "i’ve":
			own = true
		case "you", "your", "yours", "you're", "you’re", "ur", "u":
			return false
		}
	}
	return own
}

func isThirdPoss(w string) bool { return w == "his" || w == "her" || w == "their" }

// hasLabelledValue reports an identifier label with a value after it.
func (d *doc) hasLabelledValue() bool {
	li := d.e.labels()
	for _, h := range d.textLabels() {
		if len(d.valuesAfter(h[1], li.kind[d.lower[h[0]:h[1]]])) > 0 {
			return true
		}
	}
	return false
}

// wordsInSentence counts the word tokens in token i's sentence.
func (d *doc) wordsInSentence(i int) int {
	n := 0
	for k := i; k >= 0 && d.sent[k] == d.sent[i]; k-- {
		if d.toks[k].kind == tokWord {
			n++
		}
	}
	for k := i + 1; k < len(d.toks) && d.sent[k] == d.sent[i]; k++ {
		if d.toks[k].kind == tokWord {
			n++
		}
	}
	return n
}

// placeTailAt reports a capitalised word at token i that ends a place's
// name: "County" after "Cook", "Street" after "Baker". Called by
// readContext, for whom "Cook" there is no person.
func (d *doc) placeTailAt(i int) bool {
	return i < len(d.toks) && d.toks[i].cap && placeTails[d.toks[i].lower]
}

// placeTails end a place's name.
var placeTails = map[string]bool{"county": true, "parish": true, "street": true, "st": true, "road": true, "rd": true, "avenue": true, "ave": true,
	"park": true, "lake": true, "river": true, "creek": true, "library": true, "hall": true, "center": true, "centre": true, "island": true,
	"bay": true, "valley": true, "hill": true, "hills": true, "springs": true, "falls": true, "city": true, "township": true}
