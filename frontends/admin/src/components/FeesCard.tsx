import { Card, Cluster, currencyLabel, SelectField, Stack, TextField } from "@payments/ui";
import type { ConfigFormProps } from "./ConfigForm.tsx";

/**
 * The platform fee the ledger charges on every payment (docs/adr/0032): basis points of the amount
 * (rounded half up) plus a fixed part per currency, and what a refund does with the fee.
 */
export function FeesCard({ value, onChange, problems, locale }: ConfigFormProps) {
  const fees = value.fees;
  const set = (next: Partial<typeof fees>) => onChange({ ...value, fees: { ...fees, ...next } });
  const whole = (text: string) => (text === "" ? Number.NaN : Number(text));
  return (
    <Card title="Platform fees">
      <Stack gap={3}>
        <p className="ui-hint">
          Charged on each succeeded payment: a percentage in basis points (290 = 2.9 %, rounded half up to a
          whole minor unit) plus a fixed part in the payment's minor units; never more than the payment.
        </p>
        <Cluster gap={4}>
          <TextField
            label="Percentage (basis points)"
            name="percent_bps"
            type="number"
            min={0}
            max={10_000}
            step={1}
            value={Number.isNaN(fees.percent_bps) ? "" : fees.percent_bps}
            error={problems.percent_bps}
            onChange={(e) => set({ percent_bps: whole(e.target.value) })}
          />
          <SelectField
            label="On a refund"
            name="fee_refunds"
            value={fees.refunds}
            onChange={(e) => set({ refunds: e.target.value === "return" ? "return" : "keep" })}
            options={[
              { value: "keep", label: "The platform keeps the fee" },
              { value: "return", label: "Return the fee in proportion" },
            ]}
          />
        </Cluster>
        <Cluster gap={4}>
          {value.supported_currencies.map((currency) => (
            <TextField
              key={currency}
              label={`Fixed fee, ${currencyLabel(currency, locale)}`}
              name={`fixed_${currency}`}
              type="number"
              min={0}
              step={1}
              value={fees.fixed[currency] ?? 0}
              error={problems[`fixed_${currency}`]}
              onChange={(e) => set({ fixed: { ...fees.fixed, [currency]: whole(e.target.value) } })}
            />
          ))}
        </Cluster>
      </Stack>
    </Card>
  );
}
