// Package detect is chaperone's screening engine: it finds identifier spans
// and item-level findings in a text and decides allow, review or block, as
// the annotation guideline says. It imports no storage or web code; any Go
// program may embed it.
//
// The pipeline (Engine.Screen) is: tokenise; read the patient context;
// run the span recognizers and pattern rules; resolve overlaps; derive the
// item-level findings; decide.
package detect

import (
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/lexicon"
)

// Threshold is the score a candidate span needs to be reported.
const Threshold = 0.5

// Engine screens items. It is safe for concurrent use by many goroutines.
type Engine struct {
	rules *ruleSet
	lex   *lexicon.Lexicon
	sets  [numLists]map[string]bool // the word lists the recognizers use, as sets
	// listsOf gives, by word, the lists of sets holding it
	listsOf map[string]listMask
	brand   *phraseIndex // brand names for industry ties
	pre     *prefilter   // literals of every rule regex
	model   *Model       // learned layer over the finding rules (nil: rules only)
}

var (
	defaultOnce   sync.Once
	defaultEngine *Engine
	defaultErr    error
)

// New returns an engine with the embedded default rules and dictionaries.
// Engines are built once and shared; New returns the same engine each time.
func New() (*Engine, error) {
	defaultOnce.Do(func() { defaultEngine, defaultErr = NewWithRules() })
	return defaultEngine, defaultErr
}

// NewWithRules returns an engine with the default rules overlaid by the
// organisation's rule files, in order. Errors name the file, rule and key.
func NewWithRules(paths ...string) (*Engine, error) {
	// the dictionaries load on the other cores while the rules parse and
	// compile; newEngine waits for them
	go lexicon.Default()
	base, err := loadDefaultRules()
	if err != nil {
		return nil, err
	}
	var overlays []*RuleFile
	for _, p := range paths {
		if p == "" {
			continue
		}
		f, err := LoadRuleFile(p)
		if err != nil {
			return nil, err
		}
		overlays = append(overlays, f)
	}
	return newEngine(base, overlays...)
}

func newEngine(base *RuleFile, overlays ...*RuleFile) (*Engine, error) {
	// the model and the dictionaries load while the rules compile
	model := make(chan *Model, 1)
	go func() { model <- defaultModel() }()
	lex := make(chan *lexicon.Lexicon, 1)
	go func() { lex <- lexicon.Default() }()
	rs, err := compileRules(base, overlays...)
	if err != nil {
		return nil, err
	}
	e := &Engine{rules: rs, lex: <-lex, pre: rs.pre, listsOf: map[string]listMask{}}
	for id, name := range listNames {
		words := rs.lists[name]
		m := make(map[string]bool, len(words))
		for _, w := range words {
			m[w] = true
			e.listsOf[w] |= 1 << id
		}
		e.sets[id] = m
	}
	e.brand = newPhraseIndex(e.lex.Brands())
	for w := range e.brand.first {
		e.listsOf[w] |= 1 << brandStart
	}
	e.model = <-model
	return e, nil
}

// set returns a word list as a set (empty if the rule files lack it).
func (e *Engine) set(id listID) map[string]bool { return e.sets[id] }

// Rules describes the enabled rules the engine runs, for reports (SARIF)
// and documentation.
func (e *Engine) Rules() []chaperone.RuleInfo {
	out := make([]chaperone.RuleInfo, 0, len(e.rules.rules))
	for _, r := range e.rules.rules {
		if r.On() {
			out = append(out, r.info())
		}
	}
	return out
}

// WithoutModel returns a copy of the engine that decides item findings by
// the rules alone, for evaluation and training.
func (e *Engine) WithoutModel() *Engine {
	c := *e
	c.model = nil
	return &c
}

// SetModel returns a copy of the engine that uses model m.
func (e *Engine) SetModel(m *Model) *Engine {
	c := *e
	c.model = m
	return &c
}

// Rule returns the enabled rule with this id, or nil.
func (e *Engine) Rule(id string) *Rule { return e.rules.get(id) }

