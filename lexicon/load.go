package lexicon

import (
	_ "embed" // the dictionary files as strings
	"strings"
	"sync"
)

// The dictionary files load reads, embedded as strings (Data holds them
// too; the compiler stores each file once): the dictionaries keep their
// keys in them, in the binary's read-only data, where Data.ReadFile would
// copy each file to the heap first.
var (
	//go:embed data/first_names.tsv
	firstNamesTSV string
	//go:embed data/surnames.tsv
	surnamesTSV string
	//go:embed data/intl_names.tsv
	intlNamesTSV string
	//go:embed data/weak_names.txt
	weakNamesTXT string
	//go:embed data/words.tsv
	wordsTSV string
	//go:embed data/proper.tsv
	properTSV string
	//go:embed data/cities.tsv
	citiesTSV string
	//go:embed data/counties.tsv
	countiesTSV string
	//go:embed data/states.tsv
	statesTSV string
	//go:embed data/zips.txt
	zipsTXT string
	//go:embed data/zip3.tsv
	zip3TSV string
	//go:embed data/street_suffixes.tsv
	streetSuffixesTSV string
	//go:embed data/hospitals.tsv
	hospitalsTSV string
	//go:embed data/drugs.tsv
	drugsTSV string
	//go:embed data/eponyms.txt
	eponymsTXT string
	//go:embed data/conditions.txt
	conditionsTXT string
	//go:embed data/makers.tsv
	makersTSV string
	//go:embed data/maker_aliases.tsv
	makerAliasesTSV string
)

// eachLine calls fn with the tab-separated fields of each non-comment line.
// fields is reused between calls.
func eachLine(data string, fn func(f []string)) {
	eachLineAt(data, func(_ int, f []string) { fn(f) })
}

// eachLineAt is eachLine that also gives the offset in data of the line,
// which is where its first field is: table keys are located by it.
func eachLineAt(data string, fn func(off int, f []string)) {
	var fields [6]string
	for off := 0; off < len(data); {
		start := off
		i := strings.IndexByte(data[off:], '\n')
		var line string
		if i < 0 {
			line, off = data[off:], len(data)
		} else {
			line, off = data[off:off+i], off+i+1
		}
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		n := 0
		for n < len(fields)-1 {
			j := strings.IndexByte(line, '\t')
			if j < 0 {
				break
			}
			fields[n] = line[:j]
			line = line[j+1:]
			n++
		}
		fields[n] = line
		fn(start, fields[:n+1])
	}
}

// lines counts data lines, a last one without "\n" included: an upper
// bound that sizes the tables and maps.
func lines(data string) int { return strings.Count(data, "\n") + 1 }

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// set returns the first fields of data's lines as a set.
func set(data string) *table[struct{}] {
	t := newTable[struct{}](data, lines(data))
	eachLineAt(data, func(off int, f []string) { t.set(off, f[0], struct{}{}) })
	return t
}

