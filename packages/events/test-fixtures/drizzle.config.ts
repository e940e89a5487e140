import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./test-fixtures/schema.ts",
  out: "./test-fixtures/drizzle",
});
