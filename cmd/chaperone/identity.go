package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// identityCommand imports clinicians' NPPES records.
var identityCommand = &command{
	name:    "identity",
	args:    "import FILE",
	short:   "import the organisation's clinicians' records from the NPPES monthly file",
	minArgs: 2,
	maxArgs: 2,
	long: `
"identity import FILE" streams the NPPES monthly data file (npidata_pfile_*.csv,
about 10 GB; or any cut of it with the published header) and stores the
records of the organisation's clinicians who have recorded their NPI. Their
bios are then checked against the record: a degree or specialty the record
does not support is a CREDENTIAL_MISMATCH finding, sent to review.

Exit status: 0 imported, 3 bad file or usage, 4 internal error.`,
	setup: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		sf.register(fs)
		org := fs.String("org", "clinic", "the organisation's short name")
		return func(e *env, args []string) int {
			if args[0] != "import" {
				return fail(e, usageErrorf("identity: the only subcommand is import"))
			}
			ctx := context.Background()
			r, _, closer, err := openInput(e, args[1])
			if err != nil {
				return fail(e, err)
			}
			defer closer()
			st, _, err := sf.open(ctx, e)
			if err != nil {
				return fail(e, err)
			}
			defer st.Close()
			o, err := st.GetOrgBySlug(ctx, *org)
			if err != nil {
				return fail(e, err)
			}
			imp, err := service.ImportNPPES(ctx, st, store.System, o.ID, r)
			if err != nil {
				return fail(e, err)
			}
			fmt.Fprintf(e.stdout, "imported %d NPPES record(s) for %s", imp.Records, o.Slug)
			if len(imp.Missing) > 0 {
				fmt.Fprintf(e.stdout, "; not in the file: %s", strings.Join(imp.Missing, ", "))
			}
			fmt.Fprintln(e.stdout)
			return exitOK
		}
	},
}
