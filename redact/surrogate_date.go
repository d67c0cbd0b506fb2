package redact

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dates are shifted rather than drawn: every date a Redactor fakes moves by
// the same number of days (1 to 365, from the seed), so the order of events
// and the days between them stay true ("from 2/2 to 2/19" keeps its 17 days),
// and different dates of one format stay different. A date without a year is
// shifted within the leap year 2024, wrapping at its end, so "2/29" is valid.
// Month-only dates move by 1 to 11 months, a lone ordinal day ("the 14th") by
// a number of days modulo 31, a lone year by 1 to 9 years. The format is kept:
// separators, zero padding, 2- or 4-digit years, month names or
// abbreviations and their case, ordinal suffixes, commas.

var (
	numericDate = regexp.MustCompile(`^(\d{1,4})([/.-])(\d{1,2})(?:([/.-])(\d{1,4}))?$`)
	// namedDate: optional day before the month, the month, optional day
	// after, optional year. Group 3 is the month word.
	namedDate   = regexp.MustCompile(`^(?:(\d{1,2})((?i:st|nd|rd|th))?\s+(?i:of\s+)?)?([A-Za-z]+)\.?(?:\s+(\d{1,2})((?i:st|nd|rd|th))?)?(?:,?\s+(\d{4}))?$`)
	ordinalDay  = regexp.MustCompile(`^(\d{1,2})((?i:st|nd|rd|th))$`)
	holidayDate = regexp.MustCompile(`^(.*?)(,?\s+(?:\d{4}|['’]\d{2}))?$`)
	yearOnly    = regexp.MustCompile(`^\d{4}$`)
)

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// fakeDate returns s shifted, in its own format, or a fake "Month D" for a
// format it does not read.
func (r *Redactor) fakeDate(s string) string {
	if f, ok := r.shiftNumeric(s); ok {
		return f
	}
	if f, ok := r.shiftNamed(s); ok {
		return f
	}
	if m := ordinalDay.FindStringSubmatch(s); m != nil {
		if d, _ := strconv.Atoi(m[1]); d >= 1 && d <= 31 {
			d = (d-1+1+r.dayShift%30)%31 + 1 // 1 to 30 days on, modulo 31
			return padTo(d, padWidth(m[1])) + shapeCase(ordinal(d), m[2])
		}
	}
	if yearOnly.MatchString(s) {
		y, _ := strconv.Atoi(s)
		return strconv.Itoa(y + 1 + r.dayShift%9)
	}
	if m := holidayDate.FindStringSubmatch(s); m != nil {
		if h := holidayIndex(m[1]); h >= 0 {
			f := r.fake("holiday", holidays[h], m[1], func(st *stream, _ int) string {
				return pick(st, holidays)
			})
			return f + m[2]
		}
	}
	f := r.fake("date", strings.ToLower(s), s, func(h *stream, _ int) string {
		m := 1 + h.intn(12)
		return monthNames[m-1] + " " + strconv.Itoa(1+h.intn(daysIn(2023, time.Month(m))))
	})
	return f
}

// shiftNumeric shifts "3/14", "03-14-2025", "3/14/24", "2024-03-14" and,
// when the first number cannot be a month or after a dot, "14/3" and
// "14.03.2024".
func (r *Redactor) shiftNumeric(s string) (string, bool) {
	m := numericDate.FindStringSubmatch(s)
	if m == nil || m[4] != "" && m[4] != m[2] {
		return "", false
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[3])
	if len(m[1]) == 4 { // Y-M-D
		if m[5] == "" || len(m[5]) > 2 {
			return "", false // not Y-M-D
		}
		c, _ := strconv.Atoi(m[5])
		t, ok := r.shift(a, b, c)
		if !ok {
			return "", false
		}
		w := padWidth(m[3], m[5])
		return padTo(t.Year(), 4) + m[2] + padTo(int(t.Month()), w) + m[2] + padTo(t.Day(), w), true
	}
	if len(m[1]) > 2 {
		return "", false
	}
	year := 0
	if m[5] != "" {
		if len(m[5]) != 2 && len(m[5]) != 4 {
			return "", false
		}
		year, _ = strconv.Atoi(m[5])
		if len(m[5]) == 2 {
			year = pivotYear(year)
		}
	}
	month, day, dayFirst := a, b, m[2] == "."
	if dayFirst || !validDate(year, month, day) {
		month, day, dayFirst = b, a, true
	}
	t, ok := r.shift(year, month, day)
	if !ok {
		return "", false
	}
	w := padWidth(m[1], m[3])
	ms, ds := padTo(int(t.Month()), w), padTo(t.Day(), w)
	out := ms + m[2] + ds
	if dayFirst {
		out = ds + m[2] + ms
	}
	if m[5] != "" {
		ys := strconv.Itoa(t.Year())
		if len(m[5]) == 2 {
			ys = padTo(t.Year()%100, 2)
		}
		out += m[2] + ys
	}
	return out, true
}