func load() *Lexicon {
	l := &Lexicon{}
	var wg sync.WaitGroup
	run := func(fn func()) {
		wg.Add(1)
		go func() { defer wg.Done(); fn() }()
	}
	run(func() {
		d := firstNamesTSV
		l.first = newTable[nameFreq](d, lines(d))
		eachLineAt(d, func(off int, f []string) {
			if len(f) >= 3 {
				l.first.set(off, f[0], nameFreq{int32(atoi(f[1])), uint8(atoi(f[2]))})
			}
		})
	})
	run(func() {
		d := surnamesTSV
		l.surname = make(map[string]int32, lines(d))
		eachLine(d, func(f []string) {
			if len(f) >= 2 {
				l.surname[f[0]] = int32(atoi(f[1]))
			}
		})
		d = intlNamesTSV
		l.intl = newTable[uint8](d, lines(d))
		eachLineAt(d, func(off int, f []string) {
			if len(f) < 2 {
				return
			}
			var k uint8
			if strings.IndexByte(f[1], 'f') >= 0 {
				k |= intlFirst
			}
			if strings.IndexByte(f[1], 'l') >= 0 {
				k |= intlLast
			}
			l.intl.set(off, f[0], k)
		})
	})
	run(func() { l.weak = set(weakNamesTXT) })
	run(func() {
		d := wordsTSV
		l.words = newTable[uint8](d, lines(d))
		eachLineAt(d, func(off int, f []string) {
			if len(f) >= 2 {
				l.words.set(off, f[0], uint8(atoi(f[1])))
			}
		})
	})
	run(func() {
		d := properTSV
		l.proper = newTable[uint8](d, lines(d))
		eachLineAt(d, func(off int, f []string) {
			if len(f) >= 2 {
				l.proper.set(off, f[0], uint8(atoi(f[1])))
			}
		})
	})
	var maxCity, maxHosp int
	run(func() {
		d := citiesTSV
		l.cities = newTable[cityInfo](d, lines(d))
		eachLineAt(d, func(off int, f []string) {
			if len(f) >= 3 {
				l.cities.set(off, f[0], cityInfo{int32(atoi(f[1])), uint8(min(atoi(f[2]), 255))})
				maxCity = max(maxCity, words(f[0]))
			}
		})
		l.counties = set(countiesTSV)
		d = statesTSV
		l.stateName = make(map[string]struct{}, 64)
		l.stateAbbr = make(map[string]struct{}, 64)
		eachLine(d, func(f []string) {
			if len(f) >= 2 {
				l.stateAbbr[f[0]] = struct{}{}
				l.stateName[strings.ToLower(f[1])] = struct{}{}
			}
		})
		l.zips = make([]uint64, 100000/64+1)
		eachLine(zipsTXT, func(f []string) {
			if n, ok := zipNum(f[0]); ok {
				l.zips[n>>6] |= 1 << (n & 63)
			}
		})
		l.zip3 = make(map[string]uint8, 32)
		eachLine(zip3TSV, func(f []string) {
			if len(f) < 3 {
				return
			}
			var v uint8
			switch f[2] {
			case "pop":
				v = zip3Pop
			case "hhs":
				v = zip3HHS
			default:
				v = zip3Pop | zip3HHS
			}
			l.zip3[f[0]] = v
		})
		d = streetSuffixesTSV
		l.suffixes = make(map[string]string, lines(d))
		eachLine(d, func(f []string) {
			if len(f) >= 2 {
				l.suffixes[f[0]] = f[1]
			}
		})
	})
	run(func() {
		d := hospitalsTSV
		l.hospitals = newTable[struct{}](d, lines(d))
		eachLineAt(d, func(off int, f []string) {
			l.hospitals.set(off, f[0], struct{}{})
			maxHosp = max(maxHosp, words(f[0]))
		})
		l.drugs = set(drugsTSV)
		l.eponyms = set(eponymsTXT)
		l.conditions = set(conditionsTXT)
	})
	run(func() {
		d := makersTSV
		l.makers = make(map[string][]string, lines(d))
		l.common = make(map[string]struct{})
		eachLine(d, func(f []string) {
			if len(f) < 2 {
				return
			}
			ms := l.makers[f[0]]
			if ms == nil {
				l.brands = append(l.brands, f[0])
			}
			l.makers[f[0]] = append(ms, f[1])
			if len(f) >= 3 && f[2] == "common" {
				l.common[f[0]] = struct{}{}
			}
		})
		// makers.tsv is sorted by brand, so l.brands is sorted.
		d = makerAliasesTSV
		l.alias = make(map[string]string, lines(d))
		l.parent = make(map[string]string, 64)
		eachLine(d, func(f []string) {
			if len(f) < 2 {
				return
			}
			l.alias[f[0]] = f[1]
			if len(f) >= 3 && f[2] != "" {
				l.parent[f[1]] = f[2]
			}
		})
	})
	wg.Wait()
	l.maxPhrase = max(maxCity, maxHosp)
	for _, b := range l.brands {
		l.maxPhrase = max(l.maxPhrase, words(b))
	}
	return l
}

func words(s string) int { return strings.Count(s, " ") + 1 }
