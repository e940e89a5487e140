import { PAYMENT_STATUSES, type PaymentFilters, toMinorUnits } from "@payments/api-client";

/** The list's filters as the URL keeps them: what the person typed, so a shared link shows the same form. */
export const FILTER_KEYS = ["q", "status", "from", "to", "min", "max", "currency", "counterparty"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type FilterState = Record<FilterKey, string>;

/** The API's filters for `state`, and a message per field that cannot be used as typed. */
export interface ParsedFilters {
  api: PaymentFilters;
  errors: Partial<Record<FilterKey, string>>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const USER_ID = /^usr_[0-9a-z]{26}$/;

/** Midnight at the start (or the last millisecond) of a calendar day in the browser's time zone. */
function dayEdge(day: string, end: boolean): string | undefined {
  if (!DAY.test(day)) return undefined;
  const date = new Date(`${day}T${end ? "23:59:59.999" : "00:00:00"}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Turns the form into the list's query. Amounts are typed in major units of the chosen currency (without
 * one, of the person's default currency). A field that cannot be read, or a range the wrong way round, is
 * left out of the query and gets a message instead: the service would refuse it with a 400.
 */
export function parseFilters(state: FilterState, fallbackCurrency: string, locale: string): ParsedFilters {
  const errors: ParsedFilters["errors"] = {};
  const currency = /^[a-z]{3}$/.test(state.currency) ? state.currency : undefined;
  const amount = (key: "min" | "max"): number | undefined => {
    if (!state[key].trim()) return undefined;
    const minor = toMinorUnits(state[key], currency ?? fallbackCurrency, locale);
    if (minor.ok) return minor.amount;
    errors[key] = minor.message;
    return undefined;
  };
  let min = amount("min");
  let max = amount("max");
  if (min !== undefined && max !== undefined && min > max) {
    errors.max = "The highest amount is below the lowest.";
    min = max = undefined;
  }
  let from = dayEdge(state.from, false);
  let to = dayEdge(state.to, true);
  if (from && to && from > to) {
    errors.to = "The end date is before the start date.";
    from = to = undefined;
  }
  const q = state.q.trim().slice(0, 100);
  return {
    api: {
      q: q || undefined,
      status: PAYMENT_STATUSES.find((s) => s === state.status),
      "created[gte]": from,
      "created[lte]": to,
      "amount[gte]": min,
      "amount[lte]": max,
      currency,
      counterparty: USER_ID.test(state.counterparty) ? state.counterparty : undefined,
    },
    errors,
  };
}

/** Reads the filter keys from the URL's query. */
export function filterState(params: URLSearchParams): FilterState {
  return Object.fromEntries(FILTER_KEYS.map((key) => [key, params.get(key) ?? ""])) as FilterState;
}

/** True when any filter is set (the empty list then says "no match", not "nothing yet"). */
export function anyFilter(state: FilterState): boolean {
  return FILTER_KEYS.some((key) => state[key] !== "");
}
