package detect

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	chaperone "github.com/chaperone-project/chaperone"
)

//go:embed rules/*.toml
var ruleFS embed.FS

// Rule kinds.
const (
	// KindRecognizer rules are built into the engine (names, dates, places,
	// labelled identifiers, item findings); the file holds their metadata,
	// word lists and examples, and may disable them or change their score.
	KindRecognizer = "recognizer"
	// KindPattern rules report a span wherever their regex matches (the
	// named group "v", or the whole match), checked by an optional validator.
	KindPattern = "pattern"
	// KindPhrase rules report an item-level finding when any regex matches
	// a sentence and no "unless" regex matches it.
	KindPhrase = "phrase"
)

// Rule is one screening rule as written in a rule file. Organisation files
// use the same shape: a rule with a known id overrides the fields it sets;
// a new id adds a rule; enabled = false disables one.
type Rule struct {
	ID       string   `toml:"id"`
	Kind     string   `toml:"kind"`
	Type     string   `toml:"type"`
	Reason   string   `toml:"reason"`
	Cite     string   `toml:"cite"`
	Help     string   `toml:"help"`
	Score    *float64 `toml:"score"`
	Enabled  *bool    `toml:"enabled"`
	Regex    []string `toml:"regex"`
	Unless   []string `toml:"unless"`
	Keywords []string `toml:"keywords"`
	Validate string   `toml:"validate"`
	// Context "patient" makes a pattern count fully only in a sentence
	// about a patient; Alone is the score factor elsewhere (default 0.3).
	Context string   `toml:"context"`
	Alone   *float64 `toml:"alone"`
	// Needs "digits" runs the regex only near digits (a speed hint for
	// patterns that always hold a number).
	Needs string `toml:"needs"`
	// Channels limits the rule to these channels (empty: all).
	Channels []string `toml:"channels"`
	// Match and NoMatch are the rule's own examples, run by one test.
	// In Match, [[...]] marks the span the rule must report (span rules).
	Match   []string  `toml:"match"`
	NoMatch []string  `toml:"nomatch"`
	Cases   []Example `toml:"cases"`

	compiled []rx
	unless   []rx
	keywords []string
	rec      recognizer // a recognizer rule's code (recognizers[ID])
}

// Example is a rule example with item fields, for rules that read the
// channel, the account, the author's relationships or the context.
type Example struct {
	Text          string   `toml:"text"`
	Context       string   `toml:"context"`
	Channel       string   `toml:"channel"`
	Account       string   `toml:"account"`
	Relationships []string `toml:"relationships"`
	Employer      string   `toml:"employer"`
	Want          bool     `toml:"want"`
}

// ScoreOr returns the rule's score or def when it sets none.
func (r *Rule) ScoreOr(def float64) float64 {
	if r.Score != nil {
		return *r.Score
	}
	return def
}

// On reports whether the rule is enabled.
func (r *Rule) On() bool { return r.Enabled == nil || *r.Enabled }

// RuleFile is the shape of a rule file.
type RuleFile struct {
	Rules  []Rule              `toml:"rule"`
	Claims []Claim             `toml:"claim"`
	Lists  map[string][]string `toml:"lists"`
	// Cues are lists of regular expressions (lower-case text), used by
	// the built-in recognizers as context cues.
	Cues map[string][]string `toml:"cues"`
}

// Claim is one curated misinformation claim with the evidence it
// contradicts.
type Claim struct {
	ID       string   `toml:"id"`
	Topic    string   `toml:"topic"`
	Reason   string   `toml:"reason"`
	Source   string   `toml:"source"`
	Patterns []string `toml:"patterns"`
	Unless   []string `toml:"unless"`
	// Negation marks a claim worded with a negation ("HIV doesn't cause
	// AIDS"): the generic refutation check then reads only the words
	// outside the match.
	Negation bool     `toml:"negation"`
	Match    []string `toml:"match"`
	NoMatch  []string `toml:"nomatch"`

	compiled []rx
	unless   []rx
}

// claimGate is one pattern of a claim with the literal group that must
// be present for it to match (-1: none), so that findMisinformation skips
// most patterns reading this small table rather than the patterns.
type claimGate struct {
	group int32
	claim *Claim
	x     *rx
}

