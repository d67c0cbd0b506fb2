-- Colleague reports (AMA Opinion 2.3.2) and breach incidents (45 CFR
-- 164.400-414). Keep in step with ../postgres/00008_reports_breaches.sql.
-- details_enc holds the free text (content, URL and notes; description,
-- factors and rationale) as encrypted JSON; screenshot_enc the screenshot
-- (an encrypted empty value when there is none).
--
-- Reports and incidents are records of conduct and compliance: there is
-- no delete path in the store, and these triggers refuse any DELETE, and
-- any change to who reported whom, when, and the deadline.

-- +goose Up
CREATE TABLE colleague_reports (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES orgs (id),
    reporter_id       INTEGER NOT NULL REFERENCES users (id),
    subject_id        INTEGER NOT NULL REFERENCES users (id),
    details_enc       BLOB NOT NULL,
    screenshot_enc    BLOB NOT NULL,
    screenshot_sha256 TEXT NOT NULL,
    screenshot_type   TEXT NOT NULL,
    screenshot_size   INTEGER NOT NULL,
    anonymous         INTEGER NOT NULL,
    status            TEXT NOT NULL,
    deadline_at       TEXT NOT NULL,
    notified_at       TEXT NOT NULL,
    response          TEXT NOT NULL DEFAULT '',
    responded_at      TEXT,
    escalated_at      TEXT,
    outcome           TEXT NOT NULL DEFAULT '',
    outcome_by        INTEGER REFERENCES users (id),
    outcome_at        TEXT,
    created_at        TEXT NOT NULL,
    CHECK (reporter_id <> subject_id)
);
CREATE INDEX colleague_reports_org ON colleague_reports (org_id, status, id);
CREATE INDEX colleague_reports_subject ON colleague_reports (subject_id, id);
CREATE INDEX colleague_reports_reporter ON colleague_reports (reporter_id, id);
CREATE INDEX colleague_reports_due ON colleague_reports (status, deadline_at);

-- +goose StatementBegin
CREATE TRIGGER colleague_reports_no_delete BEFORE DELETE ON colleague_reports
BEGIN
    SELECT RAISE(ABORT, 'colleague reports cannot be deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER colleague_reports_fixed BEFORE UPDATE ON colleague_reports
WHEN NEW.id IS NOT OLD.id
  OR NEW.org_id IS NOT OLD.org_id
  OR NEW.reporter_id IS NOT OLD.reporter_id
  OR NEW.subject_id IS NOT OLD.subject_id
  OR NEW.anonymous IS NOT OLD.anonymous
  OR NEW.deadline_at IS NOT OLD.deadline_at
  OR NEW.screenshot_sha256 IS NOT OLD.screenshot_sha256
  OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'a colleague report''s reporter, subject, deadline and content are fixed');
END;
-- +goose StatementEnd

CREATE TABLE breach_incidents (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES orgs (id),
    reported_by       INTEGER NOT NULL REFERENCES users (id),
    archive_item_id   INTEGER,
    discovered_at     TEXT NOT NULL,
    details_enc       BLOB NOT NULL,
    nature_rating     TEXT NOT NULL DEFAULT '',
    recipient_rating  TEXT NOT NULL DEFAULT '',
    acquired_rating   TEXT NOT NULL DEFAULT '',
    mitigation_rating TEXT NOT NULL DEFAULT '',
    decision          TEXT NOT NULL DEFAULT '',
    affected          INTEGER NOT NULL DEFAULT 0,
    max_in_state      INTEGER NOT NULL DEFAULT 0,
    decided_by        INTEGER REFERENCES users (id),
    decided_at        TEXT,
    status            TEXT NOT NULL,
    closed_by         INTEGER REFERENCES users (id),
    closed_at         TEXT,
    created_at        TEXT NOT NULL
);
CREATE INDEX breach_incidents_org ON breach_incidents (org_id, status, id);

CREATE TABLE breach_tasks (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES breach_incidents (id),
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    kind        TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    done_at     TEXT,
    done_by     INTEGER REFERENCES users (id),
    UNIQUE (incident_id, kind)
);
CREATE INDEX breach_tasks_open ON breach_tasks (org_id, done_at, due_at);

-- +goose StatementBegin
CREATE TRIGGER breach_incidents_no_delete BEFORE DELETE ON breach_incidents
BEGIN
    SELECT RAISE(ABORT, 'breach incidents cannot be deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER breach_tasks_no_delete BEFORE DELETE ON breach_tasks
BEGIN
    SELECT RAISE(ABORT, 'breach incidents cannot be deleted');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER breach_tasks_no_delete;
DROP TRIGGER breach_incidents_no_delete;
DROP TABLE breach_tasks;
DROP TABLE breach_incidents;
DROP TRIGGER colleague_reports_fixed;
DROP TRIGGER colleague_reports_no_delete;
DROP TABLE colleague_reports;
