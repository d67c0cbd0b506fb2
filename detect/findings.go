package detect

import (
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

func init() {
	registerFinding("story-patient", (*doc).findStory)
	registerFinding("relationship-confirmed", (*doc).findRelationship)
	registerFinding("advice-individual", (*doc).findAdvice)
	registerFinding("unprofessional-content", (*doc).findUnprofessional)
	registerFinding("misinformation-claim", (*doc).findMisinformation)
	registerFinding("consent-needed", (*doc).findConsent)
	registerFinding("personal-account-clinical", (*doc).findPersonal)
}

// spanCites gives, for each span type, the reason line and the Safe Harbor
// identifier it is (45 CFR 164.514(b)(2)(i)).
var spanCites = map[chaperone.SpanType][2]string{
	chaperone.SpanName:       {"Names a patient or a patient's relative.", "HIPAA 45 CFR 164.514(b)(2)(i)(A) names"},
	chaperone.SpanHandle:     {"Gives a patient's or relative's social-media handle.", "HIPAA 45 CFR 164.514(b)(2)(i)(R) other unique identifying characteristic"},
	chaperone.SpanDate:       {"Gives a date tied to a patient (more specific than a year).", "HIPAA 45 CFR 164.514(b)(2)(i)(C) dates"},
	chaperone.SpanAge:        {"Gives an age over 89.", "HIPAA 45 CFR 164.514(b)(2)(i)(C) ages over 89"},
	chaperone.SpanLocation:   {"Locates a patient more precisely than a state.", "HIPAA 45 CFR 164.514(b)(2)(i)(B) geographic subdivisions smaller than a state"},
	chaperone.SpanFacility:   {"Names a facility or workplace tied to a patient's event.", "HIPAA 45 CFR 164.514(b)(2)(i)(B),(R) location and other identifying characteristic"},
	chaperone.SpanPhone:      {"Gives a patient's or relative's phone number.", "HIPAA 45 CFR 164.514(b)(2)(i)(D) telephone numbers"},
	chaperone.SpanFax:        {"Gives a fax number tied to a patient.", "HIPAA 45 CFR 164.514(b)(2)(i)(E) fax numbers"},
	chaperone.SpanEmail:      {"Gives a patient's or relative's e-mail address.", "HIPAA 45 CFR 164.514(b)(2)(i)(F) email addresses"},
	chaperone.SpanURL:        {"Links a page that identifies a patient.", "HIPAA 45 CFR 164.514(b)(2)(i)(N) web URLs"},
	chaperone.SpanIP:         {"Gives a patient's IP address.", "HIPAA 45 CFR 164.514(b)(2)(i)(O) IP addresses"},
	chaperone.SpanSSN:        {"Gives a Social Security number (or part of one).", "HIPAA 45 CFR 164.514(b)(2)(i)(G) social security numbers"},
	chaperone.SpanMRN:        {"Gives a medical record number.", "HIPAA 45 CFR 164.514(b)(2)(i)(H) medical record numbers"},
	chaperone.SpanHealthPlan: {"Gives a health-plan member number.", "HIPAA 45 CFR 164.514(b)(2)(i)(I) health plan beneficiary numbers"},
	chaperone.SpanAccount:    {"Gives an account number.", "HIPAA 45 CFR 164.514(b)(2)(i)(J) account numbers"},
	chaperone.SpanLicense:    {"Gives a licence or certificate number.", "HIPAA 45 CFR 164.514(b)(2)(i)(K) certificate/license numbers"},
	chaperone.SpanVehicle:    {"Gives a licence plate or vehicle identification number.", "HIPAA 45 CFR 164.514(b)(2)(i)(L) vehicle identifiers and serial numbers"},
	chaperone.SpanDevice:     {"Gives a medical device's serial number.", "HIPAA 45 CFR 164.514(b)(2)(i)(M) device identifiers and serial numbers"},
	chaperone.SpanID:         {"Gives a number or code unique to a patient (room, bed, case, prescription).", "HIPAA 45 CFR 164.514(b)(2)(i)(R) any other unique identifying number"},
}

// itemFindings turns spans into PHI findings and runs the item-level
// finding rules, phrase rules and claims.
func (d *doc) itemFindings(spans []chaperone.Span) {
	d.spans = spans
	for _, s := range spans {
		c := spanCites[s.Type]
		d.findings = append(d.findings, chaperone.Finding{Rule: s.Rule, Type: chaperone.FindingPHI,
			SpanType: s.Type, Start: s.Start, End: s.End, Score: s.Score, Reason: c[0], Cite: c[1]})
	}
	for _, r := range d.e.rules.rules {
		if !r.On() || !r.appliesTo(d.item.Channel) {
			continue
		}
		switch r.Kind {
		case KindRecognizer:
			if rec := r.rec; !rec.span {
				rec.fn(d, r)
			}
		case KindPhrase:
			if d.phraseHit(r) {
				d.addFinding(r, r.ScoreOr(0.8), "")
			}
		}
	}
}

func (d *doc) addFinding(r *Rule, score float64, reason string) {
	if score < Threshold {
		return
	}
	if reason == "" {
		reason = r.Reason
	}
	for _, f := range d.findings {
		if f.Type == chaperone.FindingType(r.Type) && f.Rule == r.ID {
			return
		}
	}
	d.findings = append(d.findings, chaperone.Finding{Rule: r.ID, Type: chaperone.FindingType(r.Type),
		Score: round2(score), Reason: reason, Cite: r.Cite})
}

func (d *doc) has(t chaperone.FindingType) bool {
	for _, f := range d.findings {
		if f.Type == t {
			return true
		}
	}
	return false
}

// phraseHit reports whether any regex of the rule matches a sentence of
// the text that no "unless" regex matches.
func (d *doc) phraseHit(r *Rule) bool {
	if !r.hasKeyword(d.lower) {
		return false
	}
	for xi := range r.compiled {
		x := &r.compiled[xi]
		if !d.may(x) {
			continue
		}
		for _, m := range d.findAllAt(x, d.text, 0, d.hits(), false) {
			if !d.unlessHit(r, m[0]) {
				return true
			}
		}
	}
	return false
}

// cueScore sums the weights of the named cue lists whose regexes match:
// each list "NAME" in the rule file holds regexes (matched on lower-cased
// text with word boundaries implied by the regex).
func (d *doc) cues(c cueName) bool {
	id := d.e.rules.cueOf[c]
	if id < 0 {
		return false // no such list: no regex to match
	}
	rxs := d.e.rules.cueList[id]
	if d.cueState == nil {
		d.cueState = make([]int8, len(d.e.rules.cueIDs))
	}
	if v := d.cueState[id]; v != 0 {
		return v > 0
	}
	hit := false
	h := d.hits()
	for xi, g := range d.e.rules.cueGroups[id] {
		if g >= 0 && !h.groups[g] {
			continue // as may says, without reading the regex
		}
		x := &rxs[xi]
		if d.may(x) && d.matchLower(x, d.lower, 0, h) {
			hit = true
			break
		}
	}
	d.cueState[id] = -1
	if hit {
		d.cueState[id] = 1
	}
	return hit
}

// cuesIn reports whether a cue list matches s, the context or a part of
// the lower-cased text.
func (d *doc) cuesIn(c cueName, s string) bool {
	h, base := d.hitsFor(s)
	return d.cueMatches(c, s, base, h)
}

// cuesAt reports whether a cue list matches lower[a:b], a part of the
// lower-cased text, as cuesIn does.
func (d *doc) cuesAt(c cueName, a, b int) bool {
	return d.cueMatches(c, d.lower[a:b], a, d.hits())
}

// cueMatches reports whether a regex of the cue list matches s, lower-cased
// text that begins at byte base of the text the prefilter found h in.
func (d *doc) cueMatches(c cueName, s string, base int, h *litHits) bool {
	rxs := d.e.cueRegexes(c)
	for xi := range rxs {
		x := &rxs[xi]
		if mayWith(x, h) && d.matchLower(x, s, base, h) {
			return true
		}
	}
	return false
}

// matchLower reports whether x matches s, lower-cased text that begins at
// byte base of the text the prefilter found h in.
func (d *doc) matchLower(x *rx, s string, base int, h *litHits) bool {
	if x.words {
		return d.e.pre.matchWords(x, s, h)
	}
	return d.matchAt(x, s, base, h)
}

// hits returns what the prefilter found in the lower-cased text,
// computed once.
func (d *doc) hits() *litHits {
	if d.textHits == nil {
		d.textHits = d.e.pre.scanHits(d.lower)
	}
	return d.textHits
}

// ctxHits returns what the prefilter found in the context, computed once.
func (d *doc) ctxHits() *litHits {
	if d.ctxFound == nil {
		d.ctxFound = d.e.pre.scanHits(d.ctxLower)
	}
	return d.ctxFound
}

// hitsFor returns the prefilter's findings for s and where s begins in
// the text they were found in: the context's when s is the context, else
// the text's, s being a part of the lower-cased text (base -1 if it is
// not). A part equal to the context may be taken for it: the same bytes
// give the same results.
func (d *doc) hitsFor(s string) (*litHits, int) {
	if s == d.ctxLower {
		return d.ctxHits(), 0
	}
	return d.hits(), strings.Index(d.lower, s)
}

// findStory raises PATIENT_STORY for a specific, real patient or
// encounter: a patient reference ("my pt", "a 34yo teacher", "the guy in
// bed 9") with an event or a time, and no sign the case is hypothetical.
func (d *doc) findStory(r *Rule) {
	if d.cues(cueStoryHypothetical) {
		return
	}
	score := 0.0
	switch {
	case d.ptCue, d.cues(cueStoryStrong):
		score = 0.9
	case d.cues(cueStoryPerson) && (d.cues(cueStoryTime) || d.cues(cueStoryEvent)), d.namedSubject:
		score = 0.8
	case d.item.Channel == chaperone.ChannelImageCaption && (d.cues(cueStoryPerson) || d.cues(cueConsentImage)):
		score = 0.8
	}
	if score == 0 && len(d.spans) > 0 && d.patientItem >= 0.5 {
		for _, s := range d.spans {
			if s.Type == chaperone.SpanName || s.Type == chaperone.SpanAge || s.Type == chaperone.SpanID || s.Type == chaperone.SpanDevice || s.Type == chaperone.SpanIP {
				score = 0.7
			}
		}
	}
	if d.aboutNoPatient || d.item.Channel == chaperone.ChannelReviewReply || (d.item.Channel.IsReply() && d.replyConfirms() && !d.cues(cueStoryThirdPerson)) {
		score = 0
	}
	d.addFinding(r, score, "")
}

// kinCareRe is a reply speaking of the results or care of the person's
// child or relative: "your son's ACL graft looks great on the MRI".
var kinCareRe = mustLazyRegexp(`\byour (?:son|daughter|kid|child|baby|boy|girl|mom|mother|dad|father|husband|wife|grandma|grandpa)['’]s\s+(?:[a-z0-9\-]+\s+){0,2}(?:mri|x-?rays?|scans?|labs?|results?|graft|surgery|cast|stitches|biopsy|ultrasound|echo|ekg|ecg|swab|culture|bloodwork|levels?|a1c|meds|medications?|dose|prescription|appointment|appt|visit|follow-?up|tubes|braces|crown|filling)\b`)

// practiceVoice is the practice inviting the person back: with "your"
// treatment, a reply from the practice that gives it.
var practiceVoice = mustLazyRegexp(`\b(?:call us|call the office|call our office|see you (?:at|next|in|on|soon)|come (?:back )?in|stop by|message us|send us|book (?:your|a)|we'll (?:see|get|check|swap|adjust|schedule|hold|have|email|e-mail|send|mail|fax|text|call)|(?:is|are) ready(?: for (?:pick-?up|you))?|see me (?:next|tomorrow|on|at|in|monday|tuesday|wednesday|thursday|friday)|ready (?:for pick-?up|to pick up|whenever)|our (?:office|clinic|front desk|nurses?))\b`)

// ownPatientRe is a plain statement that someone is the author's patient.
var ownPatientRe = mustLazyRegexp(`\b(?:is|was|are|were|'s|’s) (?:one of )?(?:my|our) (?:[a-z]+ )?(?:patients?|pts?|clients?|residents?)\b`)

// replyConfirms reports whether a reply confirms that the person answered,
// or someone they speak of, is or was a patient, or discusses their care:
// a sentence with a confirming cue ("your visit", "see you at your next
// check", "we got him"), or a sentence addressed to them that names a
// treatment, condition, medicine or visit. Sentences that say the practice
// can't discuss anyone's care don't count.
func (d *doc) replyConfirms() bool {
	if !d.item.Channel.IsReply() || len(d.toks) == 0 {
		return false
	}
	// a comment or reply with nothing to answer confirms care only in so
	// many words: "she's my patient", "he was one of our residents"
	if d.replyChecked {
		return d.replyResult
	}
	d.replyChecked = true
	if d.item.Context == "" && d.item.Channel != chaperone.ChannelReviewReply {
		// "she's my patient" (every match holds " my " or " our "), the
		// results or care of their child ("your son's ACL graft looks
		// great"), or their treatment in the practice's voice ("@ana yes
		// your Nexplanon can stay in until 2027! Just call us")
		switch {
		case (strings.Contains(d.lower, " my ") || strings.Contains(d.lower, " our ")) && ownPatientRe.matchAnywhere(d.lower),
			strings.Contains(d.lower, "your ") && kinCareRe.matchAnywhere(d.lower): // every match holds "your "
			d.replyResult, d.explicitConfirm = true, true
		default:
			d.replyResult = d.yourTreatment(0, len(d.toks), 2) && practiceVoice.matchAnywhere(d.lower)
		}
		return d.replyResult
	}
	treated := d.ctxListIn("treated_cues")
	asking := d.answersOwnQuestion()
	// a professional question to colleagues ("what's everyone's go-to") is
	// no one's care
	personal := d.item.Context == "" || containsCue(d.ctxLower, []string{"my ", "i ", "i'm", "i’m", "me ", "me.", "me!", "me,", "we "})
	for i := 0; i < len(d.toks); {
		a, b := d.sentenceBounds(i)
		j := d.tokAt(b)
		if j <= i {
			j = i + 1
		}
		if d.cuesAt(cuePrivacyTemplate, a, b) {
			i = j
			continue
		}
		// advice to someone's own public question ("can I take melatonin
		// with my sertraline?") speaks of their medicine without making
		// them a patient: only a plain confirmation counts there
		if d.cuesAt(cueRelationshipConfirm, a, b) || !asking && (d.cuesAt(cueRelationshipYourCare, a, b) || d.yourTreatment(i, j, 2)) {
			d.replyResult, d.explicitConfirm = true, true
			return true
		}
		if !asking && personal && d.addressed(i, j, treated) && d.clinicalTerm(i, j) {
			d.replyResult = true
			return true
		}
		i = j
	}
	return false
}

// answersOwnQuestion reports a reply to a health question asked in public,
// their own ("can I take melatonin with my sertraline?") or a general one
// ("Dexcom or Libre, which is more accurate?"), that says nothing of being
// treated here: "your insurance" there is anyone's.
func (d *doc) answersOwnQuestion() bool {
	if d.item.Context == "" || d.item.Channel == chaperone.ChannelReviewReply || d.ctxListIn("treated_cues") {
		return false
	}
	return d.cuesIn(cueAdvicePersonalQuestion, d.ctxLower) || strings.Contains(d.ctxLower, "?") && !strings.Contains(d.ctxLower, "⭐")
}

// addressed reports whether tokens [i,j) speak to or about the person
// answered: "you", "your", a handle, or "he/she/her/his" when the context
// is about someone's own care.
func (d *doc) addressed(i, j int, treated bool) bool {
	for k := i; k < j && k < len(d.toks); k++ {
		switch w := d.toks[k].lower; {
		case w == "you" || w == "your" || w == "you're" || w == "yours" || w == "ur":
			return true
		case d.toks[k].kind == tokHandle:
			return true
		case treated && (w == "her" || w == "his" || w == "she" || w == "he" || w == "him"):
			return true
		}
	}
	return false
}

// clinicalTerm reports a treatment, condition, medicine or visit word in
// tokens [i,j).
func (d *doc) clinicalTerm(i, j int) bool {
	terms := d.e.set(lsClinicalTerms)
	for k := i; k < j && k < len(d.toks); k++ {
		t := &d.toks[k]
		if t.kind != tokWord {
			continue
		}
		if terms[t.lower] || d.e.lex.Drug(t.lower) && len(t.lower) > 4 && !d.e.set(lsNotNames)[t.lower] {
			return true
		}
		if k+1 < j && terms[t.lower+" "+d.toks[k+1].lower] {
			return true
		}
	}
	return false
}

// quoted reports that quotation marks enclose [s,e) of text, the opening
// one at most 16 bytes before it and the closing one at most 24 after:
// someone's words, quoted.
func quoted(text string, s, e int) bool {
	opened := false
	for i := s - 1; i >= max(0, s-16) && !opened; i-- {
		if c := text[i]; c == '"' || c == '\'' || strings.HasPrefix(text[i:], "“") || strings.HasPrefix(text[i:], "‘") {
			if c == '\'' && i > 0 && isAlnum(text[i-1]) {
				return false // an apostrophe: "don't"
			}
			opened = true
		}
	}
	if !opened {
		return false
	}
	for i := e; i < min(len(text), e+24); i++ {
		if c := text[i]; c == '"' || strings.HasPrefix(text[i:], "”") || strings.HasPrefix(text[i:], "’") && (i+3 >= len(text) || !isAlnum(text[i+3])) || c == '\'' && (i+1 >= len(text) || !isAlnum(text[i+1])) {
			return true
		}
	}
	return false
}

// findRelationship raises RELATIONSHIP_CONFIRMED for replies and comments
// that confirm a patient relationship or discuss the person's care.
func (d *doc) findRelationship(r *Rule) {
	if !d.item.Channel.IsReply() {
		return
	}
	if d.replyConfirms() {
		d.addFinding(r, 0.9, "")
	}
}

// findAdvice raises INDIVIDUAL_ADVICE for advice to a specific person in
// public: a reply to someone's own health question that tells them what to
// take, stop or do.
//
// Advice is strong, and stands whatever the learned layer says, when a
// reply answers someone's own account of their symptoms or medicines ("my
// finger's been throbbing since I cut it") by telling them what they have
// or what to do ("that sounds like gout", "you can keep taking it", "head
// to the ER"), and says nothing of privacy.
func (d *doc) findAdvice(r *Rule) {
	ownHealth := d.cuesIn(cueAdviceOwnHealth, d.ctxLower)
	// a text opened with someone's handle that tells them what to do
	handled := strings.HasPrefix(d.lower, "@") && d.item.Channel != chaperone.ChannelReviewReply && d.cues(cueAdviceStrong)
	// a comment with nothing quoted that speaks to one person about what
	// they have: "girl that's mastitis, you need antibiotics today"
	if !handled && d.item.Context == "" && (d.item.Channel == chaperone.ChannelComment || d.item.Channel == chaperone.ChannelReply) &&
		d.cues(cueAdviceStrong) && addresseeRe.matchAnywhere(d.lower) && !generalAudienceRe.matchAnywhere(d.lower) &&
		d.clinicalTerm(0, len(d.toks)) {
		handled = true
	}
	personal := ownHealth || handled || d.cuesIn(cueAdvicePersonalQuestion, d.ctxLower) || d.cues(cueAdviceToPerson)
	if !personal {
		return
	}
	if d.cuesIn(cueAdviceGeneralQuestion, d.ctxLower) {
		return
	}
	strong := d.cues(cueAdviceStrong)
	if strong || d.cues(cueAdviceDirective) {
		d.adviceStrong = strong && (handled || ownHealth && d.item.Channel.IsReply() && d.item.Channel != chaperone.ChannelReviewReply) &&
			!d.cues(cuePrivacyTemplate)
		d.addFinding(r, 0.8, "")
	}
}

// addresseeRe is one person spoken to: "you", "your", "girl", "mama".
var addresseeRe = mustLazyRegexp(`\b(?:you|your|you're|youre|u|ur|girl|mama|hun|hon|sis|bro|babe|friend)\b`)

// generalAudienceRe is advice to anyone it may concern: "if you ever",
// "anyone who", "everyone".
var generalAudienceRe = mustLazyRegexp(`(?:^|[.!?]\s+)if\b|\b(?:if you ever|if you're ever|anyone who|anyone with|everyone|everybody|all of you|folks|friends,|reminder|psa)\b`)

// findUnprofessional raises UNPROFESSIONAL for demeaning remarks about
// patients or groups, intoxication at work, harassment and profanity aimed
// at people.
//
// Beyond the listed phrases and families, a story told for laughs at a
// person's expense counts: a mocking marker ("lol", "💀", "🙄", "sure you
// did"), a person or patient, and a demeaning lens on their body, mind,
// hygiene, age, faith, language, money or habits. A post that quotes a
// slur to condemn it, or teaches about stigma, does not.
func (d *doc) findUnprofessional(r *Rule) {
	if d.cues(cueUnprofessionalCondemn) {
		return
	}
	if d.cues(cueUnprofessional) || d.cues(cueUnprofessionalFamily) ||
		d.cues(cueUnprofessionalImpaired) && !d.cues(cueUnprofessionalOffDuty) {
		d.addFinding(r, 0.8, "")
		return
	}
	// the trait first: its list is gated by the prefilter, the mocking markers' is not
	if d.cues(cueUnprofessionalTrait) && d.cues(cueUnprofessionalMock) && d.mockTarget() && !selfMockRe.matchAnywhere(d.lower) {
		d.addFinding(r, 0.75, "")
		return
	}
	// an eye-roll or put-down aimed at people, where no system is the target
	if d.cues(cueUnprofessionalContempt) && d.cues(cueUnprofessionalPeople) && !d.cues(cueUnprofessionalSystem) && !selfMockRe.matchAnywhere(d.lower) {
		d.addFinding(r, 0.75, "")
	}
}

// mockTarget reports a person the mocking can be aimed at: a patient, a
// person described, or the one answered in a reply.
func (d *doc) mockTarget() bool {
	return d.ptCue || d.patientItem >= 0.4 || d.cues(cueStoryStrong) || d.cues(cueStoryPerson) ||
		d.item.Channel.IsReply() && d.item.Context != "" || mockPersonRe.matchAnywhere(d.lower)
}

// selfMockRe is a joke at the author's own expense: "my own feet smell".
var selfMockRe = mustLazyRegexp(`\b(?:my own|myself)\b`)

// mockPersonRe is someone spoken of: "400 lb guy", "she", "the family".
var mockPersonRe = mustLazyRegexp(`\b(?:he|she|him|his|her|they|guy|lady|dude|man|woman|mom|dad|family|families|people|sir|ma'?am|pts?|patients?)\b`)

// findMisinformation raises MISINFORMATION when a curated claim is made:
// a claim pattern matches and its sentence (outside the match itself)
// carries no refutation ("myth", "no evidence", "doesn't"), nor does a short
// label before it ("Myth: …"). The reason names the evidence.
func (d *doc) findMisinformation(r *Rule) {
	refute := d.e.cueRegexes(cueRefutation)
	refuted := func(c *Claim, m []int) bool {
		i := d.tokAt(m[0])
		if i >= len(d.toks) {
			i = len(d.toks) - 1
		}
		a, b := d.sentenceBounds(i)
		if a > m[0] {
			a = m[0]
		}
		if b < m[1] {
			b = m[1]
		}
		sent := d.lower[a:b]
		outside, outBase := sent, a
		if c.Negation {
			outside, outBase = d.lower[a:m[0]]+" … "+d.lower[m[1]:b], -1 // not a part of the text
		}
		h := d.hits()
		for ui := range c.unless {
			u := &c.unless[ui]
			if d.matchAt(u, sent, a, h) {
				return true
			}
		}
		for ui := range refute {
			u := &refute[ui]
			if d.matchAt(u, outside, outBase, h) {
				return true
			}
		}
		// a label sentence right before: "Myth: …", "FALSE: …"
		if j := d.tokBefore(a); j >= 0 {
			pa, pb := d.sentenceBounds(j)
			if prev := d.lower[pa:pb]; len(prev) <= 24 {
				for ui := range refute {
					u := &refute[ui]
					if d.matchAt(u, prev, pa, h) {
						return true
					}
				}
			}
		}
		// a myth in quotation marks, put up to be answered: "'Fluoride is
		// poison' — ok let's talk", "\"The flu shot gave me the flu\" — it can't."
		if quoted(d.text, m[0], m[1]) {
			return true
		}
		// a question answered no: "Vaccines cause autism? No."
		if strings.HasSuffix(strings.TrimSpace(d.lower[a:b]), "?") {
			if j := d.tokAt(b); j < len(d.toks) {
				switch d.toks[j].lower {
				case "no", "nope", "false", "wrong", "nah", "myth", "absolutely", "not":
					return d.toks[j].lower != "absolutely" || d.word(j+1) == "not"
				}
			}
		}
		return false
	}
	h := d.hits()
	gates, present := d.e.rules.claimGates, h.groups
	for gi := range gates {
		g := &gates[gi] // most gates fail on their group: read no more of them
		if g.group >= 0 && !present[g.group] || !d.may(g.x) {
			continue
		}
		c, x := g.claim, g.x
		for _, m := range d.findAllAt(x, d.text, 0, h, false) {
			if refuted(c, m) {
				continue
			}
			reason := c.Reason
			if c.Source != "" {
				reason += " Evidence: " + c.Source
			}
			d.findings = append(d.findings, chaperone.Finding{Rule: r.ID + ":" + c.ID, Type: chaperone.FindingMisinformation,
				Score: round2(r.ScoreOr(0.8)), Reason: reason, Cite: r.Cite})
			return
		}
	}
}

// findConsent raises CONSENT_NEEDED when a patient story comes with the
// patient's photo, image, work or quoted words: those need the patient's
// written authorisation (45 CFR 164.508).
func (d *doc) findConsent(r *Rule) {
	if !d.has(chaperone.FindingPatientStory) && !(d.has(chaperone.FindingPHI) && d.patientItem >= 0.5) {
		return
	}
	if d.item.Channel == chaperone.ChannelReviewReply || d.item.Channel == chaperone.ChannelReply {
		return
	}
	if d.cues(cueConsentImage) && (d.item.Channel == chaperone.ChannelImageCaption || d.cues(cueConsentShared)) {
		d.addFinding(r, 0.8, "")
		return
	}
	if d.has(chaperone.FindingPatientStory) && d.cues(cueConsentQuote) {
		d.addFinding(r, 0.75, "")
	}
}

// findPersonal raises PERSONAL_ACCOUNT_CLINICAL when a personal account
// posts about patients or clinical work.
func (d *doc) findPersonal(r *Rule) {
	if d.item.Author.Account != chaperone.AccountPersonal {
		return
	}
	if d.has(chaperone.FindingPatientStory) || d.has(chaperone.FindingPHI) || d.cues(cuePersonalClinical) || !d.aboutNoPatient && d.patientItem >= 0.4 ||
		d.has(chaperone.FindingIndividualAdvice) || d.has(chaperone.FindingRelationshipConfirmed) {
		d.addFinding(r, 0.8, "")
	}
}

// cueRegexes returns a compiled cue list of the rule files (nil when they
// have none of that name).
func (e *Engine) cueRegexes(c cueName) []rx {
	if id := e.rules.cueOf[c]; id >= 0 {
		return e.rules.cueList[id]
	}
	return nil
}

// yourTreatment reports "your" followed within reach tokens by a medicine
// or treatment in tokens [i,j): "Your metformin is set to auto-refill".
func (d *doc) yourTreatment(i, j, reach int) bool {
	for k := i; k < j && k < len(d.toks); k++ {
		if d.toks[k].lower != "your" {
			continue
		}
		for m := k + 1; m < j && m <= k+reach && m < len(d.toks); m++ {
			w := d.toks[m].lower
			if d.toks[m].kind == tokWord && (d.e.lex.Drug(w) && len(w) > 4 && !d.e.set(lsNotNames)[w] || d.e.set(lsTreatmentWords)[w]) {
				return true
			}
		}
	}
	return false
}