// ruleSet is the compiled, merged set of rules the engine runs.
type ruleSet struct {
	rules   []*Rule
	byID    map[string]*Rule
	claims  []*Claim
	lists   map[string][]string
	cues    map[string][]rx
	cueIDs  map[string]int // a number for each cue list, 0 up
	cueList [][]rx         // cues by number
	// cueOf is the number of each cue list the recognizers test, by
	// cueName (-1: the rule files have none of that name)
	cueOf [numCueNames]int
	ages  []rx // the built-in age patterns, as ageForms
	// listLits are the prefilter's literals for the word lists that
	// recognizers search as substrings (doc.listIn), and listGroups their
	// literal groups
	listLits   map[string][]int32
	listGroups map[string]int32
	noPatient  int32 // the literal group of noPatientCues
	ctxFamily  int32 // the literal group of ctxFamilyCues
	// claimGates lists every claim's patterns, in order, each with the
	// literal group it needs (findMisinformation)
	claimGates []claimGate
	// cueGroups holds, by cue list number, each cue regex's literal group
	// (-1: none), so that cues skips most regexes without reading them
	cueGroups [][]int32
	labels    *labelIndex
	pre       *prefilter
}

func (rs *ruleSet) get(id string) *Rule {
	if r, ok := rs.byID[id]; ok && r.On() {
		return r
	}
	return nil
}

// list returns a named word list, lower-cased.
func (rs *ruleSet) list(name string) []string { return rs.lists[name] }

// loadDefaultRules parses the embedded rule files.
func loadDefaultRules() (*RuleFile, error) {
	entries, err := ruleFS.ReadDir("rules")
	if err != nil {
		return nil, err
	}
	merged := &RuleFile{Lists: map[string][]string{}, Cues: map[string][]string{}}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := ruleFS.ReadFile("rules/" + n)
		if err != nil {
			return nil, err
		}
		f, err := parseRuleFile(b, "rules/"+n)
		if err != nil {
			return nil, err
		}
		merged.Rules = append(merged.Rules, f.Rules...)
		merged.Claims = append(merged.Claims, f.Claims...)
		for k, v := range f.Lists {
			merged.Lists[k] = append(merged.Lists[k], v...)
		}
		for k, v := range f.Cues {
			merged.Cues[k] = append(merged.Cues[k], v...)
		}
	}
	return merged, nil
}

// parseRuleFile decodes one rule file; errors name the file, the rule and
// the key at fault.
func parseRuleFile(b []byte, name string) (*RuleFile, error) {
	var f RuleFile
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&f)
	if err != nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "%s: %v", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "%s: unknown key %q", name, und[0].String())
	}
	return &f, nil
}

// LoadRuleFile reads an organisation's rule file from disk.
func LoadRuleFile(path string) (*RuleFile, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "rule file: %v", err)
	}
	if st.Size() > 4<<20 {
		return nil, chaperone.Errorf(chaperone.ErrTooLarge, "rule file %s: larger than 4 MiB", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "rule file: %v", err)
	}
	return parseRuleFile(b, path)
}

