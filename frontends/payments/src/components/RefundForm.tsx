import { fromMinorUnits, type Payment, queryKeys } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  ErrorNotice,
  Stack,
  TextField,
  useFormatters,
  useFormSchemas,
  usePlatform,
  useZodForm,
} from "@payments/ui";
import { useCallback, useMemo, useState } from "react";
import { useIdempotencyKey } from "./useIdempotencyKey.ts";

/** Refund all or part of a payment; at most what has not been refunded yet. */
export function RefundForm({ payment }: { payment: Payment }) {
  const { refundFormSchema } = useFormSchemas();
  const { api, queryClient } = usePlatform();
  const format = useFormatters();
  const idempotency = useIdempotencyKey();
  const [done, setDone] = useState(false);
  const remaining = payment.amount - payment.amount_refunded;
  const schema = useMemo(
    () => refundFormSchema(payment.currency, remaining, format.locale),
    [refundFormSchema, payment.currency, remaining, format.locale],
  );
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
  const form = useZodForm(schema, submit);
  return (
    <Card title="Refund">
      <form
        onSubmit={async (event) => {
          const target = event.currentTarget;
          if (await form.onSubmit(event)) target.reset();
        }}
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
