import type { PaymentsDb } from "../core.ts";

/** A parameter of a raw statement. Values go as text and the SQL casts them, so both drivers send the same. */
export type StatementParam = string | null;

/** A row of a raw statement: only the columns it selects, which hot-path statements keep to int4 and bool. */
export type StatementRow = Record<string, unknown>;

/**
 * Runs one SQL statement as a prepared statement (parsed and planned once per connection, then one round
 * trip per execution). For the few hot paths where one data-modifying statement replaces a transaction of
 * several drizzle queries (each its own round trip; drizzle's are prepared too, see docs/adr/0008-request-path-costs.md).
 */
export type RunStatement = (text: string, params: readonly StatementParam[]) => Promise<StatementRow[]>;

interface PostgresJsClient {
  unsafe(text: string, params: StatementParam[], options: { prepare: boolean }): PromiseLike<StatementRow[]>;
}

interface PgliteClient {
  query(text: string, params: StatementParam[]): Promise<{ rows: StatementRow[] }>;
}

function isPostgresJs(client: unknown): client is PostgresJsClient {
  return typeof client === "function" && "unsafe" in client && typeof client.unsafe === "function";
}

function isPglite(client: unknown): client is PgliteClient {
  return (
    typeof client === "object" && client !== null && "query" in client && typeof client.query === "function"
  );
}

const runners = new WeakMap<PaymentsDb, RunStatement>();

/** The statement runner of `db`'s driver (postgres.js or PGlite), found through drizzle's `$client`. */
export function statementRunner(db: PaymentsDb): RunStatement {
  let runner = runners.get(db);
  if (!runner) {
    runner = runnerFor(Reflect.get(db, "$client"));
    runners.set(db, runner);
  }
  return runner;
}

function runnerFor(client: unknown): RunStatement {
  if (isPostgresJs(client)) {
    return async (text, params) => await client.unsafe(text, [...params], { prepare: true });
  }
  if (isPglite(client)) return async (text, params) => (await client.query(text, [...params])).rows;
  throw new Error("payments: the database driver is neither postgres.js nor PGlite");
}
