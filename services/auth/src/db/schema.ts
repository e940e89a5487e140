import type { Role } from "@payments/contracts";
import { inbox, outbox } from "@payments/events";
import { sql } from "drizzle-orm";
import { boolean, check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { JWK } from "jose";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../webhooks/schema.ts";
import { apiKeys } from "./api-key-schema.ts";
import { type AccountTokenPurpose, mailOutbox } from "./mail-schema.ts";
import { mfaChallenges, recoveryCodes, twoFactor } from "./two-factor-schema.ts";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Accounts. `email` is stored normalised (trimmed, lower-case), so its unique index is case-insensitive. */
export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role").$type<Role>().notNull(),
    active: boolean("active").notNull().default(true),
    /** Bun.password argon2id PHC string (its parameters travel inside it). */
    passwordHash: text("password_hash").notNull(),
    passwordChangedAt: timestamptz("password_changed_at").notNull(),
    /** When the user proved the address (docs/adr/0017); null until then. */
    emailVerifiedAt: timestamptz("email_verified_at"),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    check("users_role_check", sql`${t.role} IN ('customer', 'vendor', 'admin')`),
    check("users_email_lower_check", sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * Single-use tokens sent by mail (docs/adr/0017): e-mail verification (24 h), password reset (30 min),
 * invitation (72 h). Stored as the SHA-256 of the 256-bit random value (nothing to brute-force, so a fast
 * hash is enough, as for refresh tokens). `email` is the address the mail went to: a verification proves
 * that address only.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    purpose: text("purpose").$type<AccountTokenPurpose>().notNull(),
    email: text("email").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    /** Set when used, or when a newer token of the same purpose replaced it. */
    usedAt: timestamptz("used_at"),
  },
  (t) => [
    index("account_tokens_user_idx").on(t.userId, t.purpose),
    index("account_tokens_expiry_idx").on(t.expiresAt),
    check(
      "account_tokens_purpose_check",
      sql`${t.purpose} IN ('verify_email', 'reset_password', 'invitation', 'change_email')`,
    ),
  ],
);

/** Sessions = devices: one refresh-token family each. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamptz("created_at").notNull(),
    /** Last login or refresh; the idle timeout counts from here. */
    lastUsedAt: timestamptz("last_used_at").notNull(),
    /** Absolute end, fixed at login. */
    expiresAt: timestamptz("expires_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
    revokedReason: text("revoked_reason"),
    userAgent: text("user_agent"),
    ip: text("ip"),
    /** Signed in with a second factor (docs/adr/0018): its access tokens carry `amr` with `mfa`. */
    mfa: boolean("mfa").notNull().default(false),
  },
  (t) => [index("sessions_user_idx").on(t.userId, t.id)],
);

/**
 * Refresh tokens, stored as SHA-256 of the opaque value (it has 256 bits of entropy, so a fast hash is
 * enough: there is nothing to brute-force). A token is current until `rotatedAt` is set; presenting a
 * rotated one is reuse.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id),
    createdAt: timestamptz("created_at").notNull(),
    rotatedAt: timestamptz("rotated_at"),
    /** Hash of the token that replaced this one, to tell a lost race (successor unused) from reuse. */
    replacedBy: text("replaced_by"),
  },
  (t) => [index("refresh_tokens_session_idx").on(t.sessionId)],
);

/** Access-token signing keys. The one with `retiredAt` null signs; the last retired one stays in the JWKS. */
export const signingKeys = pgTable(
  "signing_keys",
  {
    /** The JWK `kid`. */
    id: text("id").primaryKey(),
    algorithm: text("algorithm").notNull(),
    publicJwk: jsonb("public_jwk").$type<JWK>().notNull(),
    /** The private JWK, AES-256-GCM encrypted when a key-encryption key is configured (`v1.iv.ciphertext`). */
    privateKey: text("private_key").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    retiredAt: timestamptz("retired_at"),
  },
  // At most one current key per algorithm, whatever races between instances.
  (t) => [uniqueIndex("signing_keys_current_key").on(t.algorithm).where(sql`${t.retiredAt} IS NULL`)],
);

export {
  apiKeys,
  inbox,
  mailOutbox,
  mfaChallenges,
  outbox,
  recoveryCodes,
  twoFactor,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
};

/** Everything drizzle needs to know about the auth database. */
export const authSchema = {
  users,
  sessions,
  refreshTokens,
  signingKeys,
  outbox,
  inbox,
  twoFactor,
  recoveryCodes,
  mfaChallenges,
  accountTokens,
  mailOutbox,
  apiKeys,
  webhookEndpoints,
  webhookDeliveries,
  webhookAttempts,
};

/** The auth schema's type, for `Database<AuthSchema>`. */
export type AuthSchema = typeof authSchema;
/** A user row. */
export type UserRow = typeof users.$inferSelect;
/** A user without its password hash: what may leave the database (the user cache, views, tokens). */
export type UserRecord = Omit<UserRow, "passwordHash">;
/** A session row. */
export type SessionRow = typeof sessions.$inferSelect;
/** An account-token row. */
export type AccountTokenRow = typeof accountTokens.$inferSelect;
/** A signing-key row. */
export type SigningKeyRow = typeof signingKeys.$inferSelect;