// Screen screens one item. The text must be valid UTF-8 (invalid bytes are
// never part of a span); callers bound its size.
func (e *Engine) Screen(it chaperone.Item) chaperone.Result {
	if len(it.Text) > maxChunk {
		return e.screenLong(it)
	}
	d := e.newDoc(it)
	d.readContext()
	d.findSpans()
	spans := d.resolve()
	d.itemFindings(spans)
	if e.model != nil {
		d.applyModel(e.model)
	}
	lifted := d.liftConfirmed()
	if d.liftStoryNames() {
		lifted = true
	}
	if d.liftGreeted() {
		lifted = true
	}
	if len(spans) == 0 && d.liftStoryCompanions() {
		lifted = true
	}
	if lifted {
		d.findings = d.findings[:0]
		spans = d.resolve()
		d.itemFindings(spans)
		if e.model != nil {
			d.applyModel(e.model)
		}
	}
	d.release()
	return chaperone.Result{ID: it.ID, Decision: decide(d.findings), Findings: d.findings, Spans: spans}
}

func (e *Engine) newDoc(it chaperone.Item) *doc {
	if it.Channel == "" {
		it.Channel = chaperone.ChannelPost
	}
	if it.Author.Account == "" {
		it.Author.Account = chaperone.AccountProfessional
	}
	d := &doc{e: e, item: it, text: it.Text, lower: asciiLower(it.Text), risky: foldRisk(it.Text) || foldRisk(it.Context)}
	d.bufs, _ = docPool.Get().(*docBufs)
	if d.bufs == nil {
		d.bufs = &docBufs{}
	}
	d.cand, d.findCand = d.bufs.cand, d.bufs.findCand
	d.toks = tokenizeLower(d.bufs.toks, it.Text, d.lower)
	d.keepNonPatientWords()
	d.sent = sentenceIndexInto(d.bufs.sent, d.toks)
	if it.Context != "" {
		d.ctxLower = asciiLower(it.Context)
		d.ctx = tokenizeLower(d.bufs.ctx, it.Context, d.ctxLower)
	}
	return d
}

// therapyNouns follow "PT" when it means physical therapy: "our PT team".
var therapyNouns = map[string]bool{"team": true, "staff": true, "department": true, "dept": true, "clinic": true, "gym": true,
	"aide": true, "aides": true, "assistant": true, "assistants": true, "program": true, "student": true, "students": true,
	"school": true, "office": true, "practice": true, "crew": true, "squad": true, "session": true, "sessions": true}

// keepNonPatientWords puts back in capitals, in the lower-cased text,
// "PT" where it means physical therapy ("our PT team", "the PT gym") and
// "patient" where it is an adjective ("1 very patient husband", "be
// patient"), so that cues written for the patient ("our pt", "my
// patient") do not read them. Offsets do not change. Called by newDoc,
// once the text is tokenised.
func (d *doc) keepNonPatientWords() {
	var b []byte
	for i := range d.toks {
		t := &d.toks[i]
		therapy := (t.text == "PT" || t.text == "PTs") && i+1 < len(d.toks) && therapyNouns[d.toks[i+1].lower]
		adjective := t.lower == "patient" && i > 0 && patienceWords[d.toks[i-1].lower]
		if therapy || adjective {
			if b == nil {
				b = []byte(d.lower)
			}
			if therapy {
				copy(b[t.start:t.end], t.text)
			} else {
				copy(b[t.start:t.end], "PATIENT") // "patient", whatever its case: seven ASCII letters
			}
		}
	}
	if b != nil {
		d.lower = string(b)
	}
}

// asciiLower lower-cases ASCII letters only, so byte offsets into the
// result are offsets into s.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 32
				}
			}
			return string(b)
		}
	}
	return s
}

