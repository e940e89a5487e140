import { defineConfig } from "drizzle-kit";

/** Generates the committed migrations: `cd services/admin && bunx drizzle-kit generate`. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
