package npi

import (
	"regexp"
	"sort"
	"strings"
)

// Specialty is a clinical field as a bio claims it and as NUCC taxonomy
// codes record it.
type Specialty struct {
	Name  string   // "dermatology"
	Words []string // how bios say it: "dermatologist", "dermatology"
	Codes []string // taxonomy codes (or code prefixes ending in "*") that support it
}

// Specialties maps the specialties bios claim most to the Health Care
// Provider Taxonomy codes (NUCC) that support them. Codes are facts of the
// public code set; the list is ours.
var Specialties = []Specialty{
	{"internal medicine", []string{"internist", "internal medicine"}, []string{"207R*"}},
	{"family medicine", []string{"family physician", "family medicine", "family practice"}, []string{"207Q*", "363LF0000X"}},
	{"pediatrics", []string{"pediatrician", "paediatrician", "pediatrics"}, []string{"2080*", "363LP0200X"}},
	{"dermatology", []string{"dermatologist", "dermatology"}, []string{"207N*"}},
	{"obstetrics and gynecology", []string{"ob/gyn", "obgyn", "ob-gyn", "obstetrician", "gynecologist", "gynaecologist"}, []string{"207V*", "363LW0102X"}},
	{"cardiology", []string{"cardiologist", "cardiology"}, []string{"207RC*", "207RI0011X"}},
	{"psychiatry", []string{"psychiatrist", "psychiatry"}, []string{"2084P*", "363LP0808X"}},
	{"neurology", []string{"neurologist", "neurology"}, []string{"2084N*", "2084V0102X"}},
	{"orthopaedic surgery", []string{"orthopedic surgeon", "orthopaedic surgeon", "orthopedist"}, []string{"207X*"}},
	{"general surgery", []string{"general surgeon"}, []string{"2086*"}},
	{"plastic surgery", []string{"plastic surgeon"}, []string{"2082*", "207YS0123X"}},
	{"neurosurgery", []string{"neurosurgeon"}, []string{"207T*"}},
	{"emergency medicine", []string{"emergency physician", "emergency medicine", "er doctor", "er physician"}, []string{"207P*"}},
	{"anesthesiology", []string{"anesthesiologist", "anaesthetist", "anesthesiology"}, []string{"207L*", "367500000X"}},
	{"radiology", []string{"radiologist", "radiology"}, []string{"2085*"}},
	{"ophthalmology", []string{"ophthalmologist", "ophthalmology", "eye surgeon"}, []string{"207W*"}},
	{"otolaryngology", []string{"ent doctor", "otolaryngologist", "ent surgeon"}, []string{"207Y*"}},
	{"urology", []string{"urologist", "urology"}, []string{"2088*"}},
	{"endocrinology", []string{"endocrinologist", "endocrinology"}, []string{"207RE*"}},
	{"gastroenterology", []string{"gastroenterologist", "gastroenterology", "gi doctor"}, []string{"207RG*"}},
	{"oncology", []string{"oncologist", "oncology"}, []string{"207RH0003X", "207RX0202X", "2086X0206X", "2085R0001X"}},
	{"nephrology", []string{"nephrologist", "nephrology"}, []string{"207RN*"}},
	{"pulmonology", []string{"pulmonologist", "pulmonology"}, []string{"207RP1001X", "207RC0200X"}},
	{"rheumatology", []string{"rheumatologist", "rheumatology"}, []string{"207RR*"}},
	{"infectious disease", []string{"infectious disease specialist", "infectious diseases physician"}, []string{"207RI0200X"}},
	{"allergy and immunology", []string{"allergist", "immunologist"}, []string{"207K*"}},
	{"sports medicine", []string{"sports medicine"}, []string{"207QS0010X", "207RS0010X", "2080S0010X", "207XX0005X", "2081S0010X"}},
	{"geriatrics", []string{"geriatrician", "geriatrics"}, []string{"207QG0300X", "207RG0300X"}},
}

// Degree is a credential a bio may claim, with the spellings NPPES
// credential text uses for it.
type Degree struct {
	Name      string
	Spellings []string // normalised: upper case, no dots or spaces
	// Codes are taxonomy code prefixes that imply the degree when the
	// credential text is empty.
	Codes []string
}

// Degrees are the clinical degrees and licences bios claim.
var Degrees = []Degree{
	{"MD", []string{"MD"}, []string{"20*"}},
	{"DO", []string{"DO"}, []string{"20*"}},
	{"NP", []string{"NP", "FNP", "FNPC", "FNPBC", "APRN", "ANP", "CNP", "DNP", "PMHNP", "PNP"}, []string{"363L*"}},
	{"PA", []string{"PA", "PAC"}, []string{"363A*"}},
	{"RN", []string{"RN", "BSN", "MSN"}, []string{"163W*"}},
	{"DDS", []string{"DDS", "DMD"}, []string{"122*", "1223*"}},
	{"PharmD", []string{"PHARMD", "RPH"}, []string{"1835*"}},
	{"DPT", []string{"DPT", "PT"}, []string{"2251*"}},
	{"DC", []string{"DC"}, []string{"111N*"}},
	{"OD", []string{"OD"}, []string{"152W*"}},
	{"DPM", []string{"DPM"}, []string{"213E*"}},
	{"PsyD", []string{"PSYD", "PHD"}, []string{"103T*"}},
	{"LCSW", []string{"LCSW", "LICSW"}, []string{"1041C*"}},
}