// shiftNamed shifts dates with a month name: "March 14th", "Mar 14", "14
// March", "the 3rd of June", "June 2024", "June".
func (r *Redactor) shiftNamed(s string) (string, bool) {
	m := namedDate.FindStringSubmatchIndex(s)
	if m == nil {
		return "", false
	}
	group := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return s[m[2*i]:m[2*i+1]]
	}
	word := group(3)
	month, abbr := monthIndex(word)
	if month == 0 || group(1) != "" && group(4) != "" {
		return "", false
	}
	dayGroup := 1
	if group(1) == "" {
		dayGroup = 4
	}
	day, _ := strconv.Atoi(group(dayGroup))
	year, _ := strconv.Atoi(group(6))
	var t time.Time
	switch {
	case group(dayGroup) != "":
		var ok bool
		if t, ok = r.shift(year, month, day); !ok {
			return "", false
		}
	case year != 0:
		t = time.Date(year, time.Month(month+r.monShift), 1, 0, 0, 0, 0, time.UTC)
	default:
		t = time.Date(2024, time.Month((month-1+r.monShift)%12+1), 1, 0, 0, 0, 0, time.UTC)
	}
	name := monthNames[t.Month()-1]
	if abbr {
		name = name[:3]
	}
	// Replace the groups from the last to the first so offsets hold.
	out := s
	replace := func(i int, v string) {
		if m[2*i] >= 0 {
			out = out[:m[2*i]] + v + out[m[2*i+1]:]
		}
	}
	if year != 0 {
		replace(6, strconv.Itoa(t.Year()))
	}
	if dayGroup == 4 {
		replace(5, shapeCase(ordinal(t.Day()), group(5)))
		replace(4, padTo(t.Day(), padWidth(group(4))))
	}
	replace(3, shapeCase(name, word))
	if dayGroup == 1 {
		replace(2, shapeCase(ordinal(t.Day()), group(2)))
		replace(1, padTo(t.Day(), padWidth(group(1))))
	}
	return out, true
}

// shift returns the date moved by the redactor's day shift; year 0 means no
// year: the date moves within 2024 and wraps around.
func (r *Redactor) shift(year, month, day int) (time.Time, bool) {
	if !validDate(year, month, day) {
		return time.Time{}, false
	}
	if year != 0 {
		return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.dayShift), true
	}
	t := time.Date(2024, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	doy := (t.YearDay() - 1 + r.dayShift) % 366
	return time.Date(2024, 1, 1+doy, 0, 0, 0, 0, time.UTC), true
}

// validDate reports whether month/day (of year, or of a leap year if year is
// 0) is a calendar date.
func validDate(year, month, day int) bool {
	if year == 0 {
		year = 2024
	}
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, time.Month(month))
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// pivotYear reads a 2-digit year as 1969-2068, like POSIX strptime.
func pivotYear(yy int) int {
	if yy >= 69 {
		return 1900 + yy
	}
	return 2000 + yy
}

// monthIndex returns the month (1-12) that word names, in full or as a 3-letter
// abbreviation (or "Sept"), and whether it is abbreviated; 0 if none.
func monthIndex(word string) (int, bool) {
	lw := strings.ToLower(word)
	for i, n := range monthNames {
		ln := strings.ToLower(n)
		switch {
		case lw == ln:
			return i + 1, false
		case len(lw) >= 3 && len(lw) < len(ln) && strings.HasPrefix(ln, lw) && (len(lw) == 3 || lw == "sept"):
			return i + 1, true
		}
	}
	return 0, false
}

// holidayIndex returns the index in holidays of the holiday s names, or -1.
func holidayIndex(s string) int {
	s = strings.ReplaceAll(s, "’", "'")
	for i, h := range holidays {
		if strings.EqualFold(s, h) {
			return i
		}
	}
	return -1
}

// ordinal returns the English ordinal suffix of n.
func ordinal(n int) string {
	if n%100 >= 11 && n%100 <= 13 {
		return "th"
	}
	switch n % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// padWidth returns 2 if any of the month or day numbers is zero-padded
// ("03"), so that the fake is padded too, and 1 otherwise.
func padWidth(nums ...string) int {
	for _, n := range nums {
		if len(n) == 2 && n[0] == '0' {
			return 2
		}
	}
	return 1
}

// padTo writes n with leading zeros to width digits.
func padTo(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}