// findSpans runs every enabled span recognizer and pattern rule.
func (d *doc) findSpans() {
	for _, r := range d.e.rules.rules {
		if !r.On() || !r.appliesTo(d.item.Channel) {
			continue
		}
		switch r.Kind {
		case KindRecognizer:
			if rec := r.rec; rec.span {
				rec.fn(d, r)
			}
		case KindPattern:
			d.runPattern(r)
		}
	}
}

// resolve keeps the candidates at or above the threshold and removes
// overlaps: the higher score wins, then the longer span.
func (d *doc) resolve() []chaperone.Span {
	d.addShapeTwins()
	d.boostNamesNearIDs()
	d.boostNearPatientNames()
	d.boostCompanions()
	// training examples and test patients identify no one
	placeholders := d.listIn("placeholder_cues", 0, len(d.lower))
	noPatient := false // one of noPatientCues occurs, as words: "our sweetest patients" is no "test patient"
	if d.hits().groups[d.e.rules.noPatient] {
		for _, w := range noPatientCues {
			noPatient = noPatient || containsWord(d.lower, w)
		}
	}
	c := make([]cand, 0, len(d.cands))
	for _, x := range d.cands {
		if x.score >= Threshold && utf8.ValidString(d.text[x.start:x.end]) {
			if noPatient || placeholders && d.placeholderNear(x.start) {
				continue
			}
			if twinTypes[x.typ] && oneDigitRepeated(d.text[x.start:x.end]) {
				continue // "MRN 0000000", "member ID 11111111": a placeholder
			}
			if d.aboutNoPatient && quasiIdentifier(x.typ) {
				continue // "Grandma Ruth turned 90 today! Still drives herself to bingo in Kearney": the author's own life
			}
			if x.typ == chaperone.SpanDate && beforeLiving(d.text[x.start:x.end]) {
				continue // "Florence Nightingale was born May 12, 1820": no living patient's date
			}
			if d.familySentence(x.start) {
				continue // "Took my dad to Wrigley for his 91st birthday": the author's own family
			}
			if x.typ != chaperone.SpanName && d.inviteAt(x.start) {
				continue // "Free STI testing Saturdays at the health dept, 1200 Main St, Room 204": the practice's own event
			}
			if d.hypothetical {
				x.score *= 0.5 // a teaching case or simulation identifies no one
				if x.score < Threshold {
					continue
				}
			}
			c = append(c, x)
		}
	}
	sort.SliceStable(c, func(i, j int) bool {
		if c[i].score != c[j].score {
			return c[i].score > c[j].score
		}
		if li, lj := c[i].end-c[i].start, c[j].end-c[j].start; li != lj {
			return li > lj
		}
		if c[i].start != c[j].start {
			return c[i].start < c[j].start
		}
		if c[i].typ != c[j].typ {
			return c[i].typ < c[j].typ
		}
		return c[i].rule < c[j].rule
	})
	var kept []cand
	for _, x := range c {
		ok := true
		for _, k := range kept {
			if x.start < k.end && k.start < x.end {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, x)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].start < kept[j].start })
	spans := make([]chaperone.Span, len(kept))
	for i, k := range kept {
		spans[i] = chaperone.Span{Start: k.start, End: k.end, Type: k.typ, Rule: k.rule, Score: round2(k.score)}
	}
	return spans
}

// quasiIdentifier reports the span types that name or place a person
// without a record's number: a text about no patient holds none of these
// for a patient (doc.aboutNoPatient), while "case #24-11873" stays one.
func quasiIdentifier(t chaperone.SpanType) bool {
	switch t {
	case chaperone.SpanName, chaperone.SpanAge, chaperone.SpanDate, chaperone.SpanLocation, chaperone.SpanFacility, chaperone.SpanVehicle, chaperone.SpanHandle:
		return true
	}
	return false
}

// oneDigitRepeated reports a value whose digits, six or more, are all
// one digit: "0000000", "9999-9999" (an SSN may well end in 0000).
func oneDigitRepeated(v string) bool {
	n, first := 0, byte(0)
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= '0' && c <= '9' {
			if n == 0 {
				first = c
			} else if c != first {
				return false
			}
			n++
		}
	}
	return n >= 6
}

