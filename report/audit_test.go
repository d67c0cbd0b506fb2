package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestNewAudit(t *testing.T) {
	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 12, 0, 0, 0, time.UTC) }
	phi := chaperone.Result{Decision: chaperone.Block, Findings: []chaperone.Finding{
		{Type: chaperone.FindingPHI, SpanType: chaperone.SpanName}, {Type: chaperone.FindingPHI, SpanType: chaperone.SpanMRN}}}
	story := chaperone.Result{Decision: chaperone.Review, Findings: []chaperone.Finding{{Type: chaperone.FindingPatientStory}}}
	clear := chaperone.Result{Decision: chaperone.Allow}
	post := func(id int64, at time.Time, acct string, res chaperone.Result, st chaperone.PostStatus, flagged, resolved time.Time) chaperone.PublishedPost {
		return chaperone.PublishedPost{ID: id, UserID: 7, Post: chaperone.Post{Source: "x-archive", Account: acct, At: at,
			Text: "Walter Pruitt's text must never appear", URL: "https://x.com/a/status/1"},
			Screen: res, Status: st, FlaggedAt: flagged, ResolvedAt: resolved}
	}
	now := day(6, 30)
	posts := []chaperone.PublishedPost{
		post(1, day(1, 10), "@a", phi, chaperone.PostOpen, day(6, 1), time.Time{}),
		post(2, day(1, 20), "@a", clear, chaperone.PostClear, time.Time{}, time.Time{}),
		post(3, day(3, 5), "@b", story, chaperone.PostDeleted, day(3, 6), day(3, 8)),
		post(4, day(3, 9), "@a", phi, chaperone.PostEdited, day(3, 10), day(3, 30)),
		post(5, day(7, 1), "@a", phi, chaperone.PostOpen, day(7, 1), time.Time{}), // after the period
		post(6, time.Time{}, "@b", clear, chaperone.PostClear, time.Time{}, time.Time{}),
	}
	posts[5].ImportedAt = day(2, 1) // no publication date: counted when imported
	a := NewAudit("Harbor", "Dr. Ana Ruiz", day(1, 1), day(7, 1), now, "Cora", posts, map[int64]string{7: "Dr. Ana Ruiz"})
	if a.Posts != 5 || a.Flagged != 3 || a.Open != 1 || a.Resolved != 2 {
		t.Fatalf("totals: %+v", a)
	}
	if len(a.ByMonth) != 3 || a.ByMonth[0] != (MonthCount{"2026-01", 2, 1}) || a.ByMonth[1] != (MonthCount{"2026-02", 1, 0}) || a.ByMonth[2] != (MonthCount{"2026-03", 2, 2}) {
		t.Errorf("by month: %+v", a.ByMonth)
	}
	if len(a.ByType) != 3 || a.ByType[0] != (Count{"PHI · MRN", 2}) || a.ByType[2] != (Count{"PATIENT_STORY", 1}) {
		t.Errorf("by type: %+v", a.ByType)
	}
	if a.ByAccount[0] != (AccountCount{"x-archive · @a", 3, 2}) {
		t.Errorf("by account: %+v", a.ByAccount)
	}
	if r := a.Resolve; r.N != 2 || r.Median != 20*24*time.Hour || r.Max != 20*24*time.Hour || r.WithinWeek != 1 || r.Later != 1 {
		t.Errorf("time to close: %+v", r)
	}
	if len(a.OpenTasks) != 1 || a.OpenTasks[0].ID != 1 || a.OpenTasks[0].Age != 29*24*time.Hour || a.OpenTasks[0].Author != "Dr. Ana Ruiz" {
		t.Errorf("open tasks: %+v", a.OpenTasks)
	}

	var html, pdf bytes.Buffer
	if err := AuditHTML(&html, a); err != nil {
		t.Fatal(err)
	}
	if err := AuditPDF(&pdf, a); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"HTML": html.String(), "PDF": pdf.String()} {
		if strings.Contains(out, "Pruitt") {
			t.Errorf("the %s report quotes a post", name)
		}
	}
	if !strings.Contains(html.String(), `id="chart-months"`) || !strings.Contains(html.String(), "2026-03") || strings.Contains(html.String(), "<script") {
		t.Errorf("HTML report:\n%s", html.String())
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || pdf.Len() < 1500 {
		t.Errorf("PDF of %d bytes", pdf.Len())
	}
	// an empty period still renders
	empty := NewAudit("Harbor", "All clinicians", day(8, 1), day(9, 1), now, "Cora", posts, nil)
	html.Reset()
	if err := AuditHTML(&html, empty); err != nil || !strings.Contains(html.String(), "No posts in the period") || empty.Posts != 0 {
		t.Errorf("empty report: %v", err)
	}
	if err := AuditPDF(&bytes.Buffer{}, empty); err != nil {
		t.Error(err)
	}
}
