package report

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/grade"
	"github.com/go-pdf/fpdf"
)

// Audit is an audit report of a clinician's (or a whole organisation's)
// published posts over a period: how many were screened and flagged, by
// month, by finding type and by account, how long tasks took to close,
// and which are still open. It names posts by source, account, date and
// URL, never by their text, so it can go to a board or a regulator. The
// service builds one with NewAudit; the web UI serves it as HTML and PDF.
type Audit struct {
	Org         string    `json:"org"`
	Subject     string    `json:"subject"` // the clinician, or "All clinicians"
	From        time.Time `json:"from"`
	To          time.Time `json:"to"` // exclusive
	Generated   time.Time `json:"generated"`
	GeneratedBy string    `json:"generated_by"`

	Posts     int            `json:"posts"`
	Flagged   int            `json:"flagged"`
	Open      int            `json:"open"`
	Resolved  int            `json:"resolved"`
	ByMonth   []MonthCount   `json:"by_month"`
	ByType    []Count        `json:"by_type"`
	ByAccount []AccountCount `json:"by_account"`
	ByStatus  []Count        `json:"by_status"`
	// Resolve are the times from a task opening to its closing, of the
	// tasks closed in the period.
	Resolve ResolveTimes `json:"time_to_close"`
	// OpenTasks are the posts whose task is still open, oldest first.
	OpenTasks []OpenTask `json:"open_tasks"`
	// Grade is the subject's presence grade now, with its daily
	// snapshots in the period as its trend; nil when not computed. The
	// service sets it (service.Service.AuditReport).
	Grade *grade.Grade `json:"grade,omitempty"`
}

// MonthCount is one month's posts.
type MonthCount struct {
	Month   string `json:"month"` // "2026-03"
	Posts   int    `json:"posts"`
	Flagged int    `json:"flagged"`
}

// Count is a labelled number.
type Count struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

// AccountCount is one account's posts.
type AccountCount struct {
	Account string `json:"account"` // "x-archive · @druiz"
	Posts   int    `json:"posts"`
	Flagged int    `json:"flagged"`
}

// ResolveTimes summarises how long tasks took to close.
type ResolveTimes struct {
	N          int           `json:"n"`
	Median     time.Duration `json:"median_ns"`
	P90        time.Duration `json:"p90_ns"`
	Max        time.Duration `json:"max_ns"`
	WithinWeek int           `json:"within_week"`
	Later      int           `json:"later"`
}

// OpenTask is a flagged post whose task is still open.
type OpenTask struct {
	ID       int64              `json:"id"`
	At       time.Time          `json:"at,omitzero"` // published
	Source   string             `json:"source"`
	Account  string             `json:"account,omitempty"`
	URL      string             `json:"url,omitempty"`
	Decision chaperone.Decision `json:"decision"`
	Types    []string           `json:"types"` // finding types (and span types)
	Age      time.Duration      `json:"age_ns"`
	Author   string             `json:"author"`
}

