// Package redact rewrites identifier spans of a text with Presidio-style
// anonymizer operators, and suggests a safe rewrite of a screened item.
//
// Four operators replace a span:
//
//   - Mask keeps the span's length in runes and replaces every rune but
//     whitespace with the mask rune ('*' unless WithMaskRune says otherwise).
//   - Tag writes the span type in brackets: "[NAME]", "[DATE]", "[PHONE]".
//   - Surrogate writes a realistic fake of the same type and shape, the same
//     fake for the same original within a Redactor and across runs with the
//     same seed.
//   - Generalize writes what HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i))
//     lets stay: a year for a date, "90 or older" for an age over 89, the
//     3-digit prefix of a ZIP code; other types are tagged.
//
// Apply redacts spans of any text; Rewrite turns a screened item into a text
// that may be published, replacing a reply that confirms a patient
// relationship with a HIPAA-safe template.
//
// The package imports no detection, storage or web code: the screening
// engine (detect) calls it, and any Go program may embed it. All output is
// deterministic: the same text, spans, operator and options give the same
// result. The one input from outside is the clock: unless WithReferenceYear
// fixes the year, Generalize counts ages (for years that would reveal an age
// over 89) from the current year.
package redact
