-- Organisations' routing policies (issue 3), SQLite dialect. Keep it in
-- step with ../postgres/00003_org_policies.sql. Every version is kept; the
-- highest version of an org is in force. The text is the policy's TOML
-- (routes over screen results: no PHI), validated before it is stored.

-- +goose Up
CREATE TABLE org_policies (
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    version    INTEGER NOT NULL CHECK (version > 0),
    text       TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, version)
);

-- +goose Down
DROP TABLE org_policies;
