import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** A tiny table the db package's tests migrate, write and read; it exists only for those tests. */
export const notes = pgTable("notes", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  body: text("body").notNull(),
  /** Added by the second migration, so tests prove migrations apply in order. */
  tag: text("tag"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The fixture schema handed to `openDatabase` in tests. */
export const fixtureSchema = { notes };
