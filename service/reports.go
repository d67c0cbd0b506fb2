package service

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// ReportDeadline is how long a colleague has to fix what was reported
// before the report goes to the compliance officer: 7 days. AMA Opinion
// 2.3.2 asks physicians who see unprofessional content by a colleague to
// tell them first, and to report to the appropriate authorities when the
// colleague does not act; the week is this organisation's reasonable
// period for the first step.
const ReportDeadline = 7 * 24 * time.Hour

// MaxReportText bounds a report's description and the notes.
const MaxReportText = 10000

// screenshotTypes are the screenshot formats accepted, by the content
// type sniffed from their bytes.
var screenshotTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true}

// Report files a report about content a colleague posted: what it says
// or shows, where (URL), and an optional screenshot (PNG, JPEG or WebP,
// sniffed, at most store.MaxScreenshotBytes, hashed and encrypted). The
// colleague is told privately (the report appears among theirs, without
// the reporter's name when anonymous) and has ReportDeadline to fix it;
// past that, EscalateDue sends it to compliance. Anyone may report a
// colleague of their organisation; nobody reports themselves.
func (s *Service) Report(ctx context.Context, reporter chaperone.User, subjectUserID int64, content, link string, screenshot []byte, anonymous bool) (chaperone.ColleagueReport, error) {
	r := chaperone.ColleagueReport{}
	if err := active(reporter); err != nil {
		return r, err
	}
	if subjectUserID == reporter.ID {
		return r, invalid("nobody reports themselves: edit or delete the post, or ask compliance for advice")
	}
	subj, err := s.store.GetUser(ctx, subjectUserID)
	if err != nil || subj.OrgID != reporter.OrgID || subj.Disabled {
		return r, chaperone.Errorf(chaperone.ErrNotFound, "colleague %d not found", subjectUserID)
	}
	content, link = strings.TrimSpace(content), strings.TrimSpace(link)
	switch {
	case content == "":
		return r, invalid("describe what the colleague posted and why it is a problem")
	case len(content) > MaxReportText:
		return r, invalid("the description is longer than %d characters", MaxReportText)
	case link != "" && !webURL(link):
		return r, invalid("the link must be an http or https URL")
	}
	typ := ""
	if len(screenshot) > 0 {
		if len(screenshot) > store.MaxScreenshotBytes {
			return r, chaperone.Errorf(chaperone.ErrTooLarge, "the screenshot is larger than %d MiB", store.MaxScreenshotBytes>>20)
		}
		typ = http.DetectContentType(screenshot)
		if i := strings.IndexByte(typ, ';'); i > 0 {
			typ = typ[:i]
		}
		if !screenshotTypes[typ] {
			return r, invalid("the screenshot must be a PNG, JPEG or WebP image, not %s", typ)
		}
	}
	r = chaperone.ColleagueReport{OrgID: reporter.OrgID, ReporterID: reporter.ID, SubjectID: subj.ID, Content: content, URL: link,
		Anonymous: anonymous, Deadline: s.now().Add(ReportDeadline)}
	r, err = s.store.CreateReport(ctx, actor(reporter), r, screenshot, typ)
	if err != nil {
		return r, err
	}
	r.ReporterName, r.SubjectName = reporter.DisplayName, subj.DisplayName
	return r, nil
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 2000
}

// viewFor is a report as u may see it: without the reporter's identity
// when u is its subject and the report is anonymous.
func viewFor(u chaperone.User, r chaperone.ColleagueReport, names map[int64]string) chaperone.ColleagueReport {
	r.ReporterName, r.SubjectName = names[r.ReporterID], names[r.SubjectID]
	if r.Anonymous && u.ID == r.SubjectID {
		r.ReporterID, r.ReporterName = 0, ""
	}
	return r
}

// names maps the org's user ids to display names.
func (s *Service) names(ctx context.Context, orgID int64) (map[int64]string, error) {
	us, err := s.store.ListUsers(ctx, orgID)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(us))
	for _, x := range us {
		m[x.ID] = x.DisplayName
	}
	return m, nil
}

