package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/yuin/goldmark"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
)

// markdown renders a training document. goldmark's default renderer
// drops raw HTML and dangerous link targets, and the page's CSP forbids
// scripts anyway.
func markdown(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := goldmark.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // #nosec: goldmark escapes text and omits raw HTML
}

type trainingData struct {
	Items  []service.TrainingItem
	Report []service.OverdueRow
	Error  string
	Form   chaperone.TrainingDoc
	Quiz   string
}

func (s *Server) trainingPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.renderTraining(w, r, u, http.StatusOK, trainingData{})
}

func (s *Server) renderTraining(w http.ResponseWriter, r *http.Request, u chaperone.User, code int, data trainingData) {
	items, err := s.svc.Training(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data.Items = items
	if u.Role == chaperone.RoleCompliance || u.Role == chaperone.RoleAdmin {
		if data.Report, err = s.svc.TrainingReport(r.Context(), u); err != nil {
			s.errorPage(w, r, u, err)
			return
		}
	}
	s.render(w, r, code, "training", u, "Training", data)
}

func (s *Server) trainingSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	atoi := func(k string) int { n, _ := strconv.Atoi(r.PostFormValue(k)); return n }
	d := chaperone.TrainingDoc{Slug: r.PostFormValue("slug"), Title: r.PostFormValue("title"), Markdown: normalizeNewlines(r.PostFormValue("markdown")),
		PassScore: atoi("pass_score"), RenewalDays: atoi("renewal_days"), GraceDays: atoi("grace_days")}
	quizText := normalizeNewlines(r.PostFormValue("quiz"))
	quiz, err := service.ParseQuiz(quizText)
	if err == nil {
		d.Quiz = quiz
		d, err = s.svc.PublishTraining(r.Context(), u, d)
	}
	if err != nil {
		if code := status(err); code < 500 && code != http.StatusForbidden {
			s.renderTraining(w, r, u, code, trainingData{Error: publicMessage(err), Form: d, Quiz: quizText})
			return
		}
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/training/"+d.Slug+"?done=training", http.StatusSeeOther)
}

func (s *Server) trainingDocPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	slug := r.PathValue("slug")
	doc, err := s.svc.TrainingDoc(r.Context(), u, slug, 0)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	body, err := markdown(doc.Markdown)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	var mine *service.TrainingItem
	items, err := s.svc.Training(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	for i := range items {
		if items[i].Doc.Slug == slug {
			mine = &items[i]
		}
	}
	s.render(w, r, http.StatusOK, "training_doc", u, doc.Title, struct {
		Doc  chaperone.TrainingDoc
		Body template.HTML
		Mine *service.TrainingItem
	}{doc, body, mine})
}

func (s *Server) quizSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	slug := r.PathValue("slug")
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	doc, err := s.svc.TrainingDoc(r.Context(), u, slug, 0)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	answers := make([]int, len(doc.Quiz))
	for i := range answers {
		v := r.PostFormValue(fmt.Sprintf("q%d", i))
		if answers[i], err = strconv.Atoi(v); err != nil {
			s.errorPage(w, r, u, chaperone.Errorf(chaperone.ErrInvalid, "answer every question"))
			return
		}
	}
	a, err := s.svc.TakeQuiz(r.Context(), u, slug, version, answers)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	done := "passed"
	if !a.Passed {
		done = "failed"
	}
	http.Redirect(w, r, "/training/"+slug+"?done="+done, http.StatusSeeOther)
}

// API

func (s *Server) apiTraining(r *http.Request, u chaperone.User) (any, error) {
	items, err := s.svc.Training(r.Context(), u)
	if items == nil {
		items = []service.TrainingItem{}
	}
	return items, err
}

func (s *Server) apiPublishTraining(r *http.Request, u chaperone.User) (any, error) {
	var d chaperone.TrainingDoc
	if err := decode(r, &d); err != nil {
		return nil, err
	}
	return s.svc.PublishTraining(r.Context(), u, d)
}

func (s *Server) apiTrainingDoc(r *http.Request, u chaperone.User) (any, error) {
	doc, err := s.svc.TrainingDoc(r.Context(), u, r.PathValue("slug"), 0)
	if err != nil {
		return nil, err
	}
	// the answers stay on the server
	for i := range doc.Quiz {
		doc.Quiz[i].Answer = -1
	}
	return doc, nil
}

func (s *Server) apiAttest(r *http.Request, u chaperone.User) (any, error) {
	var req struct {
		Version int   `json:"version"`
		Answers []int `json:"answers"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return s.svc.TakeQuiz(r.Context(), u, r.PathValue("slug"), req.Version, req.Answers)
}

func (s *Server) apiTrainingReport(r *http.Request, u chaperone.User) (any, error) {
	return s.svc.TrainingReport(r.Context(), u)
}
