-- The logical schema of chaperone's store, SQLite dialect. Keep it in step
-- with ../postgres/00001_schema.sql. Times are TEXT in UTC,
-- "2006-01-02T15:04:05.000000Z" (fixed width, so they sort as text);
-- *_enc columns hold AES-256-GCM blobs (see store/crypto.go).

-- +goose Up
CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, email)
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT
);

CREATE TABLE social_accounts (
    id       INTEGER PRIMARY KEY,
    user_id  INTEGER NOT NULL REFERENCES users (id),
    platform TEXT NOT NULL,
    handle   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    UNIQUE (user_id, platform, handle)
);

CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    author_id  INTEGER NOT NULL REFERENCES users (id),
    account_id INTEGER REFERENCES social_accounts (id),
    channel    TEXT NOT NULL,
    status     TEXT NOT NULL,
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX drafts_org_status ON drafts (org_id, status, id);
CREATE INDEX drafts_author ON drafts (author_id, id);

CREATE TABLE draft_versions (
    draft_id    INTEGER NOT NULL REFERENCES drafts (id),
    version     INTEGER NOT NULL,
    text_enc    BLOB NOT NULL,
    context_enc BLOB NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (draft_id, version)
);

CREATE TABLE screens (
    id          INTEGER PRIMARY KEY,
    draft_id    INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    result      TEXT NOT NULL,
    decision    TEXT NOT NULL,
    screened_at TEXT NOT NULL,
    FOREIGN KEY (draft_id, version) REFERENCES draft_versions (draft_id, version)
);
CREATE INDEX screens_draft ON screens (draft_id, version, id);

CREATE TABLE review_actions (
    id          INTEGER PRIMARY KEY,
    draft_id    INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    reviewer_id INTEGER NOT NULL REFERENCES users (id),
    action      TEXT NOT NULL,
    comment_enc BLOB NOT NULL,
    at          TEXT NOT NULL,
    FOREIGN KEY (draft_id, version) REFERENCES draft_versions (draft_id, version)
);
CREATE INDEX review_actions_draft ON review_actions (draft_id, id);

CREATE TABLE archive_items (
    id             INTEGER PRIMARY KEY,
    draft_id       INTEGER NOT NULL REFERENCES drafts (id),
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    published_url  TEXT NOT NULL,
    published_at   TEXT NOT NULL,
    text_enc       BLOB NOT NULL,
    screen_result  TEXT NOT NULL,
    approval_chain TEXT NOT NULL,
    retain_until   TEXT NOT NULL,
    legal_hold     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX archive_items_org_published ON archive_items (org_id, published_at, id);
CREATE INDEX archive_items_retain_until ON archive_items (retain_until);

-- The audit log. seq is assigned by the store (last + 1) while it holds
-- the write lock, so it has no gaps; no foreign keys, so that events
-- outlive what they are about.
CREATE TABLE audit_events (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    org_id       INTEGER,
    actor_id     INTEGER,
    action       TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    details      TEXT NOT NULL,
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL UNIQUE
);
CREATE INDEX audit_events_prev_hash ON audit_events (prev_hash);
CREATE INDEX audit_events_org ON audit_events (org_id, seq);

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
DROP TABLE archive_items;
DROP TABLE review_actions;
DROP TABLE screens;
DROP TABLE draft_versions;
DROP TABLE drafts;
DROP TABLE social_accounts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE orgs;
