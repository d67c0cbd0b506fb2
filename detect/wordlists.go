package detect

// listID names a word list of the rule files that the recognizers test
// words against; Engine.set returns it as a set without looking its name
// up. listNames gives each its name in the rule files.
type listID uint8

// The word lists the recognizers use.
const (
	lsAgeNotBefore listID = iota
	lsBodyParts
	lsBusinessWords
	lsCareNouns
	lsClinicalEvents
	lsClinicalTerms
	lsCountries
	lsCredentials
	lsDateNotBefore
	lsDepartments
	lsDeviceWords
	lsFacilityWords
	lsFreeMailDomains
	lsFundraiserDomains
	lsGreetings
	lsHandleOrgShort
	lsPlaceholderMailboxes
	lsHashtagNameCues
	lsIdFiller
	lsIdentifierLabels
	lsInjuryTerms
	lsInsultWords
	lsInsurerWords
	lsKinTitles
	lsKinship
	lsLabelRoom
	lsLocatingWords
	lsMailProviders
	lsMonths
	lsNameNotBefore
	lsNamePrefixWords
	lsNotFacilities
	lsNotNames
	lsNotPlaces
	lsOrdinalDateFollowers
	lsOrgWords
	lsPatientNounNotBefore
	lsPatientNouns
	lsPatientTitles
	lsPersonNouns
	lsPlaceNot
	lsPlacePrefixes
	lsPlaceWords
	lsPublicFigures
	lsRoleMailboxes
	lsSocialDomains
	lsSpecialtyWords
	lsStaffEventWords
	lsStaffRoles
	lsStaffTitles
	lsPublicTitles
	lsTreatmentWords
	lsVehicleWords
	lsWebTLDs
	lsWeekdays
	lsWorkplaceAfter
	lsWorkplaceJobs
	lsWorkNouns
	numLists
)

// listNames are the rule files' names of the lists, by listID.
var listNames = [numLists]string{
	lsAgeNotBefore:         "age_not_before",
	lsBodyParts:            "body_parts",
	lsBusinessWords:        "business_words",
	lsCareNouns:            "care_nouns",
	lsClinicalEvents:       "clinical_events",
	lsClinicalTerms:        "clinical_terms",
	lsCountries:            "countries",
	lsCredentials:          "credentials",
	lsDateNotBefore:        "date_not_before",
	lsDepartments:          "departments",
	lsDeviceWords:          "device_words",
	lsFacilityWords:        "facility_words",
	lsFreeMailDomains:      "free_mail_domains",
	lsFundraiserDomains:    "fundraiser_domains",
	lsGreetings:            "greetings",
	lsHandleOrgShort:       "handle_org_short",
	lsPlaceholderMailboxes: "placeholder_mailboxes",
	lsHashtagNameCues:      "hashtag_name_cues",
	lsIdFiller:             "id_filler",
	lsIdentifierLabels:     "identifier_labels",
	lsInjuryTerms:          "injury_terms",
	lsInsultWords:          "insult_words",
	lsInsurerWords:         "insurer_words",
	lsKinTitles:            "kin_titles",
	lsKinship:              "kinship",
	lsLabelRoom:            "label_room",
	lsLocatingWords:        "locating_words",
	lsMailProviders:        "mail_providers",
	lsMonths:               "months",
	lsNameNotBefore:        "name_not_before",
	lsNamePrefixWords:      "name_prefix_words",
	lsNotFacilities:        "not_facilities",
	lsNotNames:             "not_names",
	lsNotPlaces:            "not_places",
	lsOrdinalDateFollowers: "ordinal_date_followers",
	lsOrgWords:             "org_words",
	lsPatientNounNotBefore: "patient_noun_not_before",
	lsPatientNouns:         "patient_nouns",
	lsPatientTitles:        "patient_titles",
	lsPersonNouns:          "person_nouns",
	lsPlaceNot:             "place_not",
	lsPlacePrefixes:        "place_prefixes",
	lsPlaceWords:           "place_words",
	lsPublicFigures:        "public_figures",
	lsRoleMailboxes:        "role_mailboxes",
	lsSocialDomains:        "social_domains",
	lsSpecialtyWords:       "specialty_words",
	lsStaffEventWords:      "staff_event_words",
	lsStaffRoles:           "staff_roles",
	lsStaffTitles:          "staff_titles",
	lsPublicTitles:         "public_titles",
	lsTreatmentWords:       "treatment_words",
	lsVehicleWords:         "vehicle_words",
	lsWebTLDs:              "web_tlds",
	lsWeekdays:             "weekdays",
	lsWorkNouns:            "work_nouns",
	lsWorkplaceAfter:       "workplace_after",
	lsWorkplaceJobs:        "workplace_jobs",
}

// listMask is a set of listIDs.
type listMask uint64

// brandStart is the bit of a listMask for the first words of brand
// phrases (Engine.brand), after the lists' bits.
const brandStart = numLists

// every listID, and brandStart, must fit in a listMask
var _ [63 - numLists]struct{}

func (m listMask) has(id listID) bool { return m&(1<<id) != 0 }

// wordLists returns the word lists that hold w.
func (e *Engine) wordLists(w string) listMask { return e.listsOf[w] }

// tokLists returns, by token, the word lists that hold the token's
// lower-cased text, looked up once per document.
func (d *doc) tokLists() []listMask {
	if d.masks == nil {
		if d.bufs != nil && cap(d.bufs.masks) >= len(d.toks) {
			d.masks = d.bufs.masks[:len(d.toks)] // every element is set below
		} else {
			d.masks = make([]listMask, len(d.toks))
		}
		for i := range d.toks {
			d.masks[i] = d.e.wordLists(d.toks[i].lower)
		}
	}
	return d.masks
}

// prevWordLists returns the word lists that hold prev, which is
// d.prevWord(i): from tokLists when prev is a token's own word, so that
// findLowercaseNames, which asks this of every lower-case word, does not
// look the word up again.
func (d *doc) prevWordLists(i int, prev string) listMask {
	j := i - 1
	switch {
	case j >= 2 && d.toks[j].lower == "s" && (d.toks[j-1].text == "'" || d.toks[j-1].text == "’"):
		return d.e.wordLists(prev) // "pt's": no token's word
	case j > 0 && d.toks[j].kind == tokPunct && d.toks[j].text == ".":
		return d.tokLists()[j-1]
	case j < 0 || j >= len(d.toks):
		return d.e.wordLists("")
	}
	return d.tokLists()[j]
}

// tokIn reports whether the list holds d.word(i): the lower-cased text of
// token i, or "" out of range.
func (d *doc) tokIn(i int, id listID) bool {
	if i < 0 || i >= len(d.toks) {
		return d.e.wordLists("").has(id)
	}
	return d.tokLists()[i].has(id)
}
