/**
 * `bun run seed`: creates the first admin from SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD (and SEED_ADMIN_NAME)
 * in the auth database the service would use. In production both are required and the password must pass
 * the password policy; in development a missing password is generated and printed once, never defaulted.
 * With the embedded database, run it while the platform is stopped (PGlite allows one process per data dir).
 */
import { openDatabase } from "@payments/db";
import { createLogger } from "@payments/service-kit";
import { ensureAdmin } from "./actions/seed.ts";
import { loadSeedConfig } from "./config.ts";
import { MIGRATIONS_FOLDER } from "./db/migrations.ts";
import { authSchema } from "./db/schema.ts";
import { createPasswordHasher } from "./security/passwords.ts";

const DEV_EMAIL = "admin@example.com";

function fail(message: string): never {
  process.stderr.write(`seed: ${message}\n`);
  process.exit(1);
}

const config = loadSeedConfig();
const production = config.NODE_ENV === "production";
if (production && !config.SEED_ADMIN_EMAIL) fail("SEED_ADMIN_EMAIL is required in production");
if (production && !config.SEED_ADMIN_PASSWORD)
  fail("SEED_ADMIN_PASSWORD is required in production (no default)");

const email = config.SEED_ADMIN_EMAIL ?? DEV_EMAIL;
const generated = config.SEED_ADMIN_PASSWORD === undefined;
const password =
  config.SEED_ADMIN_PASSWORD ?? Buffer.from(crypto.getRandomValues(new Uint8Array(15))).toString("base64url");

const logger = createLogger({ service: "auth-seed", level: "warn" });
const database = await openDatabase({
  service: "auth",
  url: config.AUTH_DATABASE_URL,
  dataDir: config.AUTH_DATA_DIR,
  migrationsFolder: MIGRATIONS_FOLDER,
  schema: authSchema,
  logger,
});
try {
  await database.migrated;
  const outcome = await ensureAdmin(
    {
      db: database.db,
      hasher: createPasswordHasher({
        memoryCost: config.AUTH_ARGON2_MEMORY_KIB,
        timeCost: config.AUTH_ARGON2_TIME_COST,
      }),
      now: () => new Date(),
    },
    { email, password, name: config.SEED_ADMIN_NAME },
  );
  const where = config.AUTH_DATABASE_URL
    ? "Postgres (AUTH_DATABASE_URL)"
    : `embedded database ${config.AUTH_DATA_DIR}`;
  if (outcome.kind === "refused") fail(outcome.reason);
  if (outcome.kind === "exists") {
    process.stdout.write(
      `seed: admin ${outcome.user.email} (${outcome.user.id}) already exists in ${where}; nothing changed\n`,
    );
  } else {
    process.stdout.write(`seed: created admin ${outcome.user.email} (${outcome.user.id}) in ${where}\n`);
    if (generated)
      process.stdout.write(`seed: generated password (shown once, development only): ${password}\n`);
  }
} finally {
  await database.close();
}
