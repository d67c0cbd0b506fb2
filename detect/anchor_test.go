package detect

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
)

// anchorEdgeItems put start words at the text's edges, inside other words,
// after marks and capitals, and fold variants the prefilter cannot see.
var anchorEdgeItems = []chaperone.Item{
	{ID: "edge-1", Text: "my pt"},
	{ID: "edge-2", Text: "Army pt said. The guy in bed 9 coded on the 14th. On Main St and 5th"},
	{ID: "edge-3", Text: "thermy patient:my patient,the man;a woman(our kid)"},
	{ID: "edge-4", Text: "\u212aeto diet cures cancer. My \u212aid's pt. ſtop vaccines cause autism"},
	{ID: "edge-5", Text: "vaccines cause autism vaccines cause autism.Vaccines CAUSE autism"},
	{ID: "edge-7", Text: "ID12345 and 12345, zip 62704-1234; ssn a123-45-6789 or 123-45-6789, ip 2001:db8::1 x10.2.3.4 10.2.3.4 VIN 1HGCM82633A004352x 1HGCM82633A004352"},
	{ID: "edge-8", Text: "5mg 10 mg a5mg, 34m 34M 34yo x34yo; 1234 Elm St and Main And 5th & Oak Ave"},
	{ID: "edge-9", Text: "Take ibuprofen. just take it; band take it,and take 2 —take one!Stop it. Grandpa man came in"},
	{ID: "edge-10", Text: "take 400mg now", Context: "Should I take it? old man here"},
	{ID: "edge-11", Text: "call +1 555-123-4567 or 1-800-555-1212,(312) 555-0100, a1 555 123 4567 x1-555-123-4567 ext. 4"},
	{ID: "edge-12", Text: "See WWW.Example.COM/x, http://localhost or 'rafa.wordpress.com' <a.io>…me.us \"x.org\"/y jo@b.care.fund https://gofundme.com/f/a\tb"},
	{ID: "edge-13", Text: "Heard a nurse call him 'the whale' today and nobody corrected her. \"Frequent flyer\" is a label, let's stop calling patients 'noncompliant'"},
	{ID: "edge-6", Text: "Seen at 1234 Elm Street, Springfield IL 62704 on 3/14/2024 by Dr. Okafor", Context: "my son has a rash, what should I take?"},
}

// TestAnchoredSame checks that trying the anchored regexes at the start
// candidates finds exactly what the regexes find scanning the whole text:
// on the whole lower-cased text, on each sentence and on the original
// text with submatches.
func TestAnchoredSame(t *testing.T) {
	e := engine(t)
	// every set takes half a minute; CHAPERONE_ANCHOR_ALL=1 asks for it
	files := []string{"../testdata/eval/heldout-a.jsonl"}
	if os.Getenv("CHAPERONE_ANCHOR_ALL") != "" {
		files, _ = filepath.Glob("../testdata/eval/*.jsonl")
	}
	var items []chaperone.Item
	for _, f := range files {
		items = append(items, loadSet(t, f)...)
	}
	items = append(items, anchorEdgeItems...)
	all := allRegexes(e)
	n := 0
	for _, x := range all {
		if x.anchor != nil {
			n++
		}
	}
	if n < len(all)/3 {
		t.Errorf("only %d of %d regexes have start candidates", n, len(all))
	}
	for _, x := range all {
		if got, want := x.v, x.re.SubexpIndex("v"); got != want {
			t.Errorf("%q: group v is %d, regexp says %d", x.re.String(), got, want)
		}
	}
	for _, it := range items {
		d := e.newDoc(it)
		h := d.hits()
		var sents [][2]int
		for i := range d.toks {
			if i == 0 || d.sent[i] != d.sent[i-1] {
				a, b := d.sentenceBounds(i)
				sents = append(sents, [2]int{a, b})
			}
		}
		for xi := range all {
			x := &all[xi]
			if x.anchor == nil {
				if x.alts != nil {
					if got, want := d.matchAt(x, d.lower, 0, h), x.re.MatchString(d.lower); got != want {
						t.Errorf("%q on %s: match by branches %v, regex %v", x.re.String(), it.ID, got, want)
					}
					for _, ab := range sents {
						a, b := ab[0], ab[1]
						if got, want := d.matchAt(x, d.lower[a:b], a, h), x.re.MatchString(d.lower[a:b]); got != want {
							t.Errorf("%q on a sentence of %s: match by branches %v, regex %v", x.re.String(), it.ID, got, want)
						}
					}
				}
				if x.seps != nil {
					if got, want := d.findAllAt(x, d.text, 0, h, true), x.re.FindAllStringSubmatchIndex(d.text, -1); !reflect.DeepEqual(got, want) {
						t.Errorf("%q on %s: matches in runs %v, regex %v", x.re.String(), it.ID, got, want)
					}
					if got, want := d.findAllAt(x, d.lower, 0, h, false), x.re.FindAllStringIndex(d.lower, -1); !reflect.DeepEqual(got, want) {
						t.Errorf("%q on %s (lower-cased): matches in runs %v, regex %v", x.re.String(), it.ID, got, want)
					}
				}
				continue
			}
			if got, want := d.matchAt(x, d.lower, 0, h), x.re.MatchString(d.lower); got != want {
				t.Errorf("%q on %s: anchored match %v, regex %v", x.re.String(), it.ID, got, want)
			}
			if got, want := d.findAllAt(x, d.text, 0, h, true), x.re.FindAllStringSubmatchIndex(d.text, -1); !reflect.DeepEqual(got, want) {
				t.Errorf("%q on %s: anchored matches %v, regex %v", x.re.String(), it.ID, got, want)
			}
			for _, ab := range sents {
				a, b := ab[0], ab[1]
				if got, want := d.matchAt(x, d.lower[a:b], a, h), x.re.MatchString(d.lower[a:b]); got != want {
					t.Errorf("%q on a sentence of %s: anchored match %v, regex %v", x.re.String(), it.ID, got, want)
				}
			}
			if d.ctxLower != "" {
				ch, base := d.hitsFor(d.ctxLower)
				if got, want := d.matchAt(x, d.ctxLower, base, ch), x.re.MatchString(d.ctxLower); got != want {
					t.Errorf("%q on the context of %s: anchored match %v, regex %v", x.re.String(), it.ID, got, want)
				}
			}
		}
		d.release()
	}
}

