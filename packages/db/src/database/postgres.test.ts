import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import { createTestDatabase, freePort, realServer, type TestDatabase } from "@payments/testing";
import { eq, sql } from "drizzle-orm";
import { notes } from "../../test-fixtures/schema.ts";
import { openDatabase } from "./database.ts";
import {
  captureLogger,
  drizzleMigrations,
  FIXTURE_MIGRATIONS,
  type FixtureHandle,
  fixtureSchema,
} from "./test-support.ts";

const postgresUrl = realServer("postgres");

function open(url: string, logger = captureLogger().logger): Promise<FixtureHandle> {
  return openDatabase({
    service: "payments",
    url,
    migrationsFolder: FIXTURE_MIGRATIONS,
    schema: fixtureSchema,
    logger,
    poolSize: 2,
  });
}

async function appliedMigrations(handle: FixtureHandle): Promise<number> {
  const rows = await handle.db.select({ n: sql<number>`count(*)::int` }).from(drizzleMigrations);
  return rows[0]?.n ?? -1;
}

/** A plain TCP forwarder: Postgres "appears" on `port` when it starts, without touching the shared server. */
async function startForwarder(port: number, target: URL): Promise<{ stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = netConnect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on("close", () => sockets.delete(socket));
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms),
    ),
  ]);
}

describe("openDatabase: configuration errors", () => {
  test("a malformed URL fails naming the service's variable, without echoing the URL", async () => {
    await expect(open("not a url")).rejects.toThrow("payments: PAYMENTS_DATABASE_URL is not a valid URL");
    const message = await open("mysql://user:s3cret@localhost/db").then(
      () => "opened",
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(message).toContain("PAYMENTS_DATABASE_URL must be a postgres://");
    expect(message).not.toContain("s3cret");
  });

  test("a missing migrations folder fails naming the service", async () => {
    const opening = openDatabase({
      service: "payments",
      url: "postgres://127.0.0.1:1/none",
      migrationsFolder: "/nonexistent/drizzle",
      schema: fixtureSchema,
      logger: captureLogger().logger,
    });
    await expect(opening).rejects.toThrow(
      "payments: cannot read database migrations in /nonexistent/drizzle",
    );
  });
});

describe("openDatabase: Postgres unreachable", () => {
  test("returns a handle whose critical probe reports down, naming the service", async () => {
    const { logger, lines } = captureLogger();
    const handle = await open("postgres://postgres@127.0.0.1:1/nothing", logger);
    expect(handle.kind).toBe("postgres");
    expect(handle.probe.critical).toBe(true);
    await expect(handle.probe.run()).rejects.toThrow("payments: Postgres unreachable");
    expect(lines.some((line) => line.level === 50 && line.msg.includes("retrying in the background"))).toBe(
      true,
    );
    await handle.close();
    await expect(handle.migrated).rejects.toThrow("closed before migrations were applied");
  });
});

describe.if(Boolean(postgresUrl))("openDatabase: real Postgres", () => {
  const databases: TestDatabase[] = [];
  let adminUrl = "";
  beforeAll(() => {
    adminUrl = postgresUrl ?? "";
  });
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });
  async function freshDatabase(): Promise<string> {
    const database = await createTestDatabase(adminUrl, "dbpg");
    databases.push(database);
    return database.url;
  }

  test("four processes starting at once on a fresh database migrate it exactly once", async () => {
    const url = await freshDatabase();
    const handles = await Promise.all([open(url), open(url), open(url), open(url)]);
    try {
      for (const handle of handles) expect(await appliedMigrations(handle)).toBe(2);
      const [first, second] = handles;
      await first?.db.insert(notes).values({ body: "shared", tag: "x" });
      expect(await second?.db.select({ body: notes.body }).from(notes)).toEqual([{ body: "shared" }]);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
  });

  test("drizzle queries run as named prepared statements (patches/drizzle-orm@0.45.4.patch)", async () => {
    const handle = await open(await freshDatabase());
    try {
      const query = handle.db.select({ body: notes.body }).from(notes).where(eq(notes.tag, "p"));
      // One connection for both: prepared statements belong to the session that prepared them.
      const listed = await handle.db.transaction(async (tx) => {
        await tx.select({ body: notes.body }).from(notes).where(eq(notes.tag, "p"));
        return tx
          .select({ n: sql<number>`count(*)::int` })
          .from(sql`pg_prepared_statements`)
          .where(sql`statement = ${query.toSQL().sql}`);
      });
      // Unprepared (drizzle's default) statements are unnamed and never listed there.
      expect(listed).toEqual([{ n: 1 }]);
    } finally {
      await handle.close();
    }
  });

  test("reopening keeps data and applies nothing twice", async () => {
    const url = await freshDatabase();
    const first = await open(url);
    await first.db.insert(notes).values({ body: "persisted" });
    await first.close();
    const second = await open(url);
    try {
      expect(await appliedMigrations(second)).toBe(2);
      expect(await second.db.select({ body: notes.body }).from(notes)).toEqual([{ body: "persisted" }]);
    } finally {
      await second.close();
    }
  });

  test("a database that does not exist is a fatal error naming the service", async () => {
    const url = new URL(adminUrl);
    url.pathname = "/db_that_does_not_exist_4711";
    await expect(open(url.toString())).rejects.toThrow("payments: database migrations failed");
  });

  test("Postgres down at start: probe down, then migrations apply and probe is up once it is reachable", async () => {
    const target = new URL(await freshDatabase());
    const port = await freePort();
    const viaForwarder = new URL(target);
    viaForwarder.host = `127.0.0.1:${port}`;

    const handle = await open(viaForwarder.toString());
    let forwarder: { stop: () => Promise<void> } | undefined;
    try {
      await expect(handle.probe.run()).rejects.toThrow("Postgres unreachable");
      forwarder = await startForwarder(port, target);
      await within(handle.migrated, 15_000, "migrations after Postgres became reachable");
      await expect(handle.probe.run()).resolves.toBeUndefined();
      const [row] = await handle.db.insert(notes).values({ body: "late" }).returning();
      expect(row?.body).toBe("late");
    } finally {
      await handle.close();
      await forwarder?.stop();
    }
  }, 30_000);
});
