import { defineConfig } from "drizzle-kit";

/** Generates the fixture's committed migration: `cd packages/db/test-fixtures && bunx drizzle-kit generate`. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./schema.ts",
  out: "./drizzle",
});
