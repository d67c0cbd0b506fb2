-- Archive items are evidence: once written, only legal_hold may change,
-- and a row may be deleted only by the retention purge, once it is past
-- retain_until and not on legal hold. Keep in step with
-- ../postgres/00002_archive_immutable.sql.
--
-- The one other change allowed is key rotation (chaperone key rotate):
-- text_enc replaced by a value of the same format and length (AES-GCM keeps
-- the length of the same plaintext) under another key id, every other
-- column unchanged.
--
-- Times are fixed-width TEXT "2006-01-02T15:04:05.000000Z"; SQLite's %f
-- gives milliseconds ("05.123"), padded here to the store's microseconds.

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER archive_items_immutable BEFORE UPDATE ON archive_items
WHEN NEW.id IS NOT OLD.id
  OR NEW.draft_id IS NOT OLD.draft_id
  OR NEW.org_id IS NOT OLD.org_id
  OR NEW.published_url IS NOT OLD.published_url
  OR NEW.published_at IS NOT OLD.published_at
  OR NEW.screen_result IS NOT OLD.screen_result
  OR NEW.approval_chain IS NOT OLD.approval_chain
  OR NEW.retain_until IS NOT OLD.retain_until
  OR (NEW.text_enc IS NOT OLD.text_enc AND NOT (
        typeof(NEW.text_enc) = 'blob'
    AND length(NEW.text_enc) = length(OLD.text_enc)
    AND substr(NEW.text_enc, 1, 1) = substr(OLD.text_enc, 1, 1)
    AND substr(NEW.text_enc, 2, 1) <> substr(OLD.text_enc, 2, 1)))
BEGIN
    SELECT RAISE(ABORT, 'archive items are immutable: only legal_hold may change');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER archive_items_retention BEFORE DELETE ON archive_items
WHEN OLD.legal_hold
  OR OLD.retain_until >= strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'
BEGIN
    SELECT RAISE(ABORT, 'archive item on legal hold or not yet expired: only the retention purge deletes archive items');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER archive_items_retention;
DROP TRIGGER archive_items_immutable;