// compileRules merges the organisation's files over the defaults and
// compiles every rule, checking each field.
func compileRules(base *RuleFile, overlays ...*RuleFile) (*ruleSet, error) {
	rs := &ruleSet{byID: map[string]*Rule{}, lists: map[string][]string{}, cues: map[string][]rx{}, pre: newPrefilter()}
	for k, v := range base.Lists {
		rs.lists[k] = lowerAll(v)
	}
	cues := map[string][]string{}
	for k, v := range base.Cues {
		cues[k] = append(cues[k], v...)
	}
	add := func(r Rule, src string) error {
		if r.ID == "" {
			return chaperone.Errorf(chaperone.ErrInvalid, "%s: a rule has no id", src)
		}
		if old, ok := rs.byID[r.ID]; ok {
			mergeRule(old, &r)
			return nil
		}
		rr := r
		rs.byID[r.ID] = &rr
		rs.rules = append(rs.rules, &rr)
		return nil
	}
	for _, r := range base.Rules {
		if _, dup := rs.byID[r.ID]; dup {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "default rules: rule %q defined twice", r.ID)
		}
		if err := add(r, "default rules"); err != nil {
			return nil, err
		}
	}
	claims := append([]Claim(nil), base.Claims...)
	for _, o := range overlays {
		for _, r := range o.Rules {
			if err := add(r, "organisation rules"); err != nil {
				return nil, err
			}
		}
		for k, v := range o.Lists {
			rs.lists[k] = append(rs.lists[k], lowerAll(v)...)
		}
		for k, v := range o.Cues {
			cues[k] = append(cues[k], v...)
		}
		claims = append(claims, o.Claims...)
	}
	rs.pre.prepare(patternSources(rs.rules, cues, claims))
	for _, r := range rs.rules {
		if err := r.compile(rs.pre); err != nil {
			return nil, err
		}
	}
	rs.cueIDs = map[string]int{}
	for k, v := range cues {
		rs.cueIDs[k] = len(rs.cueIDs)
		var err error
		// cues match lower-cased text: no case folding needed
		if rs.cues[k], err = compileAllMode(rs.pre, eitherApostrophe(v), "cue list "+k, "cues", false); err != nil {
			return nil, err
		}
		rs.cueList = append(rs.cueList, rs.cues[k])
		groups := make([]int32, len(rs.cues[k]))
		for i := range rs.cues[k] {
			groups[i] = -1
			if x := &rs.cues[k][i]; x.lits != nil {
				groups[i] = x.group
			}
		}
		rs.cueGroups = append(rs.cueGroups, groups)
	}
	for c, name := range cueNames {
		rs.cueOf[c] = -1
		if id, ok := rs.cueIDs[name]; ok {
			rs.cueOf[c] = id
		}
	}
	seen := map[string]bool{}
	for i := range claims {
		c := &claims[i]
		if c.ID == "" || seen[c.ID] {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "claim %q: missing or duplicate id", c.ID)
		}
		seen[c.ID] = true
		var err error
		if c.compiled, err = compileAll(rs.pre, eitherApostrophe(c.Patterns), "claim "+c.ID, "patterns"); err != nil {
			return nil, err
		}
		if c.unless, err = compileAll(rs.pre, c.Unless, "claim "+c.ID, "unless"); err != nil {
			return nil, err
		}
		if len(c.compiled) == 0 {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "claim %q: key \"patterns\": at least one pattern is required", c.ID)
		}
		rs.claims = append(rs.claims, c)
	}
	for _, c := range rs.claims {
		for xi := range c.compiled {
			x := &c.compiled[xi]
			g := claimGate{group: -1, claim: c, x: x}
			if x.lits != nil {
				g.group = x.group
			}
			rs.claimGates = append(rs.claimGates, g)
		}
	}
	exprs := make([]string, len(ageForms))
	for i, f := range ageForms {
		exprs[i] = f.expr
	}
	var err error
	if rs.ages, err = compileAllMode(rs.pre, exprs, "age patterns", "expr", false); err != nil {
		return nil, chaperone.Errorf(chaperone.ErrInternal, "%v", err)
	}
	rs.listLits, rs.listGroups = map[string][]int32{}, map[string]int32{}
	for _, name := range substringLists {
		if l := rs.lists[name]; !slices.Contains(l, "") {
			rs.listLits[name] = rs.pre.ids(dedupe(l))
			rs.listGroups[name] = rs.pre.group(rs.listLits[name])
		}
	}
	rs.noPatient = rs.pre.group(rs.pre.ids(noPatientCues))
	rs.ctxFamily = rs.pre.group(rs.pre.ids(ctxFamilyCues))
	rs.labels = newLabelIndex(rs)
	rs.pre.build()
	return rs, nil
}

// ctxFamilyCues, in the post answered, speak of the writer's child or
// parent (nameRole).
var ctxFamilyCues = []string{"my son", "my daughter", "my kid", "my mom", "my dad", "my mother", "my father", "my grandma", "my grandpa", "my husband", "my wife", "my baby", "mi mamá", "mi papá", "mi hijo", "mi hija"}

// noPatientCues say a text is about no real patient (resolve).
var noPatientCues = []string{"not a patient", "isn't a patient", "not a real patient", "training example", "test patient", "fake patient"}

