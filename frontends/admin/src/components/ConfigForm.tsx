import { currencyCode } from "@payments/api-client";
import {
  Button,
  Card,
  Cluster,
  currencyLabel,
  SelectField,
  Stack,
  TextAreaField,
  TextField,
} from "@payments/ui";
import { useId, useState } from "react";
import { type Banner as BannerValue, bannerOf, currencyProblem, type Settings } from "./config-settings.ts";
import { FeesCard } from "./FeesCard.tsx";

/** Props of {@link ConfigForm}. */
export interface ConfigFormProps {
  value: Settings;
  onChange(next: Settings): void;
  /** Messages by field (`currencies`, `min_amount`, `max_amount`, `message`). */
  problems: Record<string, string>;
  locale: string;
}

function CurrencyList({ value, onChange, problems, locale }: ConfigFormProps) {
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState<string>();
  const listId = useId();
  const list = value.supported_currencies;

  function add() {
    const next = code.trim().toLowerCase();
    const why = currencyProblem(next, list);
    setProblem(why);
    if (why) return;
    onChange({ ...value, supported_currencies: [...list, currencyCode(next)] });
    setCode("");
  }

  return (
    <Card title="Currencies">
      <Stack gap={3}>
        <p className="ui-hint" id={listId}>
          Payments are accepted in these currencies only; the payments service and every currency picker
          follow a change without a restart.
        </p>
        <ul className="ui-chips" aria-labelledby={listId}>
          {list.map((c) => (
            <li key={c} className="ui-chip">
              <span title={currencyLabel(c, locale)}>{c.toUpperCase()}</span>
              <Button
                variant="ghost"
                size="sm"
                aria-label={`Remove ${c.toUpperCase()}`}
                onClick={() => onChange({ ...value, supported_currencies: list.filter((x) => x !== c) })}
              >
                ×
              </Button>
            </li>
          ))}
        </ul>
        {problems.currencies ? <p className="ui-error">{problems.currencies}</p> : null}
        <Cluster gap={2}>
          <TextField
            label="Add a currency"
            name="new_currency"
            value={code}
            maxLength={3}
            autoComplete="off"
            hint="Three-letter ISO 4217 code, e.g. nok."
            error={problem}
            onChange={(e) => setCode(e.target.value)}
            onKeyDown={(e) => {
              // Enter adds the currency here; it must not submit the whole configuration.
              if (e.key === "Enter") {
                e.preventDefault();
                add();
              }
            }}
          />
          <Button variant="secondary" onClick={add}>
            Add currency
          </Button>
        </Cluster>
      </Stack>
    </Card>
  );
}

function Limits({ value, onChange, problems, locale }: ConfigFormProps) {
  const limits = value.payment_limits;
  const setDefault = (key: "min_amount" | "max_amount", text: string) =>
    onChange({
      ...value,
      payment_limits: { ...limits, default: { ...limits.default, [key]: text === "" ? 0 : Number(text) } },
    });
  const overrides = Object.entries(limits.per_currency);
  return (
    <Card title="Payment limits">
      <Stack gap={3}>
        <p className="ui-hint">
          In minor units of the payment's currency (cents for USD, yen for JPY), unless a currency has its own
          limits.
        </p>
        <Cluster gap={4}>
          <TextField
            label="Smallest payment"
            name="min_amount"
            type="number"
            min={1}
            step={1}
            value={limits.default.min_amount || ""}
            error={problems.min_amount}
            onChange={(e) => setDefault("min_amount", e.target.value)}
          />
          <TextField
            label="Largest payment"
            name="max_amount"
            type="number"
            min={1}
            step={1}
            value={limits.default.max_amount || ""}
            error={problems.max_amount}
            onChange={(e) => setDefault("max_amount", e.target.value)}
          />
        </Cluster>
        {overrides.length > 0 ? (
          <p className="ui-hint">
            Own limits (kept as they are):{" "}
            {overrides
              .map(([c, l]) => `${currencyLabel(c, locale)} ${l.min_amount}–${l.max_amount}`)
              .join("; ")}
          </p>
        ) : null}
      </Stack>
    </Card>
  );
}

function Banner({ value, onChange, problems }: ConfigFormProps) {
  const banner = bannerOf(value);
  const set = (next: Partial<BannerValue>) =>
    onChange({ ...value, maintenance_banner: { ...banner, ...next } });
  return (
    <Card title="Maintenance banner">
      <Stack gap={3}>
        <label className="ui-cluster" style={{ gap: "var(--ui-space-2)" }}>
          <input
            type="checkbox"
            name="banner_enabled"
            checked={banner.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />
          Show a banner to everyone
        </label>
        <SelectField
          label="Level"
          name="level"
          value={banner.level}
          onChange={(e) => {
            const level = e.target.value;
            if (level === "info" || level === "warning" || level === "critical") set({ level });
          }}
          options={[
            { value: "info", label: "Information" },
            { value: "warning", label: "Warning" },
            { value: "critical", label: "Critical" },
          ]}
        />
        <TextAreaField
          label="Message"
          name="message"
          rows={2}
          maxLength={500}
          value={banner.message}
          error={problems.message}
          onChange={(e) => set({ message: e.target.value })}
        />
      </Stack>
    </Card>
  );
}

function Security({ value, onChange }: ConfigFormProps) {
  const security = value.security;
  return (
    <Card title="Sign-in security">
      <Stack gap={3}>
        <label className="ui-cluster" style={{ gap: "var(--ui-space-2)" }}>
          <input
            type="checkbox"
            name="require_admin_2fa"
            checked={security.require_admin_2fa}
            onChange={(e) => onChange({ ...value, security: { require_admin_2fa: e.target.checked } })}
          />
          Require two-factor sign-in for administrators
        </label>
        <p className="ui-hint">
          Admins without it are sent to set it up, and the admin pages refuse sessions that signed in with a
          password alone. Turn it on for yourself first (Security, under your name in the header).
        </p>
      </Stack>
    </Card>
  );
}

/** The configuration as a form: currencies, default limits, fees, maintenance banner, sign-in security. */
export function ConfigForm(props: ConfigFormProps) {
  return (
    <Stack gap={4}>
      <CurrencyList {...props} />
      <Limits {...props} />
      <FeesCard {...props} />
      <Banner {...props} />
      <Security {...props} />
    </Stack>
  );
}