// beforeLiving reports a date whose year, four digits, is 1910 or earlier:
// no living person's birth, and no patient's visit.
func beforeLiving(date string) bool {
	for i := 0; i < len(date); {
		j := i
		for j < len(date) && '0' <= date[j] && date[j] <= '9' {
			j++
		}
		if y := date[i:j]; len(y) == 4 && y >= "1000" && y <= "1910" {
			return true
		}
		i = max(j, i+1)
	}
	return false
}

func round2(f float64) float64 {
	if f > 1 {
		f = 1
	}
	return float64(int(f*100+0.5)) / 100
}

// decide applies the guideline: block for PHI or a confirmed relationship,
// review for any other finding, allow otherwise.
func decide(fs []chaperone.Finding) chaperone.Decision {
	dec := chaperone.Allow
	for _, f := range fs {
		switch f.Type {
		case chaperone.FindingPHI, chaperone.FindingRelationshipConfirmed:
			return chaperone.Block
		default:
			dec = chaperone.Review
		}
	}
	return dec
}

// recognizer is a built-in rule: span recognizers add candidates, finding
// recognizers add item findings.
type recognizer struct {
	span bool
	fn   func(d *doc, r *Rule)
}

// recognizers maps rule ids to their code. Filled by init functions in the
// files that define them.
var recognizers = map[string]recognizer{}

func registerSpan(id string, fn func(d *doc, r *Rule))    { recognizers[id] = recognizer{true, fn} }
func registerFinding(id string, fn func(d *doc, r *Rule)) { recognizers[id] = recognizer{false, fn} }

// boostNamesNearIDs raises a likely name that shares its sentence with a
// strong identifier: "Kayla T. from 24.6.199.57 tried 14 passwords" is
// about one person.
func (d *doc) boostNamesNearIDs() {
	strong := map[int]bool{}
	var at []int // token index of each strong identifier
	for _, c := range d.cands {
		if c.score >= Threshold && c.typ != chaperone.SpanName && c.typ != chaperone.SpanDate && c.typ != chaperone.SpanLocation && c.typ != chaperone.SpanFacility {
			if i := d.tokAt(c.start); i < len(d.toks) {
				strong[d.sent[i]] = true
				at = append(at, i)
			}
		}
	}
	if len(strong) == 0 {
		return
	}
	for k := range d.cands {
		c := &d.cands[k]
		if c.typ != chaperone.SpanName || c.score < 0.3 || c.score >= Threshold {
			continue
		}
		i := d.tokAt(c.start)
		if i >= len(d.toks) {
			continue
		}
		near := strong[d.sent[i]]
		// "for Nasrin Haddadi — chart # 3309812": a dash or colon may have
		// cut the sentence, not the subject
		for _, j := range at {
			if j > i && j-i <= 8 {
				near = true
			}
		}
		if near {
			c.score = 0.6
		}
	}
}

// liftStoryCompanions reports the weak identifiers of a patient story
// that holds no span yet: "Jet ski vs dock at the John's Pass boardwalk,
// the rider's truck (FL tag QXB-R52) is still in the lot" tells one
// person's accident, so its place and plate are that person's, as the
// guideline says of quasi-identifiers in a story. It reports whether any
// candidate was lifted. Names stay out, as in boostCompanions, and so do a
// holiday or a month alone: "Mother's Day thought: maternal mortality …"
// is too weak a date to block a post that may be no story at all.
func (d *doc) liftStoryCompanions() bool {
	if !d.has(chaperone.FindingPatientStory) {
		return false
	}
	// a colleague's own sentence keeps its dates and ages: "Remembering Patricia Gallagher, RN, who died Aug 9 at 94"
	return d.liftWeak(func(c *cand) bool {
		return c.rule != "date-holiday" && c.rule != "date-month" && !d.colleagueAt(c.start)
	})
}

