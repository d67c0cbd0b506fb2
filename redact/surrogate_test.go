package redact

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// TestSurrogateShape checks, for several seeds, that each fake has the type
// and shape of its original and is not the original.
func TestSurrogateShape(t *testing.T) {
	month := `(?:January|February|March|April|May|June|July|August|September|October|November|December)`
	tests := []struct {
		typ       chaperone.SpanType
		text, sub string
		want      string // regular expression for the fake
	}{
		{"NAME", "Hi Maria Gonzalez!", "Maria Gonzalez", `^(?:FIRST) (?:LAST)$`},
		{"NAME", "Hi Maria!", "Maria", `^(?:FIRST)$`},
		{"NAME", "Mrs. Delgado is here", "Delgado", `^(?:LAST)$`},
		{"NAME", "Dr. Okafor saw", "Okafor", `^(?:LAST)$`},
		{"NAME", "the Hendersons came", "Hendersons", `^(?:LAST)s$`},
		{"NAME", "MARIA GONZALEZ", "MARIA GONZALEZ", `^[A-Z]+ [A-Z]+$`},
		{"NAME", "Mr. K", "K", `^[A-Z]$`},
		{"NAME", "Jim H. again", "Jim H.", `^(?:FIRST) [A-Z]\.$`},
		{"NAME", "Emma's wires", "Emma's", `^(?:FIRST)'s$`},
		{"NAME", "Mary-Kate left", "Mary-Kate", `^(?:FIRST)-(?:FIRST)$`},
		{"NAME", "Jorge Luis Peña", "Jorge Luis Peña", `^(?:FIRST) (?:FIRST) (?:LAST)$`},
		{"NAME", "Ludwig van Beethoven", "Ludwig van Beethoven", `^(?:FIRST) van (?:LAST)$`},
		{"HANDLE", "@dani.k.official lol", "@dani.k.official", `^@user_\d{4}$`},
		{"HANDLE", "ig: dani.k", "dani.k", `^user_\d{4}$`},
		{"DATE", "on 3/14", "3/14", `^\d{1,2}/\d{1,2}$`},
		{"DATE", "on 03-14-2025", "03-14-2025", `^\d\d-\d\d-20\d\d$`},
		{"DATE", "on 3/14/24", "3/14/24", `^\d{1,2}/\d{1,2}/\d\d$`},
		{"DATE", "on 2024-03-14", "2024-03-14", `^20\d\d-\d\d-\d\d$`},
		{"DATE", "on 14.03.2024", "14.03.2024", `^\d\d\.\d\d\.20\d\d$`},
		{"DATE", "on March 14th", "March 14th", `^` + month + ` \d{1,2}(?:st|nd|rd|th)$`},
		{"DATE", "on Mar. 14", "Mar. 14", `^[A-Z][a-z]{2}\. \d{1,2}$`},
		{"DATE", "on 14 March 2024", "14 March 2024", `^\d{1,2} ` + month + ` 20\d\d$`},
		{"DATE", "in June", "June", `^` + month + `$`},
		{"DATE", "in JUNE", "JUNE", `^[A-Z]+$`},
		{"DATE", "the 14th", "14th", `^\d{1,2}(?:st|nd|rd|th)$`},
		{"DATE", "Christmas Eve 2023", "Christmas Eve 2023", `^[A-Z][A-Za-z'. ]+ 2023$`},
		{"DATE", "born 1947", "1947", `^19[45]\d$`},
		{"AGE", "At 96, she", "96", `^90 or older$`},
		{"AGE", "a 103-year-old", "103-year-old", `^90-plus-year-old$`},
		{"AGE", "a 45-year-old", "45-year-old", `^(?:1[89]|[2-8]\d)-year-old$`},
		{"AGE", "a 7 yo", "7", `^(?:[1-9]|1[0-7])$`},
		{"AGE", "quite old", "quite old", `^\[AGE\]$`},
		{"LOCATION", "zip 02138", "02138", `^000\d\d$`},
		{"LOCATION", "zip 02138-1234", "02138-1234", `^000\d\d-\d{4}$`},
		{"LOCATION", "on Maple Ave", "Maple Ave", `^[A-Z][a-z]+ Ave$`},
		{"LOCATION", "at 123 Fremont St.", "123 Fremont St.", `^[1-9]\d\d [A-Z][a-z]+ St\.$`},
		{"LOCATION", "in Dearborn", "Dearborn", `^(?:TOWN)$`},
		{"FACILITY", "at Mercy General", "Mercy General", `^(?:STEM) General$`},
		{"FACILITY", "at Willow Creek Manor", "Willow Creek Manor", `^(?:STEM) Manor$`},
		{"FACILITY", "at St. Vincent's", "St. Vincent's", `^St\. [A-Z][a-z]+'s$`},
		{"PHONE", "call (412) 555-0190", "(412) 555-0190", `^\(\d{3}\) 555-01\d\d$`},
		{"PHONE", "call 555-771-2093", "555-771-2093", `^\d{3}-555-01\d\d$`},
		{"PHONE", "call +1 555 123 4567", "+1 555 123 4567", `^\+1 \d{3} 555 01\d\d$`},
		{"PHONE", "call 771-2093", "771-2093", `^555-01\d\d$`},
		{"FAX", "fax 555.331.9080", "555.331.9080", `^\d{3}\.555\.01\d\d$`},
		{"EMAIL", "to tom.r.hughes@gmail.com", "tom.r.hughes@gmail.com", `^user\d{3,4}@example\.com$`},
		{"URL", "gofundme.com/f/ava-strong", "gofundme.com/f/ava-strong", `^example\.org/p/[a-z0-9]{8}$`},
		{"URL", "https://www.gofundme.com/f/x", "https://www.gofundme.com/f/x", `^https://example\.org/p/[a-z0-9]{8}$`},
		{"URL", "www.gofundme.com/f/x", "www.gofundme.com/f/x", `^www\.example\.org/p/[a-z0-9]{8}$`},
		{"SSN", "SSN 231-72-0058", "231-72-0058", `^000-\d\d-\d{4}$`},
		{"SSN", "SSN ***-**-4471", "***-**-4471", `^\*\*\*-\*\*-\d{4}$`},
		{"MRN", "MRN 0048-2913", "0048-2913", `^\d{4}-\d{4}$`},
		{"ID", "in bed 12B", "bed 12B", `^bed \d\d[A-Z]$`},
		{"ID", "in Room 512b", "Room 512b", `^Room \d{3}[a-z]$`},
		{"VEHICLE", "plate HGT 4471", "HGT 4471", `^[A-Z]{3} \d{4}$`},
		{"VEHICLE", "VIN 1FTFW1E50JFA12345", "1FTFW1E50JFA12345", `^[0-9A-HJ-NPR-Z]{17}$`},
		{"LICENSE", "DL S530-7721-0042", "S530-7721-0042", `^[A-Z]\d{3}-\d{4}-\d{4}$`},
		{"HEALTH_PLAN", "ID 1EG4-TE5-MK73", "1EG4-TE5-MK73", `^\d[A-Z]{2}\d-[A-Z]{2}\d-[A-Z]{2}\d\d$`},
		{"DEVICE", "SN PJN402117S", "PJN402117S", `^[A-Z]{3}\d{6}[A-Z]$`},
		{"ACCOUNT", "card ending 4417", "4417", `^\d{4}$`},
		{"MRN", "MRN ٠٠٤٨٢٩١٣", "٠٠٤٨٢٩١٣", `^\d{8}$`},
		{"PHONE", "call 1-800-FLOWERS", "1-800-FLOWERS", `^\d-\d{3}-[A-HJ-NPR-Z]{7}$`},
		{"FACILITY", "at St. Mary's Hospital", "St. Mary's Hospital", `^St\. [A-Z][a-z]+'s Hospital$`},
		{"FACILITY", "at St. Mary's Hospital of Springfield", "St. Mary's Hospital of Springfield", `^(?:STEM)$`},
		{"AGE", "aged 45", "aged 45", `^aged (?:1[89]|[2-8]\d)$`},
		{"AGE", "45 and lives in Boston", "45 and lives in Boston", `^(?:1[89]|[2-8]\d)$`},
		{"NPI", "NPI 1234567893", "1234567893", `^\[NPI\]$`},
	}
	lists := strings.NewReplacer("FIRST", strings.Join(firstNames, "|"), "LAST", strings.Join(lastNames, "|"),
		"TOWN", strings.Join(towns, "|"), "STEM", strings.Join(facilityStems, "|"))
	for _, seed := range []string{"", "a", "clinic-42", "🦄"} {
		r := New(Surrogate, WithSeed(seed))
		for _, tt := range tests {
			sp := at(tt.text, tt.sub, tt.typ)
			out, where := r.ApplySpans(tt.text, []chaperone.Span{sp})
			got := out[where[0].Start:where[0].End]
			if !regexp.MustCompile(lists.Replace(tt.want)).MatchString(got) {
				t.Errorf("seed %q: surrogate %s %q = %q, want %s", seed, tt.typ, tt.sub, got, tt.want)
			}
			if got == tt.sub {
				t.Errorf("seed %q: surrogate %s %q kept the original", seed, tt.typ, tt.sub)
			}
			if out[:where[0].Start] != tt.text[:sp.Start] || out[where[0].End:] != tt.text[sp.End:] {
				t.Errorf("seed %q: surrogate changed the text around the span: %q", seed, out)
			}
		}
	}
}

