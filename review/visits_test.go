package review

import (
	"strings"
	"testing"
	"time"
)

func TestReadVisits(t *testing.T) {
	in := "\ufeffAppointment_ID,Appt Date,Patient First Name,Patient Last Name,E-mail,Reason for Visit,Provider Specialty\n" +
		"A-17,2026-10-02 09:30,Walter,Pruitt,Walter.Pruitt@Example.com,knee pain,Orthopedics\n" +
		"\n" +
		"A-18,10/03/2026,,, jm@example.net ,\"HIV follow-up\",Infectious disease\n"
	f, err := ReadVisits(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Visit{
		{ID: "A-17", Name: "Walter Pruitt", Email: "walter.pruitt@example.com", At: time.Date(2026, 10, 2, 9, 30, 0, 0, time.UTC)},
		{ID: "A-18", Email: "jm@example.net", At: time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)},
	}
	if len(f.Visits) != 2 || f.Visits[0] != want[0] || f.Visits[1] != want[1] {
		t.Fatalf("visits %+v", f.Visits)
	}
	if strings.Join(f.Ignored, "|") != "Reason for Visit|Provider Specialty" {
		t.Errorf("ignored %q", f.Ignored)
	}
	if f.Visits[0].Key() != "id:A-17" || (Visit{Email: "a@b.org", At: want[1].At}).Key() != "day:2026-10-03/a@b.org" {
		t.Errorf("keys %q", f.Visits[0].Key())
	}
}

// TestReadVisitsRefuses: strict values, all or nothing, the line named
// and nothing quoted.
func TestReadVisitsRefuses(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"no email column": {"date,name\n2026-01-01,Walter Pruitt\n", "line 1: no email column"},
		"no date column":  {"email,name\nwp@example.com,Walter Pruitt\n", "line 1: no date column"},
		"bad address":     {"date,email,name\n2026-01-01,wp@example.com,Walter Pruitt\n2026-01-02,Walter Pruitt <wp@example.com>,Walter Pruitt\n", "line 3: the email address is not valid"},
		"bad date":        {"date,email\n2026-01-01,a@example.com\n14 March 2026,b@example.com\n", "line 3: the date is not one chaperone reads"},
		"repeat":          {"date,email\n2026-01-01,a@example.com\n2026-01-01,A@example.com\n", "line 3 repeats the visit on line 2"},
		"quoting":         {"date,email\n2026-01-01,\"a@example.com\n", "line 2: "},
		"empty":           {"", "the file is empty"},
		"header only":     {"date,email\n", "no visits"},
		"not utf-8":       {"date,email\n2026-01-01,a\xff@example.com\n", "line 2: the file is not valid UTF-8"},
	}
	for name, c := range cases {
		_, err := ReadVisits(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
			continue
		}
		for _, phi := range []string{"Walter", "Pruitt", "example.com", "March"} {
			if strings.Contains(err.Error(), phi) {
				t.Errorf("%s: the error quotes the file: %v", name, err)
			}
		}
	}
}

func FuzzReadVisits(f *testing.F) {
	f.Add([]byte("visit id,date,email,name,reason\nA-1,2026-10-02 09:30,wp@example.com,Walter Pruitt,knee\n"))
	f.Add([]byte("Appt Date,E-mail\n10/03/2026,jm@example.net\n"))
	f.Add([]byte("date,email\n\"2026-01-01\",\"a@b.co\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		vf, err := ReadVisits(strings.NewReader(string(data)))
		if err != nil {
			if strings.Contains(err.Error(), "@") {
				t.Fatalf("the error quotes an address: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, v := range vf.Visits {
			if _, err := CheckAddress(v.Email); err != nil || v.Email != strings.ToLower(v.Email) || v.At.IsZero() || seen[v.Key()] ||
				strings.ContainsAny(v.Name+v.ID, "\r\n") {
				t.Fatalf("accepted %+v", v)
			}
			seen[v.Key()] = true
		}
	})
}

func TestRequestMail(t *testing.T) {
	m := RequestMail{From: "reviews@harbor.example", To: "wp@example.com", Practice: "Harbor Family Medicine",
		Links:       [][2]string{{"Google", "https://g.page/r/harbor/review"}, {"Yelp", "https://www.yelp.com/writeareview/biz/harbor"}},
		Unsubscribe: "https://chaperone.harbor.example/unsubscribe/abc", Date: time.Date(2026, 10, 3, 9, 0, 0, 0, time.UTC), MessageID: "rr-1@harbor.example"}
	msg := string(m.Bytes())
	for _, want := range []string{"Subject: Thank you for choosing Harbor Family Medicine\r\n", "To: <wp@example.com>\r\n",
		"List-Unsubscribe: <https://chaperone.harbor.example/unsubscribe/abc>\r\n", "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
		"\r\n\r\nHello,\r\n", "Google: https://g.page/r/harbor/review\r\n"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q:\n%s", want, msg)
		}
	}
}