// Mismatch is a claim in a bio that the NPPES record does not support.
type Mismatch struct {
	Claim  string // what the bio claims, normalised: "MD", "board-certified dermatology"
	Reason string // one plain line
}

var degreeRe = regexp.MustCompile(`(?i)(?:^|[\s,(|/·•-])(M\.?D|D\.?O|N\.?P|FNP(?:-?BC|-C)?|APRN|DNP|PA-?C|R\.?N|D\.?D\.?S|D\.?M\.?D|Pharm\.?\s?D|DPT|D\.?C|O\.?D|DPM|Psy\.?D|LCSW)\.?(?:$|[\s,)|/·•.;:!-])`)

var boardRe = regexp.MustCompile(`(?i)\bboard[- ]certified\s+(?:in\s+)?([a-z/ -]{3,40})`)

// CheckClaims compares the degrees and specialties a bio claims with a
// clinician's NPPES record and returns each claim the record does not
// support. Claims it cannot read are not reported: this is a review aid,
// not a verdict. The bio screen calls it when the author has a record.
func CheckClaims(bio string, rec Record) []Mismatch {
	var out []Mismatch
	held := heldDegrees(rec)
	seen := map[string]bool{}
	for _, m := range degreeRe.FindAllStringSubmatch(bio, -1) {
		d := degreeOf(normCred(m[1]))
		if d == nil || seen[d.Name] {
			continue
		}
		seen[d.Name] = true
		if !held[d.Name] {
			out = append(out, Mismatch{Claim: d.Name, Reason: "The bio claims " + d.Name + ", which the clinician's NPPES record does not show."})
		}
	}
	lower := strings.ToLower(bio)
	for _, sp := range Specialties {
		claimed := false
		for _, w := range sp.Words {
			if containsWord(lower, w) {
				claimed = true
			}
		}
		if !claimed || seen[sp.Name] {
			continue
		}
		seen[sp.Name] = true
		if !hasCode(rec, sp.Codes) {
			out = append(out, Mismatch{Claim: sp.Name, Reason: "The bio presents the clinician as practising " + sp.Name + ", which no taxonomy on their NPPES record supports."})
		}
	}
	for _, m := range boardRe.FindAllStringSubmatch(bio, -1) {
		phrase := strings.ToLower(m[1])
		for _, sp := range Specialties {
			match := strings.Contains(phrase, sp.Name)
			for _, w := range sp.Words {
				match = match || strings.HasPrefix(phrase, w)
			}
			if match && !seen["board:"+sp.Name] && !hasCode(rec, sp.Codes) {
				seen["board:"+sp.Name] = true
				out = append(out, Mismatch{Claim: "board-certified " + sp.Name, Reason: "The bio claims board certification in " + sp.Name + "; no taxonomy on the NPPES record supports it."})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Claim < out[j].Claim })
	return out
}

// heldDegrees reads the record's credential text ("M.D., FACP"), and
// falls back to the taxonomies when it is empty.
func heldDegrees(rec Record) map[string]bool {
	held := map[string]bool{}
	for _, part := range strings.FieldsFunc(rec.Credential, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == ' ' }) {
		if d := degreeOf(normCred(part)); d != nil {
			held[d.Name] = true
		}
	}
	if len(held) == 0 {
		for _, d := range Degrees {
			if hasCode(rec, d.Codes) {
				held[d.Name] = true
			}
		}
	}
	return held
}

func normCred(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', ' ', '-':
			return -1
		}
		return r
	}, strings.ToUpper(s))
}

func degreeOf(norm string) *Degree {
	for i := range Degrees {
		for _, sp := range Degrees[i].Spellings {
			if sp == norm {
				return &Degrees[i]
			}
		}
	}
	return nil
}

// hasCode reports whether one of the record's taxonomies matches a code
// or a code prefix ("207R*").
func hasCode(rec Record, codes []string) bool {
	for _, t := range rec.Taxonomies {
		for _, c := range codes {
			if p, ok := strings.CutSuffix(c, "*"); ok && strings.HasPrefix(t.Code, p) || t.Code == c {
				return true
			}
		}
	}
	return false
}

func containsWord(s, w string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		a, b := off+i, off+i+len(w)
		if (a == 0 || !isLetter(s[a-1])) && (b == len(s) || !isLetter(s[b])) {
			return true
		}
		off = a + 1
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
