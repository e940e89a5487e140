import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * A user's TOTP second factor (docs/adr/0018). One row per user: `enabledAt` null while enrolment waits for
 * the first code, so setting up again replaces an unconfirmed secret and never a working one.
 */
export const twoFactor = pgTable("two_factor", {
  /** The user (`usr_…`). No foreign key: `schema.ts` imports this file, and users are never deleted. */
  userId: text("user_id").primaryKey(),
  /** The base32 TOTP secret, sealed with AUTH_KEY_ENCRYPTION_KEY (`v1.<iv>.<ciphertext>`, or `plain.` in development). */
  secret: text("secret").notNull(),
  createdAt: timestamptz("created_at").notNull(),
  enabledAt: timestamptz("enabled_at"),
  /**
   * RFC 6238 time step of the last accepted code: a code of this step or an earlier one is refused, so a
   * code seen over someone's shoulder cannot be used a second time.
   */
  lastTimeStep: bigint("last_time_step", { mode: "number" }),
});

/** Single-use recovery codes, stored as SHA-256 of user id and code (they carry 60 random bits each). */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    userId: text("user_id").notNull(),
    codeHash: text("code_hash").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    usedAt: timestamptz("used_at"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/**
 * A sign-in that passed the password and waits for the second factor. The client holds the opaque
 * challenge; only its SHA-256 is stored. It ends at `expiresAt`, when consumed, or after too many attempts.
 */
export const mfaChallenges = pgTable(
  "mfa_challenges",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    consumedAt: timestamptz("consumed_at"),
  },
  (t) => [index("mfa_challenges_user_idx").on(t.userId), index("mfa_challenges_expiry_idx").on(t.expiresAt)],
);

/** A two-factor row. */
export type TwoFactorRow = typeof twoFactor.$inferSelect;
/** A challenge row. */
export type MfaChallengeRow = typeof mfaChallenges.$inferSelect;
