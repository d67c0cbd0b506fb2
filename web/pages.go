package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/grade"
	"github.com/chaperone-project/chaperone/report"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	drafts, err := s.svc.Mine(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data := struct {
		Drafts     []chaperone.Draft
		QueueCount int
		Takedowns  []chaperone.TakedownTask
		Expiring   []chaperone.Consent
		Training   []service.TrainingItem
		Alerts     []chaperone.PatientReview
		AboutMe    []chaperone.ColleagueReport // open reports about the user
		Escalated  int
		Due        []service.DueNotification
		// Grade is the user's presence grade, or the org's for
		// compliance and admins (OrgGrade), with its Clinicians.
		Grade      *grade.Grade
		OrgGrade   bool
		Clinicians []grade.Grade
	}{Drafts: drafts}
	items, err := s.svc.Training(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	for _, it := range items {
		if it.State != chaperone.TrainingCurrent {
			data.Training = append(data.Training, it)
		}
	}
	if q, err := s.svc.Queue(r.Context(), u); err == nil {
		data.QueueCount = len(q)
	}
	if data.Alerts, err = s.svc.LowRatingAlerts(r.Context(), u); err != nil && chaperone.CodeOf(err) != chaperone.ErrForbidden {
		s.errorPage(w, r, u, err)
		return
	}
	if data.Takedowns, err = s.svc.Takedowns(r.Context(), u, false); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	if data.Expiring, err = s.svc.ExpiringConsents(r.Context(), u); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	about, err := s.svc.ReportsAboutMe(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	for _, rep := range about {
		if rep.Status == chaperone.ReportOpen {
			data.AboutMe = append(data.AboutMe, rep)
		}
	}
	if canAuditUser(u) {
		q, err := s.svc.ReportQueue(r.Context(), u, false)
		if err != nil {
			s.errorPage(w, r, u, err)
			return
		}
		data.Escalated = len(q)
	}
	if data.Due, err = s.svc.NotificationsDue(r.Context(), u); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	if canAuditUser(u) {
		og, err := s.svc.OrgPresence(r.Context(), u)
		if err != nil {
			s.errorPage(w, r, u, err)
			return
		}
		data.Grade, data.OrgGrade, data.Clinicians = &og.Org, true, og.Clinicians
	} else {
		g, err := s.svc.Grade(r.Context(), u, 0)
		if err != nil {
			s.errorPage(w, r, u, err)
			return
		}
		data.Grade = &g
	}
	s.render(w, r, http.StatusOK, "dashboard", u, "My drafts", data)
}

type composeData struct {
	Channels []chaperone.Channel
	Accounts []chaperone.SocialAccount
	Channel  chaperone.Channel
	Text     string
	Context  string
	Error    string
}

func (s *Server) composePage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderCompose(w, r, u, http.StatusOK, composeData{Channel: chaperone.ChannelPost})
}

func (s *Server) renderCompose(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, data composeData) {
	accts, err := s.store.ListAccounts(r.Context(), u.ID)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data.Channels, data.Accounts = chaperone.Channels, accts
	s.render(w, r, code, "compose", u, "New draft", data)
}

func (s *Server) composeSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := parseMultipart(r); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	acct, _ := strconv.ParseInt(r.PostFormValue("account"), 10, 64)
	c := service.Compose{AccountID: acct, Channel: chaperone.Channel(r.PostFormValue("channel")),
		Text: normalizeNewlines(r.PostFormValue("text")), Context: normalizeNewlines(r.PostFormValue("context"))}
	picture, name, err := readImage(r)
	if err == nil {
		var d chaperone.Draft
		if d, err = s.svc.Create(r.Context(), u, c); err == nil {
			// The draft is saved; a picture refused now is reported on
			// the draft's page, where it can be attached again.
			if picture != nil {
				if _, err := s.svc.AttachImage(r.Context(), u, d.ID, name, picture); err != nil {
					s.imageRefused(w, r, u, d.ID, err)
					return
				}
			}
			http.Redirect(w, r, fmt.Sprintf("/drafts/%d?done=created", d.ID), http.StatusSeeOther)
			return
		}
	}
	if code := status(err); code < 500 {
		s.renderCompose(w, r, u, code, composeData{Channel: c.Channel, Text: c.Text, Context: c.Context, Error: publicMessage(err)})
		return
	}
	s.errorPage(w, r, u, err)
}

