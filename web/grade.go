package web

import (
	"net/http"
	"strconv"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/grade"
	"github.com/chaperone-project/chaperone/service"
)

func init() {
	funcs["spark"] = spark
	funcs["partStatus"] = partStatus
}

// gradeQuery is whose grade a request asks for: ?user=ID (compliance
// and admins), or ?org=1 for the organisation's.
func gradeQuery(r *http.Request) (userID int64, org bool, err error) {
	q := r.URL.Query()
	if v := q.Get("user"); v != "" {
		if userID, err = strconv.ParseInt(v, 10, 64); err != nil || userID <= 0 {
			return 0, false, chaperone.Errorf(chaperone.ErrInvalid, "user must be a user id")
		}
	}
	return userID, q.Get("org") == "1", nil
}

// gradeData is what the grade page shows: a grade with its trend, and
// for the organisation its clinicians' grades.
type gradeData struct {
	Grade      grade.Grade
	Org        bool
	Clinicians []grade.Grade
	Weights    map[string]int
}

// gradePage shows a presence grade: the parts explained with their fixes
// and links, the trend, and for the organisation its clinicians' grades.
func (s *Server) gradePage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	userID, org, err := gradeQuery(r)
	data := gradeData{Org: org, Weights: grade.Weights}
	if err == nil {
		if org {
			var og service.OrgGrade
			og, err = s.svc.OrgPresence(r.Context(), u)
			data.Grade, data.Clinicians = og.Org, og.Clinicians
		} else {
			data.Grade, err = s.svc.Grade(r.Context(), u, userID)
		}
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	title := "Presence grade"
	if org {
		title = "Presence grade: the organisation"
	} else if data.Grade.UserID != u.ID {
		title = "Presence grade: " + data.Grade.Name
	}
	s.render(w, r, http.StatusOK, "grade", u, title, data)
}

// apiGrade answers a clinician's grade, or with org=1 the organisation's
// and its clinicians' (service.OrgGrade).
func (s *Server) apiGrade(r *http.Request, u chaperone.User) (any, error) {
	userID, org, err := gradeQuery(r)
	if err != nil {
		return nil, err
	}
	if org {
		return s.svc.OrgPresence(r.Context(), u)
	}
	return s.svc.Grade(r.Context(), u, userID)
}

// sparkBar is one day's bar of a trend drawn in SVG: the CSP forbids
// inline styles, so position and size are SVG attributes.
type sparkBar struct {
	X, Y, H int
	Day     string
	Score   int
	Status  grade.Status
}

// sparkData is a trend drawn as bars, a day per 4 px over the last
// service.GradeTrendDays days.
type sparkData struct {
	Width, Height int
	Bars          []sparkBar
	First, Last   int // the first and last scores, for the label
}

// spark lays out a trend's points, for the "spark" template.
func spark(points []grade.Point) sparkData {
	const height = 40
	sd := sparkData{Width: 4 * service.GradeTrendDays, Height: height + 2}
	end := time.Now().UTC().Truncate(24 * time.Hour)
	start := end.AddDate(0, 0, -service.GradeTrendDays+1)
	for _, p := range points {
		d, err := time.Parse(time.DateOnly, p.Day)
		if err != nil || d.Before(start) || d.After(end) {
			continue
		}
		h := max(1, p.Score*height/100)
		st := grade.StatusBad
		switch {
		case p.Score >= 90:
			st = grade.StatusOK
		case p.Score >= 50:
			st = grade.StatusWarn
		}
		sd.Bars = append(sd.Bars, sparkBar{X: int(d.Sub(start).Hours()/24) * 4, Y: height + 1 - h, H: h, Day: p.Day, Score: p.Score, Status: st})
	}
	if len(sd.Bars) > 0 {
		sd.First, sd.Last = sd.Bars[0].Score, sd.Bars[len(sd.Bars)-1].Score
	}
	return sd
}

// partStatus labels a part's status for people.
func partStatus(st grade.Status) string {
	switch st {
	case grade.StatusOK:
		return "good"
	case grade.StatusWarn:
		return "needs work"
	case grade.StatusBad:
		return "needs fixing"
	}
	return "not applicable"
}
