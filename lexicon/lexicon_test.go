package lexicon

import (
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	l := Default()
	if n, f, ok := l.FirstName("maria"); !ok || n < 100000 || f < 90 {
		t.Errorf("FirstName(maria) = %d, %d, %v", n, f, ok)
	}
	if n, f, ok := l.FirstName("james"); !ok || n < 1000000 || f > 5 {
		t.Errorf("FirstName(james) = %d, %d, %v", n, f, ok)
	}
	if _, _, ok := l.FirstName("zzqxv"); ok {
		t.Error("FirstName(zzqxv) ok")
	}
	if n, ok := l.Surname("gonzalez"); !ok || n == 0 {
		t.Errorf("Surname(gonzalez) = %d, %v", n, ok)
	}
	if _, ok := l.Surname("the"); ok {
		t.Error("Surname(the) ok")
	}
	if first, _ := l.IntlName("aadi"); !first {
		t.Error("IntlName(aadi) not first")
	}
	for _, w := range []string{"gonzalez", "nguyen"} {
		if !l.WeakName(w) {
			t.Errorf("WeakName(%q) false", w)
		}
	}
	if l.WeakName("the") {
		t.Error("WeakName(the) true")
	}
}

func TestWords(t *testing.T) {
	l := Default()
	for _, tc := range []struct {
		w   string
		max int
	}{{"will", 20}, {"the", 10}, {"grace", 35}, {"don't", 20}} {
		if lv, ok := l.WordLevel(tc.w); !ok || lv > tc.max {
			t.Errorf("WordLevel(%q) = %d, %v; want <= %d", tc.w, lv, ok, tc.max)
		}
	}
	if _, ok := l.WordLevel("gonzalez"); ok {
		t.Error("WordLevel(gonzalez) ok")
	}
	if _, ok := l.ProperLevel("Brown"); !ok {
		t.Error("ProperLevel(Brown) not ok")
	}
	if _, ok := l.ProperLevel("brown"); ok {
		t.Error("ProperLevel(brown) ok: case must matter")
	}
}

