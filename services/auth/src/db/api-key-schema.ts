import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * API keys (docs/adr/0033). The secret is kept only as its SHA-256: it carries 256 random bits, so unlike a
 * password there is nothing to guess and a slow hash would only slow every exchange. `sessionId` is the
 * `sid` of the key's access tokens: revoking the key announces it in `session.revoked`, which every gateway
 * already listens to.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    /** Space-separated scopes, in the order given. */
    scopes: text("scopes").notNull(),
    secretHash: text("secret_hash").notNull(),
    last4: text("last4").notNull(),
    sessionId: text("session_id").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    lastUsedAt: timestamptz("last_used_at"),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_keys_secret_hash_key").on(t.secretHash),
    index("api_keys_user_idx").on(t.userId, t.id),
  ],
);

/** An API key row. */
export type ApiKeyRow = typeof apiKeys.$inferSelect;
