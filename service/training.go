package service

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/policy"
)

// Training defaults and limits.
const (
	DefaultPassScore   = 80
	DefaultRenewalDays = 365
	DefaultGraceDays   = 30
	maxTrainingBytes   = 256 << 10
	maxQuestions       = 50
)

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,59}$`)

// ParseQuiz reads a quiz written as plain text: a line "Q: …" starts a
// question, "- …" is a wrong choice and "* …" the right one (exactly one
// per question); blank lines are ignored. Errors name the line.
func ParseQuiz(text string) ([]chaperone.Question, error) {
	var qs []chaperone.Question
	check := func(line int) error {
		if len(qs) == 0 {
			return nil
		}
		q := qs[len(qs)-1]
		if len(q.Choices) < 2 || len(q.Choices) > 8 {
			return invalid("quiz line %d: question %d needs 2 to 8 choices", line, len(qs))
		}
		if q.Answer < 0 {
			return invalid("quiz line %d: question %d has no right answer (mark it with *)", line, len(qs))
		}
		return nil
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, raw := range lines {
		l := strings.TrimSpace(raw)
		switch {
		case l == "":
		case strings.HasPrefix(l, "Q:"):
			if err := check(i + 1); err != nil {
				return nil, err
			}
			if len(qs) == maxQuestions {
				return nil, invalid("quiz line %d: at most %d questions", i+1, maxQuestions)
			}
			qs = append(qs, chaperone.Question{Prompt: strings.TrimSpace(l[2:]), Answer: -1})
			if qs[len(qs)-1].Prompt == "" {
				return nil, invalid("quiz line %d: the question is empty", i+1)
			}
		case strings.HasPrefix(l, "-") || strings.HasPrefix(l, "*"):
			if len(qs) == 0 {
				return nil, invalid("quiz line %d: a choice before the first question (start questions with Q:)", i+1)
			}
			q := &qs[len(qs)-1]
			choice := strings.TrimSpace(l[1:])
			if choice == "" {
				return nil, invalid("quiz line %d: the choice is empty", i+1)
			}
			if l[0] == '*' {
				if q.Answer >= 0 {
					return nil, invalid("quiz line %d: question %d has two right answers", i+1, len(qs))
				}
				q.Answer = len(q.Choices)
			}
			q.Choices = append(q.Choices, choice)
		default:
			return nil, invalid("quiz line %d: start it with Q:, - or *", i+1)
		}
	}
	if err := check(len(lines)); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, invalid("the quiz has no questions")
	}
	return qs, nil
}

// QuizText writes a quiz back in ParseQuiz's format.
func QuizText(qs []chaperone.Question) string {
	var b strings.Builder
	for i, q := range qs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "Q: %s\n", q.Prompt)
		for k, c := range q.Choices {
			mark := "-"
			if k == q.Answer {
				mark = "*"
			}
			fmt.Fprintf(&b, "%s %s\n", mark, c)
		}
	}
	return b.String()
}

// PublishTraining publishes a new version of a training document with its
// quiz (compliance and admins). Everyone must attest to the new version
// within its grace period.
func (s *Service) PublishTraining(ctx context.Context, u chaperone.User, d chaperone.TrainingDoc) (chaperone.TrainingDoc, error) {
	if err := active(u); err != nil {
		return d, err
	}
	if !canAudit(u) {
		return d, forbidden("only compliance and admins publish training")
	}
	d.OrgID = u.OrgID
	d.Slug = strings.TrimSpace(d.Slug)
	d.Title = strings.TrimSpace(d.Title)
	if d.PassScore == 0 {
		d.PassScore = DefaultPassScore
	}
	if d.RenewalDays == 0 {
		d.RenewalDays = DefaultRenewalDays
	}
	if d.GraceDays == 0 {
		d.GraceDays = DefaultGraceDays
	}
	switch {
	case !slugRe.MatchString(d.Slug):
		return d, invalid("the short name is lower-case letters, digits and dashes (social-media-policy)")
	case d.Title == "" || len(d.Title) > 200:
		return d, invalid("give the document a title (at most 200 characters)")
	case strings.TrimSpace(d.Markdown) == "" || len(d.Markdown) > maxTrainingBytes:
		return d, invalid("the document is empty or larger than %d KiB", maxTrainingBytes>>10)
	case len(d.Quiz) == 0 || len(d.Quiz) > maxQuestions:
		return d, invalid("the quiz needs 1 to %d questions", maxQuestions)
	case d.PassScore < 1 || d.PassScore > 100 || d.RenewalDays < 1 || d.RenewalDays > 3650 || d.GraceDays < 0 || d.GraceDays > 365:
		return d, invalid("the pass score is 1–100 %%, renewal 1–3650 days, grace 0–365 days")
	}
	for i, q := range d.Quiz {
		if q.Prompt == "" || len(q.Choices) < 2 || len(q.Choices) > 8 || q.Answer < 0 || q.Answer >= len(q.Choices) {
			return d, invalid("quiz question %d needs a prompt, 2 to 8 choices and a right answer among them", i+1)
		}
	}
	return s.store.PublishTraining(ctx, actor(u), d)
}

// TrainingItem is one document and where a user stands with it.
type TrainingItem struct {
	Doc   chaperone.TrainingDoc   `json:"doc"`
	State chaperone.TrainingState `json:"state"`
	DueAt time.Time               `json:"due_at"`
	Last  *chaperone.Attestation  `json:"last,omitempty"` // the latest passing attestation to this version
	Tries []chaperone.Attestation `json:"-"`
}

// stateOf works out where user stands with doc at now.
func stateOf(doc chaperone.TrainingDoc, user chaperone.User, atts []chaperone.Attestation, now time.Time) TrainingItem {
	it := TrainingItem{Doc: doc}
	due := doc.CreatedAt.AddDate(0, 0, doc.GraceDays)
	if d := user.CreatedAt.AddDate(0, 0, doc.GraceDays); d.After(due) {
		due = d
	}
	for i := range atts {
		a := atts[i]
		if a.UserID != user.ID || a.Slug != doc.Slug || !a.Passed {
			continue
		}
		if a.Version == doc.Version && a.DocSHA256 == doc.SHA256 && it.Last == nil {
			it.Last = &atts[i]
		}
		if a.ExpiresAt.After(due) {
			due = a.ExpiresAt // an unexpired attestation of any version holds until it expires
		}
	}
	it.DueAt = due
	switch {
	case it.Last != nil && it.Last.ExpiresAt.After(now):
		it.State = chaperone.TrainingCurrent
		it.DueAt = it.Last.ExpiresAt
	case now.Before(due):
		it.State = chaperone.TrainingDue
	default:
		it.State = chaperone.TrainingOverdue
	}
	return it
}

// Training lists the org's training documents and where u stands with
// each.
func (s *Service) Training(ctx context.Context, u chaperone.User) ([]TrainingItem, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	return s.trainingOf(ctx, u)
}

func (s *Service) trainingOf(ctx context.Context, u chaperone.User) ([]TrainingItem, error) {
	docs, err := s.store.LatestTraining(ctx, u.OrgID)
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	atts, err := s.store.Attestations(ctx, u.OrgID, u.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]TrainingItem, 0, len(docs))
	for _, d := range docs {
		out = append(out, stateOf(d, u, atts, now))
	}
	return out, nil
}

// trainingInput is the author's training for the routing policy: current
// unless they are overdue on a document.
func (s *Service) trainingInput(ctx context.Context, u chaperone.User) (policy.Training, error) {
	items, err := s.trainingOf(ctx, u)
	if err != nil {
		return policy.Training{}, err
	}
	t := policy.Training{Current: true}
	for _, it := range items {
		if it.State == chaperone.TrainingOverdue {
			t.Current = false
			t.Overdue = append(t.Overdue, it.Doc.Slug)
		}
	}
	return t, nil
}

// TrainingDoc returns a version of a document (0: latest) for reading.
func (s *Service) TrainingDoc(ctx context.Context, u chaperone.User, slug string, version int) (chaperone.TrainingDoc, error) {
	if err := active(u); err != nil {
		return chaperone.TrainingDoc{}, err
	}
	return s.store.GetTraining(ctx, u.OrgID, slug, version)
}

// TakeQuiz scores u's answers to the latest version's quiz and records the
// attestation (passing or not); a passing one lasts RenewalDays.
func (s *Service) TakeQuiz(ctx context.Context, u chaperone.User, slug string, version int, answers []int) (chaperone.Attestation, error) {
	if err := active(u); err != nil {
		return chaperone.Attestation{}, err
	}
	doc, err := s.store.GetTraining(ctx, u.OrgID, slug, 0)
	if err != nil {
		return chaperone.Attestation{}, err
	}
	if version != doc.Version {
		return chaperone.Attestation{}, conflict("version %d of this document is out: read it and take its quiz", doc.Version)
	}
	if len(answers) != len(doc.Quiz) {
		return chaperone.Attestation{}, invalid("answer all %d questions", len(doc.Quiz))
	}
	right := 0
	for i, q := range doc.Quiz {
		if answers[i] == q.Answer {
			right++
		}
	}
	score := right * 100 / len(doc.Quiz)
	now := s.now()
	return s.store.Attest(ctx, actor(u), chaperone.Attestation{OrgID: u.OrgID, UserID: u.ID, Slug: slug, Version: doc.Version,
		DocSHA256: doc.SHA256, Score: score, Passed: score >= doc.PassScore, At: now, ExpiresAt: now.AddDate(0, 0, doc.RenewalDays)})
}

// OverdueRow is one user who is not current on one document.
type OverdueRow struct {
	User  chaperone.User          `json:"user"`
	Slug  string                  `json:"slug"`
	Title string                  `json:"title"`
	State chaperone.TrainingState `json:"state"`
	DueAt time.Time               `json:"due_at"`
}

// TrainingReport lists, for compliance and admins, every active user who
// is due or overdue on a document, overdue first.
func (s *Service) TrainingReport(ctx context.Context, u chaperone.User) ([]OverdueRow, error) {
	if err := active(u); err != nil {
		return nil, err
	}
	if !canAudit(u) {
		return nil, forbidden("only compliance and admins see everyone's training")
	}
	docs, err := s.store.LatestTraining(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	users, err := s.store.ListUsers(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	atts, err := s.store.Attestations(ctx, u.OrgID, 0)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []OverdueRow{}
	for _, x := range users {
		if x.Disabled {
			continue
		}
		for _, d := range docs {
			it := stateOf(d, x, atts, now)
			if it.State != chaperone.TrainingCurrent {
				out = append(out, OverdueRow{User: x, Slug: d.Slug, Title: d.Title, State: it.State, DueAt: it.DueAt})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if (out[i].State == chaperone.TrainingOverdue) != (out[j].State == chaperone.TrainingOverdue) {
			return out[i].State == chaperone.TrainingOverdue
		}
		return out[i].DueAt.Before(out[j].DueAt)
	})
	return out, nil
}
