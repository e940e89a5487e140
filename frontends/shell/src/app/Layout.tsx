import {
  Alert,
  Badge,
  Button,
  usePlatform,
  usePreferences,
  useRealtimeStatus,
  useSession,
} from "@payments/ui";
import { useEffect, useRef, useState } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { NotificationBell } from "../notifications/NotificationBell.tsx";
import { usePageViews } from "../observability/analytics.ts";
import { describeStale, useStaleReads } from "../pwa/stale-reads.ts";
import { navItems } from "./nav.ts";
import { VerifyEmailBanner } from "./VerifyEmailBanner.tsx";

/** Applies theme and language to the document (design tokens switch on `data-theme`). */
function useDocumentPreferences(): void {
  const { theme, locale } = usePreferences();
  useEffect(() => {
    const root = document.documentElement;
    if (theme === "system") delete root.dataset.theme;
    else root.dataset.theme = theme;
    root.lang = locale;
  }, [theme, locale]);
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
    };
  }, []);
  return online;
}

function ConnectionNotice() {
  const status = useRealtimeStatus();
  const online = useOnline();
  const stale = useStaleReads();
  const { locale } = usePreferences();
  let text: string | undefined;
  if (!online) text = "You are offline. What you see may be out of date.";
  else if (status === "reconnecting") text = "Live updates are reconnecting…";
  // Polite live region that is always present, so a change of text is announced.
  return (
    <div aria-live="polite" className="shell-connection">
      {text ? <Alert tone="warning" title={text} /> : null}
      {stale.length > 0 ? (
        <Alert tone="warning" title="Showing a saved copy">
          {describeStale(stale, locale)}
        </Alert>
      ) : null}
    </div>
  );
}

/**
 * The account's links behind the person's name (as a Stripe-like dashboard has them): Profile,
 * Preferences, Sessions and Security open from one button, so the header keeps one row at a laptop's width
 * with an admin's or a vendor's navigation; Sign out stays in sight. On a phone the list opens inside the
 * header's menu instead of over the page. It closes on navigation, on Escape (focus back on the button) and
 * on a click elsewhere.
 */
/** The account's pages, each named as its page is titled (Security holds two-factor sign-in). */
const ACCOUNT_LINKS = [
  { to: "/profile", label: "Profile" },
  { to: "/preferences", label: "Preferences" },
  { to: "/account/sessions", label: "Sessions" },
  { to: "/account/security", label: "Security" },
] as const;

function UserMenu() {
  const session = useSession();
  const { session: store } = usePlatform();
  const account = useDisclosure({ closeOnOutsideClick: true, escapeFirst: true });
  if (session.status !== "signed_in") return null;
  return (
    <div className="shell-user">
      <div className="shell-account" ref={account.container}>
        <button
          ref={account.toggle}
          type="button"
          className="shell-account-toggle"
          aria-expanded={account.open}
          aria-controls="shell-account-links"
          onClick={account.flip}
        >
          <span className="ui-visually-hidden">Account: </span>
          {session.user.name} <Badge tone="info">{session.user.role}</Badge>
          <span aria-hidden="true" className="shell-account-chevron" />
        </button>
        <ul id="shell-account-links" className="shell-account-links" data-open={account.open}>
          {ACCOUNT_LINKS.map((link) => (
            <li key={link.to}>
              <NavLink to={link.to}>{link.label}</NavLink>
            </li>
          ))}
        </ul>
      </div>
      <Button variant="secondary" size="sm" onClick={() => void store.signOut()}>
        Sign out
      </Button>
    </div>
  );
}

/**
 * A disclosure: a button that shows and hides what it controls. It closes on navigation and on Escape,
 * which returns focus to the button; `closeOnOutsideClick` also closes it on a press outside `container`.
 * `escapeFirst` takes Escape before the other disclosures (the account list inside the phone's menu closes
 * alone, and the menu stays open).
 */
function useDisclosure(opts: { closeOnOutsideClick?: boolean; escapeFirst?: boolean } = {}) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const { pathname } = useLocation();
  const { closeOnOutsideClick = false, escapeFirst = false } = opts;
  // A new path closes it (a link inside it was followed).
  useEffect(() => {
    if (pathname) setOpen(false);
  }, [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      if (escapeFirst) event.stopPropagation();
      setOpen(false);
      toggle.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !container.current?.contains(event.target)) setOpen(false);
    };
    // Capturing: this list hears Escape before the phone menu's listener, which then never sees it.
    document.addEventListener("keydown", onKey, escapeFirst);
    if (closeOnOutsideClick) document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey, escapeFirst);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open, closeOnOutsideClick, escapeFirst]);
  return { open, toggle, container, flip: () => setOpen((was) => !was) };
}

/** The shell's frame: skip link, header with role-based navigation, connection notices, the page. */
export function Layout() {
  const session = useSession();
  const { analytics } = usePlatform();
  usePageViews(analytics);
  useDocumentPreferences();
  // The header's menu on a phone: the navigation and the account as one column (hidden on wider screens).
  const menu = useDisclosure();
  const items = navItems(session.status === "signed_in" ? session.user.role : undefined);
  return (
    <>
      <a className="ui-skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <NavLink to="/" className="shell-brand">
          Payments
        </NavLink>
        <NotificationBell />
        <Button
          ref={menu.toggle}
          variant="secondary"
          size="sm"
          className="shell-menu-toggle"
          aria-expanded={menu.open}
          aria-controls="shell-menu"
          onClick={menu.flip}
        >
          <span aria-hidden="true" className="shell-menu-icon" />
          Menu
        </Button>
        <div id="shell-menu" className="shell-menu" data-open={menu.open}>
          <nav aria-label="Main">
            <ul className="shell-nav">
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end ?? false}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <UserMenu />
        </div>
      </header>
      <main id="main" className="shell-main" tabIndex={-1}>
        <ConnectionNotice />
        <VerifyEmailBanner />
        <Outlet />
      </main>
    </>
  );
}
