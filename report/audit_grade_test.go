package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chaperone-project/chaperone/grade"
)

func TestAuditGrade(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	g := grade.Compute(grade.Inputs{UserID: 7, Name: "Dr. Ana Ruiz", Posts: 3, OpenBlock: 1,
		Accounts: []grade.Account{{Platform: "mastodon", Handle: "@a", Kind: "professional"}}})
	// three days in one week and one in the next: two weekly bars, each
	// the week's last snapshot
	g.Trend = []grade.Point{{Day: "2026-11-10", Score: 20}, {Day: "2026-11-11", Score: 30}, {Day: "2026-11-12", Score: 41}, {Day: "2026-11-17", Score: 57}}
	a := NewAudit("Harbor", "Dr. Ana Ruiz", now.AddDate(-1, 0, 0), now, now, "Cora", nil, nil)
	a.Grade = &g
	var html bytes.Buffer
	if err := AuditHTML(&html, a); err != nil {
		t.Fatal(err)
	}
	page := html.String()
	for _, want := range []string{`id="kpi-grade">` + itoa(g.Score) + `<`, `data-part="findings"`, "Close each open task",
		"week to 2026-11-12</td>", `style="width:41.0%"`, ">57</td>", "not applicable"} {
		if !strings.Contains(page, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if strings.Contains(page, "week to 2026-11-10") {
		t.Error("the trend is not weekly")
	}
	var pdf bytes.Buffer
	if err := AuditPDF(&pdf, a); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Fatal(err)
	}
	// no trend yet, and no grade at all
	g.Trend = nil
	html.Reset()
	if err := AuditHTML(&html, a); err != nil || !strings.Contains(html.String(), `id="no-grade-trend"`) {
		t.Fatalf("no trend: %v", err)
	}
	a.Grade = nil
	html.Reset()
	if err := AuditHTML(&html, a); err != nil || strings.Contains(html.String(), "Presence grade") {
		t.Fatalf("no grade: %v", err)
	}
	if err := AuditPDF(&bytes.Buffer{}, a); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
