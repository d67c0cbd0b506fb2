package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
)

type incidentsData struct {
	Incidents []chaperone.BreachIncident
	CanManage bool
	Year      int
	Error     string
	Form      struct {
		Description   string
		Discovered    string
		ArchiveItemID string
	}
}

func (s *Server) incidentsPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderIncidents(w, r, u, http.StatusOK, incidentsData{})
}

func (s *Server) renderIncidents(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, data incidentsData) {
	bs, err := s.svc.Incidents(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data.Incidents, data.CanManage, data.Year = bs, canAuditUser(u), time.Now().UTC().Year()
	s.render(w, r, code, "incidents", u, "Breach incidents", data)
}

func (s *Server) incidentSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	var data incidentsData
	data.Form.Description = normalizeNewlines(r.PostFormValue("description"))
	data.Form.Discovered = strings.TrimSpace(r.PostFormValue("discovered"))
	data.Form.ArchiveItemID = strings.TrimSpace(r.PostFormValue("archive_item"))
	var discovered time.Time
	var item int64
	var err error
	if data.Form.Discovered != "" {
		if discovered, err = time.Parse(time.DateOnly, data.Form.Discovered); err != nil {
			err = chaperone.Errorf(chaperone.ErrInvalid, "the discovery date must be YYYY-MM-DD")
		}
	}
	if err == nil && data.Form.ArchiveItemID != "" {
		if item, err = strconv.ParseInt(data.Form.ArchiveItemID, 10, 64); err != nil {
			err = chaperone.Errorf(chaperone.ErrInvalid, "the archive item is its number")
		}
	}
	var b chaperone.BreachIncident
	if err == nil {
		b, err = s.svc.OpenIncident(r.Context(), u, data.Form.Description, item, discovered)
	}
	if err != nil {
		if code := status(err); code < 500 && code != http.StatusForbidden {
			data.Error = publicMessage(err)
			s.renderIncidents(w, r, u, code, data)
			return
		}
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?done=incident", b.ID), http.StatusSeeOther)
}

type incidentData struct {
	Incident  chaperone.BreachIncident
	CanManage bool
	Ratings   []chaperone.Rating
	Factors   []factorRow
	Error     string
	Now       time.Time
	Names     map[int64]string
}

// factorRow is one of the four factors, for the assessment form.
type factorRow struct {
	Key, Title, Cite string
	Factor           chaperone.RiskFactor
}

func factorRows(b chaperone.BreachIncident) []factorRow {
	return []factorRow{
		{"nature", "Nature and extent of the PHI involved, including the types of identifiers and the likelihood of re-identification", "164.402(2)(i)", b.Nature},
		{"recipient", "The unauthorized person who used the PHI or to whom it was disclosed", "164.402(2)(ii)", b.Recipient},
		{"acquired", "Whether the PHI was actually acquired or viewed", "164.402(2)(iii)", b.Acquired},
		{"mitigation", "The extent to which the risk to the PHI has been mitigated", "164.402(2)(iv)", b.Mitigation},
	}
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderIncident(w, r, u, http.StatusOK, "")
}

func (s *Server) renderIncident(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, msg string) {
	id, err := pathID(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	b, err := s.svc.Incident(r.Context(), u, id)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.render(w, r, code, "incident", u, fmt.Sprintf("Breach incident #%d", b.ID), incidentData{Incident: b, CanManage: canAuditUser(u),
		Ratings: []chaperone.Rating{chaperone.RatingLow, chaperone.RatingMedium, chaperone.RatingHigh}, Factors: factorRows(b), Error: msg,
		Now: time.Now(), Names: s.names(r, u)})
}

// incidentAction runs a form action on the incident in the path and
// redirects to it with done, or shows it again with the message.
func (s *Server) incidentAction(w http.ResponseWriter, r *http.Request, u chaperone.User, done string, fn func(id int64) error) {
	s.formAction(w, r, u, "/incidents", done, func(code int, msg string) { s.renderIncident(w, r, u, code, msg) }, fn)
}

// formAction runs a form action on the record whose id is in the path
// and redirects to base/ID?done=done. Bad input shows the record again
// with the message (show); refusals and failures get the error page.
func (s *Server) formAction(w http.ResponseWriter, r *http.Request, u chaperone.User, base, done string,
	show func(code int, msg string), fn func(id int64) error) {
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		err = fn(id)
	}
	if err != nil {
		if code := status(err); code < 500 && code != http.StatusForbidden && code != http.StatusNotFound {
			show(code, publicMessage(err))
			return
		}
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d?done=%s", base, id, done), http.StatusSeeOther)
}

func formInt(r *http.Request, name, what string) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, chaperone.Errorf(chaperone.ErrInvalid, "%s must be a whole number", what)
	}
	return n, nil
}

func (s *Server) incidentAssess(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.incidentAction(w, r, u, "assessed", func(id int64) error {
		f := func(k string) chaperone.RiskFactor {
			return chaperone.RiskFactor{Text: normalizeNewlines(r.PostFormValue(k)), Rating: chaperone.Rating(r.PostFormValue(k + "_rating"))}
		}
		a := service.Assessment{Nature: f("nature"), Recipient: f("recipient"), Acquired: f("acquired"), Mitigation: f("mitigation")}
		var err error
		if a.Affected, err = formInt(r, "affected", "the number of individuals"); err != nil {
			return err
		}
		if a.MaxInState, err = formInt(r, "max_in_state", "the number in one state"); err != nil {
			return err
		}
		item, err := formInt(r, "archive_item", "the archive item")
		if err != nil {
			return err
		}
		a.ArchiveItemID = int64(item)
		_, err = s.svc.AssessIncident(r.Context(), u, id, a)
		return err
	})
}

