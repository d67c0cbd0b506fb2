-- Clinicians' industry relationships (declared, or proposed by an Open
-- Payments import) and their NPIs. Keep in step with
-- ../postgres/00006_relationships.sql. Company names and payment details
-- are public records, not PHI: kept in clear.

-- +goose Up
CREATE TABLE relationships (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    company    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    from_at    TEXT NOT NULL,
    to_at      TEXT,
    source     TEXT NOT NULL,
    status     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX relationships_user ON relationships (user_id, status, id);

CREATE TABLE user_npis (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    npi     TEXT NOT NULL
);

-- +goose Down
DROP TABLE user_npis;
DROP TABLE relationships;
