package store

import (
	"context"
	"encoding/json"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// The presence grade (package grade): the counts the service gathers to
// compute it, and its daily snapshots (table grade_snapshots), which hold
// scores and the parts' explanations (counts, never post text).

// GradeSnapshot is one day's presence grade of a clinician, or of the org
// when UserID is 0.
type GradeSnapshot struct {
	OrgID  int64           `json:"org_id"`
	UserID int64           `json:"user_id,omitempty"`
	Day    string          `json:"day"` // UTC date, YYYY-MM-DD
	Score  int             `json:"score"`
	Parts  json.RawMessage `json:"parts"`
}

// SaveGradeSnapshots keeps the day's snapshots of an org in this
// transaction, skipping those already kept (same org, user and day: the
// first of the day stands), and appends one grade.snapshot event with the
// day and the number written when any was. It returns that number.
func (tx *Tx) SaveGradeSnapshots(ctx context.Context, actor Actor, orgID int64, day string, snaps []GradeSnapshot) (int, error) {
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return 0, chaperone.Errorf(chaperone.ErrInvalid, "a snapshot's day is a date, YYYY-MM-DD")
	}
	now := tx.s.clock()
	written := 0
	for _, sn := range snaps {
		if sn.Score < 0 || sn.Score > 100 {
			return 0, chaperone.Errorf(chaperone.ErrInvalid, "a grade is 0 to 100, not %d", sn.Score)
		}
		parts := sn.Parts
		if len(parts) == 0 {
			parts = json.RawMessage("[]")
		}
		res, err := tx.tx.ExecContext(ctx, tx.s.q(`INSERT INTO grade_snapshots (org_id, user_id, day, score, parts, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, user_id, day) DO NOTHING`), orgID, sn.UserID, day, sn.Score, string(parts), tx.s.tv(now))
		if err != nil {
			return 0, dbError("keeping the grade snapshots", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			written++
		}
	}
	if written == 0 {
		return 0, nil
	}
	_, err := tx.audit(ctx, actor, AuditEntry{OrgID: orgID, Action: chaperone.ActionGradeSnapshot, SubjectKind: "org", SubjectID: subject(orgID),
		Details: map[string]any{"day": day, "snapshots": written}})
	return written, err
}

// SaveGradeSnapshots keeps snapshots in a transaction of their own; see
// Tx.SaveGradeSnapshots.
func (s *Store) SaveGradeSnapshots(ctx context.Context, actor Actor, orgID int64, day string, snaps []GradeSnapshot) (int, error) {
	return inTx1(ctx, s, func(tx *Tx) (int, error) { return tx.SaveGradeSnapshots(ctx, actor, orgID, day, snaps) })
}

// GradeSnapshots returns the snapshots of a clinician (userID 0: the org)
// from day from to day to (both YYYY-MM-DD, inclusive), oldest first.
func (s *Store) GradeSnapshots(ctx context.Context, orgID, userID int64, from, to string) ([]GradeSnapshot, error) {
	return list(ctx, s.rdb, "reading the grade's trend", s.q(`SELECT org_id, user_id, day, score, parts FROM grade_snapshots
		WHERE org_id = ? AND user_id = ? AND day >= ? AND day <= ? ORDER BY day`), func(r scanner) (GradeSnapshot, error) {
		var sn GradeSnapshot
		var parts string
		err := r.Scan(&sn.OrgID, &sn.UserID, &sn.Day, &sn.Score, &parts)
		sn.Parts = json.RawMessage(parts)
		return sn, dbError("reading a grade snapshot", err)
	}, orgID, userID, from, to)
}

// OpenTasks counts a clinician's published posts kept by the watch, and
// those whose task is open by the screen's decision.
func (s *Store) OpenTasks(ctx context.Context, orgID, userID int64) (posts int, open map[chaperone.Decision]int, err error) {
	type row struct {
		status, decision string
		n                int
	}
	rows, err := list(ctx, s.rdb, "counting open tasks", s.q(`SELECT status, decision, COUNT(*) FROM published_posts
		WHERE org_id = ? AND user_id = ? GROUP BY status, decision`), func(r scanner) (row, error) {
		var x row
		return x, r.Scan(&x.status, &x.decision, &x.n)
	}, orgID, userID)
	if err != nil {
		return 0, nil, err
	}
	open = map[chaperone.Decision]int{}
	for _, x := range rows {
		posts += x.n
		if x.status == string(chaperone.PostOpen) {
			open[chaperone.Decision(x.decision)] += x.n
		}
	}
	return posts, open, nil
}

// ArchivedScreen is an archive item's screen, without its text: what the
// grade's consent part reads.
type ArchivedScreen struct {
	ItemID      int64
	DraftID     int64
	Channel     chaperone.Channel
	PublishedAt time.Time
	Result      chaperone.Result
}

// ArchivedScreens returns the screens of the archive items a clinician
// authored, in id order, without their text.
func (s *Store) ArchivedScreens(ctx context.Context, orgID, authorID int64) ([]ArchivedScreen, error) {
	return list(ctx, s.rdb, "reading archived screens", s.q(`SELECT a.id, a.draft_id, d.channel, a.published_at, a.screen_result
		FROM archive_items a JOIN drafts d ON d.id = a.draft_id WHERE a.org_id = ? AND d.author_id = ? ORDER BY a.id`),
		func(r scanner) (ArchivedScreen, error) {
			var x ArchivedScreen
			var channel, result string
			if err := r.Scan(&x.ItemID, &x.DraftID, &channel, tm(&x.PublishedAt), &result); err != nil {
				return x, dbError("reading an archived screen", err)
			}
			x.Channel = chaperone.Channel(channel)
			if err := json.Unmarshal([]byte(result), &x.Result); err != nil {
				return x, internal("decoding an archived screen", err)
			}
			return x, nil
		}, orgID, authorID)
}