// visitWords are a patient's visits: "your checkup", "your follow-up".
var visitWords = map[string]bool{"checkup": true, "check-up": true, "visit": true, "appointment": true, "appt": true,
	"follow-up": true, "followup": true, "cleaning": true, "recall": true, "physical": true}

// yourCare reports "your" before a care word within two words: "See you
// for your checkup next month" tells the person greeted that they are a
// patient. Called by liftGreeted.
func (d *doc) yourCare() bool {
	for k := range d.toks {
		if d.toks[k].lower != "your" {
			continue
		}
		for m := k + 1; m <= k+2 && m < len(d.toks); m++ {
			if visitWords[d.toks[m].lower] {
				return true
			}
		}
	}
	return d.yourTreatment(0, len(d.toks), 2)
}

// inviteAt reports that the sentence at byte off invites the public to
// the practice's own event: "Join us for our Teddy Bear Clinic on
// Saturday, May 9 at Fresno's Woodward Park!"
func (d *doc) inviteAt(off int) bool {
	i := d.tokAt(off)
	if i >= len(d.toks) || d.patientIn(d.sent[i]) >= 1 {
		return false // "Our patient who teaches at Lincoln missed her own retirement party"
	}
	if s := d.sent[i]; s < len(d.sents) && d.sents[s].patient >= 0.5 && d.sents[s].person && d.sents[s].event > 0 {
		return false // "Found a melanoma on a lifeguard from North Myrtle Beach during our free screening June 14": a patient's event
	}
	a, b := d.sentenceBounds(i)
	// the invitation may follow ("Valentine's craft hour Feb 14, 10-12! Kids
	// of all ages welcome.") or come just before ("Free flu shot clinic 💉
	// Saturday Sept 14, 9am–1pm at the Lincoln Elementary gym", where the
	// emoji ends the heading's sentence)
	if k := d.tokAt(b); k < len(d.toks) {
		_, b = d.sentenceBounds(k)
	}
	if k := d.tokAt(a); k > 0 && k <= len(d.toks) {
		a, _ = d.sentenceBounds(k - 1)
	}
	return d.listIn("event_invite_cues", a, b)
}

// liftGreeted reports the names a greeting opens (doc.greeted), once the
// text is found to tell a patient's story or to confirm someone's care:
// "Congrats Natalia and Bogdan!! She was such a trooper in labor" greets a
// patient, not a colleague. It says whether there was any.
func (d *doc) liftGreeted() bool {
	if len(d.greeted) == 0 || !d.has(chaperone.FindingPatientStory) && !d.has(chaperone.FindingRelationshipConfirmed) && !d.yourCare() {
		return false
	}
	for _, g := range d.greeted {
		d.add(g[0], g[1], chaperone.SpanName, "name-person", Threshold)
	}
	return true
}

// liftStoryNames reports, once the text is found to tell a patient's
// story, the names that only lacked a patient cue nearby: a plain given
// name the dictionaries know well ("Aiyana drove 6 hrs from Bethel in a
// blizzard and still pushed that baby out"). Names nameRole gave to
// colleagues, authors or public figures are no candidates.
func (d *doc) liftStoryNames() bool {
	story := d.has(chaperone.FindingPatientStory)
	if !story && !d.yourCare() {
		return false // without a story, only a name spoken to about their care: "June, if you're reading this: your scans were CLEAN"
	}
	lifted := false
	for k := range d.cands {
		c := &d.cands[k]
		if c.typ == chaperone.SpanName && c.rule == "name-person" && c.score < Threshold && (story && c.score >= storyNameFloor && d.knownName(c.start, c.end) || d.personSyntaxAt(c.start, c.end)) {
			c.score = Threshold
			lifted = true
		}
	}
	return lifted
}

// personSyntaxAt is personSyntax for the name candidate at bytes s..e.
func (d *doc) personSyntaxAt(s, e int) bool {
	first := d.tokAt(s)
	last := first
	for last+1 < len(d.toks) && d.toks[last+1].end <= e {
		last++
	}
	if first >= len(d.toks) || d.toks[first].start != s || d.toks[last].end != e {
		return false
	}
	return d.personSyntax(nameGroup{first: first, last: last, start: s, end: e})
}