func (s *Server) draftPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.renderDraft(w, r, u, id, http.StatusOK, "")
}

// renderDraft shows a draft with status code, and imageError (when not
// empty) saying why a picture was not attached.
func (s *Server) renderDraft(w http.ResponseWriter, r *http.Request, u chaperone.User, id int64, code int, imageError string) {
	v, err := s.svc.View(r.Context(), u, id)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	d := v.Draft
	own := d.AuthorID == u.ID
	var consents []chaperone.Consent
	if v.NeedsConsent && own {
		all, err := s.svc.Consents(r.Context(), u)
		if err != nil {
			s.errorPage(w, r, u, err)
			return
		}
		for _, c := range all {
			if c.ValidAt(time.Now()) == nil {
				consents = append(consents, c)
			}
		}
	}
	data := struct {
		View                                                   service.DraftView
		Segments                                               []segment
		Names                                                  map[int64]string
		CanEdit, CanSubmit, CanReview, CanOverride, CanPublish bool
		Consents                                               []chaperone.Consent
		ImageError                                             string
		MaxImages                                              int
	}{
		Consents: consents, ImageError: imageError, MaxImages: service.MaxDraftImages,
		View: v, Segments: segments(v.Version.Text, v.Screen.Result), Names: s.names(r, u),
		CanEdit:     own && (d.Status == chaperone.DraftDraft || d.Status == chaperone.DraftChangesRequested || d.Status == chaperone.DraftBlocked),
		CanSubmit:   own && d.Status == chaperone.DraftDraft,
		CanReview:   !own && d.Status == chaperone.DraftInReview && (u.Role == chaperone.RoleReviewer || u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin),
		CanOverride: !own && d.Status == chaperone.DraftBlocked && u.Role == chaperone.RoleCompliance,
		CanPublish:  own && (d.Status == chaperone.DraftApproved || d.Status == chaperone.DraftOverridden),
	}
	s.render(w, r, code, "draft", u, fmt.Sprintf("Draft #%d", d.ID), data)
}

// names maps the ids of the org's users to their display names.
func (s *Server) names(r *http.Request, u chaperone.User) map[int64]string {
	out := map[int64]string{}
	users, err := s.store.ListUsers(r.Context(), u.OrgID)
	if err != nil {
		return out
	}
	for _, x := range users {
		out[x.ID] = x.DisplayName
	}
	return out
}

// draftAction runs a POST action on a draft and redirects to it.
func (s *Server) draftAction(w http.ResponseWriter, r *http.Request, u chaperone.User, done string, act func(id int64) error) {
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		err = act(id)
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/drafts/%d?done=%s", id, done), http.StatusSeeOther)
}

func (s *Server) editSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.draftAction(w, r, u, "edited", func(id int64) error {
		_, err := s.svc.Edit(r.Context(), u, id, normalizeNewlines(r.PostFormValue("text")), normalizeNewlines(r.PostFormValue("context")))
		return err
	})
}

func (s *Server) submitDraft(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.draftAction(w, r, u, "submitted", func(id int64) error {
		_, _, err := s.svc.Submit(r.Context(), u, id)
		return err
	})
}

func (s *Server) reviewSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.draftAction(w, r, u, "reviewed", func(id int64) error {
		_, err := s.svc.Review(r.Context(), u, id, chaperone.ReviewKind(r.PostFormValue("action")), normalizeNewlines(r.PostFormValue("comment")))
		return err
	})
}

func (s *Server) overrideSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.draftAction(w, r, u, "overridden", func(id int64) error {
		_, err := s.svc.Override(r.Context(), u, id, normalizeNewlines(r.PostFormValue("reason")))
		return err
	})
}