// TestListInSame checks that the word lists found by the prefilter give
// what containsAny gives, on each sentence, on the whole text and on the
// context.
func TestListInSame(t *testing.T) {
	e := engine(t)
	items := append(loadSet(t, "../testdata/eval/heldout-a.jsonl"), anchorEdgeItems...)
	items = append(items, chaperone.Item{ID: "edge-list", Text: "Training example: plate ABC1234. E.g. Jane Doe; my mom and dad"},
		chaperone.Item{ID: "edge-ctx", Text: "Not a patient, a fake patient.", Context: "my son had my appointment; mi mamá says congrats", Channel: chaperone.ChannelReply})
	for _, it := range items {
		d := e.newDoc(it)
		for _, name := range substringLists {
			list := e.rules.list(name)
			if got, want := d.listIn(name, 0, len(d.lower)), containsAny(d.lower, list); got != want {
				t.Errorf("%s in %s: %v, containsAny %v", name, it.ID, got, want)
			}
			for i := range d.toks {
				a, b := d.sentenceBounds(i)
				if got, want := d.listIn(name, a, b), containsAny(d.lower[a:b], list); got != want {
					t.Errorf("%s in a sentence of %s: %v, containsAny %v", name, it.ID, got, want)
				}
			}
			if got, want := d.ctxListIn(name), containsAny(d.ctxLower, list); got != want {
				t.Errorf("%s in the context of %s: %v, containsAny %v", name, it.ID, got, want)
			}
			// as contactOwner asks: bounded windows before and after offsets
			for s := 0; s <= len(d.lower); s += 3 {
				for _, ab := range [][2]int{{max(0, s-28), s}, {max(0, s-120), s}, {s, min(len(d.lower), s+60)}} {
					if got, want := d.cueIn(name, ab[0], ab[1]), containsCue(d.lower[ab[0]:ab[1]], list); got != want {
						t.Errorf("%s as a cue in %q of %s: %v, containsCue %v", name, d.lower[ab[0]:ab[1]], it.ID, got, want)
					}
				}
			}
		}
		if got, want := d.hits().groups[e.rules.noPatient], containsAny(d.lower, noPatientCues); got != want {
			t.Errorf("no-patient cues in %s: %v, containsAny %v", it.ID, got, want)
		}
		if got, want := d.ctxHits().groups[e.rules.ctxFamily], containsAny(d.ctxLower, ctxFamilyCues); got != want {
			t.Errorf("family cues in the context of %s: %v, containsAny %v", it.ID, got, want)
		}
		d.release()
	}
}

