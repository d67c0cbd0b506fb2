package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// userCommand adds users and API tokens from the command line.
var userCommand = &command{
	name:    "user",
	args:    "add | token",
	short:   "add a user with a one-time password, or make a user an API token",
	minArgs: 1,
	maxArgs: 1,
	long: `
"user add --email E --name N --role R" adds a user to the organisation
(--org) and prints a one-time password, once. Roles: clinician, reviewer,
compliance, admin.

"user token --email E [--token-name NAME] [--ttl 2160h]" makes an API token
for the JSON API and prints it, once; only its hash is stored.`,
	setup: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		sf.register(fs)
		org := fs.String("org", "clinic", "the organisation's short name")
		email := fs.String("email", "", "the user's email")
		name := fs.String("name", "", "the user's name (add)")
		role := fs.String("role", "clinician", "the user's `role` (add)")
		tokenName := fs.String("token-name", "cli", "what the token is for (token)")
		ttl := fs.Duration("ttl", 90*24*time.Hour, "how long the token lasts; 0 for ever (token)")
		return func(e *env, args []string) int {
			ctx := context.Background()
			if args[0] != "add" && args[0] != "token" {
				return fail(e, usageErrorf("user: want 'user add' or 'user token'"))
			}
			if *email == "" {
				return fail(e, usageErrorf("user %s: --email is required", args[0]))
			}
			st, _, err := sf.open(ctx, e)
			if err != nil {
				return fail(e, err)
			}
			defer st.Close()
			o, err := st.GetOrgBySlug(ctx, *org)
			if err != nil {
				return fail(e, err)
			}
			if args[0] == "add" {
				u, password, err := service.CreateUser(ctx, st, store.System, o.ID, *email, *name, chaperone.Role(*role))
				if err != nil {
					return fail(e, err)
				}
				fmt.Fprintf(e.stdout, "added %s (%s) to %s\none-time password (shown once): %s\n", u.Email, u.Role, o.Slug, password)
				return exitOK
			}
			u, err := st.GetUserByEmail(ctx, o.ID, *email)
			if err != nil {
				return fail(e, err)
			}
			tok, _, err := st.CreateAPIToken(ctx, store.System, u.ID, *tokenName, *ttl)
			if err != nil {
				return fail(e, err)
			}
			fmt.Fprintf(e.stdout, "API token for %s (shown once):\n%s\n", u.Email, tok)
			return exitOK
		}
	},
}
