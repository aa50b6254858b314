-- audit_append refuses to run under REPEATABLE READ or SERIALIZABLE (a database whose default isolation was
-- changed): there the chain head would come from the transaction's snapshot, taken before the advisory lock, and
-- concurrent appends would fork the chain. Same function otherwise (see 20261129020000_audit_append).
CREATE OR REPLACE FUNCTION "audit_append"(events JSONB) RETURNS INTEGER LANGUAGE plpgsql AS E'
DECLARE
  e JSONB\073
  prev TEXT\073
  h TEXT\073
  n INTEGER := 0\073
BEGIN
  IF current_setting(''transaction_isolation'') <> ''read committed'' THEN
    RAISE EXCEPTION ''audit_append needs READ COMMITTED (this transaction is %): under a snapshot isolation the chain head would be read from before the lock, and the chain would fork'', current_setting(''transaction_isolation'')\073
  END IF\073
  PERFORM pg_advisory_xact_lock(727001)\073
  SELECT "hash" INTO prev FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1\073
  prev := COALESCE(prev, repeat(''0'', 64))\073
  FOR e IN SELECT value FROM jsonb_array_elements(events) LOOP
    CONTINUE WHEN EXISTS (SELECT 1 FROM "AuditEvent" WHERE "idempotencyKey" = e->>''idempotencyKey'')\073
    h := encode(sha256(convert_to(prev || (e->>''canonical''), ''UTF8'')), ''hex'')\073
    INSERT INTO "AuditEvent" ("caseId", "type", "actor", "payload", "idempotencyKey", "prevHash", "hash", "createdAt")
    VALUES (e->>''caseId'', e->>''type'', e->>''actor'', e->''payload'', e->>''idempotencyKey'', prev, h,
            ((e->>''createdAt'')::TIMESTAMPTZ AT TIME ZONE ''UTC''))\073
    prev := h\073
    n := n + 1\073
  END LOOP\073
  RETURN n\073
END
'
