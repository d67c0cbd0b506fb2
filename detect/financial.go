package detect

import (
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

func init() { registerFinding("financial-undisclosed", (*doc).findFinancial) }

// findFinancial raises UNDISCLOSED_FINANCIAL when the text discusses a
// product or company the author has a declared relationship with (brands
// count for their maker: CeraVe is L'Oréal's) and carries no disclosure.
func (d *doc) findFinancial(r *Rule) {
	rels := d.item.Author.Relationships
	if len(rels) == 0 || d.cues(cueDisclosure) {
		return
	}
	// a promo code or affiliate link for a declared relationship
	if containsAny(d.lower, d.e.rules.list("promo_cues")) {
		d.addFinding(r, r.ScoreOr(0.8), "")
		return
	}
	lex := d.e.lex
	var makers []string
	var relWords []string
	for _, rel := range rels {
		// "L'Oréal (CeraVe)": the maker and, in brackets, a brand
		name, inner := rel, ""
		if k := strings.IndexByte(rel, '('); k > 0 {
			name, inner = strings.TrimSpace(rel[:k]), strings.Trim(rel[k:], "() ")
		}
		for _, n := range []string{name, inner} {
			if n == "" {
				continue
			}
			relWords = append(relWords, strings.ToLower(n))
			if w := d.distinctiveWord(n); w != "" {
				relWords = append(relWords, w) // "ZOLL Medical" is named "ZOLL"
			}
			if m, ok := lex.CanonicalMaker(n); ok {
				makers = append(makers, m)
			}
		}
	}
	related := func(brand string) bool {
		for _, bm := range lex.MakersOf(brand) {
			for _, m := range makers {
				if lex.Related(bm, m) {
					return true
				}
			}
		}
		return false
	}
	hit := ""
	found := d.e.brand.find(d)
	for _, t := range d.toks {
		// a brand in the plural, "two EpiPens": the range of its singular
		if n := len(t.lower); n > 4 && t.kind == tokWord && t.lower[n-1] == 's' && !d.e.brand.has(t.lower) && d.e.brand.has(t.lower[:n-1]) {
			found = append(found, [2]int{t.start, t.end - 1})
		}
	}
	text := d.text
	if d.item.Channel.IsReply() && len(d.ctx) > 0 {
		// a reply about a product named in the question discusses it too
		cd := &doc{e: d.e, text: d.item.Context, lower: d.ctxLower, toks: d.ctx}
		for _, p := range d.e.brand.find(cd) {
			b := strings.ToLower(d.item.Context[p[0]:p[1]])
			if related(b) && len(d.toks) > 8 {
				hit = b
			}
		}
	}
	for _, p := range found {
		b := strings.ToLower(text[p[0]:p[1]])
		if lex.BrandIsCommonWord(b) && !d.toks[d.tokAt(p[0])].cap {
			continue
		}
		if related(b) {
			hit = b
			break
		}
	}
	if hit == "" {
		for _, w := range relWords {
			if len(w) >= 3 && containsWord(d.lower, w) {
				hit = w
				break
			}
		}
	}
	if hit == "" {
		hit = d.handleOf(relWords)
	}
	if hit == "" {
		return
	}
	d.addFinding(r, r.ScoreOr(0.8), "")
}

// handleOf returns the first handle or hashtag of the text that names one
// of the companies: "@hims" or "#HimsAndHers" for "Hims & Hers", "@zimmerbiomet"
// for "Zimmer Biomet". A handle may be the whole name run together or its
// first word of four letters or more.
func (d *doc) handleOf(companies []string) string {
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokHandle && t.kind != tokHashtag {
			continue
		}
		h := strings.TrimLeft(t.lower, "@#")
		if k := strings.IndexByte(h, '@'); k > 0 {
			h = h[:k]
		}
		h = strings.NewReplacer("_", "", ".", "", "-", "").Replace(h)
		for _, c := range companies {
			words := strings.FieldsFunc(c, func(r rune) bool { return !isWordRune(r) })
			if len(words) == 0 {
				continue
			}
			joined := strings.Join(words, "")
			if h == joined || strings.ReplaceAll(h, "and", "") == strings.ReplaceAll(joined, "and", "") || len(words[0]) >= 4 && h == words[0] {
				return c
			}
		}
	}
	return ""
}

// corporateWords are the generic words of company names.
var corporateWords = map[string]bool{"medical": true, "health": true, "healthcare": true, "brands": true, "pharma": true,
	"pharmaceuticals": true, "labs": true, "laboratories": true, "inc": true, "group": true, "company": true, "co": true,
	"corporation": true, "corp": true, "the": true, "scientific": true, "technologies": true, "technology": true,
	"therapeutics": true, "sciences": true, "international": true, "global": true, "holdings": true, "llc": true}

// distinctiveWord returns the first word of a company's name when it is
// the company's own and no common word, town or first name ("zoll" of
// "ZOLL Medical", "hims" of "Hims & Hers", "colgate" of
// "Colgate-Palmolive"; none of "Boston Scientific"), or "".
func (d *doc) distinctiveWord(name string) string {
	f := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == ' ' || r == '-' || r == '&' || r == ',' })
	if len(f) < 2 || len(f[0]) < 4 || corporateWords[f[0]] {
		return ""
	}
	w := f[0]
	lex := d.e.lex
	if lvl, ok := lex.WordLevel(w); ok && lvl <= 60 {
		return ""
	}
	if _, _, city := lex.City(w); city || lex.State(w) {
		return ""
	}
	if n, _, ok := lex.FirstName(w); ok && n >= 1000 {
		return ""
	}
	return w
}

// containsWord reports whether w occurs in s between word boundaries.
func containsWord(s, w string) bool { return wordIndex(s, w, 0) >= 0 }

// wordIndex returns the offset of the first occurrence of w in s, at or
// after from, that stands between word boundaries, or -1.
func wordIndex(s, w string, from int) int {
	for off := from; off <= len(s); {
		k := strings.Index(s[off:], w)
		if k < 0 {
			return -1
		}
		a, b := off+k, off+k+len(w)
		if (a == 0 || !isAlnum(s[a-1])) && (b == len(s) || !isAlnum(s[b])) {
			return a
		}
		off = a + 1
	}
	return -1
}

var _ = chaperone.FindingUndisclosedFinancial
