-- Training documents (versions kept) and attestations. Keep in step with
-- ../postgres/00009_training.sql. Policies and scores are not PHI.

-- +goose Up
CREATE TABLE training_docs (
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    slug         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    markdown     TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    quiz         TEXT NOT NULL,
    pass_score   INTEGER NOT NULL,
    renewal_days INTEGER NOT NULL,
    grace_days   INTEGER NOT NULL,
    created_by   INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (org_id, slug, version)
);

CREATE TABLE attestations (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    slug       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    doc_sha256 TEXT NOT NULL,
    score      INTEGER NOT NULL,
    passed     INTEGER NOT NULL,
    at         TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX attestations_user ON attestations (user_id, slug, version, id);

-- +goose Down
DROP TABLE attestations;
DROP TABLE training_docs;
