-- Organisations' routing policies (issue 3), PostgreSQL dialect. Keep it
-- in step with ../sqlite/00003_org_policies.sql. Every version is kept;
-- the highest version of an org is in force. The text is the policy's
-- TOML (routes over screen results: no PHI), validated before it is
-- stored.

-- +goose Up
CREATE TABLE org_policies (
    org_id     bigint NOT NULL REFERENCES orgs (id),
    version    integer NOT NULL CHECK (version > 0),
    text       text NOT NULL,
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, version)
);

-- +goose Down
DROP TABLE org_policies;
