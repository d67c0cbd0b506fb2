package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// reportForm is what the report form sends back after an error.
type reportForm struct {
	SubjectID int64
	Content   string
	URL       string
	Anonymous bool
}

type reportsData struct {
	Colleagues []chaperone.User
	Mine       []chaperone.ColleagueReport
	AboutMe    []chaperone.ColleagueReport
	Queue      []chaperone.ColleagueReport
	ShowAll    bool
	CanQueue   bool
	Error      string
	Form       reportForm
	Now        time.Time
	Deadline   string
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderReports(w, r, u, http.StatusOK, reportsData{Form: reportForm{Anonymous: true}})
}

func (s *Server) renderReports(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, data reportsData) {
	ctx := r.Context()
	users, err := s.store.ListUsers(ctx, u.OrgID)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	for _, x := range users {
		if x.ID != u.ID && !x.Disabled {
			data.Colleagues = append(data.Colleagues, x)
		}
	}
	if data.Mine, err = s.svc.MyReports(ctx, u); err == nil {
		data.AboutMe, err = s.svc.ReportsAboutMe(ctx, u)
	}
	if err == nil && canAuditUser(u) {
		data.CanQueue, data.ShowAll = true, r.URL.Query().Get("all") == "1"
		data.Queue, err = s.svc.ReportQueue(ctx, u, data.ShowAll)
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data.Now, data.Deadline = time.Now(), fmt.Sprint(int(service.ReportDeadline.Hours()/24))
	s.render(w, r, code, "reports", u, "Colleague reports", data)
}

func canAuditUser(u chaperone.User) bool {
	return u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin
}

// readUpload reads an optional file field of a multipart form, at most
// limit bytes (one more to tell when it is over).
func readUpload(r *http.Request, field string, limit int64) ([]byte, error) {
	file, _, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "reading the upload failed")
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "reading the upload failed")
	}
	return b, nil
}

func parseMultipart(r *http.Request) error {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return chaperone.Errorf(chaperone.ErrTooLarge, "the upload is larger than %d MiB", maxUpload>>20)
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			return chaperone.Errorf(chaperone.ErrInvalid, "unreadable form")
		}
		return r.ParseForm()
	}
	return nil
}

func (s *Server) reportSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	var form reportForm
	var shot []byte
	err := parseMultipart(r)
	if err == nil {
		form.SubjectID, _ = strconv.ParseInt(r.PostFormValue("subject"), 10, 64)
		form.Content, form.URL = normalizeNewlines(r.PostFormValue("content")), strings.TrimSpace(r.PostFormValue("url"))
		form.Anonymous = r.PostFormValue("anonymous") == "on"
		shot, err = readUpload(r, "screenshot", store.MaxScreenshotBytes)
	}
	var rep chaperone.ColleagueReport
	if err == nil {
		rep, err = s.svc.Report(r.Context(), u, form.SubjectID, form.Content, form.URL, shot, form.Anonymous)
	}
	if err != nil {
		if code := status(err); code < 500 && code != http.StatusForbidden {
			s.renderReports(w, r, u, code, reportsData{Error: publicMessage(err), Form: form})
			return
		}
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/%d?done=reported", rep.ID), http.StatusSeeOther)
}

type reportData struct {
	Report     chaperone.ColleagueReport
	IsSubject  bool
	CanRespond bool
	CanDecide  bool
	Outcomes   []chaperone.ReportOutcome
	Error      string
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderReport(w, r, u, http.StatusOK, "")
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, msg string) {
	id, err := pathID(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	rep, err := s.svc.ColleagueReport(r.Context(), u, id)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data := reportData{Report: rep, IsSubject: rep.SubjectID == u.ID, Outcomes: chaperone.ReportOutcomes, Error: msg}
	data.CanRespond = data.IsSubject && rep.Status == chaperone.ReportOpen && time.Now().Before(rep.Deadline)
	data.CanDecide = !data.IsSubject && u.Role == chaperone.RoleCompliance && rep.Status == chaperone.ReportEscalated
	s.render(w, r, code, "report", u, fmt.Sprintf("Colleague report #%d", rep.ID), data)
}

func (s *Server) reportScreenshot(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	shot, typ, err := s.svc.ReportScreenshot(r.Context(), u, id)
	if err == nil && shot == nil {
		err = chaperone.Errorf(chaperone.ErrNotFound, "report %d has no screenshot", id)
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	writeFile(w, shot, typ, fmt.Sprintf("report-%d.%s", id, imageExt(typ)))
}

// writeFile sends a download that the browser must not run.
func writeFile(w http.ResponseWriter, b []byte, typ, name string) {
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(b)
}

func imageExt(typ string) string {
	return map[string]string{"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[typ]
}

// reportAction runs a form action on the report in the path and
// redirects to it with done, or shows it again with the message.
func (s *Server) reportAction(w http.ResponseWriter, r *http.Request, u chaperone.User, done string, fn func(id int64) error) {
	s.formAction(w, r, u, "/reports", done, func(code int, msg string) { s.renderReport(w, r, u, code, msg) }, fn)
}

func (s *Server) reportRespond(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.reportAction(w, r, u, "responded", func(id int64) error {
		return s.svc.RespondToReport(r.Context(), u, id, chaperone.ReportResponse(r.PostFormValue("response")), normalizeNewlines(r.PostFormValue("note")))
	})
}

func (s *Server) reportOutcome(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.reportAction(w, r, u, "outcome", func(id int64) error {
		return s.svc.RecordReportOutcome(r.Context(), u, id, chaperone.ReportOutcome(r.PostFormValue("outcome")), normalizeNewlines(r.PostFormValue("note")))
	})
}

// API

// reportRequest is the body of POST /api/v1/reports.
type reportRequest struct {
	SubjectID  int64  `json:"subject_id"`
	Content    string `json:"content"`
	URL        string `json:"url"`
	Anonymous  bool   `json:"anonymous"`
	Screenshot []byte `json:"screenshot_base64"`
}

func (s *Server) apiReport(r *http.Request, u chaperone.User) (any, error) {
	var req reportRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return created(s.svc.Report(r.Context(), u, req.SubjectID, req.Content, req.URL, req.Screenshot, req.Anonymous))
}

func (s *Server) apiReportView(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.svc.ColleagueReport(r.Context(), u, id)
}

func (s *Server) apiReportScreenshot(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	shot, typ, err := s.svc.ReportScreenshot(r.Context(), u, id)
	if err == nil && shot == nil {
		err = chaperone.Errorf(chaperone.ErrNotFound, "report %d has no screenshot", id)
	}
	if err != nil {
		return nil, err
	}
	return rawBody{body: shot, ctype: typ, filename: fmt.Sprintf("report-%d.%s", id, imageExt(typ))}, nil
}

func (s *Server) apiReportRespond(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Response chaperone.ReportResponse `json:"response"`
		Note     string                   `json:"note"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := s.svc.RespondToReport(r.Context(), u, id, req.Response, req.Note); err != nil {
		return nil, err
	}
	return s.svc.ColleagueReport(r.Context(), u, id)
}

func (s *Server) apiReportOutcome(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Outcome chaperone.ReportOutcome `json:"outcome"`
		Note    string                  `json:"note"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := s.svc.RecordReportOutcome(r.Context(), u, id, req.Outcome, req.Note); err != nil {
		return nil, err
	}
	return s.svc.ColleagueReport(r.Context(), u, id)
}