// NewAudit builds the report from the posts published in [from, to)
// (posts without a date count when they were imported in the period).
// names maps user ids to display names, for the open tasks.
func NewAudit(org, subject string, from, to, now time.Time, by string, posts []chaperone.PublishedPost, names map[int64]string) Audit {
	a := Audit{Org: org, Subject: subject, From: from, To: to, Generated: now, GeneratedBy: by}
	months := map[string]*MonthCount{}
	types := map[string]int{}
	accounts := map[string]*AccountCount{}
	statuses := map[chaperone.PostStatus]int{}
	var resolve []time.Duration
	for _, p := range posts {
		at := p.At
		if at.IsZero() {
			at = p.ImportedAt
		}
		if at.Before(from) || !at.Before(to) {
			continue
		}
		a.Posts++
		flagged := p.Screen.Decision != chaperone.Allow && p.Screen.Decision != ""
		m := at.UTC().Format("2006-01")
		if months[m] == nil {
			months[m] = &MonthCount{Month: m}
		}
		months[m].Posts++
		acct := p.Source
		if p.Account != "" {
			acct += " · " + p.Account
		}
		if accounts[acct] == nil {
			accounts[acct] = &AccountCount{Account: acct}
		}
		accounts[acct].Posts++
		statuses[p.Status]++
		if flagged {
			a.Flagged++
			months[m].Flagged++
			accounts[acct].Flagged++
			for _, t := range findingLabels(p.Screen) {
				types[t]++
			}
		}
		switch {
		case p.Status == chaperone.PostOpen:
			a.Open++
			a.OpenTasks = append(a.OpenTasks, OpenTask{ID: p.ID, At: p.At, Source: p.Source, Account: p.Account, URL: p.URL,
				Decision: p.Screen.Decision, Types: findingLabels(p.Screen), Age: now.Sub(p.FlaggedAt), Author: names[p.UserID]})
		case p.Status.Resolved():
			a.Resolved++
			if !p.FlaggedAt.IsZero() && !p.ResolvedAt.IsZero() && p.ResolvedAt.After(p.FlaggedAt) {
				resolve = append(resolve, p.ResolvedAt.Sub(p.FlaggedAt))
			}
		}
	}
	for _, m := range months {
		a.ByMonth = append(a.ByMonth, *m)
	}
	slices.SortFunc(a.ByMonth, func(x, y MonthCount) int { return strings.Compare(x.Month, y.Month) })
	for t, n := range types {
		a.ByType = append(a.ByType, Count{t, n})
	}
	sortCounts(a.ByType)
	for _, c := range accounts {
		a.ByAccount = append(a.ByAccount, *c)
	}
	slices.SortFunc(a.ByAccount, func(x, y AccountCount) int {
		return cmp.Or(cmp.Compare(y.Flagged, x.Flagged), cmp.Compare(y.Posts, x.Posts), strings.Compare(x.Account, y.Account))
	})
	for _, st := range chaperone.PostStatuses {
		if statuses[st] > 0 {
			a.ByStatus = append(a.ByStatus, Count{string(st), statuses[st]})
		}
	}
	slices.SortFunc(a.OpenTasks, func(x, y OpenTask) int { return cmp.Compare(y.Age, x.Age) })
	if len(resolve) > 0 {
		slices.Sort(resolve)
		r := ResolveTimes{N: len(resolve), Median: resolve[len(resolve)/2], P90: resolve[(len(resolve)*9)/10], Max: resolve[len(resolve)-1]}
		for _, d := range resolve {
			if d <= 7*24*time.Hour {
				r.WithinWeek++
			} else {
				r.Later++
			}
		}
		a.Resolve = r
	}
	return a
}

