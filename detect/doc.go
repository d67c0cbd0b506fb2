package detect

import (
	"strings"
	"sync"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
)

// doc is one item being screened: the text, its tokens and what the
// recognizers have found so far. It lives for one Screen call.
type doc struct {
	e     *Engine
	item  chaperone.Item
	text  string
	lower string
	toks  []token
	sent  []int      // sentence index of each token
	masks []listMask // word lists holding each token's lower-cased text (tokLists)
	bufs  *docBufs   // where toks, ctx, sent, masks, sents, cand and findCand live (release)
	// ctx holds the tokens of item.Context, for replies.
	ctx      []token
	ctxLower string

	cands    []cand
	spans    []chaperone.Span
	findings []chaperone.Finding

	// what the context analysis found
	sents       []sentCtx // by sentence index (d.sent); empty until readContext
	patientItem float64   // item-level strength of patient cues
	// hypothetical is set for teaching cases, simulations and made-up
	// examples; confirmed for replies that confirm a relationship.
	hypothetical bool
	// aboutNoPatient is set for a text about the author's own life
	// (ownLifeCue), medicine's history or the news (publicCue) with no patient in
	// any sentence: its people, places and dates are no patient's, and it
	// tells no patient's story.
	aboutNoPatient bool
	namedSubject   bool // a sentence opens with a given name that did something ("Sandy came in today with her first loose tooth")
	confirmed      bool
	ptCue          bool // "pt", "my pt's": clinicians' shorthand for a patient
	adviceStrong   bool // findAdvice: advice on someone's own symptoms, in so many words

	replyChecked, replyResult bool     // replyConfirms, computed once
	addressees                [][2]int // names a reply addresses that nameRole left out as strangers
	greeted                   [][2]int // names nameRole left out as colleagues because a greeting made their sentence a staff one
	explicitConfirm           bool     // a confirming phrase, not only a clinical word

	collect   bool       // training: record name candidates' features
	nameCands []nameCand // recorded name candidates

	textHits     *litHits       // prefilter literals found in lower
	ctxFound     *litHits       // prefilter literals found in the context (ctxHits)
	risky        bool           // see foldRisk: no anchored regexes
	cand         []int          // scratch for matchAt
	findCand     []int          // scratch for findAllAt
	windows      *[]digitWindow // byte windows around digit runs
	digits       int            // ASCII digits in the text, with windows
	brands       *[][2]int      // brand names in the text
	labelsFound  *[][2]int      // identifier labels in the text (textLabels)
	deob         *deobText      // the text with written-out address markers replaced (deobfuscated)
	cueState     []int8         // by cue list id (ruleSet.cueIDs): 0 not computed, 1 matched, -1 not
	words        int            // word tokens, counted by eligible once
	wordsCounted bool           // words is set
}

// release returns the document's prefilter tables to the engine's pool,
// and its token tables to docPool; Screen calls it when done with the
// document, which must not be used after.
func (d *doc) release() {
	d.e.pre.putHits(d.textHits)
	d.e.pre.putHits(d.ctxFound)
	d.textHits, d.ctxFound = nil, nil
	if b := d.bufs; b != nil {
		// cleared, so that the pool holds no text
		clear(d.toks)
		clear(d.ctx)
		b.toks, b.sent = d.toks[:0], d.sent[:0]
		if d.ctx != nil {
			b.ctx = d.ctx[:0]
		}
		if d.masks != nil {
			b.masks = d.masks[:0]
		}
		if d.sents != nil {
			b.sents = d.sents[:0]
		}
		b.cand, b.findCand = d.cand[:0], d.findCand[:0]
		d.toks, d.ctx, d.sent, d.masks, d.sents, d.bufs = nil, nil, nil, nil, nil, nil
		d.cand, d.findCand = nil, nil
		docPool.Put(b)
	}
}

// docBufs are a document's token tables and the scratch of its anchored
// regexes (doc.cand, doc.findCand), reused by later documents.
type docBufs struct {
	toks, ctx      []token
	sent           []int
	masks          []listMask
	sents          []sentCtx
	cand, findCand []int
}

// sentCtx is what readContext found in one sentence of a document; the
// span recognizers read it through patientIn, staffIn and personIn.
type sentCtx struct {
	patient float64 // strength of patient cues
	scored  bool    // patient was set: the notes channel raises these to 1
	staff   bool    // about colleagues or the practice
	person  bool    // names one person by a noun ("a freshman"), not a group
	byTitle bool    // a staff sentence that names a doctor (readContext)
	event   int8    // tells an event (story_event cues): 0 not computed, 1 yes, -1 no (readContext)
}

