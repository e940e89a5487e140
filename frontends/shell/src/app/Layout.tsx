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

function UserMenu() {
  const session = useSession();
  const { session: store } = usePlatform();
  if (session.status !== "signed_in") return null;
  return (
    <div className="shell-user">
      <span>
        {session.user.name} <Badge tone="info">{session.user.role}</Badge>
      </span>
      <NavLink to="/profile">Profile</NavLink>
      <NavLink to="/preferences">Preferences</NavLink>
      <NavLink to="/account/sessions">Security</NavLink>
      <NavLink to="/account/security">Two-factor</NavLink>
      <Button variant="secondary" size="sm" onClick={() => void store.signOut()}>
        Sign out
      </Button>
    </div>
  );
}

/**
 * The header's menu on a phone: a disclosure button that shows the navigation and the account links as one
 * column (on a wider screen the button is hidden and they sit in the header row, see shell.css). It closes
 * on navigation and on Escape, which returns focus to the button.
 */
function useMenu() {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();
  // A new path closes the menu (the link inside it was followed).
  useEffect(() => {
    if (pathname) setOpen(false);
  }, [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      toggle.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  return { open, toggle, flip: () => setOpen((was) => !was) };
}

/** The shell's frame: skip link, header with role-based navigation, connection notices, the page. */
export function Layout() {
  const session = useSession();
  const { analytics } = usePlatform();
  usePageViews(analytics);
  useDocumentPreferences();
  const menu = useMenu();
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
