// First: zod must be set up before the contract schemas are built (jitless is read at construction).
import "../zod-setup.ts";

import { currencySchema, idSchema, MAX_AMOUNT, roleSchema } from "@payments/contracts";
import { createPaymentBody, refundBody } from "@payments/contracts/http";
import { z } from "zod";
import { fromMinorUnits, toMinorUnits } from "../money/index.ts";
import { PASSWORD_MAX, PASSWORD_MIN } from "./limits.ts";

// These mirror the request schemas of the services (auth: routes/sessions.ts and domain/passwords.ts;
// payments: POST /payments, §3), built from the same contract primitives, so a form refuses exactly what
// the API would refuse — with words for people instead of a 400.

export { PASSWORD_MAX, PASSWORD_MIN };

const emailField = z
  .string()
  .trim()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter a valid email address, like name@example.com."));

const codePoints = (text: string) => [...text.normalize("NFC")].length;

/** A new password, as auth's policy checks its length (the common-password list is checked by the server). */
export const newPasswordField = z
  .string()
  .refine((v) => codePoints(v) >= PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .refine((v) => codePoints(v) <= PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

/** `POST /api/auth/register` body. */
export const registerFormSchema = z.strictObject({
  email: emailField,
  password: newPasswordField,
  name: z.string().trim().min(1, "Enter your name.").max(200, "Use at most 200 characters."),
  role: z.enum(["customer", "vendor"], "Choose whether you pay or get paid."),
});

/** `POST /api/auth/login` body. */
export const loginFormSchema = z.strictObject({
  email: emailField,
  password: z.string().min(1, "Enter your password.").max(512, "That password is too long."),
});

/** Change-password form: the API body plus a confirmation that never leaves the browser. */
export const changePasswordFormSchema = z
  .object({
    current_password: z.string().min(1, "Enter your current password.").max(512),
    new_password: newPasswordField,
    confirm_password: z.string(),
  })
  .refine((v) => v.new_password === v.confirm_password, {
    message: "The two new passwords differ.",
    path: ["confirm_password"],
  })
  .transform(({ current_password, new_password }) => ({ current_password, new_password }));

/** `POST /api/auth/password/forgot` body. */
export const forgotPasswordFormSchema = z.strictObject({ email: emailField });

/**
 * Choosing a new password with a mailed link (reset, invitation): typed twice, only `password` is sent; the
 * token comes from the link.
 */
export const newPasswordFormSchema = z
  .object({ password: newPasswordField, confirm_password: z.string() })
  .refine((v) => v.password === v.confirm_password, {
    message: "The two passwords differ.",
    path: ["confirm_password"],
  })
  .transform(({ password }) => ({ password }));

/** An admin's invitation: `POST /api/auth/admin/invitations` body. */
export const inviteFormSchema = z.strictObject({
  email: emailField,
  name: z.string().trim().min(1, "Enter the person's name.").max(200, "Use at most 200 characters."),
  role: roleSchema,
});

/** A six-digit code of an authenticator app; the space apps show between the groups may be typed. */
const totpCodeField = z
  .string()
  .transform((v) => v.replace(/\s/g, ""))
  .pipe(z.string().regex(/^[0-9]{6}$/, "Enter the six-digit code your authenticator app shows."));

/** Forms that take an authenticator code: enabling and disabling two-factor, the login's second step. */
export const totpCodeFormSchema = z.strictObject({ code: totpCodeField });

/** A recovery code as shown at enrolment (`abcd-efgh-jkmn`); case and grouping do not matter. */
export const recoveryCodeFormSchema = z.strictObject({
  recovery_code: z
    .string()
    .trim()
    .min(12, "Enter one of your recovery codes, like abcd-efgh-jkmn.")
    .max(24, "That is longer than a recovery code.")
    .regex(/^[A-Za-z0-9 -]+$/, "A recovery code has letters, digits and dashes only."),
});

const userIdSchema = idSchema("usr");

/** `POST /api/payments` body, as the payments service validates it. */
/** The body of `POST /api/payments`: the contract's own schema, so a form refuses what the API would. */
export const createPaymentBodySchema = createPaymentBody;

export type CreatePaymentBody = z.infer<typeof createPaymentBodySchema>;

const payeeField = z
  .string()
  .refine((v) => userIdSchema.safeParse(v).success, "Choose who to pay from the list.");

/**
 * The new-payment form: the amount is typed in major units in `locale` and converted to minor units of the
 * chosen currency; the result is checked against {@link createPaymentBodySchema}.
 */
export function paymentFormSchema(locale: string) {
  return z
    .object({
      payee_id: payeeField,
      currency: currencySchema,
      amount: z.string().trim().min(1, "Enter an amount."),
      description: z.string().trim().max(500, "Use at most 500 characters.").optional(),
    })
    .superRefine(
      (form, ctx) => {
        const minor = toMinorUnits(form.amount, form.currency, locale);
        if (!minor.ok) ctx.addIssue({ code: "custom", path: ["amount"], message: minor.message });
      },
      // Judge the amount as soon as it and the currency are readable, even while the payee is still
      // missing, so every field's problem is shown on the first submit.
      {
        when: (payload) =>
          !payload.issues.some((i) => i.path?.[0] === "amount" || i.path?.[0] === "currency"),
      },
    )
    .transform((form, ctx) => {
      const minor = toMinorUnits(form.amount, form.currency, locale);
      if (!minor.ok) {
        ctx.addIssue({ code: "custom", path: ["amount"], message: minor.message });
        return z.NEVER;
      }
      return {
        payee_id: form.payee_id,
        amount: minor.amount,
        currency: form.currency,
        ...(form.description ? { description: form.description } : {}),
      };
    })
    .pipe(createPaymentBodySchema);
}

/** `POST /api/payments/:id/refunds` body. */
/** The body of `POST /api/payments/{id}/refunds`, from the contract. */
export const refundBodySchema = refundBody;

export function refundFormSchema(currency: string, remaining: number, locale: string) {
  return z
    .object({
      amount: z.string().trim().min(1, "Enter an amount."),
      reason: z.string().trim().max(500, "Use at most 500 characters.").optional(),
    })
    .transform((form, ctx) => {
      const minor = toMinorUnits(form.amount, currency, locale);
      if (!minor.ok) {
        ctx.addIssue({ code: "custom", path: ["amount"], message: minor.message });
        return z.NEVER;
      }
      if (minor.amount > Math.min(remaining, MAX_AMOUNT)) {
        const left = fromMinorUnits(remaining, currency);
        ctx.addIssue({ code: "custom", path: ["amount"], message: `At most ${left} can still be refunded.` });
        return z.NEVER;
      }
      return { amount: minor.amount, ...(form.reason ? { reason: form.reason } : {}) };
    })
    .pipe(refundBodySchema.required({ amount: true }));
}

/** `PATCH /api/auth/admin/users/:id` body. */
export const userPatchSchema = z
  .strictObject({ role: roleSchema.optional(), active: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.active !== undefined, "Change the role or the active flag.");