// patientIn returns the strength of patient cues in sentence s (0 before
// readContext).
func (d *doc) patientIn(s int) float64 {
	if s < len(d.sents) {
		return d.sents[s].patient
	}
	return 0
}

// staffIn reports sentence s to be about colleagues or the practice.
func (d *doc) staffIn(s int) bool { return s < len(d.sents) && d.sents[s].staff }

// personIn reports sentence s to name one person by a noun, not a group.
func (d *doc) personIn(s int) bool { return s < len(d.sents) && d.sents[s].person }

// docPool holds docBufs for newDoc.
var docPool sync.Pool

// cand is a candidate span before overlaps are resolved.
type cand struct {
	start, end int
	typ        chaperone.SpanType
	rule       string
	score      float64
}

func (d *doc) add(start, end int, typ chaperone.SpanType, rule string, score float64) {
	if start < 0 || end > len(d.text) || start >= end {
		return
	}
	d.cands = append(d.cands, cand{start, end, typ, rule, score})
}

// word returns the lower-cased word at token index i, or "" out of range.
func (d *doc) word(i int) string {
	if i < 0 || i >= len(d.toks) {
		return ""
	}
	return d.toks[i].lower
}

// tokAt returns the index of the first token starting at or after byte off.
func (d *doc) tokAt(off int) int {
	lo, hi := 0, len(d.toks)
	for lo < hi {
		m := (lo + hi) / 2
		if d.toks[m].start < off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// tokBefore returns the index of the last token ending at or before off.
func (d *doc) tokBefore(off int) int {
	i := d.tokAt(off) - 1
	for i >= 0 && d.toks[i].end > off {
		i--
	}
	return i
}

// prevWords returns up to n lower-cased word tokens before token i, nearest
// first, skipping punctuation other than sentence ends; it appends them to
// buf[:0] (a caller's array keeps them off the heap).
func (d *doc) prevWords(buf []string, i, n int) []string {
	out := buf[:0]
	for j := i - 1; j >= 0 && len(out) < n; j-- {
		t := &d.toks[j]
		if t.kind == tokSymbol || t.kind == tokPunct && (t.text == "." || t.text == "!" || t.text == "?" || t.text == ":" || t.text == "|" || t.text == "—") {
			if !(t.text == "." && j > 0 && isAbbrevWord(d.toks[j-1].lower)) {
				break
			}
			continue
		}
		if t.kind == tokWord || t.kind == tokNumber {
			out = append(out, d.possWord(j))
		}
	}
	return out
}

// possWord returns the word at token j, with a possessive "'s" that
// follows it re-attached ("pt" + "'" + "s" gives "pt's").
func (d *doc) possWord(j int) string {
	if j+2 < len(d.toks) && (d.toks[j+1].text == "'" || d.toks[j+1].text == "’") && d.toks[j+2].lower == "s" && d.toks[j+1].start == d.toks[j].end {
		return d.toks[j].lower + "'s"
	}
	return d.toks[j].lower
}

// prevWord returns the word before token i, skipping a possessive "'s":
// for "pt's wife" at "wife" it returns "pt's".
func (d *doc) prevWord(i int) string {
	j := i - 1
	if j >= 2 && d.toks[j].lower == "s" && (d.toks[j-1].text == "'" || d.toks[j-1].text == "’") {
		return d.toks[j-2].lower + "'s"
	}
	if j >= 0 && d.toks[j].kind == tokPunct && d.toks[j].text == "." && j > 0 {
		return d.toks[j-1].lower
	}
	return d.word(j)
}

func isAbbrevWord(w string) bool {
	switch w {
	case "mr", "mrs", "ms", "dr", "st", "jr", "sr", "mt", "no", "vs", "lic", "acct", "ext", "rm", "pt":
		return true
	}
	return false
}

// nextWords returns up to n lower-cased word tokens after token i,
// appended to buf[:0].
func (d *doc) nextWords(buf []string, i, n int) []string {
	out := buf[:0]
	for j := i + 1; j < len(d.toks) && len(out) < n; j++ {
		t := &d.toks[j]
		if t.kind == tokPunct && (t.text == "." || t.text == "!" || t.text == "?") {
			break
		}
		if t.kind == tokWord || t.kind == tokNumber {
			out = append(out, t.lower)
		}
	}
	return out
}

// lowerText returns strings.ToLower(d.text[a:b]): for ASCII text, the
// slice of the lower-cased text (no new string).
func (d *doc) lowerText(a, b int) string {
	for i := a; i < b; i++ {
		if d.text[i] >= utf8.RuneSelf {
			return strings.ToLower(d.text[a:b])
		}
	}
	return d.lower[a:b]
}

// textBefore returns up to n bytes of lower-cased text before off.
func (d *doc) textBefore(off, n int) string {
	s := off - n
	if s < 0 {
		s = 0
	}
	for s > 0 && s < len(d.lower) && d.lower[s]&0xC0 == 0x80 {
		s--
	}
	return d.lower[s:off]
}

// textAfter returns up to n bytes of lower-cased text after off.
func (d *doc) textAfter(off, n int) string {
	e := off + n
	if e > len(d.lower) {
		e = len(d.lower)
	}
	for e < len(d.lower) && d.lower[e]&0xC0 == 0x80 {
		e++
	}
	return d.lower[off:e]
}

// sentenceBounds returns the byte range of the sentence holding token i.
func (d *doc) sentenceBounds(i int) (int, int) {
	s := d.sent[i]
	a, b := i, i
	for a > 0 && d.sent[a-1] == s {
		a--
	}
	for b+1 < len(d.toks) && d.sent[b+1] == s {
		b++
	}
	return d.toks[a].start, d.toks[b].end
}

// sentenceAt returns the lower-cased sentence holding the byte offset.
func (d *doc) sentenceAt(off int) string {
	a, b := d.sentenceRange(off)
	return d.lower[a:b]
}

// sentenceRange returns the byte range of the sentence holding the byte
// offset (0, 0 without tokens).
func (d *doc) sentenceRange(off int) (int, int) {
	if len(d.toks) == 0 {
		return 0, 0
	}
	i := d.tokAt(off)
	if i >= len(d.toks) {
		i = len(d.toks) - 1
	}
	return d.sentenceBounds(i)
}

// listIn reports whether lower[a:b] contains one of the strings of the
// named word list, as containsAny does, answered from the prefilter's
// occurrences for the lists in listLits.
func (d *doc) listIn(name string, a, b int) bool {
	ids, ok := d.e.rules.listLits[name]
	if !ok {
		return containsAny(d.lower[a:b], d.e.rules.list(name))
	}
	h := d.hits()
	present := h.groups[d.e.rules.listGroups[name]] // a string of the list occurs in the text
	if !present || a == 0 && b == len(d.lower) {
		return present
	}
	for _, id := range ids {
		n := int32(len(d.e.pre.lits[id]))
		for k := h.head[id]; k != 0; k = h.occ[k-1].next {
			e := h.occ[k-1].end
			if int(e) > b {
				break
			}
			if int(e-n) >= a {
				return true
			}
		}
	}
	return false
}

// cueIn reports whether lower[a:b] holds one of the strings of the named
// word list as containsCue finds them (not right after a letter or digit,
// unless the string starts with neither), answered from the prefilter's
// occurrences for the lists in listLits.
func (d *doc) cueIn(name string, a, b int) bool {
	ids, ok := d.e.rules.listLits[name]
	if !ok {
		return containsCue(d.lower[a:b], d.e.rules.list(name))
	}
	h := d.hits()
	if !h.groups[d.e.rules.listGroups[name]] {
		return false
	}
	for _, id := range ids {
		lit := d.e.pre.lits[id]
		for k := h.head[id]; k != 0; k = h.occ[k-1].next {
			e := int(h.occ[k-1].end)
			if e > b {
				break
			}
			at := e - len(lit)
			if at >= a && (at == a || !isAlnum(d.lower[at-1]) || !isAlnum(lit[0])) {
				return true
			}
		}
	}
	return false
}

// ctxListIn reports whether the context contains one of the strings of
// the named word list, as containsAny does.
func (d *doc) ctxListIn(name string) bool {
	if _, ok := d.e.rules.listLits[name]; !ok {
		return containsAny(d.ctxLower, d.e.rules.list(name))
	}
	return d.ctxHits().groups[d.e.rules.listGroups[name]]
}

// hasAny reports whether any of the words is in set.
func hasAny(words []string, set map[string]bool) bool {
	for _, w := range words {
		if set[w] {
			return true
		}
	}
	return false
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// patientNear reports the strength of patient cues in the sentence of the
// token at index i.
func (d *doc) patientNear(i int) float64 {
	if i < 0 || i >= len(d.toks) {
		return d.patientItem
	}
	return d.patientIn(d.sent[i])
}
