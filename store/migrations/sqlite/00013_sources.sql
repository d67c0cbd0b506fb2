-- The watch's sources (feeds, Mastodon and Bluesky accounts a job polls for
-- a clinician's posts) and the publishing credentials of social accounts.
-- Keep in step with ../postgres/00013_sources.sql. secret_enc is the
-- credentials as encrypted JSON (a token or an app password).

-- +goose Up
CREATE TABLE sources (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    target     TEXT NOT NULL,
    enabled    INTEGER NOT NULL,
    polled_at  TEXT,
    added      INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (org_id, user_id, kind, target)
);
CREATE INDEX sources_poll ON sources (enabled, polled_at);

CREATE TABLE account_credentials (
    account_id INTEGER PRIMARY KEY REFERENCES social_accounts (id),
    secret_enc BLOB NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users (id),
    updated_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE account_credentials;
DROP TABLE sources;
