/**
 * A ledger consumer in a process of its own, for the kill test: reads event envelopes (JSON lines) from the
 * file named by argv[3] and journals them one by one into the database at argv[2], printing the count after
 * each, until it is killed (SIGKILL, mid-transaction as it happens).
 */
import { DEFAULT_FEES, type EventEnvelope } from "@payments/contracts";
import { openDatabase } from "@payments/db";
import { createLogger, Registry } from "@payments/service-kit";
import { MIGRATIONS_FOLDER } from "../../src/db/migrations.ts";
import { type PaymentsSchema, paymentsSchema } from "../../src/db/schema.ts";
import { applyLedgerEvent } from "../../src/ledger/actions/apply.ts";
import { createLedgerCore } from "../../src/ledger/core.ts";

const [url, file] = process.argv.slice(2);
if (!url || !file) throw new Error("usage: kill-consumer.ts <database url> <events.jsonl>");
const logger = createLogger({ service: "payments", level: "silent" });
const handle = await openDatabase<PaymentsSchema>({
  service: "payments",
  url,
  dataDir: "memory://",
  migrationsFolder: MIGRATIONS_FOLDER,
  schema: paymentsSchema,
  logger,
  poolSize: 4,
});
const core = createLedgerCore({
  db: handle.db,
  logger,
  now: () => new Date(),
  fees: () => DEFAULT_FEES,
  registry: new Registry(),
});
const events = (await Bun.file(file).text())
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as EventEnvelope);
let done = 0;
for (const event of events) {
  await applyLedgerEvent(core, event);
  done++;
  console.log(done);
}
await handle.close();