// findingLabels are the distinct labels of a screen's findings: the span
// type for PHI ("PHI · NAME"), else the finding type.
func findingLabels(res chaperone.Result) []string {
	var out []string
	for _, f := range res.Findings {
		l := string(f.Type)
		if f.SpanType != "" {
			l += " · " + string(f.SpanType)
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

func sortCounts(cs []Count) {
	slices.SortFunc(cs, func(x, y Count) int { return cmp.Or(cmp.Compare(y.N, x.N), strings.Compare(x.Label, y.Label)) })
}

// Days writes a duration in days (or hours under a day).
func Days(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < 24*time.Hour:
		return fmt.Sprintf("%.0f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// bar is one bar of a chart, scaled to the chart's largest value.
type bar struct {
	Label    string
	N, Of    int
	Width    float64 // of the largest bar, 0 to 100
	SubWidth float64 // the flagged part, 0 to 100
}

func bars(labels []string, ns, flagged []int) []bar {
	most := 1
	for _, n := range ns {
		most = max(most, n)
	}
	out := make([]bar, len(ns))
	for i := range ns {
		out[i] = bar{Label: labels[i], N: ns[i], Width: 100 * float64(ns[i]) / float64(most)}
		if flagged != nil {
			out[i].Of, out[i].SubWidth = flagged[i], 100*float64(flagged[i])/float64(most)
		}
	}
	return out
}

func (a Audit) monthBars() []bar {
	var l []string
	var n, f []int
	for _, m := range a.ByMonth {
		l, n, f = append(l, m.Month), append(n, m.Posts), append(f, m.Flagged)
	}
	return bars(l, n, f)
}

func (a Audit) typeBars() []bar {
	var l []string
	var n []int
	for _, c := range a.ByType {
		l, n = append(l, c.Label), append(n, c.N)
	}
	return bars(l, n, nil)
}

// gradeBars are the grade's trend, a bar a week (its last snapshot),
// scaled to 100.
func (a Audit) gradeBars() []bar {
	if a.Grade == nil {
		return nil
	}
	var out []bar
	for _, p := range grade.Weekly(a.Grade.Trend) {
		out = append(out, bar{Label: p.Day, N: p.Score, Width: float64(p.Score)})
	}
	return out
}

func (a Audit) accountBars() []bar {
	var l []string
	var n, f []int
	for _, c := range a.ByAccount {
		l, n, f = append(l, c.Account), append(n, c.Posts), append(f, c.Flagged)
	}
	return bars(l, n, f)
}

var auditTemplate = template.Must(template.New("audit").Funcs(template.FuncMap{
	"day":  func(t time.Time) string { return dayOf(t) },
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"days": Days,
	"join": strings.Join,
	"pct":  func(f float64) string { return fmt.Sprintf("%.1f", f) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Audit report: {{.A.Subject}} · {{.A.Org}}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#111}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
.chart td{border:none;padding:.1em .4em}.chart .label{width:14em;white-space:nowrap}.chart .n{width:6em;text-align:right}
.track{background:#eef;height:1em;position:relative}.all{background:#99b;height:1em;position:absolute;left:0;top:0}.flag{background:#c33;height:1em;position:absolute;left:0;top:0}
.kpi{display:inline-block;margin:0 1.5em .5em 0}.kpi b{font-size:1.4em;display:block}
small{color:#555}
</style></head><body>
<h1>Audit report: {{.A.Subject}}</h1>
<p>{{.A.Org}} · published {{day .A.From}} to {{day .A.To}} (exclusive) · generated {{when .A.Generated}} by {{.A.GeneratedBy}}</p>
<p><span class="kpi"><b id="kpi-posts">{{.A.Posts}}</b>posts screened</span><span class="kpi"><b id="kpi-flagged">{{.A.Flagged}}</b>flagged</span><span class="kpi"><b id="kpi-open">{{.A.Open}}</b>tasks open</span><span class="kpi"><b>{{.A.Resolved}}</b>tasks closed</span><span class="kpi"><b>{{days .A.Resolve.Median}}</b>median time to close</span></p>
{{with .A.Grade}}<h2>Presence grade</h2>
<p><span class="kpi"><b id="kpi-grade">{{.Score}}</b>of 100 today</span></p>
<table id="grade-parts"><tr><th>Part</th><th>Score</th><th>What was measured</th><th>To fix</th></tr>
{{range .Parts}}<tr data-part="{{.ID}}"><td>{{.Title}}</td><td>{{if .Applies}}{{.Score}} / {{.Weight}}{{else}}not applicable{{end}}</td><td>{{.Explanation}}</td><td>{{.Fix}}</td></tr>{{end}}</table>
<p><small>Weights: accounts 15, bio 15, open findings 25, consent 15, training 15 for a clinician; for the organisation, its clinicians' mean 85 and patient-review replies 15. A part that does not apply shares its weight among the others.</small></p>
{{end}}{{if .A.Grade}}{{if .Grades}}<table class="chart" id="grade-trend">{{range .Grades}}<tr><td class="label">week to {{.Label}}</td><td><div class="track"><div class="all" style="width:{{pct .Width}}%"></div></div></td><td class="n">{{.N}}</td></tr>{{end}}</table>
<p><small>The grade's trend: its last daily snapshot each week of the period.</small></p>{{else}}<p id="no-grade-trend">No daily snapshot of the grade in the period yet.</p>{{end}}{{end}}
<h2>Findings over time</h2>
{{if .Months}}<table class="chart" id="chart-months">{{range .Months}}<tr><td class="label">{{.Label}}</td><td><div class="track"><div class="all" style="width:{{pct .Width}}%"></div><div class="flag" style="width:{{pct .SubWidth}}%"></div></div></td><td class="n">{{.Of}} / {{.N}}</td></tr>{{end}}</table>
<p><small>Bars: posts per month; red, those flagged (flagged / posts).</small></p>{{else}}<p>No posts in the period.</p>{{end}}
<h2>Findings by type</h2>
{{if .Types}}<table class="chart" id="chart-types">{{range .Types}}<tr><td class="label">{{.Label}}</td><td><div class="track"><div class="flag" style="width:{{pct .Width}}%"></div></div></td><td class="n">{{.N}}</td></tr>{{end}}</table>{{else}}<p>No findings.</p>{{end}}
<h2>By account</h2>
{{if .Accounts}}<table class="chart" id="chart-accounts">{{range .Accounts}}<tr><td class="label">{{.Label}}</td><td><div class="track"><div class="all" style="width:{{pct .Width}}%"></div><div class="flag" style="width:{{pct .SubWidth}}%"></div></div></td><td class="n">{{.Of}} / {{.N}}</td></tr>{{end}}</table>{{else}}<p>No accounts.</p>{{end}}
<h2>Tasks</h2>
<table><tr><th>Status</th><th>Posts</th></tr>{{range .A.ByStatus}}<tr><td>{{.Label}}</td><td>{{.N}}</td></tr>{{end}}</table>
<p>Time to close a task ({{.A.Resolve.N}} closed): median {{days .A.Resolve.Median}}, 90th percentile {{days .A.Resolve.P90}}, longest {{days .A.Resolve.Max}}; {{.A.Resolve.WithinWeek}} within a week, {{.A.Resolve.Later}} later.</p>
<h2>Open tasks</h2>
{{if .A.OpenTasks}}<table id="open-tasks"><tr><th>Post</th><th>Published</th><th>Where</th><th>Clinician</th><th>Screen</th><th>Open for</th></tr>
{{range .A.OpenTasks}}<tr><td>#{{.ID}}</td><td>{{day .At}}</td><td>{{if .URL}}<a href="{{.URL}}">{{.Source}}</a>{{else}}{{.Source}}{{end}} {{.Account}}</td><td>{{.Author}}</td><td>{{.Decision}}: {{join .Types ", "}}</td><td>{{days .Age}}</td></tr>{{end}}</table>
{{else}}<p id="no-open-tasks">No open tasks.</p>{{end}}
<p><small>The report names posts by their source, account, date and link, never by their text. Posts are screened by chaperone's rules against HIPAA 45 CFR 164.514(b)(2), AMA Opinion 2.3.2 and the FTC Endorsement Guides.</small></p>
</body></html>`))

func dayOf(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

// AuditHTML writes the report as one self-contained HTML page (charts in
// CSS, no script).
func AuditHTML(w io.Writer, a Audit) error {
	return auditTemplate.Execute(w, struct {
		A                               Audit
		Months, Types, Accounts, Grades []bar
	}{a, a.monthBars(), a.typeBars(), a.accountBars(), a.gradeBars()})
}

// AuditPDF writes the report as a PDF with bar charts.
func AuditPDF(w io.Writer, a Audit) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Audit report: "+a.Subject+" - "+a.Org, true)
	pdf.SetCreator("chaperone", true)
	pdf.SetCreationDate(a.Generated)
	pdf.SetModificationDate(a.Generated)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 8, tr(fmt.Sprintf("%s — audit report — page %d", a.Org, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 9, tr("Audit report: "+a.Subject), "", "", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 6, tr(fmt.Sprintf("%s · published %s to %s (exclusive) · generated %s by %s", a.Org, dayOf(a.From), dayOf(a.To),
		a.Generated.UTC().Format("2006-01-02 15:04 UTC"), a.GeneratedBy)), "", "", false)
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "B", 11)
	pdf.MultiCell(0, 6, tr(fmt.Sprintf("%d posts screened · %d flagged · %d tasks open · %d closed · median time to close %s",
		a.Posts, a.Flagged, a.Open, a.Resolved, Days(a.Resolve.Median))), "", "", false)

	heading := func(s string) {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "B", 13)
		pdf.CellFormat(0, 8, tr(s), "B", 1, "", false, 0, "")
		pdf.Ln(1)
	}
	chart := func(bs []bar, withFlagged bool) {
		const labelW, barW, numW, rowH = 55.0, 100.0, 25.0, 6.0
		pdf.SetFont("Helvetica", "", 9)
		for _, b := range bs {
			if pdf.GetY() > 270 {
				pdf.AddPage()
			}
			x, y := pdf.GetX(), pdf.GetY()
			pdf.CellFormat(labelW, rowH, tr(clip(b.Label, 34)), "", 0, "", false, 0, "")
			pdf.SetFillColor(235, 235, 250)
			pdf.Rect(x+labelW, y+1, barW, rowH-2, "F")
			if withFlagged {
				pdf.SetFillColor(150, 150, 190)
				pdf.Rect(x+labelW, y+1, barW*b.Width/100, rowH-2, "F")
				pdf.SetFillColor(200, 50, 50)
				pdf.Rect(x+labelW, y+1, barW*b.SubWidth/100, rowH-2, "F")
			} else {
				pdf.SetFillColor(200, 50, 50)
				pdf.Rect(x+labelW, y+1, barW*b.Width/100, rowH-2, "F")
			}
			pdf.SetXY(x+labelW+barW, y)
			n := fmt.Sprint(b.N)
			if withFlagged {
				n = fmt.Sprintf("%d / %d", b.Of, b.N)
			}
			pdf.CellFormat(numW, rowH, n, "", 1, "R", false, 0, "")
		}
	}
	if g := a.Grade; g != nil {
		heading(fmt.Sprintf("Presence grade: %d of 100", g.Score))
		for _, p := range g.Parts {
			score := "not applicable"
			if p.Applies() {
				score = fmt.Sprintf("%g / %d", p.Score, p.Weight)
			}
			pdf.SetFont("Helvetica", "B", 9)
			pdf.MultiCell(0, 5, tr(p.Title+": "+score), "", "", false)
			pdf.SetFont("Helvetica", "", 9)
			text := p.Explanation
			if p.Fix != "" {
				text += " To fix: " + p.Fix
			}
			pdf.MultiCell(0, 5, tr(text), "", "", false)
		}
		pdf.Ln(2)
		if bs := a.gradeBars(); len(bs) > 0 {
			chart(bs, false)
			pdf.SetFont("Helvetica", "I", 8)
			pdf.CellFormat(0, 5, "The grade's trend: its last daily snapshot each week of the period.", "", 1, "", false, 0, "")
		} else {
			pdf.SetFont("Helvetica", "", 9)
			pdf.CellFormat(0, 6, "No daily snapshot of the grade in the period yet.", "", 1, "", false, 0, "")
		}
	}
	heading("Findings over time")
	if len(a.ByMonth) == 0 {
		pdf.CellFormat(0, 6, "No posts in the period.", "", 1, "", false, 0, "")
	}
	chart(a.monthBars(), true)
	pdf.SetFont("Helvetica", "I", 8)
	pdf.CellFormat(0, 5, "Bars: posts per month; red, those flagged (flagged / posts).", "", 1, "", false, 0, "")
	heading("Findings by type")
	if len(a.ByType) == 0 {
		pdf.CellFormat(0, 6, "No findings.", "", 1, "", false, 0, "")
	}
	chart(a.typeBars(), false)
	heading("By account")
	chart(a.accountBars(), true)
	heading("Tasks")
	pdf.SetFont("Helvetica", "", 10)
	for _, c := range a.ByStatus {
		pdf.CellFormat(0, 6, tr(fmt.Sprintf("%s: %d", c.Label, c.N)), "", 1, "", false, 0, "")
	}
	r := a.Resolve
	pdf.MultiCell(0, 6, tr(fmt.Sprintf("Time to close a task (%d closed): median %s, 90th percentile %s, longest %s; %d within a week, %d later.",
		r.N, Days(r.Median), Days(r.P90), Days(r.Max), r.WithinWeek, r.Later)), "", "", false)
	heading("Open tasks")
	pdf.SetFont("Helvetica", "", 9)
	if len(a.OpenTasks) == 0 {
		pdf.CellFormat(0, 6, "No open tasks.", "", 1, "", false, 0, "")
	}
	for _, t := range a.OpenTasks {
		pdf.MultiCell(0, 5, tr(fmt.Sprintf("#%d  %s  %s %s  %s  %s: %s  open for %s  %s", t.ID, dayOf(t.At), t.Source, t.Account, t.Author,
			t.Decision, strings.Join(t.Types, ", "), Days(t.Age), t.URL)), "", "", false)
	}
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "I", 8)
	pdf.MultiCell(0, 4, tr("The report names posts by their source, account, date and link, never by their text."), "", "", false)
	return pdf.Output(w)
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
