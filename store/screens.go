package store

import (
	"context"
	"encoding/json"

	chaperone "github.com/chaperone-project/chaperone"
)

// AddScreen records the engine's result for a draft version and appends
// draft.screen (with the decision and finding types, which quote no
// text). A version may be screened more than once, e.g. after a rules
// update; every screen is kept.
func (tx *Tx) AddScreen(ctx context.Context, actor Actor, draftID int64, version int, res chaperone.Result) (chaperone.ScreenRecord, error) {
	rec := chaperone.ScreenRecord{DraftID: draftID, Version: version, Result: res, Decision: res.Decision, ScreenedAt: tx.s.clock()}
	if res.Decision.Severity() < 0 {
		return rec, chaperone.Errorf(chaperone.ErrInvalid, "unknown decision %q", res.Decision)
	}
	d, err := getDraft(ctx, tx.s, tx.tx, draftID)
	if err != nil {
		return rec, err
	}
	data, err := json.Marshal(res)
	if err != nil {
		return rec, internal("encoding the screen result", err)
	}
	err = tx.tx.QueryRowContext(ctx, tx.s.q(`INSERT INTO screens (draft_id, version, result, decision, screened_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), draftID, version, string(data), string(res.Decision), tx.s.tv(rec.ScreenedAt)).Scan(&rec.ID)
	if err != nil {
		return rec, dbError("saving the screen", err)
	}
	types := []string{}
	for _, t := range chaperone.FindingTypes {
		if res.Has(t) {
			types = append(types, string(t))
		}
	}
	_, err = tx.audit(ctx, actor, AuditEntry{OrgID: d.OrgID, Action: chaperone.ActionDraftScreen, SubjectKind: "draft", SubjectID: subject(draftID),
		Details: map[string]any{"version": version, "screen_id": rec.ID, "decision": res.Decision, "findings": types, "spans": len(res.Spans)}})
	return rec, err
}

// AddScreen records a screen in a transaction of its own; see
// Tx.AddScreen.
func (s *Store) AddScreen(ctx context.Context, actor Actor, draftID int64, version int, res chaperone.Result) (chaperone.ScreenRecord, error) {
	return inTx1(ctx, s, func(tx *Tx) (chaperone.ScreenRecord, error) { return tx.AddScreen(ctx, actor, draftID, version, res) })
}

const screenColumns = "SELECT id, draft_id, version, result, decision, screened_at FROM screens"

// ListScreens returns every screen of a draft, oldest first.
func (s *Store) ListScreens(ctx context.Context, draftID int64) ([]chaperone.ScreenRecord, error) {
	return list(ctx, s.rdb, "listing screens", s.q(screenColumns+" WHERE draft_id = ? ORDER BY id"), scanScreen, draftID)
}

// LatestScreen returns the latest screen of a draft version; not_found if
// it was never screened.
func (s *Store) LatestScreen(ctx context.Context, draftID int64, version int) (chaperone.ScreenRecord, error) {
	return scanScreen(s.rdb.QueryRowContext(ctx, s.q(screenColumns+" WHERE draft_id = ? AND version = ? ORDER BY id DESC LIMIT 1"), draftID, version))
}

func scanScreen(r scanner) (chaperone.ScreenRecord, error) {
	var rec chaperone.ScreenRecord
	var result, decision string
	if err := r.Scan(&rec.ID, &rec.DraftID, &rec.Version, &result, &decision, tm(&rec.ScreenedAt)); err != nil {
		return rec, dbError("reading the screen", err)
	}
	rec.Decision = chaperone.Decision(decision)
	if err := json.Unmarshal([]byte(result), &rec.Result); err != nil {
		return rec, internal("decoding the screen result", err)
	}
	return rec, nil
}