// reports lists reports matching f as u sees them, and records the view
// (the list shows what was reported).
func (s *Service) reports(ctx context.Context, u chaperone.User, f store.ReportFilter, keep func(chaperone.ColleagueReport) bool) ([]chaperone.ColleagueReport, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	f.OrgID = u.OrgID
	rs, err := s.store.ListReports(ctx, f)
	if err != nil {
		return nil, err
	}
	names, err := s.names(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	out := []chaperone.ColleagueReport{}
	for _, r := range rs {
		if keep == nil || keep(r) {
			out = append(out, viewFor(u, r, names))
		}
	}
	if len(out) > 0 {
		err = s.store.RecordView(ctx, actor(u), u.OrgID, "colleague_reports", fmt.Sprint(len(out)))
	}
	return out, err
}

// MyReports lists the reports u filed, newest first, with their status.
func (s *Service) MyReports(ctx context.Context, u chaperone.User) ([]chaperone.ColleagueReport, error) {
	return s.reports(ctx, u, store.ReportFilter{ReporterID: u.ID}, nil)
}

// ReportsAboutMe lists the reports about u, newest first: what was
// reported, the deadline, and the reporter only when not anonymous.
func (s *Service) ReportsAboutMe(ctx context.Context, u chaperone.User) ([]chaperone.ColleagueReport, error) {
	return s.reports(ctx, u, store.ReportFilter{SubjectID: u.ID}, nil)
}

// ReportQueue lists, for compliance and admins, the escalated reports
// waiting for an outcome (with all, every report of the org). Reports
// about u are left out: u sees them, anonymised, among their own.
func (s *Service) ReportQueue(ctx context.Context, u chaperone.User, all bool) ([]chaperone.ColleagueReport, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	if !canAudit(u) {
		return nil, forbidden("only compliance and admins see the report queue")
	}
	f := store.ReportFilter{Status: chaperone.ReportEscalated}
	if all {
		f.Status = ""
	}
	return s.reports(ctx, u, f, func(r chaperone.ColleagueReport) bool { return r.SubjectID != u.ID })
}

// reportFor loads a report u may see: the reporter's, the subject's, or
// (compliance and admins) any of the org's. Others get not-found.
func (s *Service) reportFor(ctx context.Context, u chaperone.User, id int64) (chaperone.ColleagueReport, error) {
	if err := active(u); err != nil {
		return chaperone.ColleagueReport{}, err
	}
	r, err := s.store.GetReport(ctx, id)
	if err != nil || r.OrgID != u.OrgID || (r.ReporterID != u.ID && r.SubjectID != u.ID && !canAudit(u)) {
		return chaperone.ColleagueReport{}, chaperone.Errorf(chaperone.ErrNotFound, "report %d not found", id)
	}
	return r, nil
}

// ColleagueReport returns one report as u may see it and records the
// view.
func (s *Service) ColleagueReport(ctx context.Context, u chaperone.User, id int64) (chaperone.ColleagueReport, error) {
	r, err := s.reportFor(ctx, u, id)
	if err != nil {
		return r, err
	}
	names, err := s.names(ctx, u.OrgID)
	if err != nil {
		return r, err
	}
	return viewFor(u, r, names), s.store.RecordView(ctx, actor(u), u.OrgID, "colleague_report", fmt.Sprint(id))
}

// ReportScreenshot returns a report's screenshot (nil when none) and
// records the view.
func (s *Service) ReportScreenshot(ctx context.Context, u chaperone.User, id int64) ([]byte, string, error) {
	if _, err := s.reportFor(ctx, u, id); err != nil {
		return nil, "", err
	}
	shot, typ, err := s.store.ReportScreenshot(ctx, id)
	if err != nil || shot == nil {
		return nil, "", err
	}
	return shot, typ, s.store.RecordView(ctx, actor(u), u.OrgID, "colleague_report_screenshot", fmt.Sprint(id))
}

// RespondToReport records the colleague's answer to an open report about
// them, before its deadline: they removed the content, or they disagree
// and say why. Either resolves it.
func (s *Service) RespondToReport(ctx context.Context, u chaperone.User, id int64, resp chaperone.ReportResponse, note string) error {
	r, err := s.reportFor(ctx, u, id)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	switch {
	case r.SubjectID != u.ID:
		return forbidden("only the colleague the report is about responds to it")
	case !resp.Valid():
		return invalid("respond removed or disagree")
	case resp == chaperone.ResponseDisagree && note == "":
		return invalid("say why you disagree")
	case len(note) > MaxReportText:
		return invalid("the note is longer than %d characters", MaxReportText)
	case r.Status != chaperone.ReportOpen:
		return conflict("report %d is %s: it can no longer be answered here", id, strings.ReplaceAll(string(r.Status), "_", " "))
	case !s.now().Before(r.Deadline):
		return conflict("the deadline of report %d has passed: it goes to the compliance officer", id)
	}
	return s.store.RespondToReport(ctx, actor(u), id, resp, note)
}

// EscalateDue sends every open report whose deadline is at or before now
// to the compliance officer's queue, as the system, and returns how many
// it moved. chaperone serve runs it every few minutes.
func (s *Service) EscalateDue(ctx context.Context, now time.Time) (int, error) {
	ids, err := s.store.EscalateDue(ctx, store.System, now)
	return len(ids), err
}

// RecordReportOutcome records the compliance officer's outcome of an
// escalated report, with a note. The colleague the report is about
// cannot decide it.
func (s *Service) RecordReportOutcome(ctx context.Context, u chaperone.User, id int64, outcome chaperone.ReportOutcome, note string) error {
	r, err := s.reportFor(ctx, u, id)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	switch {
	case u.Role != chaperone.RoleCompliance:
		return forbidden("only the compliance officer records the outcome of a report")
	case r.SubjectID == u.ID:
		return forbidden("nobody decides a report about themselves")
	case !outcome.Valid():
		return invalid("unknown outcome %q (no_issue, removed, sanction or referred_to_board)", outcome)
	case note == "" || len(note) > MaxReportText:
		return invalid("record the reasons for the outcome (at most %d characters)", MaxReportText)
	case r.Status != chaperone.ReportEscalated:
		return conflict("report %d is %s: only escalated reports get an outcome", id, strings.ReplaceAll(string(r.Status), "_", " "))
	}
	return s.store.RecordReportOutcome(ctx, actor(u), id, outcome, note)
}
