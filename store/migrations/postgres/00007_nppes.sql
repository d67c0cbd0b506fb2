-- NPPES records of the org's clinicians, imported from the monthly file.
-- Keep in step with ../sqlite/00007_nppes.sql. Public data: in clear.

-- +goose Up
CREATE TABLE nppes_records (
    npi         text PRIMARY KEY,
    record      text NOT NULL,
    imported_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE nppes_records;
