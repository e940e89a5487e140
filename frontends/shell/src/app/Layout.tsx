import {
  Alert,
  Badge,
  Button,
  usePlatform,
  usePreferences,
  useRealtimeStatus,
  useSession,
} from "@payments/ui";
import { useEffect, useState } from "react";
import { NavLink, Outlet } from "react-router";
import { usePageViews } from "../observability/analytics.ts";
import { navItems } from "./nav.ts";

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
  let text: string | undefined;
  if (!online) text = "You are offline. What you see may be out of date.";
  else if (status === "reconnecting") text = "Live updates are reconnecting…";
  // Polite live region that is always present, so a change of text is announced.
  return (
    <div aria-live="polite" className="shell-connection">
      {text ? <Alert tone="warning" title={text} /> : null}
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
      <NavLink to="/preferences">Preferences</NavLink>
      <NavLink to="/account/sessions">Security</NavLink>
      <Button variant="secondary" size="sm" onClick={() => void store.signOut()}>
        Sign out
      </Button>
    </div>
  );
}

/** The shell's frame: skip link, header with role-based navigation, connection notices, the page. */
export function Layout() {
  const session = useSession();
  const { analytics } = usePlatform();
  usePageViews(analytics);
  useDocumentPreferences();
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
      </header>
      <main id="main" className="shell-main" tabIndex={-1}>
        <ConnectionNotice />
        <Outlet />
      </main>
    </>
  );
}