// substringLists are the word lists the screen searches for as substrings
// of most texts' sentences or of the context; the prefilter finds them in
// its one pass.
var substringLists = []string{"placeholder_cues", "author_family_cues", "own_life_cues", "history_cues", "news_cues", "fact_cues", "treated_cues", "reviewer_patient_cues", "staff_context_cues",
	"contact_patient_cues", "contact_pronoun_cues", "contact_staff_cues", "contact_patient_after", "contact_own_cues", "contact_own_after", "spelled_contact_markers", "event_invite_cues"}

func mergeRule(dst, src *Rule) {
	if src.Kind != "" {
		dst.Kind = src.Kind
	}
	if src.Type != "" {
		dst.Type = src.Type
	}
	if src.Reason != "" {
		dst.Reason = src.Reason
	}
	if src.Cite != "" {
		dst.Cite = src.Cite
	}
	if src.Help != "" {
		dst.Help = src.Help
	}
	if src.Score != nil {
		dst.Score = src.Score
	}
	if src.Enabled != nil {
		dst.Enabled = src.Enabled
	}
	if len(src.Regex) > 0 {
		dst.Regex = src.Regex
	}
	if len(src.Unless) > 0 {
		dst.Unless = src.Unless
	}
	if len(src.Keywords) > 0 {
		dst.Keywords = src.Keywords
	}
	if src.Validate != "" {
		dst.Validate = src.Validate
	}
	if src.Context != "" {
		dst.Context = src.Context
	}
	if src.Alone != nil {
		dst.Alone = src.Alone
	}
	if src.Needs != "" {
		dst.Needs = src.Needs
	}
	if len(src.Channels) > 0 {
		dst.Channels = src.Channels
	}
	if len(src.Match) > 0 || len(src.NoMatch) > 0 || len(src.Cases) > 0 {
		dst.Match, dst.NoMatch, dst.Cases = src.Match, src.NoMatch, src.Cases
	}
}

func (r *Rule) compile(pre *prefilter) error {
	where := "rule " + r.ID
	switch r.Kind {
	case KindRecognizer:
		var ok bool
		if r.rec, ok = recognizers[r.ID]; !ok {
			return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"kind\": no built-in recognizer has this id", where)
		}
	case KindPattern:
		if !chaperone.SpanType(r.Type).Valid() {
			return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"type\": %q is not a span type", where, r.Type)
		}
		if len(r.Regex) == 0 {
			return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"regex\": a pattern rule needs a regex", where)
		}
		if r.Validate != "" {
			if _, ok := validators[r.Validate]; !ok {
				return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"validate\": unknown validator %q", where, r.Validate)
			}
		}
	case KindPhrase:
		if !chaperone.FindingType(r.Type).Valid() || r.Type == string(chaperone.FindingPHI) {
			return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"type\": %q is not an item finding type", where, r.Type)
		}
		if len(r.Regex) == 0 {
			return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"regex\": a phrase rule needs a regex", where)
		}
	default:
		return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"kind\": %q is not one of recognizer, pattern, phrase", where, r.Kind)
	}
	if r.Reason == "" {
		return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"reason\": every rule explains itself in one line", where)
	}
	if r.Cite == "" {
		return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"cite\": every rule cites the rule it enforces", where)
	}
	if r.Needs != "" && r.Needs != "digits" {
		return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"needs\": only \"digits\" is known", where)
	}
	if r.Score != nil && (*r.Score < 0 || *r.Score > 1) {
		return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"score\": must be between 0 and 1", where)
	}
	for _, c := range r.Channels {
		if !chaperone.Channel(c).Valid() {
			return chaperone.Errorf(chaperone.ErrInvalid, "%s: key \"channels\": unknown channel %q", where, c)
		}
	}
	var err error
	if r.compiled, err = compileAll(pre, eitherApostrophe(r.Regex), where, "regex"); err != nil {
		return err
	}
	if r.unless, err = compileAll(pre, eitherApostrophe(r.Unless), where, "unless"); err != nil {
		return err
	}
	r.keywords = lowerAll(r.Keywords)
	return nil
}

