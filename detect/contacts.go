package detect

import (
	"net/mail"
	"regexp"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

func init() {
	registerSpan("contact-phone", (*doc).findPhones)
	registerSpan("contact-email", (*doc).findEmails)
	registerSpan("contact-url", (*doc).findURLs)
	registerSpan("contact-handle", (*doc).findHandles)
}

// ownContact reports whether the contact at [s,e) is the practice's own, a
// hotline or the author's: "call us at", "Book:", "reach our billing team".
// Those are never spans. patientOwned reports cues that it is a patient's
// or a relative's: "her cell", "called you at", "calls from".
func (d *doc) contactOwner(s int) (own, patient bool) {
	// the sentence so far (a short label before it counts: "Questions? (972) …")
	before := d.textBefore(s, 48)
	if i := d.tokAt(s); i < len(d.toks) {
		a, _ := d.sentenceBounds(i)
		before = d.lower[max(a, s-120):s]
		if a > 0 && a-s > -20 {
			before = d.lower[max(0, a-14):s]
		}
	}
	near := before
	if len(near) > 28 {
		near = near[len(near)-28:]
	}
	// what follows the contact: past its first word, whose dots
	// ("jbarros.1988@gmial.com on file") end no sentence
	e := s
	for e < len(d.text) && d.text[e] != ' ' && d.text[e] != '\n' {
		e++
	}
	after := d.textAfter(e, 60)
	if k := strings.IndexAny(after, ".!?\n"); k >= 0 {
		after = after[:k]
	}
	// near and before are parts of the lower-cased text that end at s,
	// after one that starts at e
	// "our office manager … reach her at": the staff member's number
	staff := d.cueIn("contact_pronoun_cues", s-len(near), s) && d.staffNamed(s)
	patient = d.patientCue(s-len(near), s) || d.cueIn("contact_patient_after", e, e+len(after))
	// "call 540-555-0133 to book": the reader is told to call, and what
	// follows the number is booking a visit
	book := !patient && strings.HasSuffix(near, "call ") && d.cueIn("contact_own_after", e, e+len(after))
	own = book || staff || d.cueIn("contact_own_cues", s-len(before), s) || d.callUs(s)
	// an own cue far back in the sentence ("called the front desk 41
	// times and faxed twice from …") yields to a relative's right there
	// ("the son's office", "his daughter faxes")
	if own && !patient && !book && !d.cueIn("contact_own_cues", s-len(near), s) && !d.callUs(s) && d.patientCue(s-len(before), s) {
		own, patient = false, true
	}
	for _, c := range d.item.Author.ClinicContacts {
		if c != "" && strings.Contains(d.text[s:min(len(d.text), s+len(c)+4)], c) {
			own = true
		}
	}
	return own, patient
}

// patientCue reports a cue in the lower-cased text [a,s) that the contact
// at s is a patient's or a relative's: "his daughter's", "called you at",
// or a pronoun's ("reach her at") unless staff were named before it
// (staffNamed). Called by contactOwner.
func (d *doc) patientCue(a, s int) bool {
	return d.cueIn("contact_patient_cues", a, s) || d.cueIn("contact_pronoun_cues", a, s) && !d.staffNamed(s)
}

// staffNamed reports a member of staff the reader may contact named in the
// 160 bytes before s, this sentence or the one before ("Our office
// manager would love to hear more. You can reach her at …"): a pronoun's
// number there is theirs. Called by contactOwner.
func (d *doc) staffNamed(s int) bool {
	return d.cueIn("contact_staff_cues", max(0, s-160), s)
}

// callUs reports a contact that a sentence opens by telling the reader
// to use: "Call (859) 555-0142 and we'll help", "Please text 555-0101".
// Called by contactOwner.
func (d *doc) callUs(s int) bool {
	i := d.tokAt(s)
	if i >= len(d.toks) {
		return false
	}
	a, _ := d.sentenceBounds(i)
	k := d.tokAt(a)
	if k < len(d.toks) && d.toks[k].lower == "please" {
		k++
	}
	if k >= len(d.toks) || d.toks[k].lower != "call" && d.toks[k].lower != "text" {
		return false
	}
	return i-k <= 3
}

// clinicalSentence reports a treatment, condition or medicine word in the
// sentence of token i.
func (d *doc) clinicalSentence(i int) bool {
	a, b := d.sentenceBounds(i)
	return d.clinicalTerm(d.tokAt(a), d.tokAt(b))
}

// contactScore scores a contact span by who owns it.
func (d *doc) contactScore(r *Rule, s int, alone float64) float64 {
	own, patient := d.contactOwner(s)
	base := r.ScoreOr(0.9)
	switch {
	case patient:
		return base
	case own:
		return 0
	case d.item.Channel == chaperone.ChannelBio:
		return base * 0.2
	case (d.item.Channel == chaperone.ChannelReviewReply || d.item.Channel == chaperone.ChannelReply) && !d.confirmed && d.patientNear(d.tokAt(s)) < 1:
		// a number in a reply is the practice's unless something says otherwise
		return base * 0.3
	}
	return d.contextScoreWith(s, base, alone)
}

// findPhones finds NANP and international phone numbers, in digits or
// written out in words (findSpelledPhones); a fax label makes them FAX.
// Hotlines (988, poison control, toll-free) are not spans.
func (d *doc) findPhones(r *Rule) {
	for xi := range r.compiled {
		x := &r.compiled[xi]
		for _, m := range d.findAll(x, true) {
			s, e := m[0], m[1]
			if vi := x.v; vi > 0 && m[2*vi] >= 0 {
				s, e = m[2*vi], m[2*vi+1]
			}
			if s > 0 && (isAlnum(d.text[s-1]) || d.text[s-1] == '-' || d.text[s-1] == '/') {
				continue
			}
			if e < len(d.text) && (isAlnum(d.text[e]) || d.text[e] == '-') {
				continue
			}
			d.addPhone(r, s, e, digitsOf(d.text[s:e]))
		}
	}
	d.findSpelledPhones(r)
}

// tollFree reports a North American toll-free area code: the number of a
// business or a hotline, never a patient's. Called by addPhone and
// phoneNotID.
func tollFree(area string) bool {
	switch area {
	case "800", "888", "877", "866", "855", "844", "833":
		return true
	}
	return false
}

// addPhone reports the phone number at [s,e) with digits dg, unless it is
// a placeholder, a toll-free number or the practice's own. Called by
// findPhones and findSpelledPhones.
func (d *doc) addPhone(r *Rule, s, e int, dg string) {
	if len(dg) == 11 && dg[0] == '1' {
		dg = dg[1:]
	}
	if placeholderNumber(dg) {
		return // 555-555-5555
	}
	if len(dg) == 10 {
		if dg[0] < '2' {
			return
		}
		if tollFree(dg[:3]) {
			return // a business or hotline
		}
	}
	typ := chaperone.SpanPhone
	if d.isFax(s) {
		typ = chaperone.SpanFax
	}
	d.add(s, e, typ, r.ID, d.contactScore(r, s, 0.35))
}

// isFax reports a fax label before the number in its sentence.
func (d *doc) isFax(s int) bool {
	i := d.tokAt(s)
	if i >= len(d.toks) {
		return false
	}
	a, _ := d.sentenceBounds(i)
	b := d.lower[max(a, s-80):s]
	f := strings.LastIndex(b, "fax")
	if f < 0 {
		f = max(strings.LastIndex(b, "f:"), strings.LastIndex(b, "fx"))
		if f < 0 {
			return false
		}
	}
	// a phone label after the fax label wins: "fax 555-1234, phone 555-…"
	rest := b[f:]
	return !containsAny(rest, []string{"phone", "cell", "call", "tel", "text"}) || strings.Contains(rest, "fax")
}

// findEmails finds e-mail addresses, also written out ("tina dot okamura
// at gmail dot com", findSpelledEmails); role accounts of the practice
// (info@, jobs@…) and the practice's domains are not spans.
func (d *doc) findEmails(r *Rule) {
	d.findSpelledEmails(r)
	if !strings.Contains(d.text, "@") {
		return
	}
	for xi := range r.compiled {
		x := &r.compiled[xi]
		if !d.mayMatch(x) {
			continue
		}
		for _, m := range d.findAllAt(x, d.text, 0, d.hits(), false) {
			s, e := m[0], m[1]
			for e > s && strings.IndexByte(".-_", d.text[e-1]) >= 0 {
				e--
			}
			d.addEmail(r, s, e, d.text[s:e])
		}
	}
}

// addEmail reports the address addr found at [s,e), unless it is no
// address or a role or placeholder mailbox. Called by findEmails and
// findSpelledEmails.
func (d *doc) addEmail(r *Rule, s, e int, addr string) {
	if _, err := mail.ParseAddress(addr); err != nil {
		return
	}
	at := strings.IndexByte(addr, '@')
	local, domain := strings.ToLower(addr[:at]), strings.ToLower(addr[at+1:])
	if d.roleMailbox(local) || d.e.set(lsPlaceholderMailboxes)[local] {
		return
	}
	alone := 0.35
	if d.e.set(lsFreeMailDomains)[domain] || d.e.set(lsMailProviders)[domain] { // "maria.g at outlook"
		alone = 0.6
	}
	d.add(s, e, chaperone.SpanEmail, r.ID, d.contactScore(r, s, alone))
}

// parentDomain returns host without its first label ("mateo.wordpress.com"
// gives "wordpress.com"), or "" when it has only two.
func parentDomain(host string) string {
	if k := strings.IndexByte(host, '.'); k > 0 && strings.Count(host, ".") >= 2 {
		return host[k+1:]
	}
	return ""
}

// roleMailbox reports a mailbox of the practice rather than a person's:
// a role word ("billing@") or words that all are ("patientrelations@",
// "new.patients@", "practice-manager@").
func (d *doc) roleMailbox(local string) bool {
	roles := d.e.set(lsRoleMailboxes)
	if roles[local] {
		return true
	}
	s := strings.NewReplacer(".", "", "-", "", "_", "").Replace(local)
	// ok[i]: s[:i] splits into role words
	ok := make([]bool, len(s)+1)
	ok[0] = true
	for i := 1; i <= len(s); i++ {
		for j := max(0, i-12); j < i && !ok[i]; j++ {
			ok[i] = ok[j] && i-j >= 2 && roles[s[j:i]]
		}
	}
	return len(s) > 0 && ok[len(s)]
}

// findURLs finds web addresses, also obfuscated or written out
// ("gofundme dot com slash f slash …", "example[.]com", findSpelledURLs).
// Fundraiser and personal pages (gofundme.com/f/…, caringbridge.org/visit/…)
// identify a patient; the practice's own pages are not spans.
func (d *doc) findURLs(r *Rule) {
	d.findSpelledURLs(r)
	if !strings.Contains(d.text, ".") {
		return
	}
	for xi := range r.compiled {
		x := &r.compiled[xi]
		if !d.mayMatch(x) {
			continue
		}
		for _, m := range d.findAllAt(x, d.text, 0, d.hits(), false) {
			s, e := m[0], m[1]
			for e > s && strings.IndexByte(".,;:!?)'\"", d.text[e-1]) >= 0 {
				e--
			}
			if s > 0 && (d.text[s-1] == '@' || isAlnum(d.text[s-1])) {
				continue // part of an e-mail address
			}
			if strings.Contains(d.lower[max(0, s-1):min(len(d.lower), e+1)], "@") {
				continue
			}
			d.addURL(r, s, e, d.lowerText(s, e))
		}
	}
}

// addURL reports the web address u (lower-cased) found at [s,e) by how
// much it identifies a patient. Called by findURLs and findSpelledURLs.
func (d *doc) addURL(r *Rule, s, e int, u string) {
	host := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	host = strings.TrimPrefix(host, "www.")
	path := ""
	if k := strings.IndexByte(host, '/'); k >= 0 {
		host, path = host[:k], host[k:]
	}
	switch {
	case (d.e.set(lsFundraiserDomains)[host] && len(path) > 2) || d.e.set(lsFundraiserDomains)[parentDomain(host)]:
		d.add(s, e, chaperone.SpanURL, r.ID, d.contextScoreWith(s, r.ScoreOr(0.9), 0.7))
	case d.e.set(lsSocialDomains)[host] && len(path) > 2:
		d.add(s, e, chaperone.SpanURL, r.ID, d.contactScore(r, s, 0.3))
	default:
		own, patient := d.contactOwner(s)
		if own || d.ownDomain(host) {
			return
		}
		i := d.tokAt(s)
		switch {
		case patient:
			d.add(s, e, chaperone.SpanURL, r.ID, r.ScoreOr(0.9)*0.8)
		case i < len(d.toks) && (d.patientNear(i) >= 0.5 || d.patientItem >= 0.6 && containsAny(d.lower, d.e.rules.list("fundraiser_words"))) && !d.item.Channel.IsReply() && !d.publicSite(s, host, path):
			d.add(s, e, chaperone.SpanURL, r.ID, r.ScoreOr(0.9)*0.7) // a page in a patient's story
		case d.patientItem >= 0.5:
			d.add(s, e, chaperone.SpanURL, r.ID, r.ScoreOr(0.9)*0.3) // weak: reported beside a stronger span
		}
	}
}

// findHandles finds social-media handles of patients and relatives. The
// author's own handles, colleagues' ("@DrLinPeds"), companies' and the
// practice's are not spans.
func (d *doc) findHandles(r *Rule) {
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokHandle {
			continue
		}
		if t.start > 0 && isAlnum(d.text[t.start-1]) {
			continue // the domain of an e-mail address
		}
		h := strings.ToLower(t.text[1:])
		if k := strings.IndexByte(h, '@'); k > 0 {
			h = h[:k]
		}
		if strings.HasPrefix(h, "dr") && len(t.text) > 3 && (t.text[3] >= 'A' && t.text[3] <= 'Z' || t.text[3] == '_' || t.text[3] == '.') {
			continue
		}
		if d.orgHandle(t.text[1:]) || d.e.brand.has(h) {
			continue
		}
		if _, ok := d.e.lex.CanonicalMaker(h); ok {
			continue
		}
		before := d.textBefore(t.start, 40)
		if containsAny(before, d.e.rules.list("own_handle_cues")) {
			continue
		}
		owns := d.handleOwnsCare(i)
		if d.item.Channel == chaperone.ChannelBio && d.patientNear(i) < 1 && !owns && !containsAny(h, illnessHandleParts) {
			continue // a bio's handles are the author's own, but for a patient's page ("forever fighting for my boy @brave_kenji_fights")
		}
		// the practice or author being answered: "@CityHealthClinic" in the context
		score := r.ScoreOr(0.9)
		switch {
		case d.patientNear(i) >= 0.5:
		case d.item.Channel.IsReply() && d.replyConfirms():
		case d.patientItem >= 0.5:
			score *= 0.9
		case owns || d.handleTreated(i):
			score *= 0.9 // "Congrats @marcus on 405 a year after your L4–5 fusion", "Swipe for @kaylee's transformation"
		case containsAny(h, illnessHandleParts):
			score *= 0.9 // a patient's own account: "@zoey.beats.cancer", "@teamliamstrong"
		case d.clinicalSentence(i):
			score *= 0.75
		default:
			score *= 0.3
		}
		// the handle a reply of advice opens with is the person answered,
		// a stranger unless the reply confirms their care ("@jenn for a 2yo
		// at 26 lbs give 5 mL")
		if i == 0 && d.item.Channel.IsReply() && !d.confirmed && !d.replyConfirms() && d.cues(cueAdviceDirective) {
			score = min(score, r.ScoreOr(0.9)*0.3)
		}
		// a creator credited for what the post shares: "h/t @PTonICE for this hip mobility flow"
		if creditedHandle.MatchString(d.lower[max(0, t.start-16):min(len(d.lower), t.end+48)]) {
			score *= 0.3
		}
		// the handle of someone being argued with is not a patient's
		if d.e.set(lsInsultWords)[d.word(i+2)] || d.e.set(lsInsultWords)[d.word(i+3)] {
			score *= 0.3
		}
		d.add(t.start, t.end, chaperone.SpanHandle, r.ID, score)
	}
	// Reddit users: "u/fishtown_fern"
	if !strings.Contains(d.text, "u/") {
		return // every match holds it
	}
	for _, m := range redditUser.FindAllStringIndex(d.text, -1) {
		score := r.ScoreOr(0.9)
		if i := d.tokAt(m[0]); i < len(d.toks) && d.patientNear(i) < 0.5 && !d.confirmed {
			score *= 0.3
		}
		d.add(m[0], m[1], chaperone.SpanHandle, r.ID, score)
	}
}

