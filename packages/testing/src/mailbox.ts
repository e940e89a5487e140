import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The development mailbox (docs/adr/0017): with MAILBOX_DIR set, auth writes every mail as `<id>.eml` +
 * `<id>.json`. Tests that start the services confirm addresses from it, as a person would from their inbox
 * (unverified accounts can neither pay nor be paid).
 */

interface StoredMail {
  to?: string;
  links?: string[];
}

/** The `token` of the newest link to `page` (e.g. `/account/verify`) in a mail to `to`; waits up to 20 s. */
export async function mailedToken(dir: string, to: string, page = "/account/verify"): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(".json") && !n.startsWith("."));
    } catch {
      // Not created until the first mail.
    }
    for (const name of names.sort().reverse()) {
      const mail = JSON.parse(readFileSync(join(dir, name), "utf8")) as StoredMail;
      const link = mail.to === to ? mail.links?.find((l) => new URL(l).pathname === page) : undefined;
      const token = link ? new URL(link).searchParams.get("token") : null;
      if (token) return token;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} with a link to ${page} in ${dir}`);
    await Bun.sleep(100);
  }
}
