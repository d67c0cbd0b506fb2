-- Archive items are evidence: once written, only legal_hold may change,
-- and a row may be deleted only by the retention purge, once it is past
-- retain_until and not on legal hold. Keep in step with
-- ../sqlite/00002_archive_immutable.sql.
--
-- The one other change allowed is key rotation (chaperone key rotate):
-- text_enc replaced by a value of the same format and length (AES-GCM keeps
-- the length of the same plaintext) under another key id, every other
-- column unchanged. TRUNCATE is refused.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION archive_items_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'archive items are deleted only by the retention purge';
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.legal_hold OR OLD.retain_until >= now() THEN
            RAISE EXCEPTION 'archive item on legal hold or not yet expired: only the retention purge deletes archive items';
        END IF;
        RETURN OLD;
    END IF;
    IF (NEW.id, NEW.draft_id, NEW.org_id, NEW.published_url, NEW.published_at,
        NEW.screen_result, NEW.approval_chain, NEW.retain_until)
       IS DISTINCT FROM
       (OLD.id, OLD.draft_id, OLD.org_id, OLD.published_url, OLD.published_at,
        OLD.screen_result, OLD.approval_chain, OLD.retain_until) THEN
        RAISE EXCEPTION 'archive items are immutable: only legal_hold may change';
    END IF;
    IF NEW.text_enc IS DISTINCT FROM OLD.text_enc THEN
        IF NEW.text_enc IS NULL OR length(NEW.text_enc) <> length(OLD.text_enc) OR length(NEW.text_enc) < 2 THEN
            RAISE EXCEPTION 'archive items are immutable: only legal_hold may change';
        END IF;
        IF get_byte(NEW.text_enc, 0) <> get_byte(OLD.text_enc, 0)
           OR get_byte(NEW.text_enc, 1) = get_byte(OLD.text_enc, 1) THEN
            RAISE EXCEPTION 'archive items are immutable: only legal_hold may change';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER archive_items_immutable_rows BEFORE UPDATE OR DELETE ON archive_items
    FOR EACH ROW EXECUTE FUNCTION archive_items_guard();
CREATE TRIGGER archive_items_immutable_truncate BEFORE TRUNCATE ON archive_items
    FOR EACH STATEMENT EXECUTE FUNCTION archive_items_guard();

-- +goose Down
DROP TRIGGER archive_items_immutable_truncate ON archive_items;
DROP TRIGGER archive_items_immutable_rows ON archive_items;
DROP FUNCTION archive_items_guard();
