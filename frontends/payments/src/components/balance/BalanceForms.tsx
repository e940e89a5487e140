import { currencyCode, fromMinorUnits, queryKeys, toMinorUnits } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  ErrorNotice,
  SelectField,
  Stack,
  TextField,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useIdempotencyKey } from "../useIdempotencyKey.ts";

/** Saves a fetched file (the statement came with the bearer token: a plain link could not fetch it). */
function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Request a payout of part or all of the available balance of one currency. */
export function PayoutForm({
  available,
}: {
  available: ReadonlyArray<{ currency: string; amount: number }>;
}) {
  const { api, queryClient } = usePlatform();
  const format = useFormatters();
  const idempotency = useIdempotencyKey();
  const [currency, setCurrency] = useState(available[0]?.currency ?? "");
  const [problem, setProblem] = useState<string>();
  const max = available.find((a) => a.currency === currency)?.amount ?? 0;
  const payout = useMutation({
    mutationFn: async (body: { amount: number; currency: ReturnType<typeof currencyCode> }) => {
      const created = await api.balance.createPayout(body, idempotency.keyFor(body));
      idempotency.reset();
      await queryClient.invalidateQueries({ queryKey: queryKeys.balance.all });
      return created;
    },
  });
  if (available.length === 0) {
    return (
      <Card title="Request a payout">
        <p className="ui-hint">
          Nothing is available to pay out yet: received payments become available after the settlement delay.
        </p>
      </Card>
    );
  }
  return (
    <Card title="Request a payout">
      <form
        aria-label="Request a payout"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const parsed = toMinorUnits(String(data.get("amount") ?? ""), currency, format.locale);
          if (!parsed.ok || parsed.amount > max) {
            setProblem(`Enter an amount up to ${format.money(max, currency)}.`);
            return;
          }
          setProblem(undefined);
          payout.mutate({ amount: parsed.amount, currency: currencyCode(currency) });
        }}
      >
        <Stack gap={3}>
          {payout.data ? (
            <Alert tone="success" title="Payout requested">
              {format.money(payout.data.amount, payout.data.currency)} to the account ending{" "}
              {payout.data.bank_last4}.
            </Alert>
          ) : null}
          <ErrorNotice error={payout.error ?? undefined} />
          {available.length > 1 ? (
            <SelectField
              label="Currency"
              name="currency"
              value={currency}
              onChange={(event) => setCurrency(event.currentTarget.value)}
              options={available.map((a) => ({ value: a.currency, label: a.currency.toUpperCase() }))}
            />
          ) : null}
          <TextField
            key={currency}
            label={`Amount (${currency.toUpperCase()})`}
            name="amount"
            inputMode="decimal"
            defaultValue={fromMinorUnits(max, currency)}
            hint={`Up to ${format.money(max, currency)} available.`}
            error={problem}
          />
          <div>
            <Button type="submit" busy={payout.isPending}>
              Pay out
            </Button>
          </div>
        </Stack>
      </form>
    </Card>
  );
}

/** Where payouts go. Only the last 4 characters are kept, so the number is typed in full each time it changes. */
export function BankAccountForm({ last4 }: { last4: string | undefined }) {
  const { api, queryClient } = usePlatform();
  const [editing, setEditing] = useState(last4 === undefined);
  const [problem, setProblem] = useState<string>();
  const saving = useMutation({
    mutationFn: async (accountNumber: string) => {
      await api.balance.setBankAccount(accountNumber);
      await queryClient.invalidateQueries({ queryKey: queryKeys.balance.all });
      setEditing(false);
    },
  });
  return (
    <Card title="Bank account">
      {!editing && last4 ? (
        <Stack gap={2}>
          <p>Payouts go to the account ending {last4}.</p>
          <div>
            <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
              Change bank account
            </Button>
          </div>
        </Stack>
      ) : (
        <form
          aria-label="Bank account"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const value = String(new FormData(event.currentTarget).get("account_number") ?? "").trim();
            if (!/^(?:[0-9A-Za-z] ?){4,34}$/.test(value)) {
              setProblem("Enter an IBAN or account number (4 to 34 letters and digits).");
              return;
            }
            setProblem(undefined);
            saving.mutate(value);
          }}
        >
          <Stack gap={3}>
            <ErrorNotice error={saving.error ?? undefined} />
            <TextField
              label="IBAN or account number"
              name="account_number"
              autoComplete="off"
              maxLength={68}
              hint="Only its last 4 characters are stored."
              error={problem}
            />
            <div>
              <Button type="submit" busy={saving.isPending}>
                Save bank account
              </Button>
            </div>
          </Stack>
        </form>
      )}
    </Card>
  );
}

/** The monthly statement: the month's balance lines as CSV. */
export function StatementDownload() {
  const { api } = usePlatform();
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const download = useMutation({
    mutationFn: async () => save(await api.balance.statementCsv({ month }), `statement-${month}.csv`),
  });
  return (
    <Card title="Monthly statement">
      <form
        aria-label="Monthly statement"
        onSubmit={(event) => {
          event.preventDefault();
          download.mutate();
        }}
      >
        <Stack gap={3}>
          <ErrorNotice error={download.error ?? undefined} />
          <TextField
            label="Month"
            name="month"
            type="month"
            value={month}
            onChange={(event) => setMonth(event.currentTarget.value)}
            required
          />
          <div>
            <Button type="submit" variant="secondary" busy={download.isPending}>
              Download CSV
            </Button>
          </div>
        </Stack>
      </form>
    </Card>
  );
}
