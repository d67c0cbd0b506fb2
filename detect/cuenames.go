package detect

// cueName names a cue list of the rule files that the recognizers test;
// the rule set resolves it to the list's number once (ruleSet.cueOf), so
// that a test does not look the name up. cueNames gives each its name in
// the rule files.
type cueName uint8

// The cue lists the recognizers test.
const (
	cueAdviceDirective cueName = iota
	cueAdviceGeneralQuestion
	cueAdviceOwnHealth
	cueAdvicePersonalQuestion
	cueAdviceStrong
	cueAdviceToPerson
	cueConsentImage
	cueConsentQuote
	cueConsentShared
	cueDisclosure
	cueOwnCare
	cuePersonalClinical
	cuePrivacyTemplate
	cuePublicDisclosure
	cueRefutation
	cueRelationshipConfirm
	cueRelationshipYourCare
	cueStoryEvent
	cueStoryHypothetical
	cueStoryPerson
	cueStoryStrong
	cueStoryThirdPerson
	cueStoryTime
	cueUnprofessional
	cueUnprofessionalCondemn
	cueUnprofessionalContempt
	cueUnprofessionalFamily
	cueUnprofessionalImpaired
	cueUnprofessionalMock
	cueUnprofessionalOffDuty
	cueUnprofessionalPeople
	cueUnprofessionalSystem
	cueUnprofessionalTrait
	numCueNames
)

// cueNames are the rule files' names of the cue lists, by cueName.
var cueNames = [numCueNames]string{
	cueAdviceDirective:        "advice_directive",
	cueAdviceGeneralQuestion:  "advice_general_question",
	cueAdviceOwnHealth:        "advice_own_health",
	cueAdvicePersonalQuestion: "advice_personal_question",
	cueAdviceStrong:           "advice_strong",
	cueAdviceToPerson:         "advice_to_person",
	cueConsentImage:           "consent_image",
	cueConsentQuote:           "consent_quote",
	cueConsentShared:          "consent_shared",
	cueDisclosure:             "disclosure",
	cuePersonalClinical:       "personal_clinical",
	cuePrivacyTemplate:        "privacy_template",
	cuePublicDisclosure:       "public_disclosure",
	cueOwnCare:                "own_care",
	cueRefutation:             "refutation",
	cueRelationshipConfirm:    "relationship_confirm",
	cueRelationshipYourCare:   "relationship_your_care",
	cueStoryEvent:             "story_event",
	cueStoryHypothetical:      "story_hypothetical",
	cueStoryPerson:            "story_person",
	cueStoryStrong:            "story_strong",
	cueStoryThirdPerson:       "story_third_person",
	cueStoryTime:              "story_time",
	cueUnprofessional:         "unprofessional",
	cueUnprofessionalCondemn:  "unprofessional_condemn",
	cueUnprofessionalContempt: "unprofessional_contempt",
	cueUnprofessionalFamily:   "unprofessional_family",
	cueUnprofessionalImpaired: "unprofessional_impaired",
	cueUnprofessionalMock:     "unprofessional_mock",
	cueUnprofessionalOffDuty:  "unprofessional_offduty",
	cueUnprofessionalPeople:   "unprofessional_people",
	cueUnprofessionalSystem:   "unprofessional_system",
	cueUnprofessionalTrait:    "unprofessional_trait",
}