func (s *Server) publishSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.draftAction(w, r, u, "published", func(id int64) error {
		_, err := s.svc.Publish(r.Context(), u, id, strings.TrimSpace(r.PostFormValue("url")))
		return err
	})
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	q, err := s.svc.Queue(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data := struct {
		Drafts, Blocked []chaperone.Draft
		Names           map[int64]string
	}{Drafts: q, Names: s.names(r, u)}
	if u.Role == chaperone.RoleCompliance {
		if data.Blocked, err = s.svc.Blocked(r.Context(), u); err != nil {
			s.errorPage(w, r, u, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "queue", u, "Review queue", data)
}

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	accts, err := s.store.ListAccounts(r.Context(), u.ID)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data := struct {
		Accounts []chaperone.SocialAccount
		All      []chaperone.SocialAccount
		Names    map[int64]string
	}{Accounts: accts}
	if u.Role == chaperone.RoleAdmin || u.Role == chaperone.RoleCompliance {
		if data.All, err = s.svc.OrgAccounts(r.Context(), u); err != nil {
			s.errorPage(w, r, u, err)
			return
		}
		data.Names = s.names(r, u)
	}
	s.render(w, r, http.StatusOK, "accounts", u, "Social accounts", data)
}

func (s *Server) disableSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = s.svc.DisableUser(r.Context(), u, id)
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/users?done=disabled", http.StatusSeeOther)
}

func (s *Server) apiDisableUser(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if err := s.svc.DisableUser(r.Context(), u, id); err != nil {
		return nil, err
	}
	return map[string]any{"id": id, "disabled": true}, nil
}

func (s *Server) accountSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	_, err := s.svc.AddAccount(r.Context(), u, chaperone.SocialAccount{Platform: r.PostFormValue("platform"), Handle: r.PostFormValue("handle"),
		Kind: chaperone.AccountKind(r.PostFormValue("kind"))})
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/accounts?done=account", http.StatusSeeOther)
}

// dateRange reads from and to (YYYY-MM-DD, to inclusive) from the query.
func dateRange(r *http.Request) (from, to time.Time, err error) {
	q := r.URL.Query()
	if v := q.Get("from"); v != "" {
		if from, err = time.Parse(time.DateOnly, v); err != nil {
			return from, to, chaperone.Errorf(chaperone.ErrInvalid, "from must be a date, YYYY-MM-DD")
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = time.Parse(time.DateOnly, v); err != nil {
			return from, to, chaperone.Errorf(chaperone.ErrInvalid, "to must be a date, YYYY-MM-DD")
		}
		to = to.AddDate(0, 0, 1)
	}
	return from, to, nil
}

func (s *Server) archivePage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	from, to, err := dateRange(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	items, err := s.svc.Archive(r.Context(), u, from, to)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "archive", u, "Archive", struct {
		Items    []chaperone.ArchiveItem
		From, To string
	}{items, r.URL.Query().Get("from"), r.URL.Query().Get("to")})
}

func (s *Server) archiveItemPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	it, err := s.svc.ArchivedItem(r.Context(), u, id)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "archive_item", u, fmt.Sprintf("Archived item #%d", it.ID), struct{ Item chaperone.ArchiveItem }{it})
}

func (s *Server) holdSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		err = s.svc.SetHold(r.Context(), u, id, r.PostFormValue("on") == "true")
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/archive/%d?done=hold", id), http.StatusSeeOther)
}