func TestSurrogateIP(t *testing.T) {
	docs := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}
	r := New(Surrogate)
	for i, ip := range []string{"98.207.33.140", "24.6.199.57", "2600:1700:3a4:91f0::12", "10.0.0.1", "::1"} {
		got := one(r, ip, ip, chaperone.SpanIP)
		a, err := netip.ParseAddr(got)
		if err != nil || !slices.ContainsFunc(docs, func(p netip.Prefix) bool { return p.Contains(a) }) {
			t.Errorf("%d: IP %s -> %q, not in a documentation range", i, ip, got)
		}
		if a.Is6() != strings.Contains(ip, ":") {
			t.Errorf("IP %s -> %s changed family", ip, got)
		}
	}
}

// TestSurrogateDatesShiftTogether checks that dates move by one shift, so
// the days between them survive, and stay valid.
func TestSurrogateDatesShiftTogether(t *testing.T) {
	const text = "admitted 2/2/2024, discharged 2/19/2024, seen again 3/1/2024"
	spans := []chaperone.Span{at(text, "2/2/2024", "DATE"), at(text, "2/19/2024", "DATE"), at(text, "3/1/2024", "DATE")}
	for _, seed := range []string{"", "x", "y", "z"} {
		out, where := New(Surrogate, WithSeed(seed)).ApplySpans(text, spans)
		var days []time.Time
		for _, w := range where {
			d, err := time.Parse("1/2/2006", out[w.Start:w.End])
			if err != nil {
				t.Fatalf("seed %q: %q is no date: %v", seed, out[w.Start:w.End], err)
			}
			days = append(days, d)
		}
		if d1, d2 := days[1].Sub(days[0]).Hours()/24, days[2].Sub(days[1]).Hours()/24; d1 != 17 || d2 != 11 {
			t.Errorf("seed %q: %q: gaps %v and %v days, want 17 and 11", seed, out, d1, d2)
		}
	}
}

