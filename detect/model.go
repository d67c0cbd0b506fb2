package detect

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// The item-level findings are decided by a small learned model on top of
// the rules: a logistic regression per finding type over hashed features
// of the text (words and word pairs), the context being answered, the
// channel and account, the spans found, and which cue lists and finding
// rules fired. It is trained in the repository (cmd/train, on our own
// labelled sets under testdata/eval) and its weights are embedded; the
// rules alone decide when no model is embedded.

// modelTypes are the finding types the model predicts, in weight order.
var modelTypes = []chaperone.FindingType{
	chaperone.FindingPatientStory, chaperone.FindingConsentNeeded, chaperone.FindingRelationshipConfirmed,
	chaperone.FindingUndisclosedFinancial, chaperone.FindingIndividualAdvice, chaperone.FindingUnprofessional,
	chaperone.FindingMisinformation, chaperone.FindingPersonalAccountClinical,
}

// modelBits is the size of the hashed feature space: 2^modelBits weights
// per finding type.
const modelBits = 16

// Model is the learned layer over the finding rules.
type Model struct {
	W     [][]float32 // [type][hash] weights; W[t][0] is the bias
	Names []float32   // name-candidate weights; Names[0] is the bias (nil: rules only)
}

//go:embed model/findings.bin
var embeddedModel []byte

// modelMagic starts a model file.
const modelMagic = "CHPM2"

// LoadModel reads a model written by (*Model).Write.
func LoadModel(r io.Reader) (*Model, error) {
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != modelMagic {
		return nil, errors.New("model: not a chaperone model file")
	}
	var n, bits uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, err
	}
	if err := binary.Read(r, binary.LittleEndian, &bits); err != nil {
		return nil, err
	}
	if int(n) != len(modelTypes) || bits != modelBits {
		return nil, errors.New("model: shape does not match this build")
	}
	m := &Model{W: make([][]float32, n)}
	for t := range m.W {
		m.W[t] = make([]float32, 1<<modelBits)
		if err := binary.Read(r, binary.LittleEndian, m.W[t]); err != nil {
			return nil, err
		}
	}
	m.Names = make([]float32, 1<<modelBits)
	if err := binary.Read(r, binary.LittleEndian, m.Names); err != nil {
		return nil, err
	}
	return m, nil
}

// Write saves the model.
func (m *Model) Write(w io.Writer) error {
	if _, err := io.WriteString(w, modelMagic); err != nil {
		return err
	}
	if err := binary.Write(w, binary.LittleEndian, uint32(len(m.W))); err != nil {
		return err
	}
	if err := binary.Write(w, binary.LittleEndian, uint32(modelBits)); err != nil {
		return err
	}
	for _, ws := range m.W {
		if err := binary.Write(w, binary.LittleEndian, ws); err != nil {
			return err
		}
	}
	names := m.Names
	if names == nil {
		names = make([]float32, 1<<modelBits)
	}
	return binary.Write(w, binary.LittleEndian, names)
}

func defaultModel() *Model {
	if len(embeddedModel) < len(modelMagic) {
		return nil
	}
	m, err := LoadModel(bytes.NewReader(embeddedModel))
	if err != nil {
		return nil
	}
	return m
}

// unprofessionalAlone is the probability the model needs to raise
// UNPROFESSIONAL on its own, with no rule phrase in the text: clinical
// words ("how I treat obesity") must not be enough.
const unprofessionalAlone = 0.65

// personalAlone is the probability the model needs to raise
// PERSONAL_ACCOUNT_CLINICAL on its own: a personal account's hike or
// garden is no clinical content just because most personal-account
// posts in training were.
const personalAlone = 0.8

// relationshipAlone is the probability the model needs to raise
// RELATIONSHIP_CONFIRMED on its own, with no confirming phrase the rules
// know: a reply that only talks about care in general ("when your biopsy is
// back, your own doctor will walk you through it") or gives the practice's
// address to a five-star reviewer confirms no one.
const relationshipAlone = 0.7

