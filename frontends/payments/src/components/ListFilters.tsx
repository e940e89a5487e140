import { PAYMENT_STATUSES } from "@payments/api-client";
import {
  Button,
  currencyLabel,
  SelectField,
  TextField,
  usePreferences,
  useSupportedCurrencies,
} from "@payments/ui";
import { useEffect, useState } from "react";
import type { FilterKey, FilterState, ParsedFilters } from "./filters.ts";
import { STATUS_LABELS } from "./StatusBadge.tsx";

/** Waits for a pause in typing before searching: one request per word, not per key. */
const SEARCH_DEBOUNCE_MS = 300;

function SearchField({ value, onSearch }: { value: string; onSearch(text: string): void }) {
  const [text, setText] = useState(value);
  // The URL is the truth: "Clear filters" or the back button change it under the field.
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onSearch(text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <div className="ui-filters__wide">
      <TextField
        label="Search"
        name="q"
        type="search"
        value={text}
        maxLength={100}
        placeholder="A name or a description"
        onChange={(event) => setText(event.target.value)}
      />
    </div>
  );
}

/**
 * The list's filters: search and status at hand, dates, amounts and currency under "More filters" (open
 * when one of them is set), so a phone shows the payments first. Every change goes to the URL.
 */
export function ListFilters({
  state,
  errors,
  counterpartyName,
  onChange,
  onClear,
}: {
  state: FilterState;
  errors: ParsedFilters["errors"];
  /** The name of the person `state.counterparty` names, when a loaded payment tells it. */
  counterpartyName: string | undefined;
  onChange(key: FilterKey, value: string): void;
  onClear(): void;
}) {
  const { locale } = usePreferences();
  const { currencies } = useSupportedCurrencies();
  const more = Boolean(state.from || state.to || state.min || state.max || state.currency);
  // Opens by itself when one of its filters is set (a shared link); otherwise it stays as the person left
  // it: emptying a field must not fold the panel away under their cursor.
  const [open, setOpen] = useState(more);
  useEffect(() => {
    if (more) setOpen(true);
  }, [more]);
  const set = (key: FilterKey) => (event: { target: { value: string } }) => onChange(key, event.target.value);
  const currencyOptions = [...new Set([...(currencies ?? []), ...(state.currency ? [state.currency] : [])])];
  const active = Object.values(state).some((v) => v !== "");
  return (
    <div className="ui-stack" style={{ gap: "var(--ui-space-3)" }}>
      <div className="ui-filters">
        <SearchField value={state.q} onSearch={(text) => onChange("q", text.trim())} />
        <SelectField
          label="Status"
          name="status"
          value={state.status}
          onChange={set("status")}
          options={[
            { value: "", label: "Any status" },
            ...PAYMENT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
          ]}
        />
      </div>
      <details open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary>More filters</summary>
        <div className="ui-filters" style={{ marginTop: "var(--ui-space-3)" }}>
          <TextField label="From" name="from" type="date" value={state.from} onChange={set("from")} />
          <TextField
            label="To"
            name="to"
            type="date"
            value={state.to}
            onChange={set("to")}
            error={errors.to}
          />
          <TextField
            label="Lowest amount"
            name="min"
            inputMode="decimal"
            autoComplete="off"
            value={state.min}
            onChange={set("min")}
            error={errors.min}
          />
          <TextField
            label="Highest amount"
            name="max"
            inputMode="decimal"
            autoComplete="off"
            value={state.max}
            onChange={set("max")}
            error={errors.max}
          />
          <SelectField
            label="Currency"
            name="currency"
            value={state.currency}
            onChange={set("currency")}
            options={[
              { value: "", label: "Any currency" },
              ...currencyOptions.map((code) => ({ value: code, label: currencyLabel(code, locale) })),
            ]}
          />
        </div>
      </details>
      {active ? (
        <div className="ui-cluster" style={{ gap: "var(--ui-space-2)" }}>
          {state.counterparty ? (
            <ul className="ui-chips" aria-label="Person">
              <li className="ui-chip">
                With {counterpartyName ?? "one person"}
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Show payments with anyone, not only ${counterpartyName ?? "this person"}`}
                  onClick={() => onChange("counterparty", "")}
                >
                  ×
                </Button>
              </li>
            </ul>
          ) : null}
          <Button variant="secondary" size="sm" onClick={onClear}>
            Clear filters
          </Button>
        </div>
      ) : null}
    </div>
  );
}
