/**
 * The client's address travels Caddy → gateway → auth and is what the sessions page shows (issue 18).
 * A second device signs in through Caddy from 127.0.0.2 (any 127.0.0.0/8 address is this machine) and
 * claims another address in X-Forwarded-For. Every hop behind Caddy connects from 127.0.0.1, so a session
 * listed with 127.0.0.2 can only carry the address Caddy saw, passed on by a gateway that trusts Caddy (and
 * the forged one is nowhere). That the gateway ignores the header from a peer it does not trust is in its
 * own tests (services/gateway/test/gateway.test.ts).
 */
import { caddyRootCert, edgeOrigin, readE2eEnv } from "../../support/config.ts";
import { expect, test } from "../../support/fixtures.ts";
import { loadCa, send } from "../../support/http.ts";
import { api, signIn, uniqueWord } from "../../support/journeys.ts";

test("the sessions page shows each device's own address, as Caddy saw it", async ({ page }) => {
  const customer = await api.register("customer", uniqueWord("address"));
  // Registering signed in through the gateway directly: end that session so only the devices below remain.
  await api.call("POST", "/api/auth/logout", { token: customer.token });

  const env = readE2eEnv();
  const other = await send(
    {
      method: "POST",
      url: `${edgeOrigin(env)}/api/auth/login`,
      headers: {
        "content-type": "application/json",
        "user-agent": "Other device",
        // What a client may claim: Caddy replaces it (it trusts no proxy in front of it).
        "x-forwarded-for": "203.0.113.66",
      },
      body: JSON.stringify({ email: customer.email, password: customer.password }),
      localAddress: "127.0.0.2",
    },
    loadCa(caddyRootCert(env)),
  );
  expect(other.status, other.text).toBe(200);

  await signIn(page, customer);
  await page.goto("/account/sessions");
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(3); // header + the browser + the other device
  // The other device: its own address, not the forged one, not a hop's.
  const otherRow = rows.filter({ hasNotText: /This device/ }).filter({ has: page.getByRole("button") });
  await expect(otherRow).toContainText("127.0.0.2");
  await expect(page.getByText("203.0.113.66")).toHaveCount(0);
  // The browser's own session: the loopback it connected from (Chromium may reach localhost over IPv6).
  const mine = rows.filter({ hasText: /This device/ });
  await expect(mine).toContainText(/127\.0\.0\.1|::1/);
});
