package detect

import (
	chaperone "github.com/chaperone-project/chaperone"
)

func init() { registerSpan("age-over-89", (*doc).findAges) }

// ageForm is one way people write an age over 89, with the score factor it
// keeps where the sentence has no other patient cue: "a 94yo" and "she's
// 97" speak of one person, "turning 90" may be general advice.
type ageForm struct {
	expr  string // compiled with the rules (ruleSet.ages), for the prefilter
	alone float64
	words bool // written in words: search the whole text, not near digits
}

var ageForms = []ageForm{
	// "92-year-old", "94yo", "91 y/o", "95-yr-old"
	{`(?i)\b(?P<v>(?:9\d|1[01]\d)(?:[\s-]?(?:years?|yrs?)[\s-]?old|[\s-]?(?:yo|y/o|y\.o\.|yof|yom)))\b`, 0.75, false},
	// "she's 97", "he is 93", "who is 95", "the boyfriend is also 94"
	{`(?i)\b(?:she'?s|he'?s|she’s|he’s|she is|he is|who is|who's|who’s|is|is also|is now|is still|was|were|be)\s+(?:also\s+|now\s+|still\s+|only\s+)?(?P<v>(?:9\d|1[01]\d))\b`, 0.75, false},
	// "At 97, she still drives", "turned 90 today"
	{`(?i)\bat (?P<v>9\d|1[01]\d),? (?:she|he)\b`, 0.75, false},
	{`(?i)\b(?:turned|turns|turning) (?P<v>9\d|1[01]\d) (?:today|yesterday|this week|this weekend|on)\b`, 0.75, false},
	// "at 96,", "turned 100", "aged 91", "(92)"
	{`(?i)(?:\b(?:aged?|at|turned|turning|turns|reached|hits?|celebrated|celebrating)\s+|\()(?P<v>(?:9\d|1[01]\d))\b`, 0.35, false},
	// "in her late nineties", "in his 90s"
	{`(?i)\b(?:in|into) (?:her|his) (?P<v>(?:(?:early|mid|late)[\s-])?(?:nineties|90s|90's|90’s|hundreds))\b`, 0.75, true},
	// "just hit triple digits"
	{`(?i)\b(?:hit|hits|hitting|reached|reaches|turned|turning|turns|in the|into the) (?P<v>triple digits)\b`, 0.6, true},
	// "turned ninety-three", "she's one hundred and one"
	{`(?i)\b(?:aged?|at|is|turned|turning|turns|she'?s|he'?s)\s+(?P<v>(?:ninety|one hundred|a hundred)(?:[\s-](?:and[\s-])?(?:one|two|three|four|five|six|seven|eight|nine))?(?:[\s-]years?[\s-]old)?)\b`, 0.5, true},
	{`(?i)\b(?P<v>(?:ninety|one hundred)[\s-](?:one|two|three|four|five|six|seven|eight|nine)[\s-]years?[\s-]old)\b`, 0.75, true},
	// ", ninety-three today", "Ninety-one and finishing radiation": the age
	// alone, before a time word, "and" or a stop, never before a unit
	{`(?i)\b(?P<v>(?:ninety|one hundred)(?:[\s-](?:and[\s-])?(?:one|two|three|four|five|six|seven|eight|nine))?)(?:\s+(?:today|tomorrow|this|and|years?|yrs|next|now|candles|birthdays?)\b|\s*[,.!)]|\s*$)`, 0.5, true},
	// "a retired opera singer, 96, who …", "Pearl (yes, 99!)"
	{`(?i)(?:, |[—–] |(?:patient|pt|resident|guy|lady|man|woman)(?: today| tonight)?: |\((?:yes, |age |aged )?)(?P<v>(?:9\d|1[01]\d))(?:,|\)|!| and\b| y)`, 0.6, false},
	// "Happy 94th", "her 100th birthday", "celebrated her 101st with"
	{`(?i)\b(?P<v>(?:9\d|1[01]\d)(?:st|nd|rd|th))(?: birthday| bday|!| to)`, 0.6, false},
	{`(?i)\b(?:her|his|their|happy|celebrated|celebrating|celebrates)\s+(?P<v>(?:9\d|1[01]\d)(?:st|nd|rd|th))\b`, 0.6, false},
	// "Celebrated a patient's 90th in clinic", "Mr. Ortiz's 101st"
	{`(?i)\b[a-z]+['’]s\s+(?P<v>(?:9\d|1[01]\d)(?:st|nd|rd|th))\b`, 0.6, false},
	// "92 and fabulous", "91 and still driving", "97 years of sass"
	{`(?i)\b(?P<v>(?:9\d|1[01]\d)(?:\s+years)?)\s+(?:and|of)\s+(?:still|fabulous|fierce|feisty|sharp|sassy|sass|spunk|grace|love|stubborn|wisdom|[a-z]+ing)\b`, 0.5, false},
	// "pushing 100"
	{`(?i)\b(?P<v>pushing (?:9[5-9]|1[01]\d))\b`, 0.6, false},
	// "a hundred-year-old vet", "one hundred years old": a whole hundred,
	// also said of buildings and trees, so it needs a cue
	{`(?i)\b(?P<v>(?:ninety|(?:one |a )?hundred)(?:[\s-](?:and[\s-])?(?:one|two|three|four|five|six|seven|eight|nine))?[\s-]years?[\s-]old)\b`, 0.5, true},
	// "her ninety-fifth birthday", "happy hundredth!": a birthday in words
	{`(?i)\b(?P<v>` + ordinalAgeWords + `)(?: birthday| bday)\b`, 0.6, true},
	{`(?i)\b(?:her|his|their|happy|celebrated|celebrating|celebrates)\s+(?P<v>` + ordinalAgeWords + `)(?:\s+(?:today|this|with|on)\b|\s*[!,.🎂🎉]|\s*$)`, 0.6, true},
	// "90-something", "ninety-ish", "nearly a hundred and still swinging"
	{`(?i)\b(?P<v>9\d[\s-]?(?:something|ish))\b`, 0.6, false},
	{`(?i)\b(?P<v>ninety[\s-]?(?:something|ish))\b`, 0.6, true},
	{`(?i)\b(?P<v>(?:nearly|almost|pushing|close to) 100)(?:\s+(?:and|years?|now|but|yet|today)\b|\s*[,.!)]|\s*$)`, 0.6, false},
	{`(?i)\b(?P<v>(?:nearly|almost|pushing|close to) (?:a|one) hundred)(?:\s+(?:and|years?|now|but|yet|today)\b|\s*[,.!)]|\s*$)`, 0.6, true},
	// "a nonagenarian", "our centenarian"
	{`(?i)\b(?:a|an|the|this)\s+(?:[a-z]+\s+)?(?P<v>(?:nonagenarian|centenarian|supercentenarian))\b`, 0.5, true},
	{`(?i)\b(?:our|my|sweet|[a-z]+['’]s)\s+(?:[a-z]+\s+)?(?P<v>(?:nonagenarian|centenarian|supercentenarian))\b`, 0.6, true},
	{`(?i)\b(?P<v>(?:nonagenarian|centenarian|supercentenarian))\s+(?:alert|club|birthday|party|celebration|status)\b`, 0.5, true},
	// "101 years young", "96 years strong"
	{`(?i)\b(?P<v>(?:9\d|1[01]\d)\s+years)\s+(?:young|strong|wise)\b`, 0.6, false},
}