// knownName reports a name whose first word the dictionaries know as a
// given name or a surname and not as a common word.
func (d *doc) knownName(s, e int) bool {
	w := d.lowerText(s, e)
	if k := strings.IndexByte(w, ' '); k > 0 {
		w = w[:k]
	}
	if lvl, isW := d.e.lex.WordLevel(w); isW && lvl <= 50 || utf8.RuneCountInString(w) < 3 {
		return false
	}
	n, _, first := d.e.lex.FirstName(w)
	_, sur := d.e.lex.Surname(w)
	return first && n >= 300 || sur
}

// storyNameFloor is the least score of a name liftStoryNames reports.
const storyNameFloor = 0.3

// greetings may come before the handle a reply answers: "Thanks @hollis!".
var greetings = map[string]bool{"thanks": true, "thank": true, "hi": true, "hey": true, "hello": true, "congrats": true,
	"congratulations": true, "dear": true, "aw": true, "aww": true, "omg": true, "yes": true, "haha": true, "lol": true}

// liftConfirmed reports, once a reply or comment is found to confirm
// someone's care, the weak identifiers it gives: the person answered is
// then a patient or their relative, and the address the nurse went to,
// the serial of the unit returned or the date of the visit are theirs
// ("our nurse went to 1187 Birchwood Ln but nobody answered"). Names stay
// out, as in liftWeak, but the handle the reply opens with is reported
// (liftAddressee). It says whether a candidate was lifted; Screen then
// resolves again.
func (d *doc) liftConfirmed() bool {
	if !d.item.Channel.IsReply() || !d.has(chaperone.FindingRelationshipConfirmed) {
		return false
	}
	a := d.liftAddressee()
	b := d.liftWeak(func(*cand) bool { return true })
	return a || b
}

// liftAddressee reports the person a confirming reply answers: the handle
// the text opens with, after at most a greeting ("@ben_ecks_runs so glad
// it went smoothly", "Thanks @hollis.writes!"), and the names it
// addresses (doc.addressees). Handles the recognizer dropped (the
// author's, a practice's, a clinician's) are no candidates and stay out.
// Called by liftConfirmed.
func (d *doc) liftAddressee() bool {
	lifted := false
	// names the reply addresses ("Hi Tomasz!", "…, Dale 👍"), left out by
	// nameRole as strangers asking in public until the reply confirmed care
	for _, g := range d.addressees {
		d.add(g[0], g[1], chaperone.SpanName, "name-person", Threshold)
		lifted = true
	}
	i := 0
	for i < len(d.toks) && i < 3 && d.toks[i].kind != tokHandle {
		if d.toks[i].kind == tokWord && !greetings[d.toks[i].lower] && d.toks[i].lower != "you" {
			return lifted
		}
		i++
	}
	if i >= len(d.toks) || d.toks[i].kind != tokHandle {
		return lifted
	}
	t := d.toks[i]
	for k := range d.cands {
		c := &d.cands[k]
		if c.typ == chaperone.SpanHandle && c.start == t.start && c.end == t.end && c.score < Threshold {
			c.score = Threshold
			lifted = true
		}
	}
	return lifted
}

// liftWeak reports the weak candidates (companionFloor or more) that are
// no names and that keep accepts, and says whether there was any. Used by
// boostCompanions, liftStoryCompanions and liftConfirmed.
func (d *doc) liftWeak(keep func(*cand) bool) bool {
	lifted := false
	for k := range d.cands {
		c := &d.cands[k]
		if c.typ != chaperone.SpanName && c.score >= companionFloor && c.score < Threshold && keep(c) {
			c.score = Threshold
			lifted = true
		}
	}
	return lifted
}

