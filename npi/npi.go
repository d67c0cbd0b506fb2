// Package npi checks National Provider Identifiers and reads clinicians'
// records from the NPPES monthly file, so that the service can tell what a
// clinician is licensed and certified as, and flag a bio that claims more.
//
// The service's identity pages and `chaperone` imports call it; it imports
// no storage or web code.
package npi

import "fmt"

// Valid reports whether s is a well-formed NPI: ten digits whose last is
// the Luhn check digit of the first nine prefixed with 80840, the card
// issuer prefix of US health identifiers (45 CFR 162.406).
func Valid(s string) bool {
	return Check(s) == nil
}

// Check returns why s is not a valid NPI, or nil. The message quotes the
// NPI, which is public.
func Check(s string) error {
	if len(s) != 10 {
		return fmt.Errorf("an NPI has 10 digits, not %d characters", len(s))
	}
	for i := 0; i < 10; i++ {
		if s[i] < '0' || s[i] > '9' {
			return fmt.Errorf("an NPI has only digits; %q has %q", s, s[i])
		}
	}
	if s[0] != '1' && s[0] != '2' {
		return fmt.Errorf("an NPI starts with 1 (individuals) or 2 (organisations), not %q", s[0])
	}
	if d := CheckDigit(s[:9]); d != s[9] {
		return fmt.Errorf("NPI %s fails its check digit (want %c)", s, d)
	}
	return nil
}

// CheckDigit returns the check digit of the first nine digits of an NPI.
// It panics if base is not nine ASCII digits.
func CheckDigit(base string) byte {
	if len(base) != 9 {
		panic("npi: CheckDigit needs 9 digits")
	}
	// Luhn over "80840"+base: doubling starts from the rightmost base
	// digit; the prefix contributes a constant 24.
	sum := 24
	for i := 8; i >= 0; i-- {
		d := int(base[i] - '0')
		if (8-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}