func TestGeo(t *testing.T) {
	l := Default()
	if pop, st, ok := l.City("cut bank"); !ok || pop == 0 || st < 1 {
		t.Errorf("City(cut bank) = %d, %d, %v", pop, st, ok)
	}
	if _, st, ok := l.City("springfield"); !ok || st < 10 {
		t.Errorf("City(springfield) states = %d, %v", st, ok)
	}
	if _, _, ok := l.City("parkinson disease"); ok {
		t.Error("City(parkinson disease) ok")
	}
	bools := []struct {
		name string
		fn   func(string) bool
		in   string
		want bool
	}{
		{"County", l.County, "cook", true},
		{"County", l.County, "cook county", false},
		{"State", l.State, "Ohio", true},
		{"State", l.State, "ohio", true},
		{"State", l.State, "OH", true},
		{"State", l.State, "oh", false},
		{"State", l.State, "New Hampshire", true},
		{"State", l.State, "Gotham", false},
		{"ZipExists", l.ZipExists, "63110", true},
		{"ZipExists", l.ZipExists, "00000", false},
		{"ZipExists", l.ZipExists, "6311", false},
		{"Zip3Restricted", l.Zip3Restricted, "036", true},
		{"Zip3Restricted", l.Zip3Restricted, "893", true},
		{"Zip3Restricted", l.Zip3Restricted, "631", false},
		{"Zip3HHS", l.Zip3HHS, "036", true},
		{"StreetSuffix", l.StreetSuffix, "blvd", true},
		{"StreetSuffix", l.StreetSuffix, "street", true},
		{"StreetSuffix", l.StreetSuffix, "st", true},
		{"StreetSuffix", l.StreetSuffix, "patient", false},
		{"Hospital", l.Hospital, "southeast health medical center", true},
		{"Hospital", l.Hospital, "southeast health", true},
		{"Hospital", l.Hospital, "the", false},
		{"Hospital", l.Hospital, "general", false},
		{"Drug", l.Drug, "pregabalin", true},
		{"Drug", l.Drug, "metformin", true},
		{"Drug", l.Drug, "ozempic", true},
		{"Drug", l.Drug, "tylenol", true},
		{"Drug", l.Drug, "narcan", true},
		{"Drug", l.Drug, "juvéderm", true},
		{"Drug", l.Drug, "maria", false},
		{"Eponym", l.Eponym, "graves", true},
		{"Eponym", l.Eponym, "parkinson", true},
		{"Eponym", l.Eponym, "crohn", true},
		{"Eponym", l.Eponym, "guillain-barré", true},
		{"Eponym", l.Eponym, "escherichia", false},
		{"Eponym", l.Eponym, "maria", false},
	}
	for _, tc := range bools {
		if got := tc.fn(tc.in); got != tc.want {
			t.Errorf("%s(%q) = %v, want %v", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestMakers(t *testing.T) {
	l := Default()
	for _, tc := range []struct{ brand, maker string }{
		{"cerave", "l'oréal"},
		{"humira", "abbvie"},
		{"botox", "allergan"},
		{"eliquis", "pfizer"},
		{"eliquis", "bristol myers squibb"},
		{"beyfortus", "sanofi"},
		{"beyfortus", "astrazeneca"},
		{"dexcom g7", "dexcom"},
		{"freestyle libre", "abbott"},
		{"tylenol", "kenvue"},
		{"spravato", "johnson & johnson"},
		{"zyn", "swedish match"},
		{"vital proteins", "nestlé health science"},
		{"hum by colgate", "colgate-palmolive"},
		{"lucas device", "stryker"},
		{"varilux", "essilorluxottica"},
		{"ray-ban", "essilorluxottica"},
		{"systane", "alcon"},
		{"lactaid", "kenvue"},
		{"allegra", "opella"},
	} {
		if ms := l.MakersOf(tc.brand); !slices.Contains(ms, tc.maker) {
			t.Errorf("MakersOf(%q) = %v, want %q", tc.brand, ms, tc.maker)
		}
	}
	if ms := l.MakersOf("maria"); ms != nil {
		t.Errorf("MakersOf(maria) = %v", ms)
	}
	bs := l.Brands()
	if len(bs) < 300 || !slices.IsSorted(bs) || !slices.Contains(bs, "ozempic") {
		t.Errorf("Brands: %d entries, sorted %v", len(bs), slices.IsSorted(bs))
	}
	for _, tc := range []struct{ in, want string }{
		{"BMS", "bristol myers squibb"},
		{"Bristol-Myers Squibb Company", "bristol myers squibb"},
		{"Pfizer Inc.", "pfizer"},
		{"PFIZER LABORATORIES DIV PFIZER INC", "pfizer"},
		{"J&J", "johnson & johnson"},
		{"NOVO NORDISK INC", "novo nordisk"},
		{"L'Oreal", "l'oréal"},
		{"GSK Consumer Healthcare", "haleon"},
		{"Boston Sci", "boston scientific"},
	} {
		if got, ok := l.CanonicalMaker(tc.in); !ok || got != tc.want {
			t.Errorf("CanonicalMaker(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
	if _, ok := l.CanonicalMaker("Acme Widgets"); ok {
		t.Error("CanonicalMaker(Acme Widgets) ok")
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"abbvie", "allergan", true},
		{"Allergan Aesthetics", "AbbVie", true},
		{"janssen", "J&J", true},
		{"Pfizer", "pfizer inc", true},
		{"pfizer", "merck", false},
		{"kenvue", "janssen", false},
		{"physio-control", "stryker", true},
		{"welch allyn", "baxter", true},
		{"nestlé health science", "nestle", true},
		{"Acme", "acme inc", true},
	} {
		if got := l.Related(tc.a, tc.b); got != tc.want {
			t.Errorf("Related(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	if n := l.MaxPhraseWords(); n < 3 || n > 20 {
		t.Errorf("MaxPhraseWords = %d", n)
	}
}

// TestBrandsAreNoCommonNames keeps single-word brands that are common given
// names or surnames out of the dictionary: a brand word scores 0 as a
// name, so "Lucas" or "Kerr" as a brand would hide a patient's name.
// Such brands go in multiword forms ("lucas device", "kerr dental").
func TestBrandsAreNoCommonNames(t *testing.T) {
	l := Default()
	for _, b := range l.Brands() {
		if strings.Contains(b, " ") || l.Drug(b) {
			continue
		}
		if n, _, ok := l.FirstName(b); ok && n >= 5000 {
			t.Errorf("brand %q is a common first name (%d)", b, n)
		}
		if n, ok := l.Surname(b); ok && n >= 10000 {
			t.Errorf("brand %q is a common surname (%d)", b, n)
		}
	}
	for _, b := range []string{"lucas", "roman", "kerr", "sage", "hum"} {
		if l.MakersOf(b) != nil {
			t.Errorf("MakersOf(%q) = %v, want none", b, l.MakersOf(b))
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	var l *Lexicon
	for b.Loop() {
		l = load()
	}
	runtime.GC()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.HeapAlloc-ms0.HeapAlloc)/(1<<20), "MB-heap")
	runtime.KeepAlive(l)
}

// TestCanonicalMakerPlainWord checks the fast path for plain words: the
// same answer as lower-casing, joining the fields and NormMaker.
func TestCanonicalMakerPlainWord(t *testing.T) {
	l := Default()
	slow := func(s string) (string, bool) {
		if m, ok := l.alias[strings.Join(strings.Fields(strings.ToLower(s)), " ")]; ok {
			return m, true
		}
		m, ok := l.alias[NormMaker(s)]
		return m, ok
	}
	words := []string{"abbott", "dexcom", "3m", "j&j", "l'oreal", "bristol-myers", "the", "inc", "pfizer", "zzz", "a", "co"}
	for k := range l.alias {
		if plainWord(k) {
			words = append(words, k)
		}
	}
	for _, w := range words {
		if !plainWord(w) {
			continue
		}
		gm, gok := l.CanonicalMaker(w)
		wm, wok := slow(w)
		if gm != wm || gok != wok {
			t.Errorf("%q: %q %v, want %q %v", w, gm, gok, wm, wok)
		}
	}
}

func TestConditions(t *testing.T) {
	l := Default()
	for _, w := range []string{"leukemia", "pneumonia", "humerus", "gout", "melanoma"} {
		if !l.Condition(w) {
			t.Errorf("Condition(%q) = false", w)
		}
	}
	for _, w := range []string{"encounter", "unspecified", "left", "the", "patient", "initial", "displaced"} {
		if l.Condition(w) {
			t.Errorf("Condition(%q) = true: boilerplate or a common word", w)
		}
	}
}