// creditedHandle is a handle credited for something shared: "h/t
// @PTonICE for this hip mobility flow", "via @EMcrit: great thread on".
var creditedHandle = regexp.MustCompile(`(?:\bh/t|\bht|\bvia|\bcredit:?|\bhat tip(?: to)?|\bsource:?) @[a-z0-9_.]+:? (?:for (?:this|the|that|their|his|her|a) (?:[a-z'-]+ ){0,3}(?:flow|video|post|thread|tip|tips|idea|graphic|infographic|article|paper|study|resource|drill|drills|exercise|exercises|recipe|summary|review|chart|table|visual|tool|protocol|explainer|series|podcast|episode|clip|reel|talk|lecture|slides?)\b|(?:great|excellent|awesome|fantastic|nice|helpful) (?:thread|post|video|summary|explainer|review)\b)`)

// illnessHandleParts make a handle a patient's or their family's
// account of an illness: "@zoey.beats.cancer", "@liam_strong".
var illnessHandleParts = []string{"cancer", "strong", "fights", "fighter", "beats", "warrior", "journey", "chemo", "leukemia",
	"transplant", "recovery", "miracle", "survivor", "preemie", "battle", "tumor", "tumour", "rarekid", "heartwarrior"}

var redditUser = regexp.MustCompile(`\bu/[A-Za-z0-9_-]{3,20}\b`)

