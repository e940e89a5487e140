import { authDevMailbox, authDevMailboxPage, type DevMailboxView, honoPath } from "@payments/contracts/http";
import { escapeHtml, type MailboxMessage, readMailbox } from "@payments/mail";
import { type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";

/** Makes the URLs of a text body clickable, everything else escaped. */
function linkify(text: string): string {
  return text
    .split(/(https?:\/\/[^\s<>"]+)/g)
    .map((part, i) =>
      i % 2 === 1 ? `<a href="${escapeHtml(part)}">${escapeHtml(part)}</a>` : escapeHtml(part),
    )
    .join("");
}

function page(messages: MailboxMessage[], dir: string): string {
  const items = messages.map(
    (m) =>
      `<article><h2>${escapeHtml(m.subject)}</h2>` +
      `<p>To <strong>${escapeHtml(m.to)}</strong>, ${escapeHtml(m.created_at)} · <code>${escapeHtml(m.id)}.eml</code></p>` +
      `<pre>${linkify(m.text)}</pre></article><hr>`,
  );
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><title>Development mailbox</title></head><body>',
    "<h1>Development mailbox</h1>",
    `<p>Mail the platform sent while no <code>SMTP_URL</code> is set, newest first (${messages.length}). ` +
      `Files: <code>${escapeHtml(dir)}</code>. Never served in production.</p>`,
    ...(items.length > 0 ? items : ["<p>No mail yet.</p>"]),
    "</body></html>",
  ].join("\n");
}

/**
 * The development mailbox (docs/adr/0017): the mails the development transport wrote to `dir`, as a page
 * and as JSON. `createApp` mounts it only when given a directory, which `server.ts` never does in production.
 */
export function devMailboxRoutes(dir: string): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(honoPath(authDevMailboxPage), async (c) => {
    c.header("Content-Type", "text/html; charset=utf-8");
    return c.body(page(await readMailbox(dir), dir), 200);
  });

  app.get(honoPath(authDevMailbox), validate("query", authDevMailbox.query), async (c) => {
    const { to } = c.req.valid("query");
    const body: DevMailboxView = { data: await readMailbox(dir, to ? { to } : {}) };
    return c.json(body, 200);
  });

  return app;
}
