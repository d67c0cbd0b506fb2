-- Daily snapshots of the presence grade (package grade), one per org and
-- clinician and day, and one for the org itself (user_id 0), for its trend.
-- Keep in step with ../postgres/00014_presence.sql. day is the UTC date,
-- YYYY-MM-DD; parts is the grade's parts as JSON (scores and
-- explanations: counts, never post text).

-- +goose Up
CREATE TABLE grade_snapshots (
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    user_id    INTEGER NOT NULL,
    day        TEXT NOT NULL,
    score      INTEGER NOT NULL,
    parts      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id, day)
);

-- +goose Down
DROP TABLE grade_snapshots;