// personalOwnLife is the probability the model needs to raise
// PERSONAL_ACCOUNT_CLINICAL on its own for a text about the author's own
// life with no clinical word in it ("Grandma Rosalind turned 97 today 🎂"):
// only a near-certain model calls that a clinical post ("Date night with
// the husband 🍝 After 3 codes this week I needed this").
const personalOwnLife = 0.97

// eligible reports whether finding type t can apply to the document at
// all; the model decides only within these bounds, and is trained on the
// eligible items of each type. MISINFORMATION stays with the curated claims.
func (d *doc) eligible(t chaperone.FindingType) bool {
	if !d.wordsCounted {
		d.wordsCounted = true
		for i := range d.toks {
			if d.toks[i].kind == tokWord {
				d.words++
			}
		}
	}
	if d.words < 3 {
		return false
	}
	switch t {
	case chaperone.FindingMisinformation, chaperone.FindingUndisclosedFinancial:
		return false // the curated claims and the maker-to-brand dictionary decide
	case chaperone.FindingRelationshipConfirmed:
		// with nothing to answer, only the rules' plain statements count
		return d.item.Channel.IsReply() && (d.item.Context != "" || d.item.Channel == chaperone.ChannelReviewReply)
	case chaperone.FindingIndividualAdvice:
		return d.item.Channel.IsReply() || d.cues(cueAdviceToPerson) || d.adviceStrong
	case chaperone.FindingPersonalAccountClinical:
		return d.item.Author.Account == chaperone.AccountPersonal
	case chaperone.FindingPatientStory, chaperone.FindingConsentNeeded:
		// a story needs someone in it: a patient cue, a person, an identifier;
		// a notice of the practice's own event or closing tells none, nor a
		// tribute to a colleague
		if d.aboutNoPatient || !(d.patientItem >= 0.4 || d.ptCue || len(d.spans) > 0 || d.cues(cueStoryStrong) || d.cues(cueStoryPerson) || d.cues(cueConsentImage) ||
			d.clinicalWord(true) && (d.cues(cueStoryTime) || d.cues(cueStoryEvent))) {
			return false
		}
		return !(d.patientItem < 0.5 && !d.ptCue && !d.cues(cueStoryStrong) && d.listIn("event_invite_cues", 0, len(d.lower)) || d.colleagueOnly())
	}
	return true
}

// colleagueOnly reports a text whose story is a colleague's: some sentence
// names a colleague by title or credential ("RIP Dr. Walter Fenwick, 93,
// who delivered half of Greene County"), and no other sentence holds a
// patient cue or a story cue. Called by eligible.
func (d *doc) colleagueOnly() bool {
	titled := false
	for s := range d.sents {
		titled = titled || d.sents[s].byTitle
	}
	if !titled {
		return false // most texts: no colleague named by title, nothing to read
	}
	any := false
	for i := 0; i < len(d.toks); i++ {
		s := d.sent[i]
		first := i
		a, b := d.sentenceBounds(i)
		for i+1 < len(d.toks) && d.sent[i+1] == s {
			i++
		}
		ages := false // "Dr. Patel and I just finished a Whipple on a 67yo grandfather"
		for k := first; k <= i; k++ {
			ages = ages || isAgeToken(d.toks[k].lower)
		}
		// "Thank you Dr. Amadi for saving my leg!" is a patient's
		if d.sents[s].byTitle && d.sents[s].staff && d.sents[s].patient < 0.8 && !d.sents[s].person && !ages && !d.bodyOrTermIn(first, i+1) {
			any = true
			continue
		}
		if d.sents[s].patient >= 0.4 || d.clinicalWordIn(first, i+1, false) || d.cuesAt(cueStoryStrong, a, b) || d.cuesAt(cueStoryPerson, a, b) || d.cuesAt(cueStoryEvent, a, b) {
			return false
		}
	}
	return any
}

// prob returns the model's probability for finding type index t.
func (m *Model) prob(t int, feats []uint32) float64 {
	w := m.W[t]
	z := float64(w[0])
	for _, f := range feats {
		z += float64(w[f])
	}
	return 1 / (1 + math.Exp(-z))
}

