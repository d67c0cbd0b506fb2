package service

import (
	"context"
	"os"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/npi"
)

func TestIdentityAndBioClaims(t *testing.T) {
	file, err := os.ReadFile("../npi/testdata/npidata_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		_, err := w.svc.ImportNPPES(ctx, w.comp, strings.NewReader(string(file)))
		wantCode(t, err, chaperone.ErrInvalid) // nobody has an NPI yet
		notInFile := "123456780" + string(npi.CheckDigit("123456780"))
		for u, n := range map[*chaperone.User]string{&w.clinician: "1234567893", &w.clinician2: "1245319599", &w.reviewer: notInFile} {
			if err := w.svc.SetNPI(ctx, *u, n); err != nil {
				t.Fatal(err)
			}
		}
		_, err = w.svc.ImportNPPES(ctx, w.clinician, strings.NewReader(string(file)))
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.ImportNPPES(ctx, w.comp, strings.NewReader("NPI,Name\n1,x\n"))
		wantCode(t, err, chaperone.ErrInvalid)
		imp := must[IdentityImport](t)(w.svc.ImportNPPES(ctx, w.comp, strings.NewReader(string(file))))
		if imp.Records != 2 || len(imp.Missing) != 1 || imp.Missing[0] != notInFile {
			t.Fatalf("import %+v", imp)
		}
		n, rec, err := w.svc.Identity(ctx, w.clinician)
		if err != nil || n != "1234567893" || rec == nil || rec.Credential != "M.D." {
			t.Fatalf("identity %q %+v %v", n, rec, err)
		}

		claim := func(u chaperone.User, bio string) DraftView {
			t.Helper()
			d := must[chaperone.Draft](t)(w.svc.Create(ctx, u, Compose{Channel: chaperone.ChannelBio, Text: bio}))
			return must[DraftView](t)(w.svc.View(ctx, u, d.ID))
		}
		v := claim(w.clinician, "Ana Ruiz, MD. Internist and cardiologist in Boston. Views my own.")
		if v.Screen.Result.Has(chaperone.FindingCredentialMismatch) || v.Screen.Decision != chaperone.Allow {
			t.Fatalf("a true bio: %s %+v", v.Screen.Decision, v.Screen.Result.Findings)
		}
		v = claim(w.clinician, "Ana Ruiz, MD. Board-certified dermatologist in Boston.")
		if !v.Screen.Result.Has(chaperone.FindingCredentialMismatch) || v.Screen.Decision != chaperone.Review {
			t.Fatalf("an overclaiming bio: %s %+v", v.Screen.Decision, v.Screen.Result.Findings)
		}
		v = claim(w.clinician2, "Ben Ode, MD, family doctor")
		if !v.Screen.Result.Has(chaperone.FindingCredentialMismatch) {
			t.Fatalf("an NP calling himself MD: %+v", v.Screen.Result.Findings)
		}
		// posts are not bios; users without a record are not checked
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Text: "As a dermatologist I see a lot of sunburn this time of year."}))
		if v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID)); v.Screen.Result.Has(chaperone.FindingCredentialMismatch) {
			t.Fatal("a post was checked as a bio")
		}
		if v := claim(w.reviewer, "Rae Kim, MD, dermatologist"); v.Screen.Result.Has(chaperone.FindingCredentialMismatch) {
			t.Fatal("a user without an NPPES record was checked")
		}
		res := must[chaperone.Result](t)(w.svc.Screen(ctx, w.clinician, chaperone.Item{Channel: chaperone.ChannelBio, Text: "Ana Ruiz, DO, dermatologist"}))
		if !res.Has(chaperone.FindingCredentialMismatch) {
			t.Fatal("the stateless screen skips the bio check")
		}
	})
}