// colleagueAt reports that the sentence at byte off is about a colleague
// named by title ("In memoriam: Dr. Helen Marsh, our founding partner") and
// not about a patient.
func (d *doc) colleagueAt(off int) bool {
	i := d.tokAt(off)
	if i >= len(d.toks) {
		return false
	}
	s := d.sent[i]
	return d.sents[s].staff && d.sents[s].byTitle && d.patientIn(s) < 1
}

// ordinalAgeWords are the ordinals over 89 in words: "ninetieth",
// "ninety-fifth", "hundredth", "hundred and first".
const ordinalAgeWords = `(?:ninety[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|ninetieth|(?:(?:one|a)\s+)?hundred(?:th|\s+(?:and\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)))`

var ageWords = []string{"ninet", "hundred", "90", "narian", "triple digit"} // "narian": nonagenarian, centenarian

// findAges reports ages over 89 and the phrases that imply them.
func (d *doc) findAges(r *Rule) {
	base := r.ScoreOr(0.9)
	words := containsAny(d.lower, ageWords) // the forms with words need one
	for i, f := range ageForms {
		x := &d.e.rules.ages[i]
		vi := x.v
		if f.words && !words {
			continue
		}
		for _, m := range d.findAll(x, !f.words) {
			s, e := m[2*vi], m[2*vi+1]
			if !validAge(d, s, e) {
				continue
			}
			score := d.contextScoreWith(s, base, f.alone)
			if d.hypothetical || d.colleagueAt(s) {
				score *= 0.5 // "imagine your 95-year-old grandmother", "Dr. Helen Marsh died March 3 at 91"
			}
			d.add(s, e, chaperone.SpanAge, r.ID, score)
		}
	}
}