func hashFeature(s string) uint32 { return fnv1a(s) }

// modelCues are the cue lists whose firing is a model feature: those the
// rules evaluate anyway, so the model costs little more than the rules.
var modelCues = []cueName{cueStoryStrong, cueStoryPerson, cueStoryTime, cueStoryEvent, cueStoryHypothetical,
	cueUnprofessional, cueConsentImage}

// replyCues are model features for replies only, read on the text and on
// the context being answered.
var replyCues = []cueName{cueRelationshipConfirm, cueAdviceDirective, cueAdvicePersonalQuestion, cuePrivacyTemplate}

// fnv1a hashes the concatenation of parts without building it (FNV-1a,
// the same as hash/fnv over the joined string).
func fnv1a(parts ...string) uint32 {
	h := uint32(fnvBasis)
	for _, p := range parts {
		h = fnvMore(h, p)
	}
	return fnvFeature(h)
}

// FNV-1a's offset basis and prime (32 bits).
const (
	fnvBasis = 2166136261
	fnvPrime = 16777619
)

// fnvMore continues the FNV-1a hash h with the bytes of s.
func fnvMore(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

// fnvFeature turns an FNV-1a hash into a feature index, as fnv1a does.
func fnvFeature(h uint32) uint32 {
	v := h & (1<<modelBits - 1)
	if v == 0 {
		v = 1
	}
	return v
}

// featureWord returns the word a token stands for in the model's unigram
// and bigram features (numbers, handles and symbols by their class), or
// false for punctuation that breaks the bigram chain. Used by features.
func featureWord(t *token) (string, bool) {
	switch t.kind {
	case tokNumber:
		return "<num>", true
	case tokHandle:
		return "<handle>", true
	case tokSymbol:
		return "<sym>", true
	case tokPunct:
		if t.text != "?" && t.text != "!" && t.text != "\"" && t.text != "'" {
			return "", false
		}
	}
	return t.lower, true
}

// features returns the hashed features of a screened document.
func (d *doc) features() []uint32 {
	out := make([]uint32, 0, 2*len(d.toks)+32)
	add := func(parts ...string) { out = append(out, fnv1a(parts...)) }
	add("ch:", string(d.item.Channel))
	add("acct:", string(d.item.Author.Account))
	if len(d.item.Author.Relationships) > 0 {
		add("rel:yes")
	}
	if d.item.Context != "" {
		add("ctx:yes")
	}
	// the unigrams "w:"+w and bigrams "b:"+prev+"_"+w, as add would hash
	// them: the hashes of "w:"+w, of the bigram and of the next bigram's
	// "b:"+w+"_" go through w together, which the processor overlaps
	hW := fnvMore(fnvBasis, "w:")
	hB := fnvMore(fnvBasis, "b:")
	afterPunct := fnvMore(fnvMore(hB, "<p>"), "_")
	prev := fnvMore(fnvMore(hB, "<s>"), "_") // "b:"+prev+"_" hashed
	for i := range d.toks {
		w, ok := featureWord(&d.toks[i])
		if !ok {
			prev = afterPunct
			continue
		}
		uni, bi, next := hW, prev, hB
		for k := 0; k < len(w); k++ {
			c := uint32(w[k])
			uni = (uni ^ c) * fnvPrime
			bi = (bi ^ c) * fnvPrime
			next = (next ^ c) * fnvPrime
		}
		out = append(out, fnvFeature(uni), fnvFeature(bi))
		prev = (next ^ '_') * fnvPrime
	}
	for i := range d.ctx {
		if d.ctx[i].kind == tokWord {
			add("c:", d.ctx[i].lower)
		}
	}
	for _, c := range modelCues {
		if d.cues(c) {
			add("cue:", cueNames[c])
		}
	}
	if d.item.Channel.IsReply() {
		for _, c := range replyCues {
			if d.cues(c) || c == cueRelationshipConfirm && !d.answersOwnQuestion() && d.cues(cueRelationshipYourCare) {
				add("cue:", cueNames[c])
			}
			if d.item.Context != "" && d.cuesIn(c, d.ctxLower) {
				add("ccue:", cueNames[c])
			}
		}
	}
	if d.ptCue {
		add("cue:pt")
	}
	if d.hypothetical {
		add("cue:hypothetical")
	}
	if d.confirmed {
		add("cue:confirmed")
	}
	for _, s := range d.spans {
		add("span:", string(s.Type))
	}
	if len(d.spans) > 0 {
		add("span:any")
	}
	for _, f := range d.findings {
		add("rule:", string(f.Type))
	}
	return out
}

// applyModel replaces the rule findings of the modelled types by the
// model's decisions, keeping each rule finding's explanation where the
// model agrees and writing one from the rule's metadata where it adds one.
func (d *doc) applyModel(m *Model) {
	feats := d.features()
	keep := d.findings[:0]
	ruleOf := map[chaperone.FindingType]chaperone.Finding{}
	for _, f := range d.findings {
		if f.Type == chaperone.FindingPHI {
			keep = append(keep, f)
			continue
		}
		if _, ok := ruleOf[f.Type]; !ok {
			ruleOf[f.Type] = f
		}
	}
	for ti, t := range modelTypes {
		if !d.eligible(t) {
			if f, ok := ruleOf[t]; ok && (t == chaperone.FindingMisinformation || t == chaperone.FindingUndisclosedFinancial || t == chaperone.FindingRelationshipConfirmed) {
				keep = append(keep, f)
			}
			continue
		}
		p := m.prob(ti, feats)
		if _, ok := ruleOf[t]; ok && t == chaperone.FindingUnprofessional {
			p = max(p, 0.5) // a listed demeaning phrase stands whatever the words around it
		}
		if _, ok := ruleOf[t]; ok && t == chaperone.FindingIndividualAdvice && (d.cues(cueAdviceToPerson) || d.adviceStrong) {
			p = max(p, 0.5) // advice addressed to one person in so many words stands
		}
		if _, ok := ruleOf[t]; ok && t == chaperone.FindingRelationshipConfirmed && (relationshipUnion || d.explicitConfirm) {
			p = max(p, 0.5) // an explicit confirming phrase stands: a missed confirmation is a leak
		}
		if t == chaperone.FindingConsentNeeded && !hasType(keep, chaperone.FindingPatientStory) && !hasType(keep, chaperone.FindingPHI) {
			p = 0
		}
		if t == chaperone.FindingPatientStory && d.hypothetical && !d.ptCue {
			p -= 0.15 // a case told as hypothetical needs a surer model: "Hypothetical: a 62-year-old smoker asks …"
			if containsAny(d.lower, d.e.rules.list("fiction_cues")) {
				p = 0 // and one said to be made up ("Teaching vignette (fictional): …") is no one's
			}
		}
		if p < 0.5 {
			continue
		}
		if _, ok := ruleOf[t]; !ok && t == chaperone.FindingPersonalAccountClinical && (p < personalAlone || p < personalOwnLife && d.aboutNoPatient && !d.clinicalWord(false)) {
			continue
		}
		if _, ok := ruleOf[t]; !ok && t == chaperone.FindingRelationshipConfirmed && (d.sympathyOnly() || prospectRe.matchAnywhere(d.ctxLower) || ownDoctorRe.matchAnywhere(d.lower) || d.ctxListIn("practice_news_cues")) {
			continue // "sending love to your family 💔", an answer to "are you taking new patients?", "your own doctor will walk you through it", a cheer under "Our hospital just earned Magnet designation"
		}
		if _, ok := ruleOf[t]; !ok && t == chaperone.FindingRelationshipConfirmed && p < relationshipAlone {
			continue // without a rule's confirming phrase, only a confident model confirms care: a miss leaks, a false one blocks
		}
		if _, ok := ruleOf[t]; !ok && t == chaperone.FindingUnprofessional && p < unprofessionalAlone {
			continue // without a rule's phrase, only a confident model calls a post unprofessional
		}
		if f, ok := ruleOf[t]; ok {
			f.Score = round2(p)
			keep = append(keep, f)
			continue
		}
		r := d.e.ruleForType(t)
		if r == nil {
			continue
		}
		keep = append(keep, chaperone.Finding{Rule: r.ID, Type: t, Score: round2(p), Reason: r.Reason, Cite: r.Cite})
	}
	d.findings = keep
}

// ruleForType returns the enabled built-in rule that reports type t.
func (e *Engine) ruleForType(t chaperone.FindingType) *Rule {
	for _, r := range e.rules.rules {
		if r.On() && r.Kind == KindRecognizer && r.Type == string(t) {
			return r
		}
	}
	return nil
}

// Example is one labelled item for training the model.
type TrainItem struct {
	Item     chaperone.Item
	Findings []chaperone.FindingType
	Spans    []chaperone.Span // gold spans (start, end, type)
}

// TrainModel fits the finding model on labelled items: L2-regularised
// logistic regression by AdaGrad, one model per finding type. Callers:
// cmd/train, and tests.
func (e *Engine) TrainModel(items []TrainItem, epochs int, l2 float64) *Model {
	feats := make([][]uint32, len(items))
	elig := make([][]bool, len(items))
	saved := e.model
	e.model = nil // features come from the rules alone
	var nameX [][]uint32
	var nameY []float64
	for i, it := range items {
		d := e.newDoc(it.Item)
		d.collect = true
		d.readContext()
		d.findSpans()
		d.itemFindings(d.resolve())
		feats[i] = d.features()
		elig[i] = make([]bool, len(modelTypes))
		for ti, t := range modelTypes {
			elig[i][ti] = d.eligible(t)
		}
		for _, c := range d.nameCands {
			y := 0.0
			for _, s := range it.Spans {
				if s.Type == chaperone.SpanName && c.start < s.End && s.Start < c.end {
					y = 1
				}
			}
			x := make([]uint32, len(c.feats))
			for k, f := range c.feats {
				x[k] = hashFeature(f)
			}
			nameX = append(nameX, x)
			nameY = append(nameY, y)
		}
	}
	e.model = saved
	m0 := &Model{Names: fitLogistic(nameX, nameY, nil, epochs, l2)}
	m := &Model{W: make([][]float32, len(modelTypes)), Names: m0.Names}
	for ti, t := range modelTypes {
		w := make([]float64, 1<<modelBits)
		g2 := make([]float64, 1<<modelBits)
		y := make([]float64, len(items))
		for i, it := range items {
			for _, f := range it.Findings {
				if f == t {
					y[i] = 1
				}
			}
		}
		const lr = 0.3
		for ep := 0; ep < epochs; ep++ {
			for i := range items {
				if !elig[i][ti] {
					continue
				}
				z := w[0]
				for _, f := range feats[i] {
					z += w[f]
				}
				p := 1 / (1 + math.Exp(-z))
				g := p - y[i]
				upd := func(k uint32, grad float64) {
					g2[k] += grad * grad
					w[k] -= lr * grad / (math.Sqrt(g2[k]) + 1e-8)
				}
				upd(0, g)
				for _, f := range feats[i] {
					upd(f, g+l2*w[f])
				}
			}
		}
		m.W[ti] = make([]float32, len(w))
		for k, v := range w {
			m.W[ti][k] = float32(v)
		}
	}
	return m
}

func hasType(fs []chaperone.Finding, t chaperone.FindingType) bool {
	for _, f := range fs {
		if f.Type == t {
			return true
		}
	}
	return false
}

var _ = strings.Contains

// fitLogistic fits L2-regularised logistic regression by AdaGrad over
// hashed features; rows where use is false are skipped.
func fitLogistic(x [][]uint32, y []float64, use []bool, epochs int, l2 float64) []float32 {
	w := make([]float64, 1<<modelBits)
	g2 := make([]float64, 1<<modelBits)
	const lr = 0.3
	for ep := 0; ep < epochs; ep++ {
		for i := range x {
			if use != nil && !use[i] {
				continue
			}
			z := w[0]
			for _, f := range x[i] {
				z += w[f]
			}
			g := 1/(1+math.Exp(-z)) - y[i]
			g2[0] += g * g
			w[0] -= lr * g / (math.Sqrt(g2[0]) + 1e-8)
			for _, f := range x[i] {
				gf := g + l2*w[f]
				g2[f] += gf * gf
				w[f] -= lr * gf / (math.Sqrt(g2[f]) + 1e-8)
			}
		}
	}
	out := make([]float32, len(w))
	for k, v := range w {
		out[k] = float32(v)
	}
	return out
}

// relationshipUnion keeps the rules' RELATIONSHIP_CONFIRMED even when the
// model doubts it: a missed confirmation is a leak.
var relationshipUnion = false

// sympathyRe matches a short reply that only sends sympathy or good
// wishes: "Sending love to your family. 💔", "so sorry for your loss 🙏".
var sympathyRe = mustLazyRegexp(`^\W*(?:sending (?:love|hugs|prayers|strength|peace)|so sorry for your loss|(?:our|my) (?:deepest |sincere |heartfelt )?(?:condolences|sympathies)|praying for (?:you|your)|thinking of (?:you|your))[^0-9]{0,60}$`)

// sympathyOnly reports a reply that only sends sympathy: the model may
// not confirm a relationship in it alone. Called by applyModel.
func (d *doc) sympathyOnly() bool {
	return len(d.text) < 90 && sympathyRe.matchAnywhere(d.lower)
}

// prospectRe matches a question from someone who is not yet a patient:
// "Are you taking new patients?", "do you accept Medicaid?". The model
// may not confirm a relationship alone in the answer.
var prospectRe = mustLazyRegexp(`\b(?:taking|accepting) new (?:patients|clients)\b|\bdo you (?:take|accept) (?:[a-z]+ )?(?:insurance|medicaid|medicare|tricare|walk-?ins|kids|children|new)\b`)

// ownDoctorRe sends the person to their own clinician: the reply is not
// their care team's, so only a rule's confirming phrase confirms care.
var ownDoctorRe = mustLazyRegexp(`\byour own (?:doctor|doc|provider|physician|dentist|clinician|care team|gp|pcp|pediatrician|ob|obgyn|therapist|prescriber|pharmacist)\b`)

// commonWord reports a common English word (SCOWL level 35 or below).
func (d *doc) commonWord(w string) bool {
	lvl, ok := d.e.lex.WordLevel(w)
	return ok && lvl <= 35
}

// clinicalWord reports a clinical term, body part, injury, clinical event
// or drug in the text: with a time or an event ("Third forklift injury
// this month", "finally let me look at that mole"), the model may judge
// whether a patient's story is told. Called by eligible, and by
// readContext with commonDrugs false, where a brand that is a common word
// ("Today") is no clinical word.
func (d *doc) clinicalWord(commonDrugs bool) bool {
	return d.clinicalWordIn(0, len(d.toks), commonDrugs)
}

// clinicalTermWord reports a clinical term, body part, injury or condition:
// the clinical words but for events ("died") and drugs. m holds the lists
// of w.
func (d *doc) clinicalTermWord(m listMask, w string) bool {
	return m.has(lsClinicalTerms) || m.has(lsBodyParts) || m.has(lsInjuryTerms) || d.e.lex.Condition(w)
}

// bodyOrTermIn reports a clinicalTermWord among tokens [a, b).
func (d *doc) bodyOrTermIn(a, b int) bool {
	masks := d.tokLists()
	for i := a; i < b; i++ {
		if d.clinicalTermWord(masks[i], d.toks[i].lower) {
			return true
		}
	}
	return false
}

// clinicalWordIn is clinicalWord over tokens [a, b).
func (d *doc) clinicalWordIn(a, b int, commonDrugs bool) bool {
	masks := d.tokLists()
	for i := a; i < b; i++ {
		m, w := masks[i], d.toks[i].lower
		if d.clinicalTermWord(m, w) || m.has(lsClinicalEvents) || len(w) > 4 && d.e.lex.Drug(w) && (commonDrugs || !d.commonWord(w)) {
			return true
		}
	}
	return false
}
