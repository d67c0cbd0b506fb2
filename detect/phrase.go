package detect

import "strings"

// phraseIndex finds multi-word dictionary phrases (brands) in a document's
// tokens: a map from the first word to the phrases it starts, longest
// first.
type phraseIndex struct {
	first map[string][][]string
	words map[string]bool
}

func newPhraseIndex(phrases []string) *phraseIndex {
	p := &phraseIndex{first: map[string][][]string{}, words: map[string]bool{}}
	for _, ph := range phrases {
		ws := strings.Fields(strings.ToLower(ph))
		if len(ws) == 0 {
			continue
		}
		if len(ws) == 1 {
			p.words[ws[0]] = true
		}
		p.first[ws[0]] = append(p.first[ws[0]], ws)
	}
	for k, v := range p.first {
		// longest first
		for i := 1; i < len(v); i++ {
			for j := i; j > 0 && len(v[j]) > len(v[j-1]); j-- {
				v[j], v[j-1] = v[j-1], v[j]
			}
		}
		p.first[k] = v
	}
	return p
}

// has reports a one-word phrase.
func (p *phraseIndex) has(w string) bool { return p.words[w] }

// find returns the byte ranges of phrases in the document, leftmost-longest.
// p must be the document's engine's brand index: the token masks
// (doc.tokLists) mark the first words of its phrases.
func (p *phraseIndex) find(d *doc) [][2]int {
	var out [][2]int
	masks := d.tokLists()
	for i := 0; i < len(d.toks); i++ {
		t := &d.toks[i]
		w := t.lower
		var cands [][]string
		switch {
		case t.kind == tokHashtag || t.kind == tokHandle:
			cands = p.first[w[1:]]
		case masks[i].has(brandStart): // else no phrase starts with w
			cands = p.first[w]
		}
	next:
		for _, ph := range cands {
			j := i
			for k := 1; k < len(ph); k++ {
				j++
				for j < len(d.toks) && d.toks[j].kind == tokPunct && d.toks[j].text == "-" {
					j++
				}
				if j >= len(d.toks) || d.toks[j].lower != ph[k] {
					continue next
				}
			}
			out = append(out, [2]int{t.start, d.toks[j].end})
			i = j
			break
		}
	}
	return out
}
