import type { Id } from "@payments/contracts";
import type { AuditEntryView } from "@payments/contracts/http";
import { csvRow, csvStream } from "@payments/service-kit";
import type { AdminCore } from "../core.ts";
import { type AuditFilter, auditBatch } from "../db/audit-queries.ts";
import type { AuditRow } from "../db/schema.ts";

/** Row → API shape. */
export function toAuditView(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    event_id: row.eventId,
    type: row.type,
    version: row.version,
    producer: row.producer,
    subject: row.subject,
    actor_id: row.actorId,
    trace_id: row.traceId,
    occurred_at: row.occurredAt.toISOString(),
    received_at: row.receivedAt.toISOString(),
    event: row.envelope,
  };
}

/** Columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  "id",
  "occurred_at",
  "type",
  "version",
  "producer",
  "subject",
  "actor_id",
  "trace_id",
  "event_id",
  "received_at",
  "data",
] as const;

function csvLine(row: AuditRow): string {
  return csvRow([
    row.id,
    row.occurredAt.toISOString(),
    row.type,
    row.version,
    row.producer,
    row.subject,
    row.actorId,
    row.traceId,
    row.eventId,
    row.receivedAt.toISOString(),
    JSON.stringify(row.envelope.data),
  ]);
}

/**
 * The audit log matching `filter` as CSV, newest first, produced batch by batch on demand (the kit's
 * `csvStream`): each pull reads the next `csvBatchSize` rows after the last one sent (keyset), so memory
 * holds one batch however large the log, and a client that stops reading stops the queries.
 */
export function auditCsvStream(core: AdminCore, filter: AuditFilter): ReadableStream<Uint8Array> {
  return csvStream<Id<"aud">>({
    columns: CSV_COLUMNS,
    batchSize: core.csvBatchSize,
    async batch(after) {
      const rows = await auditBatch(core.db, filter, after, core.csvBatchSize);
      return { lines: rows.map(csvLine), next: rows.at(-1)?.id };
    },
    onError: (err) => core.logger.error({ err }, "audit CSV export failed"),
  });
}
