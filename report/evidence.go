package report

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	chaperone "github.com/chaperone-project/chaperone"
)

// Evidence is an evidence pack: archived posts with their screen results,
// approval chains and reviews, as handed to a regulator or a court. The
// service builds it; EvidenceJSON, EvidenceHTML and EvidencePDF write it.
// It holds PHI: whoever serves it sends it no-store.
type Evidence struct {
	Org         string         `json:"org"`
	Generated   time.Time      `json:"generated"`
	GeneratedBy string         `json:"generated_by"`
	From        time.Time      `json:"from,omitzero"`
	To          time.Time      `json:"to,omitzero"`
	Items       []EvidenceItem `json:"items"`
	// AuditHead and AuditHash anchor the pack to the audit log: the last
	// event's sequence number and hash when the pack was made.
	AuditHead int64  `json:"audit_head"`
	AuditHash string `json:"audit_hash"`
}

// EvidenceItem is one archived post in an evidence pack.
type EvidenceItem struct {
	Item    chaperone.ArchiveItem `json:"item"`
	Author  string                `json:"author"`
	Channel chaperone.Channel     `json:"channel"`
	Reviews []EvidenceReview      `json:"reviews"`
}

// EvidenceReview is a review with its reviewer's name.
type EvidenceReview struct {
	chaperone.ReviewAction
	Reviewer string `json:"reviewer"`
}

// EvidenceJSON writes the pack as indented JSON.
func EvidenceJSON(w io.Writer, ev Evidence) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ev)
}

// evidenceStep is an approval-chain step as the pack shows it.
type evidenceStep struct {
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"`
	Version  int       `json:"version"`
	Actor    string    `json:"actor"`
	Decision string    `json:"decision"`
}

// evidenceView is an item with its JSON fields decoded for the templates.
type evidenceView struct {
	EvidenceItem
	Result chaperone.Result
	Chain  []evidenceStep
}

func views(ev Evidence) []evidenceView {
	out := make([]evidenceView, len(ev.Items))
	for i, it := range ev.Items {
		v := evidenceView{EvidenceItem: it}
		_ = json.Unmarshal(it.Item.ScreenResult, &v.Result)
		_ = json.Unmarshal(it.Item.ApprovalChain, &v.Chain)
		out[i] = v
	}
	return out
}

