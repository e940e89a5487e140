import { type CreatePaymentBody, minorUnitExponent, queryKeys } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  ErrorNotice,
  PageHeader,
  SelectField,
  Stack,
  TextAreaField,
  TextField,
  useFormSchemas,
  usePlatform,
  usePreferences,
  useSession,
  useZodForm,
} from "@payments/ui";
import { useCallback, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router";
import { PayeeSearch } from "../components/PayeeSearch.tsx";
import { useIdempotencyKey } from "../components/useIdempotencyKey.ts";

const COMMON_CURRENCIES = ["usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "inr", "bhd", "kwd"];

function amountHint(currency: string): string {
  const digits = minorUnitExponent(currency);
  const example = digits === 0 ? "1500" : `12.${"5".padEnd(digits, "0")}`;
  return digits === 0
    ? `${currency.toUpperCase()} has no minor unit: whole numbers only, e.g. ${example}.`
    : `Up to ${digits} decimal places, e.g. ${example}.`;
}

/** Pay a vendor. The amount is typed in major units and sent as integer minor units of the currency. */
export function NewPaymentPage({
  basePath,
  payeeDebounceMs,
}: {
  basePath: string;
  payeeDebounceMs?: number;
}) {
  const { api, queryClient } = usePlatform();
  const session = useSession();
  const preferences = usePreferences();
  const navigate = useNavigate();
  const idempotency = useIdempotencyKey();
  const [currency, setCurrency] = useState(preferences.currency);
  const { paymentFormSchema } = useFormSchemas();
  const schema = useMemo(
    () => paymentFormSchema(preferences.locale),
    [paymentFormSchema, preferences.locale],
  );
  const currencies = COMMON_CURRENCIES.includes(currency)
    ? COMMON_CURRENCIES
    : [currency, ...COMMON_CURRENCIES];

  const submit = useCallback(
    async (body: CreatePaymentBody) => {
      const payment = await api.payments.create(body, idempotency.keyFor(body));
      idempotency.reset();
      await queryClient.invalidateQueries({ queryKey: queryKeys.payments.lists });
      navigate(`${basePath}/${payment.id}`, { state: { created: true } });
    },
    [api, basePath, idempotency, navigate, queryClient],
  );
  const form = useZodForm(schema, submit);

  if (session.status === "signed_in" && session.user.role === "vendor") {
    return (
      <Alert tone="info" title="Vendors receive payments">
        <p>
          Your account is set up to get paid. <Link to={basePath || "/"}>See the payments you received</Link>.
        </p>
      </Alert>
    );
  }

  return (
    <div style={{ maxWidth: "34rem" }}>
      <PageHeader title="New payment" />
      <Card>
        <form onSubmit={form.onSubmit} noValidate aria-label="New payment">
          <Stack gap={4}>
            <ErrorNotice error={form.failure} />
            <PayeeSearch
              error={form.errors.payee_id}
              {...(payeeDebounceMs === undefined ? {} : { debounceMs: payeeDebounceMs })}
            />
            <SelectField
              label="Currency"
              name="currency"
              value={currency}
              onChange={(event) => setCurrency(event.target.value)}
              error={form.errors.currency}
              options={currencies.map((code) => ({ value: code, label: code.toUpperCase() }))}
            />
            <TextField
              label={`Amount (${currency.toUpperCase()})`}
              name="amount"
              inputMode="decimal"
              autoComplete="off"
              hint={amountHint(currency)}
              error={form.errors.amount}
            />
            <TextAreaField
              label="Description (optional)"
              name="description"
              rows={2}
              maxLength={500}
              error={form.errors.description}
            />
            <div>
              <Button type="submit" busy={form.submitting}>
                Pay
              </Button>
            </div>
          </Stack>
        </form>
      </Card>
    </div>
  );
}
