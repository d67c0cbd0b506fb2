package service

import (
	"context"
	"encoding/json"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/grade"
	"github.com/chaperone-project/chaperone/npi"
	"github.com/chaperone-project/chaperone/store"
)

// GradeTrendDays is how far back a grade's trend goes: twelve weeks.
const GradeTrendDays = 84

// OrgGrade is an organisation's presence grade with its clinicians'.
type OrgGrade struct {
	Org        grade.Grade   `json:"org"`
	Clinicians []grade.Grade `json:"clinicians"`
}

// Grade returns the presence grade of clinician userID (0: u), with its
// trend over the last GradeTrendDays: u's own, or anyone's of the org for
// compliance and admins. When today's snapshot of it is missing it is
// written now (the daily job writes the others). The /grade page, the
// dashboard and GET /api/v1/grade call it.
func (s *Service) Grade(ctx context.Context, u chaperone.User, userID int64) (grade.Grade, error) {
	who, err := s.watchedUser(ctx, u, userID)
	if err != nil {
		return grade.Grade{}, err
	}
	g, err := s.clinicianGrade(ctx, who)
	if err != nil {
		return g, err
	}
	if err := s.snapshot(ctx, actor(u), who.OrgID, []grade.Grade{g}); err != nil {
		return g, err
	}
	g.Trend, err = s.gradeTrend(ctx, who.OrgID, who.ID, s.now().AddDate(0, 0, -GradeTrendDays), s.now())
	return g, err
}

// OrgPresence returns the organisation's presence grade, with its trend
// over the last GradeTrendDays, and its clinicians' grades, lowest first:
// for compliance and admins. Missing snapshots of today are written.
func (s *Service) OrgPresence(ctx context.Context, u chaperone.User) (OrgGrade, error) {
	if err := active(u); err != nil {
		return OrgGrade{}, err
	}
	if !canAudit(u) {
		return OrgGrade{}, forbidden("only compliance and admins see the organisation's grade")
	}
	og, err := s.orgGrade(ctx, u.OrgID)
	if err != nil {
		return og, err
	}
	if err := s.snapshot(ctx, actor(u), u.OrgID, append([]grade.Grade{og.Org}, og.Clinicians...)); err != nil {
		return og, err
	}
	og.Org.Trend, err = s.gradeTrend(ctx, u.OrgID, 0, s.now().AddDate(0, 0, -GradeTrendDays), s.now())
	return og, err
}

// SnapshotGrades writes today's snapshot of the grade of every clinician
// of the org and of the org itself, as the system, skipping those already
// written today, and returns how many it wrote. The daily grade job calls
// it; it checks no role.
func (s *Service) SnapshotGrades(ctx context.Context, orgID int64) (int, error) {
	og, err := s.orgGrade(ctx, orgID)
	if err != nil {
		return 0, err
	}
	snaps, err := snapshotsOf(append([]grade.Grade{og.Org}, og.Clinicians...))
	if err != nil {
		return 0, err
	}
	return s.store.SaveGradeSnapshots(ctx, store.System, orgID, day(s.now()), snaps)
}

