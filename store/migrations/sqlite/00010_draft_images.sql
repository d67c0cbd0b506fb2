-- Pictures attached to drafts. Keep in step with
-- ../postgres/00010_draft_images.sql. name_enc, original_enc and copy_enc
-- are encrypted (the original may show PHI; the file name may name the
-- patient); screen is the image's screen as JSON, which quotes no text.

-- +goose Up
CREATE TABLE draft_images (
    id           INTEGER PRIMARY KEY,
    draft_id     INTEGER NOT NULL REFERENCES drafts (id),
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    name_enc     BLOB NOT NULL,
    format       TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    original_enc BLOB NOT NULL,
    copy_format  TEXT NOT NULL,
    copy_sha256  TEXT NOT NULL,
    copy_enc     BLOB NOT NULL,
    screen       TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX draft_images_draft ON draft_images (draft_id, id);

-- +goose Down
DROP TABLE draft_images;