// archiveExport sends an evidence pack as HTML, PDF or JSON: one item
// (?id=) or a period (?from=&to=).
func (s *Server) archiveExport(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	from, to, err := dateRange(r)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	var ids []int64
	if v := r.URL.Query().Get("id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.errorPage(w, r, u, chaperone.Errorf(chaperone.ErrInvalid, "id must be a number"))
			return
		}
		ids = append(ids, id)
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	if format != "html" && format != "pdf" && format != "json" {
		s.errorPage(w, r, u, chaperone.Errorf(chaperone.ErrInvalid, "format must be html, pdf or json"))
		return
	}
	ev, err := s.svc.Evidence(r.Context(), u, ids, from, to)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	name := "chaperone-evidence-" + ev.Generated.Format("20060102-150405")
	switch format {
	case "pdf":
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
		err = report.EvidencePDF(w, ev)
	case "json":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		err = report.EvidenceJSON(w, ev)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// the pack is a document of its own: its inline styles are allowed
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
		err = report.EvidenceHTML(w, ev)
	}
	if err != nil {
		s.log.Error("writing an evidence pack", "err", err)
	}
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if u.Role != chaperone.RoleCompliance && u.Role != chaperone.RoleAdmin {
		s.errorPage(w, r, u, chaperone.Errorf(chaperone.ErrForbidden, "only compliance and admins read the audit log"))
		return
	}
	rep, err := s.store.Verify(r.Context())
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	// Newest first, a page of auditPageSize; ?before=SEQ shows the page of
	// events older than SEQ. One more is asked for to know whether an
	// older page exists.
	const auditPageSize = 200
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	if before < 0 {
		before = 0
	}
	events, err := s.store.ListAudit(r.Context(), store.AuditFilter{OrgID: u.OrgID, BeforeSeq: before, Newest: true, Limit: auditPageSize + 1})
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	var older int64 // the ?before= of the next, older page; 0: none
	if len(events) > auditPageSize {
		events = events[:auditPageSize]
		older = events[len(events)-1].Seq
	}
	text := fmt.Sprintf("The audit chain is intact: %d events, head %d (%x).", rep.Events, rep.HeadSeq, rep.HeadHash)
	if rep.Problem != nil {
		text = "The audit chain is broken at " + rep.Problem.String()
	}
	s.render(w, r, http.StatusOK, "audit", u, "Audit log", struct {
		OK         bool
		VerifyText string
		Events     []chaperone.AuditEvent
		Names      map[int64]string
		Older      int64 // seq for the "older" link; 0: this is the oldest page
		Paged      bool  // showing an older page: link back to the newest
	}{rep.Problem == nil, text, events, s.names(r, u), older, before != 0})
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderUsers(w, r, u, "", "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, u chaperone.User, email, password string) {
	if u.Role != chaperone.RoleAdmin {
		s.errorPage(w, r, u, chaperone.Errorf(chaperone.ErrForbidden, "only admins manage users"))
		return
	}
	users, err := s.store.ListUsers(r.Context(), u.OrgID)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "users", u, "Users", struct {
		Users              []chaperone.User
		Roles              []chaperone.Role
		NewEmail, Password string
	}{users, chaperone.Roles, email, password})
}

func (s *Server) userSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	nu, password, err := s.svc.AddUser(r.Context(), u, r.PostFormValue("email"), r.PostFormValue("name"), chaperone.Role(r.PostFormValue("role")))
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.renderUsers(w, r, u, nu.Email, password)
}

// normalizeNewlines turns the CRLF line ends browsers send into LF, so
// that span offsets match what the author typed.
func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// policyData is what the policy page shows: the policy in force, and for
// admins the text in the editor (what they sent, after an error).
type policyData struct {
	View  service.PolicyView
	Text  string
	Error string
	Names map[int64]string
}

// policyPage shows the org's routing policy to admins and compliance.
func (s *Server) policyPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	v, err := s.svc.OrgPolicy(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "policy", u, "Routing policy", policyData{View: v, Text: v.Text, Names: s.names(r, u)})
}

// policySubmit saves the admin's policy as a new version. A policy that
// does not load is shown again with the parser's message and the text as
// sent, so that it can be fixed.
func (s *Server) policySubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	text := normalizeNewlines(r.PostFormValue("text"))
	_, err := s.svc.SetOrgPolicy(r.Context(), u, text)
	if err == nil {
		http.Redirect(w, r, "/policy?done=policy", http.StatusSeeOther)
		return
	}
	if code := status(err); code == http.StatusBadRequest || code == http.StatusRequestEntityTooLarge {
		v, verr := s.svc.OrgPolicy(r.Context(), u)
		if verr != nil {
			s.errorPage(w, r, u, verr)
			return
		}
		s.render(w, r, code, "policy", u, "Routing policy", policyData{View: v, Text: text, Error: publicMessage(err), Names: s.names(r, u)})
		return
	}
	s.errorPage(w, r, u, err)
}
