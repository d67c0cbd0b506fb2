-- Posts already published (imported from platform archives, read from
-- feeds and accounts), each with its latest screen. Keep in step with
-- ../postgres/00011_published_posts.sql. text_enc is the post's text,
-- encrypted and bound to (org_id, source, external_id), which is unique
-- so that reading a source again adds nothing twice. status is the task a
-- finding opens: clear, open, edited, deleted, accepted, incident;
-- flagged_at is when the task last opened.

-- +goose Up
CREATE TABLE published_posts (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    source       TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    url          TEXT NOT NULL,
    account      TEXT NOT NULL,
    published_at TEXT,
    channel      TEXT NOT NULL,
    in_reply_to  TEXT NOT NULL,
    text_enc     BLOB NOT NULL,
    decision     TEXT NOT NULL,
    result       TEXT NOT NULL,
    screened_at  TEXT NOT NULL,
    flagged_at   TEXT,
    status       TEXT NOT NULL,
    resolved_by  INTEGER REFERENCES users (id),
    resolved_at  TEXT,
    incident_id  INTEGER REFERENCES breach_incidents (id),
    imported_at  TEXT NOT NULL,
    imported_by  INTEGER REFERENCES users (id),
    UNIQUE (org_id, source, external_id)
);
CREATE INDEX published_posts_user ON published_posts (org_id, user_id, published_at, id);
CREATE INDEX published_posts_status ON published_posts (org_id, status, id);

-- +goose Down
DROP TABLE published_posts;
