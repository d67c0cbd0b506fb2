package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// nameTitles and nameParticles are words of a name span that stay.
	nameTitles    = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true, "sr": true, "jr": true, "mister": true}
	nameParticles = map[string]bool{"de": true, "da": true, "del": true, "della": true, "di": true, "du": true, "van": true, "von": true, "der": true, "den": true, "la": true, "le": true, "bin": true, "ibn": true, "al": true}

	titleBefore = regexp.MustCompile(`(?i)\b(?:mr|mrs|ms|miss|mx|dr|prof|mister)\.?\s+$`)
	theBefore   = regexp.MustCompile(`(?i)\bthe\s+$`)
)

// fakeName replaces each word of the name s with a fictional one, keeping
// the shape: a one-word name stays one word, an initial stays an initial
// ("Mr. K" -> "Mr. R", "Jim H." -> "Basil T."), titles, lower-case particles
// ("van", "de"), possessives and case stay. In a name of several words the
// last is a surname and the others given names; a lone word is a surname
// after a title ("Mrs. Delgado") and a given name otherwise; "the Hendersons"
// stays a plural surname. Words are replaced one by one and remembered, so
// "Maria Gonzalez" and a later "Maria" share the fake given name. before is
// the text before the span.
func (r *Redactor) fakeName(before, s string) string {
	if len(before) > 24 {
		before = before[len(before)-24:]
	}
	words := strings.FieldsFunc(s, unicode.IsSpace)
	var named []int // indices into words of the words to replace
	for i, w := range words {
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		if nameTitles[lw] || nameParticles[w] || !strings.ContainsFunc(w, unicode.IsLetter) {
			continue
		}
		named = append(named, i)
	}
	plural := false
	lastRole := len(named) > 1 || titleBefore.MatchString(before)
	if len(named) == 1 && !lastRole && theBefore.MatchString(before) {
		w := words[named[0]]
		plural = len(w) > 3 && strings.HasSuffix(w, "s") && !strings.ContainsAny(w, "'’")
		lastRole = plural
	}
	fakes := make(map[int]string, len(named))
	for k, i := range named {
		fakes[i] = r.fakeNameWord(words[i], lastRole && k == len(named)-1, plural)
	}
	// Rebuild s with the original white space between the words.
	var b strings.Builder
	rest := s
	for i, w := range words {
		at := strings.Index(rest, w)
		b.WriteString(rest[:at])
		if f, ok := fakes[i]; ok {
			b.WriteString(f)
		} else {
			b.WriteString(w)
		}
		rest = rest[at+len(w):]
	}
	b.WriteString(rest)
	return b.String()
}

// fakeNameWord replaces one word of a name: the letters from the first to the
// last, without a possessive "'s" (or a plural "s"), parts of a hyphenated
// name one by one.
func (r *Redactor) fakeNameWord(w string, surname, plural bool) string {
	i := strings.IndexFunc(w, unicode.IsLetter)
	j := strings.LastIndexFunc(w, unicode.IsLetter)
	_, size := utf8.DecodeRuneInString(w[j:])
	pre, core, post := w[:i], w[i:j+size], w[j+size:]
	lc := strings.ToLower(core)
	for _, p := range []string{"'s", "’s"} {
		if strings.HasSuffix(lc, p) && len(core) > len(p) {
			core, post = core[:len(core)-len(p)], core[len(core)-len(p):]+post
			break
		}
	}
	if plural {
		core, post = core[:len(core)-1], core[len(core)-1:]+post
	}
	if utf8.RuneCountInString(core) == 1 {
		return pre + r.fakeInitial(core) + post
	}
	parts := strings.Split(core, "-")
	for k, p := range parts {
		if p != "" {
			parts[k] = r.fakeNamePart(p, surname)
		}
	}
	return pre + strings.Join(parts, "-") + post
}

// fakeNamePart returns the fictional name for one name word, keeping its case.
func (r *Redactor) fakeNamePart(p string, surname bool) string {
	pool := firstNames
	if surname {
		pool = lastNames
	}
	f := r.fake("name", strings.ToLower(p), p, func(h *stream, attempt int) string {
		if attempt < maxAttempts/2 {
			return pick(h, pool)
		}
		return pick(h, pool) + "-" + pick(h, pool) // the pool is used up
	})
	return shapeCase(f, p)
}

// fakeInitial returns another letter for the initial c, in c's case.
func (r *Redactor) fakeInitial(c string) string {
	f := r.fake("initial", strings.ToUpper(c), c, func(h *stream, _ int) string {
		return string(rune('A' + h.intn(26)))
	})
	if strings.ToLower(c) == c && strings.ToUpper(c) != c {
		return strings.ToLower(f)
	}
	return f
}
