import { afterAll, beforeAll, describe } from "bun:test";
import { createTestDatabase, realServer, type TestDatabase } from "@payments/testing";
import { openDatabase } from "./database.ts";
import {
  captureLogger,
  FIXTURE_MIGRATIONS,
  type FixtureHandle,
  fixtureSchema,
  runDatabaseSuite,
} from "./test-support.ts";

const postgresUrl = realServer("postgres");

function mustHave(handle: FixtureHandle | undefined): FixtureHandle {
  if (!handle) throw new Error("openDatabase did not complete in beforeAll");
  return handle;
}

describe("database suite: PGlite (memory://)", () => {
  let handle: FixtureHandle | undefined;
  beforeAll(async () => {
    handle = await openDatabase({
      service: "dbtest",
      dataDir: "memory://",
      migrationsFolder: FIXTURE_MIGRATIONS,
      schema: fixtureSchema,
      logger: captureLogger().logger,
    });
  }, 60_000);
  afterAll(() => handle?.close());
  runDatabaseSuite(() => mustHave(handle), "pglite");
});

describe.if(Boolean(postgresUrl))("database suite: real Postgres", () => {
  let handle: FixtureHandle | undefined;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (!postgresUrl) return;
    database = await createTestDatabase(postgresUrl, "dbsuite");
    handle = await openDatabase({
      service: "dbtest",
      url: database.url,
      migrationsFolder: FIXTURE_MIGRATIONS,
      schema: fixtureSchema,
      logger: captureLogger().logger,
      poolSize: 3,
    });
  }, 60_000);
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });
  runDatabaseSuite(() => mustHave(handle), "postgres");
});
