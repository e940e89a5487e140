import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createEvent, type Id, newId, type Role } from "@payments/contracts";
import { count, eq } from "drizzle-orm";
import { payments } from "../src/db/schema.ts";
import { adapters, errorOf, type Harness, harnessOnTestDb, newKey } from "./support.ts";

// docs/adr/0017: an account whose e-mail address is not verified may look around but not pay or be paid.
// Payments learns the state from the `user.*` events' `email_verified`.

describe(`unverified accounts neither pay nor get paid (${adapters})`, () => {
  let close: () => Promise<void>;
  let h: Harness;

  interface Account {
    id: Id<"usr">;
    role: Role;
    token: string;
  }

  /** Tells payments about a user as auth does, with `email_verified` as given. */
  const announce = async (
    type: "user.registered" | "user.updated",
    user: { id: Id<"usr">; role: Role },
    verified: boolean,
  ) => {
    const snapshot = {
      id: user.id,
      email: `${user.id}@example.test`,
      name: `Shop ${user.id.slice(-4)}`,
      role: user.role,
      active: true,
      created_at: new Date().toISOString(),
      email_verified: verified,
    };
    await h.deliver(
      type === "user.registered"
        ? createEvent({ type, producer: "auth", subject: user.id, data: snapshot })
        : createEvent({
            type,
            producer: "auth",
            subject: user.id,
            data: { ...snapshot, changed: ["email_verified"] },
          }),
    );
  };
  const account = async (role: Role, verified: boolean): Promise<Account> => {
    const id = newId("usr");
    await announce("user.registered", { id, role }, verified);
    return { id, role, token: await h.mint(id, role) };
  };
  const pay = (payer: Account, payee: Account) =>
    h.request("/", {
      token: payer.token,
      key: newKey(),
      json: { payee_id: payee.id, amount: 1500, currency: "usd" },
    });
  const paymentsOf = async (payer: Account) => {
    const [row] = await h.core.db.select({ n: count() }).from(payments).where(eq(payments.payerId, payer.id));
    return row?.n ?? -1;
  };

  beforeAll(async () => {
    ({ h, close } = await harnessOnTestDb());
  }, 60_000);
  afterAll(() => close());

  test("an unverified customer is refused with 403 email_unverified, and nothing is written", async () => {
    const customer = await account("customer", false);
    const vendor = await account("vendor", true);
    const res = await pay(customer, vendor);
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatchObject({ type: "permission", code: "email_unverified" });
    expect(await paymentsOf(customer)).toBe(0);
  });

  test("once user.updated says the address is verified, the same customer pays", async () => {
    const customer = await account("customer", false);
    const vendor = await account("vendor", true);
    expect((await pay(customer, vendor)).status).toBe(403);
    await announce("user.updated", customer, true);
    expect((await pay(customer, vendor)).status).toBe(201);
  });

  test("an unverified vendor cannot be paid (the one invalid_payee answer) and is not offered as a payee", async () => {
    const customer = await account("customer", true);
    const vendor = await account("vendor", false);
    const res = await pay(customer, vendor);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: "invalid_payee", param: "payee_id" });
    const search = await h.request(`/payees?query=${vendor.id.slice(-4)}`, { token: customer.token });
    expect(((await search.json()) as { data: { id: string }[] }).data.map((p) => p.id)).not.toContain(
      vendor.id,
    );
    await announce("user.updated", vendor, true);
    const found = await h.request(`/payees?query=${vendor.id.slice(-4)}`, { token: customer.token });
    expect(((await found.json()) as { data: { id: string }[] }).data.map((p) => p.id)).toContain(vendor.id);
    expect((await pay(customer, vendor)).status).toBe(201);
  });

  test("a payer payments has not heard of yet is unverified (a brand-new account)", async () => {
    const vendor = await account("vendor", true);
    const stranger: Account = { id: newId("usr"), role: "customer", token: "" };
    stranger.token = await h.mint(stranger.id, "customer");
    const res = await pay(stranger, vendor);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("email_unverified");
  });

  test("events from before verification existed (no email_verified) count as verified", async () => {
    const customer = await h.user("customer");
    const vendor = await h.user("vendor");
    const res = await h.request("/", {
      token: customer.token,
      key: newKey(),
      json: { payee_id: vendor.id, amount: 1500, currency: "usd" },
    });
    expect(res.status).toBe(201);
  });
});