// TestPrefixDFASame checks that the anchored regexes' DFAs answer as the
// regexes do at every byte offset of the texts (not only at start
// candidates), lower-cased and as written, including texts with invalid
// UTF-8, fold variants and line breaks; and that every regex's search DFA
// (matchAnywhere) answers as MatchString on the texts' suffixes.
func TestPrefixDFASame(t *testing.T) {
	e := engine(t)
	files := []string{"../testdata/eval/heldout-b.jsonl"}
	if os.Getenv("CHAPERONE_ANCHOR_ALL") != "" {
		files, _ = filepath.Glob("../testdata/eval/*.jsonl")
	}
	var texts []string
	for _, f := range files {
		for _, it := range loadSet(t, f) {
			texts = append(texts, it.Text, asciiLower(it.Text))
		}
	}
	for _, it := range anchorEdgeItems {
		texts = append(texts, it.Text, asciiLower(it.Text), it.Context)
	}
	texts = append(texts, "bad \xff\xfe utf-8 \xe2\x80 my pt\nin bed 9\n", "é́ my\u00a0pt — “the guy” in bed 12b ’s 34yo\r\n", "")
	var res []*lazyRegexp
	for _, x := range allRegexes(e) {
		if x.anchor != nil {
			res = append(res, x.anchor.first)
			if x.anchor.rest != x.anchor.first {
				res = append(res, x.anchor.rest)
			}
		}
	}
	full := 0
	for _, re := range res {
		for _, s := range texts {
			for at := 0; at <= len(s); at++ {
				got, ok := re.dfa.match(s[at:])
				if !ok {
					full++
					break
				}
				if want := re.get().MatchString(s[at:]); got != want {
					t.Fatalf("%q at %d of %q: DFA %v, regex %v", re.src, at, s, got, want)
				}
			}
		}
	}
	// the search DFAs, on the texts and some of their suffixes
	step := 1 << 20
	if os.Getenv("CHAPERONE_ANCHOR_ALL") != "" {
		step = 7
	}
	for _, x := range allRegexes(e) {
		for _, s := range texts {
			for at := 0; at <= len(s); at += step {
				x.re.searchOnce.Do(func() { x.re.search = newPrefixDFA(`(?s:.)*?(?:` + x.re.src + `)`) })
				got, ok := x.re.search.match(s[at:])
				if !ok {
					full++
					break
				}
				if want := x.re.get().MatchString(s[at:]); got != want {
					t.Fatalf("%q at %d of %q: search DFA %v, regex %v", x.re.src, at, s, got, want)
				}
			}
		}
	}
	// the package's own patterns, on the texts and every sentence-like part
	for _, re := range []*lazyRegexp{ownPatientRe, recordHint, oldAgeRe} {
		for _, s := range texts {
			for at := 0; at <= len(s); at += min(step, 5) {
				if got, want := re.matchAnywhere(s[at:]), re.get().MatchString(s[at:]); got != want {
					t.Fatalf("%q at %d of %q: search DFA %v, regex %v", re.src, at, s, got, want)
				}
			}
		}
	}
	if full > 0 {
		t.Logf("%d texts left to the regex (DFA full)", full)
	}
}

// allRegexes returns every regex of the engine's rules, cue lists, claims
// and age patterns.
func allRegexes(e *Engine) []rx {
	var all []rx
	for _, l := range e.rules.cues {
		all = append(all, l...)
	}
	for _, c := range e.rules.claims {
		all = append(all, c.compiled...)
		all = append(all, c.unless...)
	}
	for _, r := range e.rules.rules {
		all = append(all, r.compiled...)
		all = append(all, r.unless...)
	}
	return append(all, e.rules.ages...)
}

// TestDFABudget spends the process-wide DFA budget almost at once: the
// DFAs then give up and their regexes run, and every result must stay
// what it is with the budget unspent.
func TestDFABudget(t *testing.T) {
	items := loadSet(t, "../testdata/eval/heldout-b.jsonl")
	want := make([]chaperone.Result, len(items))
	for i, it := range items {
		want[i] = engine(t).Screen(it)
	}
	saved := dfaBudget
	dfaBudget = dfaStates.Load() + 50
	defer func() { dfaBudget = saved }()
	e, err := NewWithRules() // a fresh engine: its DFAs are built under the spent budget
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range items {
		if got := e.Screen(it); !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("item %s: result changed when the DFA budget ran out", it.ID)
		}
	}
	if dfaStates.Load() <= dfaBudget {
		t.Fatalf("the budget of %d states was never reached (%d asked for)", dfaBudget, dfaStates.Load())
	}
}

// TestTopBranches checks how a pattern is split into its top-level
// branches for rx.alts.
func TestTopBranches(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{`a|b`, []string{"a", "b"}},
		{`(?:a|b)c|[|)]d|\|e|x{0,40}`, []string{"(?:a|b)c", "[|)]d", `\|e`, "x{0,40}"}},
		{`[]|]a|[^]|]b|[[:alpha:]|]c`, []string{"[]|]a", "[^]|]b", "[[:alpha:]|]c"}},
		{`(?i)a|b`, nil},
		{`(?i:a)|b`, []string{"(?i:a)", "b"}},
		{`\Qa|b\E`, nil},
		{`ab`, []string{"ab"}},
	}
	for _, tt := range tests {
		if got := topBranches(tt.src); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("topBranches(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// TestShorten checks shorten's bisection against trying every cut from the
// longest down.
func TestShorten(t *testing.T) {
	linear := func(set []string, limit int) []string {
		longest := 0
		for _, s := range set {
			longest = max(longest, len(s))
		}
		for k := longest - 1; k >= minCut; k-- {
			if out := cutAll(set, k); len(out) <= limit {
				return out
			}
		}
		return nil
	}
	sets := [][]string{
		{"fever", "fevers", "feverish", "flu", "flu shot", "flu shots", "fluid"},
		{"año nuevo", "añorar", "años", "añadir", "a"},
		{"ab", "abc"},
		{"héllo wörld", "héllo wèrld", "hé", "hèllo", "h€llo there", "h€llo world"},
		{"one two three", "one two four", "one three", "two one", "two two", "three"},
	}
	for _, set := range sets {
		for limit := 0; limit <= len(set)+1; limit++ {
			if got, want := shorten(set, limit), linear(set, limit); !reflect.DeepEqual(got, want) {
				t.Errorf("shorten(%q, %d) = %q, want %q", set, limit, got, want)
			}
		}
	}
}