// TestSurrogateDatesValid runs every day of a leap year through the
// year-less and full numeric formats and the month-name format.
func TestSurrogateDatesValid(t *testing.T) {
	r := New(Surrogate, WithSeed("dates"))
	seen := map[string]string{}
	for d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == 2024; d = d.AddDate(0, 0, 1) {
		for _, layout := range []string{"1/2", "01/02/2006", "January 2", "2 Jan 2006"} {
			orig := d.Format(layout)
			got := one(r, orig, orig, chaperone.SpanDate)
			p, err := time.Parse(strings.NewReplacer("01", "1", "02", "2").Replace(layout), got) // unpadded layouts read both
			if err != nil && d.Month() == time.May {                                             // "May" reads as a full name
				p, err = time.Parse(strings.Replace(layout, "Jan", "January", 1), got)
			}
			if err != nil || got == orig {
				t.Fatalf("%q -> %q (%v)", orig, got, err)
			}
			if layout == "1/2" && p.Month() == 2 && p.Day() == 29 {
				continue // fine: a year-less date lives in a leap year
			}
			if prev, dup := seen[layout+got]; dup {
				t.Fatalf("%q and %q both became %q", prev, orig, got)
			}
			seen[layout+got] = orig
		}
	}
}

func TestSurrogateNeverAnAgeOver89(t *testing.T) {
	r := New(Surrogate)
	for n := 0; n <= 130; n++ {
		for _, form := range []string{"%d", "%d-year-old", "%dyo", "aged %d"} {
			orig := fmt.Sprintf(form, n)
			got := one(r, orig, orig, chaperone.SpanAge)
			for _, run := range digitRuns(got) {
				if v, _ := strconv.Atoi(run); v > 89 && v != 90 {
					t.Errorf("AGE %q -> %q", orig, got)
				}
			}
			if n >= 90 && !strings.Contains(got, "90") {
				t.Errorf("AGE %q -> %q, want the 90-or-older category", orig, got)
			}
		}
	}
}