// SnapshotAllGrades runs SnapshotGrades for every org and returns the
// snapshots written. The daily grade job calls it.
func (s *Service) SnapshotAllGrades(ctx context.Context) (int, error) {
	orgs, err := s.store.OrgIDs(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, id := range orgs {
		n, err := s.SnapshotGrades(ctx, id)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func snapshotsOf(gs []grade.Grade) ([]store.GradeSnapshot, error) {
	out := make([]store.GradeSnapshot, 0, len(gs))
	for _, g := range gs {
		parts, err := json.Marshal(g.Parts)
		if err != nil {
			return nil, chaperone.Errorf(chaperone.ErrInternal, "encoding a grade: %v", err)
		}
		out = append(out, store.GradeSnapshot{UserID: g.UserID, Score: g.Score, Parts: parts})
	}
	return out, nil
}

// snapshot writes today's snapshots of gs that are missing, as by.
func (s *Service) snapshot(ctx context.Context, by store.Actor, orgID int64, gs []grade.Grade) error {
	today := day(s.now())
	var missing []grade.Grade
	for _, g := range gs {
		have, err := s.store.GradeSnapshots(ctx, orgID, g.UserID, today, today)
		if err != nil {
			return err
		}
		if len(have) == 0 {
			missing = append(missing, g)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	snaps, err := snapshotsOf(missing)
	if err != nil {
		return err
	}
	_, err = s.store.SaveGradeSnapshots(ctx, by, orgID, today, snaps)
	return err
}

// gradeTrend is the daily scores of a clinician (userID 0: the org) in
// the days from..to, inclusive.
func (s *Service) gradeTrend(ctx context.Context, orgID, userID int64, from, to time.Time) ([]grade.Point, error) {
	snaps, err := s.store.GradeSnapshots(ctx, orgID, userID, day(from), day(to))
	if err != nil {
		return nil, err
	}
	out := make([]grade.Point, 0, len(snaps))
	for _, sn := range snaps {
		out = append(out, grade.Point{Day: sn.Day, Score: sn.Score})
	}
	return out, nil
}

// orgGrade computes the org's grade from its active clinicians' grades
// (every user whose role is clinician; others are graded on their own
// page but not in the org's mean) and its patient reviews.
func (s *Service) orgGrade(ctx context.Context, orgID int64) (OrgGrade, error) {
	org, err := s.store.GetOrg(ctx, orgID)
	if err != nil {
		return OrgGrade{}, err
	}
	users, err := s.store.ListUsers(ctx, orgID)
	if err != nil {
		return OrgGrade{}, err
	}
	og := OrgGrade{Clinicians: []grade.Grade{}}
	for _, x := range users {
		if x.Disabled || x.Role != chaperone.RoleClinician {
			continue
		}
		g, err := s.clinicianGrade(ctx, x)
		if err != nil {
			return og, err
		}
		og.Clinicians = append(og.Clinicians, g)
	}
	// lowest first: whom to help first
	for i := 1; i < len(og.Clinicians); i++ {
		for j := i; j > 0 && og.Clinicians[j].Score < og.Clinicians[j-1].Score; j-- {
			og.Clinicians[j], og.Clinicians[j-1] = og.Clinicians[j-1], og.Clinicians[j]
		}
	}
	rv, err := s.reviewInputs(ctx, orgID)
	if err != nil {
		return og, err
	}
	og.Org = grade.ComputeOrg(grade.OrgInputs{Name: org.Name, At: s.now().UTC(), Clinicians: og.Clinicians, Reviews: rv})
	return og, nil
}

// clinicianGrade gathers who's inputs from the store and computes the
// grade. It reads draft and bio texts to check them, shows none, and so
// records no view.
func (s *Service) clinicianGrade(ctx context.Context, who chaperone.User) (grade.Grade, error) {
	in := grade.Inputs{UserID: who.ID, Name: who.DisplayName, At: s.now().UTC()}
	accts, err := s.store.ListAccounts(ctx, who.ID)
	if err != nil {
		return grade.Grade{}, err
	}
	personal := map[int64]bool{}
	for _, a := range accts {
		in.Accounts = append(in.Accounts, grade.Account{Platform: a.Platform, Handle: a.Handle, Kind: string(a.Kind)})
		personal[a.ID] = a.Kind == chaperone.AccountPersonal
	}
	// the newest 500 drafts: personal accounts' clinical content, and the bio
	drafts, err := s.store.ListDrafts(ctx, store.DraftFilter{OrgID: who.OrgID, AuthorID: who.ID})
	if err != nil {
		return grade.Grade{}, err
	}
	var bio, latestBio *chaperone.Draft
	for i, d := range drafts {
		if d.Status == chaperone.DraftRejected {
			continue
		}
		if personal[d.AccountID] {
			sc, err := s.store.LatestScreen(ctx, d.ID, d.Version)
			if err != nil && chaperone.CodeOf(err) != chaperone.ErrNotFound {
				return grade.Grade{}, err
			}
			if err == nil && sc.Result.Has(chaperone.FindingPersonalAccountClinical) {
				in.PersonalClinical++
			}
		}
		if d.Channel == chaperone.ChannelBio {
			if latestBio == nil {
				latestBio = &drafts[i]
			}
			if bio == nil && (d.Status == chaperone.DraftPublished || d.Status == chaperone.DraftApproved || d.Status == chaperone.DraftOverridden) {
				bio = &drafts[i]
			}
		}
	}
	if bio == nil {
		bio = latestBio
	}
	if bio != nil {
		if in.Bio, err = s.bioInput(ctx, who, *bio); err != nil {
			return grade.Grade{}, err
		}
	}
	posts, open, err := s.store.OpenTasks(ctx, who.OrgID, who.ID)
	if err != nil {
		return grade.Grade{}, err
	}
	in.Posts, in.OpenBlock, in.OpenReview = posts, open[chaperone.Block], open[chaperone.Review]
	if in.ConsentNeeded, in.ConsentCovered, err = s.consentCoverage(ctx, who); err != nil {
		return grade.Grade{}, err
	}
	items, err := s.trainingOf(ctx, who)
	if err != nil {
		return grade.Grade{}, err
	}
	for _, it := range items {
		in.Training.Docs++
		switch it.State {
		case chaperone.TrainingCurrent:
			in.Training.Current++
		case chaperone.TrainingDue:
			in.Training.Due++
		default:
			in.Training.Overdue++
		}
	}
	// the link goes to the first document overdue, else the first due
	for _, want := range []chaperone.TrainingState{chaperone.TrainingOverdue, chaperone.TrainingDue} {
		for _, it := range items {
			if in.Training.Next == "" && it.State == want {
				in.Training.Next = it.Doc.Slug
			}
		}
	}
	return grade.Compute(in), nil
}

// bioInput checks a bio draft's current text: its credentials against the
// author's NPPES record (as the screen does, but with the record on file
// now), and its disclaimer.
func (s *Service) bioInput(ctx context.Context, who chaperone.User, d chaperone.Draft) (*grade.Bio, error) {
	v, err := s.store.GetVersion(ctx, d.ID, d.Version)
	if err != nil {
		return nil, err
	}
	b := &grade.Bio{Status: string(d.Status), Disclaimer: grade.HasDisclaimer(v.Text)}
	n, err := s.store.UserNPI(ctx, who.ID)
	if err != nil || n == "" {
		return b, err
	}
	rec, err := s.store.NPPES(ctx, n)
	if chaperone.CodeOf(err) == chaperone.ErrNotFound {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	b.Checked, b.Mismatches = true, len(npi.CheckClaims(v.Text, rec))
	return b, nil
}

// consentCoverage counts who's archived items whose screen needed a
// patient's authorisation, and those covered now: a linked authorisation
// valid now that covers the item's channel and medium, or a takedown of
// the item marked done.
func (s *Service) consentCoverage(ctx context.Context, who chaperone.User) (needed, covered int, err error) {
	items, err := s.store.ArchivedScreens(ctx, who.OrgID, who.ID)
	if err != nil {
		return 0, 0, err
	}
	var takenDown map[int64]bool
	now := s.now()
	for _, it := range items {
		d := chaperone.Draft{ID: it.DraftID, Channel: it.Channel}
		if !needsConsent(d, it.Result) {
			continue
		}
		needed++
		if takenDown == nil {
			tasks, err := s.store.ListTakedowns(ctx, who.OrgID, false)
			if err != nil {
				return 0, 0, err
			}
			takenDown = map[int64]bool{}
			for _, t := range tasks {
				if !t.DoneAt.IsZero() {
					takenDown[t.ArchiveItemID] = true
				}
			}
		}
		if takenDown[it.ItemID] {
			covered++
			continue
		}
		linked, err := s.store.LinkedConsents(ctx, it.DraftID)
		if err != nil {
			return 0, 0, err
		}
		medium, err := s.medium(ctx, d)
		if err != nil {
			return 0, 0, err
		}
		for _, c := range linked {
			if c.ValidAt(now) == nil && c.Covers(d.Channel, medium) {
				covered++
				break
			}
		}
	}
	return needed, covered, nil
}

// reviewInputs counts the org's patient reviews, those replied, and the
// reply drafts (not rejected) whose latest screen blocks or confirms the
// reviewer is a patient.
func (s *Service) reviewInputs(ctx context.Context, orgID int64) (grade.Reviews, error) {
	var r grade.Reviews
	f := store.ReviewFilter{OrgID: orgID}
	for {
		page, err := s.store.ListPatientReviews(ctx, f)
		if err != nil {
			return r, err
		}
		for _, rv := range page {
			r.Total++
			if rv.Replied() {
				r.Replied++
			}
			if rv.ReplyDraftID == 0 {
				continue
			}
			d, err := s.store.GetDraft(ctx, rv.ReplyDraftID)
			if err != nil {
				return r, err
			}
			if d.Status == chaperone.DraftRejected {
				continue
			}
			r.Replies++
			sc, err := s.store.LatestScreen(ctx, d.ID, d.Version)
			if err != nil && chaperone.CodeOf(err) != chaperone.ErrNotFound {
				return r, err
			}
			if err == nil && (sc.Decision == chaperone.Block || sc.Result.Has(chaperone.FindingRelationshipConfirmed)) {
				r.Unsafe++
			}
		}
		if len(page) < 500 {
			return r, nil
		}
		last := page[len(page)-1]
		f.BeforePosted, f.BeforeID = last.CreatedAt, last.ID
	}
}

// auditGrade is the grade of an audit report's subject (clinician
// scope, or the org when 0) with its trend over the report's period.
func (s *Service) auditGrade(ctx context.Context, orgID, scope int64, from, to time.Time) (*grade.Grade, error) {
	var g grade.Grade
	if scope == 0 {
		og, err := s.orgGrade(ctx, orgID)
		if err != nil {
			return nil, err
		}
		g = og.Org
	} else {
		who, err := s.store.GetUser(ctx, scope)
		if err != nil {
			return nil, err
		}
		if g, err = s.clinicianGrade(ctx, who); err != nil {
			return nil, err
		}
	}
	// [from, to): to is exclusive
	trend, err := s.gradeTrend(ctx, orgID, scope, from, to.Add(-time.Nanosecond))
	if err != nil {
		return nil, err
	}
	g.Trend = trend
	return &g, nil
}
