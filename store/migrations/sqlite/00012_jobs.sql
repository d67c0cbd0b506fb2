-- Bookkeeping of the background jobs (package job, on River, whose own
-- tables River's migrations make). Keep in step with
-- ../postgres/00012_jobs.sql. job_progress is how far a running re-screen
-- job got (the last post id screened, the counts so far, and the rules
-- fingerprint it screened with), so that a job stopped part way resumes
-- instead of starting over; its row goes when the job finishes.
-- org_rescreens is the rules fingerprint each org's published posts were
-- last fully re-screened with: serve compares it with the rules in force
-- at start and re-screens the orgs that differ. Neither holds PHI.

-- +goose Up
CREATE TABLE job_progress (
    job_id      INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    after_id    INTEGER NOT NULL,
    screened    INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE org_rescreens (
    org_id        INTEGER PRIMARY KEY REFERENCES orgs (id),
    fingerprint   TEXT NOT NULL,
    rescreened_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE org_rescreens;
DROP TABLE job_progress;
