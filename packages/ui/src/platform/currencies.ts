import { createCaller, queryKeys } from "@payments/api-client";
import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { usePlatform } from "./context.tsx";

/**
 * Query key of the public configuration. It sits under `queryKeys.admin.config` on purpose: the shell
 * invalidates that prefix on `config.updated` (every signed-in user's `broadcast` room), so an admin's
 * change reaches an open form without a reload.
 */
export const publicConfigKey = [...queryKeys.admin.config, "public"] as const;

/** The currencies the server accepts payments in, as every currency picker must offer them. */
export interface SupportedCurrencies {
  /** Lowercase ISO-4217 codes from the system configuration; undefined until the server answered. */
  currencies: readonly string[] | undefined;
  /** Why the list could not be read (shown with `ErrorNotice`). */
  error: unknown;
  retry(): void;
  /** Asks the server again (after it refused a currency: the configuration changed meanwhile). */
  refresh(): Promise<void>;
}

/**
 * The one source of currency choices: `supported_currencies` of `GET /api/admin/config/public`. The first
 * read may come from the browser's cache (the server allows 30 s); a refetch means the configuration
 * changed, so it goes past that cache.
 */
export function useSupportedCurrencies(): SupportedCurrencies {
  const { http, queryClient } = usePlatform();
  const query = useQuery({
    queryKey: publicConfigKey,
    // The operation itself rather than `api.admin.publicConfig()`, which cannot pass the header.
    queryFn: () =>
      createCaller(http)("admin.getPublicConfig", {
        authenticated: false,
        ...(queryClient.getQueryData(publicConfigKey) === undefined
          ? {}
          : { headers: { "cache-control": "no-cache" } }),
      }),
    select: (config) => config.settings.supported_currencies,
  });
  const { refetch } = query;
  const retry = useCallback(() => void refetch(), [refetch]);
  const refresh = useCallback(
    () => queryClient.invalidateQueries({ queryKey: publicConfigKey }),
    [queryClient],
  );
  return { currencies: query.data, error: query.error ?? undefined, retry, refresh };
}

/**
 * The currency to preselect: the preferred one while it is accepted, else the first accepted one. While
 * the list is unknown the preference stands (the server judges the payment either way).
 */
export function preselectedCurrency(preferred: string, supported: readonly string[] | undefined): string {
  if (!supported || supported.includes(preferred)) return preferred;
  return supported[0] ?? preferred;
}

/** "SEK — Swedish Krona" in `locale` (the code alone where Intl has no name for it). */
export function currencyLabel(code: string, locale: string): string {
  const upper = code.toUpperCase();
  try {
    const name = new Intl.DisplayNames([locale], { type: "currency" }).of(upper);
    return name && name !== upper ? `${upper} — ${name}` : upper;
  } catch {
    return upper;
  }
}
