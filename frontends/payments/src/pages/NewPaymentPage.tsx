import {
  ApiError,
  type CreatePaymentBody,
  currencyCode,
  type FormModule,
  minorUnitExponent,
  queryKeys,
} from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  currencyLabel,
  ErrorNotice,
  PageHeader,
  preselectedCurrency,
  SelectField,
  Stack,
  TextAreaField,
  TextField,
  useLazyZodFormOf,
  usePlatform,
  usePreferences,
  useSession,
  useSupportedCurrencies,
} from "@payments/ui";
import { useCallback, useState } from "react";
import { Link, useNavigate } from "react-router";
import { PayeeSearch } from "../components/PayeeSearch.tsx";
import { useIdempotencyKey } from "../components/useIdempotencyKey.ts";

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
  const supported = useSupportedCurrencies();
  // Until the person picks one, the currency follows their preference (which may arrive after the form
  // did) and the server's list (an admin may remove the preferred currency while the form is open).
  const [picked, setPicked] = useState<string>();
  const stillOffered = picked !== undefined && (supported.currencies?.includes(picked) ?? true);
  const currency = preselectedCurrency(
    stillOffered && picked ? picked : (preferences.default_currency ?? "usd"),
    supported.currencies,
  );
  const currencies = supported.currencies ?? [currency];
  const { refresh } = supported;

  const submit = useCallback(
    async (body: CreatePaymentBody) => {
      try {
        // The form's schema is the contract's, so the code is one the service knows by now.
        const payment = await api.payments.create(
          { ...body, currency: currencyCode(body.currency) },
          idempotency.keyFor(body),
        );
        idempotency.reset();
        await queryClient.invalidateQueries({ queryKey: queryKeys.payments.lists });
        navigate(`${basePath}/${payment.id}`, { state: { created: true } });
      } catch (error) {
        // The configuration changed since the list was read: show the current one with the refusal.
        if (error instanceof ApiError && error.code === "unsupported_currency") void refresh();
        throw error;
      }
    },
    [api, basePath, idempotency, navigate, queryClient, refresh],
  );
  // The form shows at once; the schemas (zod) come when a field is first touched (issue 21: first load).
  const form = useLazyZodFormOf((forms: FormModule) => forms.paymentFormSchema(preferences.locale), submit);

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
        <form onSubmit={form.onSubmit} onFocus={form.prefetch} noValidate aria-label="New payment">
          <Stack gap={4}>
            <ErrorNotice error={form.failure} />
            <PayeeSearch
              error={form.errors.payee_id}
              {...(payeeDebounceMs === undefined ? {} : { debounceMs: payeeDebounceMs })}
            />
            {supported.error ? <ErrorNotice error={supported.error} onRetry={supported.retry} /> : null}
            <SelectField
              label="Currency"
              name="currency"
              value={currency}
              onChange={(event) => setPicked(event.target.value)}
              error={form.errors.currency}
              options={currencies.map((code) => ({
                value: code,
                label: currencyLabel(code, preferences.locale),
              }))}
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
