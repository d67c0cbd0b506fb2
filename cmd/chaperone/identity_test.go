package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

func TestIdentityImport(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	key, err := store.LoadOrCreateKey(filepath.Join(dir, "key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "chaperone.db"), store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateOrg(ctx, store.System, "clinic", "Clinic")
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.System, chaperone.User{OrgID: org.ID, Email: "ana@example.org", DisplayName: "Ana", Role: chaperone.RoleClinician})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetUserNPI(ctx, store.System, u.ID, "1234567893"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	r := runCLI(t, nil, "identity", "import", "--data", dir, "../../npi/testdata/npidata_sample.csv")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "imported 1 NPPES record(s) for clinic" {
		t.Fatalf("import: %d %q %q", r.code, r.stdout, r.stderr)
	}
	bad := writeFile(t, "bad.csv", []byte("NPI,Entity Type Code,Provider Last Name (Legal Name),Provider First Name,Provider Credential Text\n1234567893,9,A,B,MD\n"))
	if r := runCLI(t, nil, "identity", "import", "--data", dir, bad); r.code != 3 || !strings.Contains(r.stderr, "line 2: entity type") {
		t.Fatalf("bad file: %d %q", r.code, r.stderr)
	}
	if r := runCLI(t, nil, "identity", "import", "--data", dir, "--org", "nope", bad); r.code != 3 {
		t.Fatalf("unknown org: %d %q", r.code, r.stderr)
	}
}