// handleTreated reports a handle in a sentence that speaks of that
// person's treatment ("your L4–5 fusion", "your Invisalign"), or in a
// photo caption that shows a patient's result ("Swipe for @kaylee's
// transformation"). Called by findHandles.
func (d *doc) handleTreated(i int) bool {
	a, b := d.sentenceBounds(i)
	// five tokens on: "your L4–5 fusion" tokenises in five
	if d.yourTreatment(d.tokAt(a), d.tokAt(b), 5) {
		return true
	}
	if d.item.Channel == chaperone.ChannelImageCaption && d.word(i-1) == "for" && d.word(i-2) == "day" {
		return true // "Adjustment day for @marisol.runs": the person pictured, on a day of their care
	}
	return d.item.Channel == chaperone.ChannelImageCaption && d.cues(cueConsentImage)
}

// handleOwnsCare reports a handle whose possessive names a body part or a
// treatment: "transformed @kaylaknowsbest's smile", "@bo_b's new knee".
// Called by findHandles.
func (d *doc) handleOwnsCare(i int) bool {
	if !d.possessiveAfter(i) {
		return false
	}
	for j := i + 3; j <= i+4 && j < len(d.toks); j++ {
		if w := d.toks[j].lower; d.e.set(lsBodyParts)[w] || d.e.set(lsTreatmentWords)[w] || w == "smile" || w == "recovery" || w == "transformation" || w == "results" {
			return true
		}
	}
	return false
}

