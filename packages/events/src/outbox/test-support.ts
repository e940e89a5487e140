import { afterAll, beforeAll, describe } from "bun:test";
import type { EventEnvelope } from "@payments/contracts";
import { type DatabaseHandle, openDatabase } from "@payments/db";
import { createTestDatabase, realServer, type TestDatabase } from "@payments/testing";
import { sql } from "drizzle-orm";
import { pgTable, text } from "drizzle-orm/pg-core";
import { pino } from "pino";
import { inbox, outbox } from "./tables.ts";

/** The committed drizzle-kit output for the outbox and inbox tables (test-fixtures/drizzle). */
export const FIXTURE_MIGRATIONS = new URL("../../test-fixtures/drizzle", import.meta.url).pathname;

/** A table created by the tests themselves (not migrated): what a handler "applies". */
export const applied = pgTable("applied", { eventId: text("event_id").notNull() });

export const fixtureSchema = { outbox, inbox, applied };
export type FixtureSchema = typeof fixtureSchema;
export type FixtureHandle = DatabaseHandle<FixtureSchema>;

/** A silent logger for tests that do not read logs. */
export const quietLogger = pino({ level: "silent" });

/** Opens a fixture database: PGlite in memory without `url`, else the Postgres database at `url`. */
export async function openFixtureDatabase(url?: string, poolSize = 4): Promise<FixtureHandle> {
  const handle = await openDatabase({
    service: "eventstest",
    url,
    dataDir: "memory://",
    migrationsFolder: FIXTURE_MIGRATIONS,
    schema: fixtureSchema,
    logger: quietLogger,
    poolSize,
  });
  await handle.db.execute(sql`CREATE TABLE IF NOT EXISTS applied (event_id text NOT NULL)`);
  return handle;
}

/** A fresh Postgres database on the server at `adminUrl`, migrated; `drop()` removes it. */
export async function freshPostgres(adminUrl: string, prefix = "events"): Promise<TestDatabase> {
  return createTestDatabase(adminUrl, prefix);
}

/** One run of a suite declared by {@link describeOnFixtureDatabases}. */
export interface FixtureRun {
  adapter: "pglite" | "postgres";
  /** The open fixture database (throws before the suite's `beforeAll`). */
  handle(): FixtureHandle;
  /** The Postgres database's URL, for a second pool; undefined on PGlite. */
  url(): string | undefined;
}

/**
 * Declares `suite` twice: on PGlite in memory, and on a fresh Postgres database when a server is configured
 * (both adapters must behave the same). Tests only Postgres can run check `run.adapter`.
 */
export function describeOnFixtureDatabases(label: string, suite: (run: FixtureRun) => void): void {
  const postgresUrl = realServer("postgres");
  const adapters = [
    { adapter: "pglite", title: "PGlite (memory://)", server: undefined },
    { adapter: "postgres", title: "real Postgres", server: postgresUrl },
  ] as const;
  for (const { adapter, title, server } of adapters) {
    describe.if(adapter === "pglite" || Boolean(server))(`${label}: ${title}`, () => {
      let database: TestDatabase | undefined;
      let handle: FixtureHandle | undefined;
      beforeAll(async () => {
        if (server) database = await freshPostgres(server, label.replace(/\W+/g, "").toLowerCase());
        handle = await openFixtureDatabase(database?.url);
      }, 60_000);
      afterAll(async () => {
        await handle?.close();
        await database?.drop();
      });
      suite({
        adapter,
        handle() {
          if (!handle) throw new Error("database not open");
          return handle;
        },
        url: () => database?.url,
      });
    });
  }
}

/** Records what it was asked to publish; fails while `failing` says so. Resolves a tick later, like a broker. */
export class RecordingPublisher {
  readonly published: EventEnvelope[] = [];
  calls = 0;

  constructor(private readonly failing: (event: EventEnvelope, call: number) => boolean = () => false) {}

  async publish(event: EventEnvelope): Promise<void> {
    const call = ++this.calls;
    await Bun.sleep(0);
    if (this.failing(event, call)) throw new Error("broker unavailable");
    this.published.push(event);
  }

  ids(): string[] {
    return this.published.map((e) => e.id);
  }
}
