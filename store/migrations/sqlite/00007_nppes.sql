-- NPPES records of the org's clinicians, imported from the monthly file.
-- Keep in step with ../postgres/00007_nppes.sql. Public data: in clear.

-- +goose Up
CREATE TABLE nppes_records (
    npi         TEXT PRIMARY KEY,
    record      TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE nppes_records;