// twinTypes are the identifier types whose look-alikes addShapeTwins
// reports.
var twinTypes = map[chaperone.SpanType]bool{chaperone.SpanSSN: true, chaperone.SpanMRN: true, chaperone.SpanHealthPlan: true,
	chaperone.SpanAccount: true, chaperone.SpanID: true, chaperone.SpanDevice: true, chaperone.SpanLicense: true}

// addShapeTwins reports a second value written like a reported identifier:
// "SSN ending in 6620 but the pt swears it's 6602", "subscriber ID
// XQB904417723 but the portal shows XQB904417728", "chart #00451187 vs
// #00451817". A look-alike of seven digits or more counts anywhere in the
// text; a shorter one only in the same sentence, and never a year.
func (d *doc) addShapeTwins() {
	n := len(d.cands)
	for k := 0; k < n; k++ {
		c := d.cands[k]
		if c.score < Threshold || !twinTypes[c.typ] {
			continue
		}
		val := d.text[c.start:c.end]
		digits := len(digitsOf(val))
		if digits < 4 {
			continue
		}
		shape := idShape(val)
		ci := d.tokAt(c.start)
		for i := range d.toks {
			t := &d.toks[i]
			if !t.hasDigit || t.end > c.start && t.start < c.end || idShape(t.text) != shape || t.text == val {
				continue
			}
			if digits < 7 && (ci >= len(d.toks) || d.sent[i] != d.sent[ci] || yearLike(t.text)) {
				continue
			}
			d.add(t.start, t.end, c.typ, c.rule, 0.8)
		}
	}
}

// idShape writes s with every digit as 9 and every ASCII letter as A.
func idShape(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			b[i] = '9'
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			b[i] = 'A'
		}
	}
	return string(b)
}

// yearLike reports four digits that read as a year from 1900 to 2099.
func yearLike(s string) bool {
	return len(s) == 4 && (strings.HasPrefix(s, "19") || strings.HasPrefix(s, "20"))
}

// companionFloor is the score at which a weak candidate is reported
// after all in an item that already identifies someone.
const companionFloor = 0.1

// boostCompanions reports the weak identifiers of an item that already
// holds a reported span: once a name, a record number or an address
// places a person in the text, a date, place, contact or number near it
// that scored low on its own ("mailed on 4/8", "in Bemidji") most likely
// belongs to the same person, and redacting it costs nothing because the
// item is blocked anyway. Names are left alone: a weak name is more
// often a word or a colleague than a second identifier. Candidates a rule
// set to zero (the practice's own phone, a placeholder) stay out.
func (d *doc) boostCompanions() {
	strong := false
	for _, c := range d.cands {
		if c.score >= Threshold {
			strong = true
			break
		}
	}
	if strong {
		d.liftWeak(func(*cand) bool { return true })
	}
}

// boostNearPatientNames raises a full written or numeric date, an email, URL
// or handle a few words after a confident patient name: "baby Ezekiel,
// 3/3/24 – 5/9/24" dates that child's life even with no other patient cue,
// and "emailed Noah's record to jenn.w88@gmail.com" reaches his family.
func (d *doc) boostNearPatientNames() {
	var names []int
	for _, c := range d.cands {
		if c.typ == chaperone.SpanName && c.score >= 0.8 {
			names = append(names, d.tokAt(c.start))
		}
	}
	if len(names) == 0 {
		return
	}
	for k := range d.cands {
		c := &d.cands[k]
		date := c.typ == chaperone.SpanDate && (c.rule == "date-numeric" || c.rule == "date-written")
		contact := c.typ == chaperone.SpanEmail || c.typ == chaperone.SpanURL || c.typ == chaperone.SpanHandle
		if !date && !contact || c.score < 0.1 || c.score >= Threshold {
			continue
		}
		i := d.tokAt(c.start)
		for _, n := range names {
			if i < len(d.toks) && n < len(d.toks) && d.sent[i] == d.sent[n] && i > n && i-n <= 12 {
				c.score = 0.6
				break
			}
		}
	}
}

