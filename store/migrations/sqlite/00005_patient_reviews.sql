-- Patients' online reviews, imported from the review sites' exports.
-- Keep in step with ../postgres/00005_patient_reviews.sql. reviewer_enc
-- and text_enc are the reviewer's name and words, encrypted (they may
-- hold PHI); (org_id, site, external_id) is unique, so that importing an
-- export again adds nothing twice. posted_at is when the review was
-- posted on the site.

-- +goose Up
CREATE TABLE patient_reviews (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs (id),
    site            TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    reviewer_enc    BLOB NOT NULL,
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    text_enc        BLOB NOT NULL,
    posted_at       TEXT NOT NULL,
    url             TEXT NOT NULL,
    replied_on_site INTEGER NOT NULL DEFAULT 0,
    imported_at     TEXT NOT NULL,
    imported_by     INTEGER REFERENCES users (id),
    acknowledged_at TEXT,
    acknowledged_by INTEGER REFERENCES users (id),
    reply_draft_id  INTEGER REFERENCES drafts (id),
    UNIQUE (org_id, site, external_id)
);
CREATE INDEX patient_reviews_posted ON patient_reviews (org_id, posted_at, id);
CREATE INDEX patient_reviews_new ON patient_reviews (org_id, acknowledged_at, rating);

-- +goose Down
DROP TABLE patient_reviews;