// eitherApostrophe lets every apostrophe in the patterns match both the
// straight (') and the typographic (’) form, so a claim written "nature's"
// also catches "nature’s" as phones type it. Claims, rules and cue lists
// pass through it.
func eitherApostrophe(pats []string) []string {
	out := make([]string, len(pats))
	for i, p := range pats {
		var b strings.Builder
		inClass := false
		rs := []rune(p)
		for k := 0; k < len(rs); k++ {
			r := rs[k]
			switch {
			case r == '\\' && k+1 < len(rs):
				b.WriteRune(r)
				k++
				b.WriteRune(rs[k])
				continue
			case r == '[' && !inClass:
				inClass = true
			case r == ']' && inClass:
				inClass = false
			case r == '\'' || r == '’':
				if inClass {
					b.WriteString("'’")
				} else {
					b.WriteString("['’]")
				}
				continue
			}
			b.WriteRune(r)
		}
		out[i] = b.String()
	}
	return out
}

// compileAll compiles patterns case-insensitively (unless a pattern opts
// out with (?-i)) and registers their literals with the prefilter.
func compileAll(pre *prefilter, pats []string, where, key string) ([]rx, error) {
	return compileAllMode(pre, pats, where, key, true)
}

func compileAllMode(pre *prefilter, pats []string, where, key string, fold bool) ([]rx, error) {
	out := make([]rx, 0, len(pats))
	for i, p := range pats {
		p = foldPattern(p, fold)
		if x, ok := pre.wrapped[p]; ok {
			out = append(out, x) // parsed and analysed before
			continue
		}
		if pl, ok := pre.plans[p]; ok {
			out = append(out, pre.wrapPlan(pl)) // parsed and analysed by prepare
			continue
		}
		// regexp.Compile reports exactly the errors of this parse
		sre, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			return nil, chaperone.Errorf(chaperone.ErrInvalid, "%s: key %q (entry %d): %v", where, key, i+1, err)
		}
		out = append(out, pre.wrap(p, sre))
	}
	return out, nil
}

// foldPattern returns the pattern p as compileAllMode compiles it: with fold,
// case-insensitive unless it says otherwise.
func foldPattern(p string, fold bool) string {
	if fold && !strings.HasPrefix(p, "(?-i)") && !strings.HasPrefix(p, "(?i)") {
		return "(?i)" + p
	}
	return p
}

// patternSources returns the patterns compileRules will wrap, as
// compileAllMode gives them to wrap, for prefilter.prepare: the rules'
// regexes and unless patterns, the cue lists, the claims' patterns and
// unless patterns, and the age forms. Missing one costs only time.
func patternSources(rules []*Rule, cues map[string][]string, claims []Claim) []string {
	var out []string
	add := func(pats []string, fold bool) {
		for _, p := range pats {
			out = append(out, foldPattern(p, fold))
		}
	}
	for _, r := range rules {
		add(eitherApostrophe(r.Regex), true)
		add(eitherApostrophe(r.Unless), true)
	}
	for _, v := range cues {
		add(eitherApostrophe(v), false)
	}
	for _, c := range claims {
		add(eitherApostrophe(c.Patterns), true)
		add(c.Unless, true)
	}
	for _, f := range ageForms {
		add([]string{f.expr}, false)
	}
	return out
}

func lowerAll(v []string) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = strings.ToLower(s)
	}
	return out
}

// appliesTo reports whether the rule runs on this channel.
func (r *Rule) appliesTo(ch chaperone.Channel) bool {
	if len(r.Channels) == 0 {
		return true
	}
	for _, c := range r.Channels {
		if chaperone.Channel(c) == ch {
			return true
		}
	}
	return false
}

// hasKeyword is the cheap prefilter of pattern rules: true when the rule
// has no keywords or the lower-cased text holds one of them.
func (r *Rule) hasKeyword(lower string) bool {
	if len(r.keywords) == 0 {
		return true
	}
	for _, k := range r.keywords {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

func (r *Rule) info() chaperone.RuleInfo {
	return chaperone.RuleInfo{ID: r.ID, Kind: r.Kind, Type: r.Type, Reason: r.Reason, Cite: r.Cite, Help: r.Help}
}

var _ = fmt.Sprintf
