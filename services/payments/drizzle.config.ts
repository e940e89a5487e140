import { defineConfig } from "drizzle-kit";

/** Generates the committed migrations: `cd services/payments && bunx drizzle-kit generate`. */
export default defineConfig({
  dialect: "postgresql",
  schema: ["./src/db/schema.ts", "./src/ledger/db/schema.ts"],
  out: "./drizzle",
});
