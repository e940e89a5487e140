import type { Database } from "@payments/db";
import { createMailTransport, type MailRelay, startMailRelay } from "@payments/mail";
import type { Logger } from "@payments/service-kit";
import type { Redis } from "ioredis";
import type { Registry } from "prom-client";
import { type AuthMail, createBackgroundWork } from "./actions/mail.ts";
import type { AuthConfig } from "./config.ts";
import { createMailThrottle } from "./security/mail-throttle.ts";

/**
 * Where the development mailbox page may be served from: the mailbox directory outside production, never
 * in production (a mailbox of password-reset links must not be one URL away from the internet).
 */
export function devMailboxDirFor(config: Pick<AuthConfig, "NODE_ENV" | "MAILBOX_DIR">): string | undefined {
  return config.NODE_ENV === "production" ? undefined : config.MAILBOX_DIR;
}

/** Auth's mail: the transport and its relay over the outbox, and what `createApp` needs of them. */
export interface AuthMailSetup {
  mail: AuthMail;
  relay: MailRelay;
  devMailboxDir: string | undefined;
}

/**
 * Starts auth's mail relay on `db` (SMTP_URL, or the development mailbox) and builds the app's mail
 * dependencies. The caller registers `relay.stop` and `mail.background.idle` with the shutdown.
 */
export function startAuthMail<TSchema extends Record<string, unknown>>(opts: {
  config: AuthConfig;
  db: Database<TSchema>;
  logger: Logger;
  registry: Registry;
  redis: Redis | undefined;
}): AuthMailSetup {
  const { config, logger } = opts;
  const transport = createMailTransport({ smtpUrl: config.SMTP_URL, mailboxDir: config.MAILBOX_DIR });
  if (transport.kind === "mailbox") {
    const message = `mail goes to the ${transport.description} (no SMTP_URL)`;
    if (config.NODE_ENV === "production") logger.warn(`${message}: set SMTP_URL so mail reaches people`);
    else logger.info(`${message}; read it at /api/auth/dev/mailbox`);
  } else {
    logger.info(`mail goes to ${transport.description}`);
  }
  const relay = startMailRelay({
    db: opts.db,
    transport,
    from: config.MAIL_FROM,
    logger,
    registry: opts.registry,
  });
  const mail: AuthMail = {
    publicBaseUrl: config.PUBLIC_BASE_URL,
    throttle: createMailThrottle({
      limits: {
        perAddressHour: config.AUTH_MAIL_REQUESTS_PER_ADDRESS_HOUR,
        perIpHour: config.AUTH_MAIL_REQUESTS_PER_IP_HOUR,
      },
      redis: opts.redis,
      logger,
    }),
    committed: () => relay.wake(),
    background: createBackgroundWork((err, what) => logger.error({ err, what }, "background work failed")),
  };
  return { mail, relay, devMailboxDir: devMailboxDirFor(config) };
}
