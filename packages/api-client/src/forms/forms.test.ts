import { describe, expect, it } from "vitest";
import {
  changePasswordFormSchema,
  createPaymentBodySchema,
  loginFormSchema,
  paymentFormSchema,
  refundFormSchema,
  registerFormSchema,
} from "./forms.ts";
import { validateForm } from "./validate.ts";

const PAYEE = "usr_01j9z3k7m8n9p0q1r2s3t4v5w6";

describe("register form mirrors auth's rules", () => {
  const valid = { email: "ada@example.com", password: "correct horse", name: "Ada", role: "vendor" };

  it("accepts a valid registration", () => {
    expect(validateForm(registerFormSchema, valid)).toEqual({ ok: true, data: valid });
  });

  it("explains each problem on its field", () => {
    const result = validateForm(registerFormSchema, {
      email: "nope",
      password: "short",
      name: "  ",
      role: "admin",
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        email: "Enter a valid email address, like name@example.com.",
        password: "Use at least 8 characters.",
        name: "Enter your name.",
        role: "Choose whether you pay or get paid.",
      },
    });
  });

  it("counts password length in code points, as the server does", () => {
    expect(validateForm(registerFormSchema, { ...valid, password: "🔒🔒🔒🔒🔒🔒🔒" }).ok).toBe(false);
    expect(validateForm(registerFormSchema, { ...valid, password: "🔒🔒🔒🔒🔒🔒🔒🔒" }).ok).toBe(true);
    expect(validateForm(registerFormSchema, { ...valid, password: "x".repeat(129) }).ok).toBe(false);
  });

  it("rejects unknown fields like the API's strict schema", () => {
    expect(validateForm(registerFormSchema, { ...valid, admin: "true" }).ok).toBe(false);
  });
});

describe("login and change password", () => {
  it("requires both login fields", () => {
    expect(validateForm(loginFormSchema, { email: "", password: "" })).toMatchObject({
      ok: false,
      errors: { email: "Enter your email address.", password: "Enter your password." },
    });
  });

  it("checks that the new passwords match and sends only the API fields", () => {
    expect(
      validateForm(changePasswordFormSchema, {
        current_password: "old",
        new_password: "new password",
        confirm_password: "other",
      }),
    ).toMatchObject({ ok: false, errors: { confirm_password: "The two new passwords differ." } });
    expect(
      validateForm(changePasswordFormSchema, {
        current_password: "old",
        new_password: "new password",
        confirm_password: "new password",
      }),
    ).toEqual({ ok: true, data: { current_password: "old", new_password: "new password" } });
  });
});

describe("payment form → POST /api/payments body", () => {
  it("converts the major-unit amount per currency and yields a valid API body", () => {
    for (const [amount, currency, minor] of [
      ["1500", "jpy", 1500],
      ["15.00", "usd", 1500],
      ["1.5", "bhd", 1500],
    ] as const) {
      const result = validateForm(paymentFormSchema("en"), {
        payee_id: PAYEE,
        currency,
        amount,
        description: "",
      });
      expect(result).toEqual({ ok: true, data: { payee_id: PAYEE, amount: minor, currency } });
      if (result.ok) expect(createPaymentBodySchema.safeParse(result.data).success).toBe(true);
    }
  });

  it("keeps a description and reports field errors in words", () => {
    expect(
      validateForm(paymentFormSchema("en"), {
        payee_id: PAYEE,
        currency: "usd",
        amount: "5",
        description: " Rent ",
      }),
    ).toEqual({
      ok: true,
      data: { payee_id: PAYEE, amount: 500, currency: "usd", description: "Rent" },
    });
    expect(validateForm(paymentFormSchema("en"), { payee_id: "", currency: "usd", amount: "1.999" })).toEqual(
      {
        ok: false,
        errors: {
          payee_id: "Choose who to pay from the list.",
          amount: "USD amounts take at most 2 decimal places.",
        },
      },
    );
    expect(
      validateForm(paymentFormSchema("en"), { payee_id: PAYEE, currency: "jpy", amount: "10.5" }),
    ).toMatchObject({
      ok: false,
      errors: { amount: "JPY amounts take whole numbers only." },
    });
    expect(
      validateForm(paymentFormSchema("en"), { payee_id: PAYEE, currency: "usd", amount: "x".repeat(3) }),
    ).toMatchObject({
      ok: false,
      errors: { amount: "Enter a number, like 12.50." },
    });
  });

  it("rejects currencies the contracts do not know", () => {
    expect(validateForm(paymentFormSchema("en"), { payee_id: PAYEE, currency: "zzz", amount: "5" }).ok).toBe(
      false,
    );
    expect(validateForm(paymentFormSchema("en"), { payee_id: PAYEE, currency: "USD", amount: "5" }).ok).toBe(
      false,
    );
  });
});

describe("refund form", () => {
  it("allows at most the remaining amount", () => {
    const schema = refundFormSchema("usd", 1000, "en");
    expect(validateForm(schema, { amount: "10.00" })).toEqual({ ok: true, data: { amount: 1000 } });
    expect(validateForm(schema, { amount: "10.01" })).toMatchObject({
      ok: false,
      errors: { amount: "At most 10.00 can still be refunded." },
    });
  });
});
