import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { notes } from "../../test-fixtures/schema.ts";
import { openDatabase } from "./database.ts";
import { defaultDataDir, EMBEDDED_POSTGRES_SETTINGS } from "./pglite.ts";
import { captureLogger, drizzleMigrations, FIXTURE_MIGRATIONS, fixtureSchema } from "./test-support.ts";

// A PGlite data dir's first initialisation takes several seconds (about 9 s on slow machines).
describe("openDatabase: embedded PGlite on disk", () => {
  const root = mkdtempSync(join(tmpdir(), "db-pglite-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("the default data dir is .data/<service> under the working directory", () => {
    expect(defaultDataDir("payments")).toBe(join(process.cwd(), ".data", "payments"));
  });

  test("creates a missing data dir, warns it is not for production, and keeps data across restarts", async () => {
    const dataDir = join(root, "nested", "payments");
    const { logger, lines } = captureLogger();
    const first = await openDatabase({
      service: "payments",
      dataDir,
      migrationsFolder: FIXTURE_MIGRATIONS,
      schema: fixtureSchema,
      logger,
    });
    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain("embedded PGlite default; not for production");
    expect(warnings[0]?.msg).toContain("PAYMENTS_DATABASE_URL");
    await first.db.insert(notes).values({ body: "survives restart" });
    await first.close();

    const second = await openDatabase({
      service: "payments",
      dataDir,
      migrationsFolder: FIXTURE_MIGRATIONS,
      schema: fixtureSchema,
      logger: captureLogger().logger,
    });
    try {
      const applied = await second.db.select({ n: sql<number>`count(*)::int` }).from(drizzleMigrations);
      expect(applied).toEqual([{ n: 2 }]);
      expect(await second.db.select({ body: notes.body }).from(notes)).toEqual([
        { body: "survives restart" },
      ]);
    } finally {
      await second.close();
    }
  }, 60_000);

  test("runs with the embedded settings (8 MB of shared buffers), which a caller may override", async () => {
    const open = (embeddedSettings?: Record<string, string>) =>
      openDatabase({
        service: "payments",
        dataDir: join(root, "settings"),
        migrationsFolder: FIXTURE_MIGRATIONS,
        schema: fixtureSchema,
        logger: captureLogger().logger,
        embeddedSettings,
      });
    const setting = async (handle: Awaited<ReturnType<typeof open>>, name: string) => {
      try {
        const [row] = await handle.db
          .select({ setting: sql<string>`current_setting(${name})` })
          .from(sql`(select 1) as one`);
        return row?.setting;
      } finally {
        await handle.close();
      }
    };
    expect(EMBEDDED_POSTGRES_SETTINGS.shared_buffers).toBe("8MB");
    expect(await setting(await open(), "shared_buffers")).toBe("8MB");
    expect(await setting(await open(), "maintenance_work_mem")).toBe("16MB");
    expect(await setting(await open({ shared_buffers: "32MB" }), "shared_buffers")).toBe("32MB");
  }, 60_000);

  test("a data dir that cannot be created fails naming the service", async () => {
    const blocked = join(root, "a-file");
    await Bun.write(blocked, "not a directory");
    const opening = openDatabase({
      service: "profile",
      dataDir: join(blocked, "db"),
      migrationsFolder: FIXTURE_MIGRATIONS,
      schema: fixtureSchema,
      logger: captureLogger().logger,
    });
    await expect(opening).rejects.toThrow("profile: cannot start embedded PGlite");
  });
});
