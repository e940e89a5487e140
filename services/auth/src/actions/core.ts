import type { MailLocale } from "@payments/mail";
import type { Logger } from "@payments/service-kit";
import type { AuthDb } from "../db/queries.ts";
import type { KeyStore } from "../keys/keys.ts";
import type { KeySealer } from "../security/key-encryption.ts";
import type { MfaThrottle } from "../security/mfa-throttle.ts";
import type { PasswordHasher } from "../security/passwords.ts";
import type { Throttle } from "../security/throttle.ts";
import type { AuthSettings } from "../settings.ts";
import type { AuthMail } from "./mail.ts";
import type { UserLookup } from "./user-cache.ts";

/** Everything the auth use cases work with; built once by `createApp` from its deps. */
export interface AuthCore {
  db: AuthDb;
  /** Users by id through the cache; `changed` after every committed change of a user (docs/adr/0035). */
  users: UserLookup;
  keys: KeyStore;
  hasher: PasswordHasher;
  throttle: Throttle;
  /** Wrong second-factor codes per account (docs/adr/0018). */
  mfaThrottle: MfaThrottle;
  /** Seals TOTP secrets at rest (AUTH_KEY_ENCRYPTION_KEY, purpose `payments-auth-totp-secret`). */
  secrets: KeySealer;
  settings: AuthSettings;
  /** Mail: links, the throttle of mail-sending routes, the relay to wake (docs/adr/0017). */
  mail: AuthMail;
  now: () => Date;
  logger: Logger;
  /** Called after a transaction that wrote outbox rows committed (wakes the relay). */
  eventsCommitted: () => void;
}

/** Where a request came from, for sessions (devices), throttling and event trace context. */
export interface ClientMeta {
  ip: string;
  userAgent: string | undefined;
  traceparent: string | undefined;
  /** The language mails triggered by this request are written in (from `Accept-Language`; default en). */
  locale?: MailLocale;
}