var evidenceTemplate = template.Must(template.New("evidence").Funcs(template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Evidence pack — {{.Ev.Org}}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.5rem}h2{font-size:1.15rem;border-top:2px solid #333;padding-top:1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}.text{white-space:pre-wrap;border:1px solid #999;padding:.75rem;background:#fafafa}
.meta td:first-child{width:12rem;font-weight:600}
@media print{h2{page-break-before:always}}
</style></head><body>
<h1>Evidence pack: {{.Ev.Org}}</h1>
<table class="meta">
<tr><td>Generated</td><td>{{when .Ev.Generated}} by {{.Ev.GeneratedBy}}</td></tr>
<tr><td>Period</td><td>{{when .Ev.From}} to {{when .Ev.To}}</td></tr>
<tr><td>Items</td><td>{{len .Items}}</td></tr>
<tr><td>Audit log anchor</td><td>event {{.Ev.AuditHead}}, hash <code>{{.Ev.AuditHash}}</code></td></tr>
</table>
<p>Each item is a post as published, the screen of the version that was published, its approval chain and every review of the draft. Verify the audit log with <code>chaperone audit verify</code>; the anchor above must be in it.</p>
{{range .Items}}
<h2 id="item-{{.Item.ID}}">Item {{.Item.ID}} — {{.Channel}} by {{.Author}}</h2>
<table class="meta">
<tr><td>Published</td><td>{{when .Item.PublishedAt}} at <a href="{{.Item.PublishedURL}}">{{.Item.PublishedURL}}</a></td></tr>
<tr><td>Draft</td><td>{{.Item.DraftID}}</td></tr>
<tr><td>Retained until</td><td>{{when .Item.RetainUntil}}{{if .Item.LegalHold}} — on legal hold{{end}}</td></tr>
<tr><td>Screen decision</td><td>{{.Result.Decision}}</td></tr>
</table>
<div class="text">{{.Item.Text}}</div>
{{if .Result.Findings}}<table><tr><th>Finding</th><th>Rule</th><th>Reason</th><th>Breaks</th></tr>
{{range .Result.Findings}}<tr><td>{{.Type}}{{if .SpanType}} ({{.SpanType}}){{end}}</td><td>{{.Rule}}</td><td>{{.Reason}}</td><td>{{.Cite}}</td></tr>
{{end}}</table>{{else}}<p>No findings.</p>{{end}}
<table><tr><th>When</th><th>Step</th><th>Version</th><th>By</th><th>Decision</th></tr>
{{range .Chain}}<tr><td>{{when .At}}</td><td>{{.Kind}}</td><td>{{.Version}}</td><td>{{.Actor}}</td><td>{{.Decision}}</td></tr>
{{end}}</table>
{{if .Reviews}}<table><tr><th>When</th><th>Review</th><th>Version</th><th>Reviewer</th><th>Comment</th></tr>
{{range .Reviews}}<tr><td>{{when .At}}</td><td>{{.Action}}</td><td>{{.Version}}</td><td>{{.Reviewer}}</td><td>{{.Comment}}</td></tr>
{{end}}</table>{{end}}
{{end}}
</body></html>
`))

// EvidenceHTML writes the pack as one self-contained HTML page.
func EvidenceHTML(w io.Writer, ev Evidence) error {
	return evidenceTemplate.Execute(w, struct {
		Ev    Evidence
		Items []evidenceView
	}{ev, views(ev)})
}

// EvidencePDF writes the pack as a PDF document.
func EvidencePDF(w io.Writer, ev Evidence) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Evidence pack: "+ev.Org, true)
	pdf.SetCreator("chaperone", true)
	pdf.SetCreationDate(ev.Generated)
	pdf.SetModificationDate(ev.Generated)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252 for the core fonts
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 8, tr(fmt.Sprintf("%s — evidence pack — page %d", ev.Org, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	when := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	line := func(label, value string) {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(40, 6, tr(label), "", 0, "", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 6, tr(value), "", "", false)
	}
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 9, tr("Evidence pack: "+ev.Org), "", "", false)
	pdf.Ln(2)
	line("Generated", when(ev.Generated)+" by "+ev.GeneratedBy)
	line("Period", when(ev.From)+" to "+when(ev.To))
	line("Items", fmt.Sprint(len(ev.Items)))
	line("Audit log anchor", fmt.Sprintf("event %d, hash %s", ev.AuditHead, ev.AuditHash))
	for _, v := range views(ev) {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "B", 13)
		pdf.MultiCell(0, 8, tr(fmt.Sprintf("Item %d: %s by %s", v.Item.ID, v.Channel, v.Author)), "", "", false)
		line("Published", when(v.Item.PublishedAt))
		line("URL", v.Item.PublishedURL)
		line("Draft", fmt.Sprint(v.Item.DraftID))
		hold := ""
		if v.Item.LegalHold {
			hold = " (on legal hold)"
		}
		line("Retained until", when(v.Item.RetainUntil)+hold)
		line("Screen decision", string(v.Result.Decision))
		pdf.Ln(2)
		pdf.SetFont("Courier", "", 10)
		pdf.MultiCell(0, 5, tr(v.Item.Text), "1", "", false)
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "B", 11)
		pdf.CellFormat(0, 7, "Findings", "", 1, "", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
		if len(v.Result.Findings) == 0 {
			pdf.MultiCell(0, 5, "No findings.", "", "", false)
		}
		for _, f := range v.Result.Findings {
			pdf.MultiCell(0, 5, tr(fmt.Sprintf("- %s %s [%s]: %s (%s)", f.Type, f.SpanType, f.Rule, f.Reason, f.Cite)), "", "", false)
		}
		pdf.SetFont("Helvetica", "B", 11)
		pdf.CellFormat(0, 7, "Approval chain", "", 1, "", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
		for _, st := range v.Chain {
			pdf.MultiCell(0, 5, tr(fmt.Sprintf("- %s  %s  version %d  by %s  %s", when(st.At), st.Kind, st.Version, st.Actor, st.Decision)), "", "", false)
		}
		if len(v.Reviews) > 0 {
			pdf.SetFont("Helvetica", "B", 11)
			pdf.CellFormat(0, 7, "Reviews", "", 1, "", false, 0, "")
			pdf.SetFont("Helvetica", "", 9)
			for _, r := range v.Reviews {
				pdf.MultiCell(0, 5, tr(fmt.Sprintf("- %s  %s  version %d  by %s: %s", when(r.At), r.Action, r.Version, r.Reviewer, r.Comment)), "", "", false)
			}
		}
	}
	return pdf.Output(w)
}
