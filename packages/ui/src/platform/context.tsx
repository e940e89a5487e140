import type { Platform, Preferences, RealtimeStatus, SessionState } from "@payments/api-client";
import { formatMoney } from "@payments/api-client";
import { QueryClientProvider } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useMemo, useSyncExternalStore } from "react";
import { dateTimeFormat } from "./intl.ts";

const PlatformContext = createContext<Platform | undefined>(undefined);

/**
 * Provides the platform and its query client to a remote's tree. Each remote wraps itself in one, with
 * the platform its host passed as a prop, so it never depends on sharing a context object with the host.
 */
export function RemoteRoot({ platform, children }: { platform: Platform; children: ReactNode }) {
  return (
    <PlatformContext.Provider value={platform}>
      <QueryClientProvider client={platform.queryClient}>{children}</QueryClientProvider>
    </PlatformContext.Provider>
  );
}

/** The platform of the surrounding {@link RemoteRoot}. */
export function usePlatform(): Platform {
  const platform = useContext(PlatformContext);
  if (!platform) throw new Error("usePlatform must be used inside <RemoteRoot>");
  return platform;
}

/** The session, re-rendering on sign-in, refresh and sign-out (in this tab or another). */
export function useSession(): SessionState {
  const { session } = usePlatform();
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}

/** The user's preferences (theme, locale, currency). */
export function usePreferences(): Preferences {
  const { preferences } = usePlatform();
  return useSyncExternalStore(preferences.subscribe, preferences.get, preferences.get);
}

/** The real-time connection state. */
export function useRealtimeStatus(): RealtimeStatus {
  const { realtime } = usePlatform();
  return useSyncExternalStore(realtime.onStatus, realtime.status, realtime.status);
}

/** Joins a real-time room while the component is mounted (e.g. `payment:<id>` on a detail page). */
export function useRealtimeRoom(room: string | undefined): void {
  const { realtime } = usePlatform();
  useEffect(() => (room ? realtime.subscribe(room) : undefined), [realtime, room]);
}

/** Money and date formatters in the user's locale. */
export interface Formatters {
  locale: string;
  /** The user's default currency. */
  currency: string;
  money(amount: number, currency: string): string;
  dateTime(iso: string): string;
  date(iso: string): string;
}

const DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };
const DATE: Intl.DateTimeFormatOptions = { dateStyle: "medium" };

/**
 * {@link Formatters} for the current preferences. The Intl formatters behind them are shared by the whole
 * page (intl.ts) and made on first use: a page that shows no date never builds a date format.
 */
export function useFormatters(): Formatters {
  const { locale, default_currency } = usePreferences();
  // Never chosen: dollars, as the server's own default.
  const currency = default_currency ?? "usd";
  return useMemo(() => {
    const safe = (options: Intl.DateTimeFormatOptions, iso: string) => {
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : dateTimeFormat(locale, options).format(date);
    };
    return {
      locale,
      currency,
      money: (amount, code) => formatMoney(amount, code, locale),
      dateTime: (iso) => safe(DATE_TIME, iso),
      date: (iso) => safe(DATE, iso),
    };
  }, [locale, currency]);
}