func (s *Server) incidentDecide(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.incidentAction(w, r, u, "decided", func(id int64) error {
		_, err := s.svc.DecideIncident(r.Context(), u, id, chaperone.BreachDecision(r.PostFormValue("decision")), normalizeNewlines(r.PostFormValue("rationale")))
		return err
	})
}

func (s *Server) incidentTaskDone(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.incidentAction(w, r, u, "notified", func(id int64) error {
		task, err := strconv.ParseInt(r.PathValue("task"), 10, 64)
		if err != nil {
			return chaperone.Errorf(chaperone.ErrNotFound, "no such task")
		}
		return s.svc.CompleteBreachTask(r.Context(), u, id, task)
	})
}

func (s *Server) incidentClose(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.incidentAction(w, r, u, "closed", func(id int64) error { return s.svc.CloseIncident(r.Context(), u, id) })
}

func (s *Server) incidentExport(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	format := r.URL.Query().Get("format")
	b, typ, err := s.svc.ExportIncident(r.Context(), u, id, format)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	writeFile(w, b, typ, fmt.Sprintf("incident-%d.%s", id, extOf(typ)))
}

func extOf(typ string) string {
	if strings.HasPrefix(typ, "text/csv") {
		return "csv"
	}
	return "json"
}

func yearParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return time.Now().UTC().Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil {
		return 0, chaperone.Errorf(chaperone.ErrInvalid, "give the year as four digits")
	}
	return y, nil
}

func (s *Server) breachLogPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	year, err := yearParam(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	if f := r.URL.Query().Get("format"); f == service.FormatJSON || f == service.FormatCSV {
		b, typ, err := s.svc.ExportBreachLog(r.Context(), u, year, f)
		if err != nil {
			s.errorPage(w, r, u, err)
			return
		}
		writeFile(w, b, typ, fmt.Sprintf("hhs-breach-log-%d.%s", year, f))
		return
	}
	log, err := s.svc.BreachLog(r.Context(), u, year)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "breach_log", u, fmt.Sprintf("HHS breach log %d", year), struct {
		Year, Prev, Next int
		Due              time.Time
		Entries          []chaperone.BreachLogEntry
	}{year, year - 1, year + 1, chaperone.AnnualLogDue(year), log})
}

// API

func (s *Server) apiOpenIncident(r *http.Request, u chaperone.User) (any, error) {
	var req struct {
		Description   string    `json:"description"`
		ArchiveItemID int64     `json:"archive_item_id"`
		DiscoveredAt  time.Time `json:"discovered_at"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return created(s.svc.OpenIncident(r.Context(), u, req.Description, req.ArchiveItemID, req.DiscoveredAt))
}

func (s *Server) apiIncident(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.svc.Incident(r.Context(), u, id)
}

func (s *Server) apiAssess(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var a service.Assessment
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	return s.svc.AssessIncident(r.Context(), u, id, a)
}

func (s *Server) apiDecide(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Decision  chaperone.BreachDecision `json:"decision"`
		Rationale string                   `json:"rationale"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.svc.DecideIncident(r.Context(), u, id, req.Decision, req.Rationale)
}

func (s *Server) apiBreachTaskDone(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	task, err := strconv.ParseInt(r.PathValue("task"), 10, 64)
	if err != nil {
		return nil, chaperone.Errorf(chaperone.ErrNotFound, "no such task")
	}
	if err := s.svc.CompleteBreachTask(r.Context(), u, id, task); err != nil {
		return nil, err
	}
	return s.svc.Incident(r.Context(), u, id)
}

func (s *Server) apiCloseIncident(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if err := s.svc.CloseIncident(r.Context(), u, id); err != nil {
		return nil, err
	}
	return s.svc.Incident(r.Context(), u, id)
}

func (s *Server) apiIncidentExport(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	b, typ, err := s.svc.ExportIncident(r.Context(), u, id, r.URL.Query().Get("format"))
	if err != nil {
		return nil, err
	}
	return rawBody{body: b, ctype: typ, filename: fmt.Sprintf("incident-%d.%s", id, extOf(typ))}, nil
}

func (s *Server) apiBreachLog(r *http.Request, u chaperone.User) (any, error) {
	year, err := yearParam(r)
	if err != nil {
		return nil, err
	}
	f := r.URL.Query().Get("format")
	if f == "" {
		f = service.FormatJSON
	}
	b, typ, err := s.svc.ExportBreachLog(r.Context(), u, year, f)
	if err != nil {
		return nil, err
	}
	return rawBody{body: b, ctype: typ, filename: fmt.Sprintf("hhs-breach-log-%d.%s", year, extOf(typ))}, nil
}

func (s *Server) apiNotificationsDue(r *http.Request, u chaperone.User) (any, error) {
	due, err := s.svc.NotificationsDue(r.Context(), u)
	if due == nil {
		due = []service.DueNotification{}
	}
	return due, err
}
