package npi

import (
	"fmt"
	"strings"
	"testing"
)

// luhn is the textbook Luhn check over a whole digit string, to check the
// shortcut in CheckDigit.
func luhn(s string) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestValid(t *testing.T) {
	cases := []struct {
		npi  string
		want bool
		why  string
	}{
		{"1234567893", true, ""}, // CMS's worked example
		{"1245319599", true, ""},
		{"1234567890", false, "check digit"},
		{"123456789", false, "10 digits"},
		{"12345678931", false, "10 digits"},
		{"12345678a3", false, "only digits"},
		{"3234567893", false, "starts with 1"},
		{"", false, "10 digits"},
	}
	for _, c := range cases {
		err := Check(c.npi)
		if (err == nil) != c.want || Valid(c.npi) != c.want {
			t.Errorf("Check(%q) = %v, want valid=%v", c.npi, err, c.want)
		}
		if err != nil && !strings.Contains(err.Error(), c.why) {
			t.Errorf("Check(%q) = %v, want it to say %q", c.npi, err, c.why)
		}
	}
}

func TestCheckDigitMatchesLuhn(t *testing.T) {
	for n := 100000000; n < 100000000+20000; n += 7 {
		base := fmt.Sprintf("%09d", n)
		full := base + string(CheckDigit(base))
		if !luhn("80840" + full) {
			t.Fatalf("CheckDigit(%s) = %c fails Luhn", base, full[9])
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("1234567893")
	f.Add("12345 6789")
	f.Fuzz(func(t *testing.T, s string) {
		if Valid(s) && !luhn("80840"+s) {
			t.Fatalf("%q passes Check but fails Luhn", s)
		}
	})
}
