package lexicon

import (
	"strings"
	"sync"
	"unsafe"
)

// file returns the embedded file as a string without copying it again.
// The byte slice from ReadFile is never modified, so keys may be substrings.
func file(name string) string {
	b, err := Data.ReadFile("data/" + name)
	if err != nil {
		panic("lexicon: missing embedded file " + name + ": " + err.Error())
	}
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// eachLine calls fn with the tab-separated fields of each non-comment line.
// fields is reused between calls.
func eachLine(data string, fn func(f []string)) {
	var fields [6]string
	for len(data) > 0 {
		i := strings.IndexByte(data, '\n')
		var line string
		if i < 0 {
			line, data = data, ""
		} else {
			line, data = data[:i], data[i+1:]
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
		fn(fields[:n+1])
	}
}

// lines counts data lines (an upper bound used to pre-size maps).
func lines(data string) int { return strings.Count(data, "\n") }

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

func set(data string) map[string]struct{} {
	m := make(map[string]struct{}, lines(data))
	eachLine(data, func(f []string) { m[f[0]] = struct{}{} })
	return m
}

func load() *Lexicon {
	l := &Lexicon{}
	var wg sync.WaitGroup
	run := func(fn func()) {
		wg.Add(1)
		go func() { defer wg.Done(); fn() }()
	}
	run(func() {
		d := file("first_names.tsv")
		l.first = make(map[string]nameFreq, lines(d))
		eachLine(d, func(f []string) {
			if len(f) >= 3 {
				l.first[f[0]] = nameFreq{int32(atoi(f[1])), uint8(atoi(f[2]))}
			}
		})
	})
	run(func() {
		d := file("surnames.tsv")
		l.surname = make(map[string]int32, lines(d))
		eachLine(d, func(f []string) {
			if len(f) >= 2 {
				l.surname[f[0]] = int32(atoi(f[1]))
			}
		})
		d = file("intl_names.tsv")
		l.intl = make(map[string]uint8, lines(d))
		eachLine(d, func(f []string) {
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
			l.intl[f[0]] = k
		})
	})
	run(func() { l.weak = set(file("weak_names.txt")) })
	run(func() {
		d := file("words.tsv")
		l.words = make(map[string]uint8, lines(d))
		eachLine(d, func(f []string) {
			if len(f) >= 2 {
				l.words[f[0]] = uint8(atoi(f[1]))
			}
		})
	})
	run(func() {
		d := file("proper.tsv")
		l.proper = make(map[string]uint8, lines(d))
		eachLine(d, func(f []string) {
			if len(f) >= 2 {
				l.proper[f[0]] = uint8(atoi(f[1]))
			}
		})
	})
	var maxCity, maxHosp int
	run(func() {
		d := file("cities.tsv")
		l.cities = make(map[string]cityInfo, lines(d))
		eachLine(d, func(f []string) {
			if len(f) >= 3 {
				l.cities[f[0]] = cityInfo{int32(atoi(f[1])), uint8(min(atoi(f[2]), 255))}
				maxCity = max(maxCity, words(f[0]))
			}
		})
		l.counties = set(file("counties.tsv"))
		d = file("states.tsv")
		l.stateName = make(map[string]struct{}, 64)
		l.stateAbbr = make(map[string]struct{}, 64)
		eachLine(d, func(f []string) {
			if len(f) >= 2 {
				l.stateAbbr[f[0]] = struct{}{}
				l.stateName[strings.ToLower(f[1])] = struct{}{}
			}
		})
		l.zips = make([]uint64, 100000/64+1)
		eachLine(file("zips.txt"), func(f []string) {
			if n, ok := zipNum(f[0]); ok {
				l.zips[n>>6] |= 1 << (n & 63)
			}
		})
		l.zip3 = make(map[string]uint8, 32)
		eachLine(file("zip3.tsv"), func(f []string) {
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
		d = file("street_suffixes.tsv")
		l.suffixes = make(map[string]string, lines(d))
		eachLine(d, func(f []string) {
			if len(f) >= 2 {
				l.suffixes[f[0]] = f[1]
			}
		})
	})
	run(func() {
		d := file("hospitals.tsv")
		l.hospitals = make(map[string]struct{}, lines(d))
		eachLine(d, func(f []string) {
			l.hospitals[f[0]] = struct{}{}
			maxHosp = max(maxHosp, words(f[0]))
		})
		l.drugs = set(file("drugs.tsv"))
		l.eponyms = set(file("eponyms.txt"))
	})
	run(func() {
		d := file("makers.tsv")
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
		d = file("maker_aliases.tsv")
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