// TestSurrogateConsistent checks that the same original gets the same fake
// within a redactor and across redactors with the same seed, and that
// spellings of one number or name in different case agree.
func TestSurrogateConsistent(t *testing.T) {
	const text = "Maria Gonzalez (555) 412-9983, MRN 00482913. Later Maria called from 555-412-9983; MARIA GONZALEZ, MRN 00482913."
	spans := []chaperone.Span{
		at(text, "Maria Gonzalez", "NAME"), at(text, "(555) 412-9983", "PHONE"), at(text, "00482913", "MRN"),
		{Start: strings.Index(text, "Maria called"), End: strings.Index(text, "Maria called") + 5, Type: "NAME"},
		at(text, "555-412-9983", "PHONE"), at(text, "MARIA GONZALEZ", "NAME"),
		{Start: strings.LastIndex(text, "00482913"), End: strings.LastIndex(text, "00482913") + 8, Type: "MRN"},
	}
	r := New(Surrogate, WithSeed("s1"))
	out1, w := r.ApplySpans(text, spans)
	get := func(i int) string { return out1[w[i].Start:w[i].End] }
	name, first := get(0), get(3)
	if !strings.HasPrefix(name, first+" ") {
		t.Errorf("Maria Gonzalez -> %q but Maria -> %q", name, first)
	}
	if strings.ToUpper(name) != get(5) {
		t.Errorf("MARIA GONZALEZ -> %q, want %q", get(5), strings.ToUpper(name))
	}
	if digitsOf(get(1)) != digitsOf(get(4)) {
		t.Errorf("two spellings of one phone: %q and %q", get(1), get(4))
	}
	if get(2) != get(6) {
		t.Errorf("one MRN: %q and %q", get(2), get(6))
	}
	if again := r.Apply(text, spans); again != out1 {
		t.Errorf("second pass differs:\n%s\n%s", out1, again)
	}
	if other := New(Surrogate, WithSeed("s1")).Apply(text, spans); other != out1 {
		t.Errorf("same seed, new redactor differs:\n%s\n%s", out1, other)
	}
	if other := New(Surrogate, WithSeed("s2")).Apply(text, spans); other == out1 {
		t.Errorf("seeds s1 and s2 gave the same text %q", other)
	}
}