// orgHandle reports a handle of a practice, a clinician or a company:
// "@CityHealthClinic", "@NICUnurseJess", "@AlignTech". Long org words
// count anywhere in the handle; short ones ("md", "rn", "doc") only as a
// whole part.
func (d *doc) orgHandle(h string) bool {
	lower := strings.ToLower(h)
	if containsAny(lower, d.e.rules.list("handle_org_parts")) {
		return true
	}
	if containsAny(lower, illnessHandleParts) {
		return false // "@TeamTevita_Strong": a patient's page, not a team's
	}
	short := d.e.set(lsHandleOrgShort)
	for _, p := range strings.FieldsFunc(h, func(r rune) bool { return r == '_' || r == '.' || r == '-' || r >= '0' && r <= '9' }) {
		for _, c := range camelParts(p) {
			if short[strings.ToLower(c.s)] {
				return true
			}
		}
	}
	return false
}

// siteWords say a bare domain is a person's own page: "follow her
// recovery blog", "his campaign website".
var siteWords = []string{"blog", "website", "web site", "site", "page", "follow", "campaign", "fundrais", "donat", "journey", "story", "running for"}

// publicSite reports a bare domain ("nursys.com", no path, no subdomain)
// in a sentence that does not call it someone's page: an organisation's
// site, not a patient's. Called by findURLs.
func (d *doc) publicSite(off int, host, path string) bool {
	if path != "" && path != "/" || strings.Count(host, ".") != 1 {
		return false
	}
	return !containsAny(d.sentenceAt(off), siteWords)
}

