// First: zod must be set up before the contract schemas are built (jitless is read at construction).
import "../zod-setup.ts";

import { amountSchema, currencySchema, idSchema, MAX_AMOUNT, roleSchema } from "@payments/contracts";
import { z } from "zod";
import { fromMinorUnits, toMinorUnits } from "../money/index.ts";

// These mirror the request schemas of the services (auth: routes/sessions.ts and domain/passwords.ts;
// payments: POST /payments, §3), built from the same contract primitives, so a form refuses exactly what
// the API would refuse — with words for people instead of a 400.

/** Bounds of a new password (ASVS 2.1, auth's policy): 8–128 Unicode code points after NFC. */
export const PASSWORD_MIN = 8;
/** Upper bound of a new password. */
export const PASSWORD_MAX = 128;

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

const userIdSchema = idSchema("usr");

/** `POST /api/payments` body, as the payments service validates it. */
export const createPaymentBodySchema = z.strictObject({
  payee_id: userIdSchema,
  amount: amountSchema,
  currency: currencySchema,
  description: z.string().max(500).optional(),
  metadata: z.record(z.string().min(1).max(40), z.string().max(500)).optional(),
});

/** A {@link createPaymentBodySchema} value. */
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
export const refundBodySchema = z.strictObject({
  amount: amountSchema.optional(),
  reason: z.string().max(500).optional(),
});

/** The refund form: at most what is left to refund (`remaining`, minor units), typed in major units. */
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
