package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
)

// runAuditImport imports a platform archive of the clinician's published
// posts: a first pass counts them (for the progress bar), the second
// screens and keeps them through the service, batch by batch.
func runAuditImport(e *env, sf storeFlags, org, email, rules, path string, timeout time.Duration) int {
	if email == "" {
		return fail(e, usageErrorf("audit import: --email is required (whose archive it is)"))
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(e, &chaperone.Error{Code: chaperone.ErrInvalid, Msg: "audit import: cannot open " + path, Err: err})
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return fail(e, usageErrorf("audit import: %s is not a file", path))
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	eng, err := newEngine(rules)
	if err != nil {
		return fail(e, err)
	}
	st, _, err := sf.open(ctx, e)
	if err != nil {
		return fail(e, err)
	}
	defer st.Close()
	o, err := st.GetOrgBySlug(ctx, org)
	if err != nil {
		return fail(e, err)
	}
	u, err := st.GetUserByEmail(ctx, o.ID, email)
	if err != nil {
		return fail(e, err)
	}
	svc := service.New(st, eng, service.Config{})
	bar := newProgress(e.stderr)
	start := time.Now()
	res, sum, err := svc.ImportArchive(ctx, u, 0, f, fi.Size(), func(w service.WatchImport) { bar.set(w.Read, w.Total, w.Open) })
	bar.finish()
	if err != nil {
		if res.Added > 0 {
			fmt.Fprintf(e.stderr, "chaperone: kept the %d new posts read before the error; import the archive again to add the rest\n", res.Added)
		}
		return fail(e, err)
	}
	took := time.Since(start)
	account := sum.Account
	if account == "" {
		account = u.Email
	}
	fmt.Fprintf(e.stdout, "Imported the %s archive of %s for %s: %d posts read", sum.Format, account, u.DisplayName, res.Read)
	if sum.Skipped > 0 {
		fmt.Fprintf(e.stdout, " (%d entries skipped: %s)", sum.Skipped, skipReasons(sum.SkipReasons))
	}
	fmt.Fprintf(e.stdout, ", %d new, %d already here.\n", res.Added, res.Skipped)
	fmt.Fprintf(e.stdout, "Screen: %d allow, %d review, %d block; %d new task(s) to look at in Published posts (/watch).\n",
		res.Decisions[chaperone.Allow], res.Decisions[chaperone.Review], res.Decisions[chaperone.Block], res.Open)
	rate := float64(res.Read) / max(took.Seconds(), 1e-3)
	fmt.Fprintf(e.stdout, "Took %.1f s (%.0f posts/s).\n", took.Seconds(), rate)
	return exitOK
}

func skipReasons(m map[string]int) string {
	var parts []string
	for why, n := range m {
		parts = append(parts, fmt.Sprintf("%d %s", n, why))
	}
	return strings.Join(parts, ", ")
}

// progress draws a progress bar on a terminal (redrawn in place), or
// nothing when the output is not a terminal: a log gets the summary only.
type progress struct {
	w     io.Writer
	tty   bool
	drawn bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// bar is the progress line for n of total posts, open of them flagged.
func bar(n, total, open int) string {
	const width = 30
	done, pct := width, 100
	if total > 0 {
		done, pct = min(width, n*width/total), min(100, n*100/total)
	}
	return fmt.Sprintf("[%s%s] %3d%% %d/%d posts, %d flagged", strings.Repeat("#", done), strings.Repeat("-", width-done), pct, n, total, open)
}

func (p *progress) set(n, total, open int) {
	if !p.tty {
		return
	}
	fmt.Fprintf(p.w, "\r%s", bar(n, total, open))
	p.drawn = true
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
