-- Appends a batch of audit events to the hash chain in one statement (activities/audit.ts, appendAuditEvents):
-- the advisory lock, the chain head, the idempotency check and the inserts run inside the database, so the lock
-- is held for the work only, not across client round trips. Each event carries its canonical JSON (computed by
-- the application, the same text auditHash() hashes), and hash = hex(sha256(prevHash || canonical)) as there.
-- Statements in a PL/pgSQL function each take a fresh snapshot (READ COMMITTED): the head is read after the lock.
-- The body is an E'' string with every semicolon written as \073 and quotes doubled: Prisma's driver adapter
-- splits migration scripts at each semicolon, dollar quoting or not.
CREATE OR REPLACE FUNCTION "audit_append"(events JSONB) RETURNS INTEGER LANGUAGE plpgsql AS E'
DECLARE
  e JSONB\073
  prev TEXT\073
  h TEXT\073
  n INTEGER := 0\073
BEGIN
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
