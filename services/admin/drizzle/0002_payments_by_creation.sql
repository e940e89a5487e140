ALTER TABLE "payment_states" ADD COLUMN "created_at" timestamp with time zone;--> statement-breakpoint
-- Backfill (hand-written): the creation time of payments already seen, from their events in the audit log.
UPDATE "payment_states" AS ps SET "created_at" = src.created_at
FROM (
  SELECT DISTINCT ON ("envelope"->'data'->>'id')
         "envelope"->'data'->>'id' AS payment_id,
         ("envelope"->'data'->>'created_at')::timestamptz AS created_at
  FROM "audit_log"
  WHERE "type" LIKE 'payment.%'
  ORDER BY "envelope"->'data'->>'id', "id"
) AS src
WHERE src.payment_id = ps."payment_id";
--> statement-breakpoint
-- The `payments` counters used to count every state change in the bucket the event arrived in: rebuild them
-- as one per payment, in the minute and day of its creation, under its current status (services/admin/README.md, "Dashboard").
DELETE FROM "dashboard_counters" WHERE "metric" = 'payments';
--> statement-breakpoint
INSERT INTO "dashboard_counters" ("granularity", "bucket_start", "metric", "currency", "label", "count", "amount")
SELECT g.granularity,
       date_trunc(g.granularity, ps."created_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
       'payments', ps."currency", ps."status", count(*), coalesce(sum(ps."amount"), 0)
FROM "payment_states" AS ps
CROSS JOIN (VALUES ('minute'), ('day')) AS g(granularity)
WHERE ps."created_at" IS NOT NULL
GROUP BY g.granularity, 2, ps."currency", ps."status";