// maxChunk bounds the text one pass screens. Longer texts (clinical notes,
// archives) are screened in chunks cut at line or sentence ends, so time
// and memory grow linearly with the text.
const maxChunk = 8 << 10

// screenLong screens a long text chunk by chunk and merges the results:
// spans shifted to the whole text, findings deduplicated by rule and type,
// the most severe decision.
func (e *Engine) screenLong(it chaperone.Item) chaperone.Result {
	out := chaperone.Result{ID: it.ID, Findings: []chaperone.Finding{}, Spans: []chaperone.Span{}}
	seen := map[string]bool{}
	text := it.Text
	for off := 0; off < len(text); {
		end := chunkEnd(text, off)
		part := it
		part.Text = text[off:end]
		res := e.Screen(part)
		for _, s := range res.Spans {
			s.Start += off
			s.End += off
			out.Spans = append(out.Spans, s)
		}
		for _, f := range res.Findings {
			if f.HasSpan() {
				f.Start += off
				f.End += off
				out.Findings = append(out.Findings, f)
				continue
			}
			if k := f.Rule + "|" + string(f.Type); !seen[k] {
				seen[k] = true
				out.Findings = append(out.Findings, f)
			}
		}
		off = end
	}
	out.Decision = decide(out.Findings)
	return out
}

// chunkEnd returns where the chunk starting at off ends: the last line
// break, else the last sentence end, else the last space before maxChunk,
// never inside a UTF-8 sequence.
func chunkEnd(text string, off int) int {
	end := off + maxChunk
	if end >= len(text) {
		return len(text)
	}
	window := text[off:end]
	for _, sep := range []string{"\n", ". ", "! ", "? ", " "} {
		if k := strings.LastIndex(window, sep); k > maxChunk/2 {
			return off + k + len(sep)
		}
	}
	for end > off && !utf8.RuneStart(text[end]) {
		end--
	}
	return end
}

// labelBefore returns the sentence before the one at off when it ends
// with a colon ("Training example: plate ABC1234"), else "".
func (d *doc) labelBefore(off int) string {
	a, b := d.labelRange(off)
	return d.lower[a:b]
}

// labelRange returns the byte range of labelBefore's sentence (0, 0 for
// none).
func (d *doc) labelRange(off int) (int, int) {
	i := d.tokAt(off)
	if i >= len(d.toks) {
		return 0, 0
	}
	a, _ := d.sentenceBounds(i)
	j := d.tokBefore(a)
	for j >= 0 && (d.toks[j].text == "“" || d.toks[j].text == "\"" || d.toks[j].text == "'" || d.toks[j].text == "‘") {
		j-- // an opening quote after the colon
	}
	if j < 0 || d.toks[j].text != ":" {
		return 0, 0
	}
	return d.sentenceBounds(j)
}

// placeholderNear reports a placeholder cue ("e.g.", "sample") in the
// sentence holding off or in a label sentence before it.
func (d *doc) placeholderNear(off int) bool {
	a, b := d.sentenceRange(off)
	la, lb := d.labelRange(off)
	return d.listWords("placeholder_cues", a, b) || d.listWords("placeholder_cues", la, lb)
}

// listWords is listIn with every cue found as whole words: "our sweetest
// patient" holds no "test patient", "your son" no "our son". Callers ask
// it of the lists whose cues would read wrongly inside a longer word.
func (d *doc) listWords(name string, a, b int) bool {
	if !d.listIn(name, a, b) {
		return false
	}
	for _, w := range d.e.rules.list(name) {
		if containsWord(d.lower[a:b], strings.TrimSpace(w)) {
			return true
		}
	}
	return false
}

// familySentence reports a sentence about the author's own family with no
// patient in it: "My grandmother Ruth turned 95 today".
func (d *doc) familySentence(off int) bool {
	i := d.tokAt(off)
	if i >= len(d.toks) || d.patientIn(d.sent[i]) >= 0.8 || d.ptCue {
		return false
	}
	a, b := d.sentenceRange(off)
	return d.listWords("author_family_cues", a, b)
}
