-- Patient authorisations (45 CFR 164.508), their links to drafts, and the
-- takedown tasks a revocation leaves. Keep in step with
-- ../postgres/00004_consents.sql. details_enc holds the free-text
-- elements (patient, descriptions, signer) as encrypted JSON; doc_enc the
-- signed document.

-- +goose Up
CREATE TABLE consents (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs (id),
    details_enc     BLOB NOT NULL,
    expires_at      TEXT,
    signed_at       TEXT NOT NULL,
    media           TEXT NOT NULL,
    channels        TEXT NOT NULL,
    doc_sha256      TEXT NOT NULL,
    doc_type        TEXT NOT NULL,
    doc_size        INTEGER NOT NULL,
    doc_enc         BLOB NOT NULL,
    revoked_at      TEXT,
    created_by      INTEGER NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX consents_org ON consents (org_id, id);

CREATE TABLE draft_consents (
    draft_id   INTEGER NOT NULL REFERENCES drafts (id),
    consent_id INTEGER NOT NULL REFERENCES consents (id),
    linked_by  INTEGER NOT NULL REFERENCES users (id),
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (draft_id, consent_id)
);
CREATE INDEX draft_consents_consent ON draft_consents (consent_id);

CREATE TABLE takedown_tasks (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs (id),
    consent_id      INTEGER NOT NULL REFERENCES consents (id),
    archive_item_id INTEGER NOT NULL,
    draft_id        INTEGER NOT NULL REFERENCES drafts (id),
    published_url   TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    done_at         TEXT,
    done_by         INTEGER REFERENCES users (id),
    created_at      TEXT NOT NULL,
    UNIQUE (consent_id, archive_item_id)
);
CREATE INDEX takedown_tasks_open ON takedown_tasks (org_id, done_at, due_at);

-- +goose Down
DROP TABLE takedown_tasks;
DROP TABLE draft_consents;
DROP TABLE consents;