// TestSurrogateDistinct checks that different originals get different fakes,
// also when there are about as many of them as the list has entries, and
// that a name from the list is never replaced by itself.
func TestSurrogateDistinct(t *testing.T) {
	cases := []struct {
		typ   chaperone.SpanType
		origs []string
	}{
		{"NAME", firstNames},
		{"NAME", lastNames},
		{"LOCATION", towns},
		{"FACILITY", facilityStems},
		{"PHONE", seq(150, func(i int) string { return fmt.Sprintf("617-555-%04d", 100+i) })},
		{"EMAIL", seq(200, func(i int) string { return fmt.Sprintf("p%d@gmail.com", i) })},
		{"HANDLE", seq(200, func(i int) string { return fmt.Sprintf("@p%d", i) })},
		{"IP", seq(200, func(i int) string { return fmt.Sprintf("10.1.%d.%d", i/100, i%100) })},
		{"ID", seq(10, func(i int) string { return fmt.Sprintf("bed %d", i) })},
		{"MRN", seq(300, func(i int) string { return fmt.Sprintf("%08d", 4471902+i) })},
		{"AGE", seq(60, func(i int) string { return strconv.Itoa(18 + i) })},
	}
	for _, c := range cases {
		r := New(Surrogate, WithSeed("distinct"))
		fakes := map[string]string{}
		for _, o := range c.origs {
			f := one(r, o, o, c.typ)
			if strings.EqualFold(f, o) {
				t.Errorf("%s %q kept", c.typ, o)
			}
			if prev, dup := fakes[f]; dup {
				t.Errorf("%s %q and %q both became %q", c.typ, prev, o, f)
			}
			fakes[f] = o
		}
	}
}

func seq(n int, f func(int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// TestSurrogateConcurrent runs one redactor from many goroutines; the
// fakes must be those of a single goroutine (run with -race to check the
// locking too).
func TestSurrogateConcurrent(t *testing.T) {
	texts := seq(64, func(i int) string {
		return fmt.Sprintf("Patient %s, MRN %07d, phone 555-%03d-%04d", firstNames[i%len(firstNames)], i, i, i)
	})
	spansOf := func(s string) []chaperone.Span {
		name := strings.TrimPrefix(s[:strings.Index(s, ",")], "Patient ")
		return []chaperone.Span{at(s, name, "NAME"), at(s, s[strings.Index(s, "MRN ")+4:strings.Index(s, ", phone")], "MRN"), at(s, s[strings.Index(s, "phone ")+6:], "PHONE")}
	}
	// Names repeat every len(firstNames) texts, so warm the redactors with
	// the first round in order; then any interleaving must agree.
	want := New(Surrogate, WithSeed("c"))
	r := New(Surrogate, WithSeed("c"))
	for _, s := range texts {
		want.Apply(s, spansOf(s))
		r.Apply(s, spansOf(s))
	}
	var wg sync.WaitGroup
	got := make([]string, len(texts))
	for i, s := range texts {
		wg.Go(func() { got[i] = r.Apply(s, spansOf(s)) })
	}
	wg.Wait()
	for i, s := range texts {
		if w := want.Apply(s, spansOf(s)); got[i] != w {
			t.Errorf("text %d: %q, want %q", i, got[i], w)
		}
	}
}

func TestDigitValue(t *testing.T) {
	for c, want := range map[rune]byte{'0': '0', '7': '7', '٥': '5', '۹': '9', '५': '5', '７': '7', '𝟗': '9', '𝟡': '9', '𝟬': '0'} {
		if got := digitValue(c); got != want {
			t.Errorf("digitValue(%q) = %q, want %q", c, got, want)
		}
	}
}
