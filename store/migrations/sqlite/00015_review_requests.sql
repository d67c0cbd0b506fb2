-- Review requests: after a visit, the patient is sent one email asking for
-- a review on the practice's review pages (the same message to everyone).
-- Keep in step with ../postgres/00015_review_requests.sql.
--
-- review_requests holds the visit and its request. name_enc and email_enc
-- are the patient's name and address, encrypted and bound to (org_id,
-- visit_key); visit_key is a keyed hash (HMAC-SHA256) of the visit's id
-- or of its date and address, so that importing the same file again adds
-- nothing and no visit id is kept in clear; addr_hash is the keyed hash of
-- the address, for the opt-out and 30-day checks without decrypting.
-- review_request_attempts logs every attempt (status and an error class,
-- never an address). review_optouts lists the addresses (as addr_hash)
-- that asked for no more requests. review_links are an org's review pages.
-- store_secrets holds the key of those hashes, encrypted like PHI.

-- +goose Up
CREATE TABLE store_secrets (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    value_enc BLOB NOT NULL
);

CREATE TABLE review_requests (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    visit_key  TEXT NOT NULL,
    name_enc   BLOB NOT NULL,
    email_enc  BLOB NOT NULL,
    addr_hash  BLOB NOT NULL,
    visited_at TEXT NOT NULL,
    source     TEXT NOT NULL,
    status     TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at    TEXT,
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    UNIQUE (org_id, visit_key)
);
CREATE INDEX review_requests_due ON review_requests (status, due_at);
CREATE INDEX review_requests_addr ON review_requests (org_id, addr_hash, sent_at);
CREATE INDEX review_requests_sent ON review_requests (org_id, sent_at);

CREATE TABLE review_request_attempts (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES review_requests (id),
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    at         TEXT NOT NULL,
    status     TEXT NOT NULL,
    error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_request_attempts_req ON review_request_attempts (request_id, id);

CREATE TABLE review_optouts (
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    addr_hash  BLOB NOT NULL,
    source     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, addr_hash)
);

CREATE TABLE review_links (
    org_id       INTEGER PRIMARY KEY REFERENCES orgs (id),
    google       TEXT NOT NULL DEFAULT '',
    yelp         TEXT NOT NULL DEFAULT '',
    healthgrades TEXT NOT NULL DEFAULT '',
    updated_by   INTEGER REFERENCES users (id),
    updated_at   TEXT NOT NULL
);

-- +goose Down
DROP TABLE review_links;
DROP TABLE review_optouts;
DROP TABLE review_request_attempts;
DROP TABLE review_requests;
DROP TABLE store_secrets;
