import { type FormModule, fromMinorUnits, type Payment, queryKeys } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  ErrorNotice,
  Stack,
  TextField,
  useFormatters,
  useLazyZodFormOf,
  usePlatform,
} from "@payments/ui";
import { useCallback, useState } from "react";
import { useIdempotencyKey } from "./useIdempotencyKey.ts";

/**
 * Refund all or part of a payment; at most what has not been refunded yet. It shows with the payment, so
 * it renders without the schemas (zod), fetched when a field is first focused: suspending on them hid the
 * whole page from its payee until they had arrived and been evaluated (issue 18, Total Blocking Time).
 */
export function RefundForm({ payment }: { payment: Payment }) {
  const { api, queryClient } = usePlatform();
  const format = useFormatters();
  const idempotency = useIdempotencyKey();
  const [done, setDone] = useState(false);
  const remaining = payment.amount - payment.amount_refunded;
  const submit = useCallback(
    async (body: { amount: number; reason?: string }) => {
      setDone(false);
      await api.payments.refund(payment.id, body, idempotency.keyFor({ payment: payment.id, ...body }));
      idempotency.reset();
      setDone(true);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.payments.detail(payment.id) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.payments.history(payment.id) }),
      ]);
    },
    [api, idempotency, payment.id, queryClient],
  );
  const form = useLazyZodFormOf(
    (forms: FormModule) => forms.refundFormSchema(payment.currency, remaining, format.locale),
    submit,
  );
  return (
    <Card title="Refund">
      <form
        onSubmit={async (event) => {
          const target = event.currentTarget;
          if (await form.onSubmit(event)) target.reset();
        }}
        onFocus={form.prefetch}
        noValidate
        aria-label="Refund"
      >
        <Stack gap={3}>
          {done ? <Alert tone="success" title="Refund requested" /> : null}
          <ErrorNotice error={form.failure} />
          <TextField
            label={`Amount to refund (${payment.currency.toUpperCase()})`}
            name="amount"
            inputMode="decimal"
            defaultValue={fromMinorUnits(remaining, payment.currency)}
            hint={`Up to ${format.money(remaining, payment.currency)}.`}
            error={form.errors.amount}
          />
          <TextField label="Reason (optional)" name="reason" maxLength={500} error={form.errors.reason} />
          <div>
            <Button type="submit" variant="secondary" busy={form.submitting}>
              Refund
            </Button>
          </div>
        </Stack>
      </form>
    </Card>
  );
}