// ownDomain reports a web domain that is the practice's: its name shares
// a word with the author's employer ("cedarcreekpeds.com" for "Cedar Creek
// Pediatrics"), or it is a government or health-system site.
func (d *doc) ownDomain(host string) bool {
	if strings.HasSuffix(host, ".gov") || strings.HasSuffix(host, ".edu") {
		return true
	}
	labels := strings.Split(host, ".")
	if len(labels) > 1 {
		labels = labels[:len(labels)-1] // drop the top-level domain
	}
	for _, w := range strings.Fields(strings.ToLower(d.item.Author.Employer)) {
		w = strings.Trim(w, ".,'’&()")
		if len(w) < 4 || d.e.set(lsOrgWords)[w] {
			continue
		}
		for _, l := range labels {
			if strings.Contains(l, w) {
				return true
			}
		}
	}
	return false
}

// containsCue reports whether s holds one of the cues starting at a word
// boundary ("ext" must not match inside "text").
func containsCue(s string, cues []string) bool {
	for _, c := range cues {
		for off := 0; ; {
			k := strings.Index(s[off:], c)
			if k < 0 {
				break
			}
			at := off + k
			if at == 0 || !isAlnum(s[at-1]) || !isAlnum(c[0]) {
				return true
			}
			off = at + 1
		}
	}
	return false
}
