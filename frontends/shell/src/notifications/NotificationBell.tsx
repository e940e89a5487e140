import { queryKeys } from "@payments/api-client";
import { usePlatform, useSession } from "@payments/ui";
import { useQuery } from "@tanstack/react-query";
import { NavLink } from "react-router";

/** The bell's label: the count in words for assistive technology (the badge alone says only a number). */
export function bellLabel(unread: number): string {
  if (unread === 0) return "Notifications, none unread";
  return `Notifications, ${unread} unread`;
}

/**
 * The header's bell (docs/adr/0028): a link to the notification centre with the unread count. The count is
 * a query the shell invalidates when `notification.created` arrives on the user's room, so it rises live.
 */
export function NotificationBell() {
  const session = useSession();
  const { api } = usePlatform();
  const signedIn = session.status === "signed_in";
  const unread = useQuery({
    queryKey: queryKeys.notifications.unread,
    queryFn: () => api.notifications.unreadCount(),
    enabled: signedIn,
  });
  if (!signedIn) return null;
  const count = unread.data?.unread_count ?? 0;
  return (
    <NavLink to="/notifications" className="shell-bell" aria-label={bellLabel(count)}>
      <svg aria-hidden="true" className="shell-bell__icon" viewBox="0 0 24 24" width="22" height="22">
        <path
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          strokeLinejoin="round"
          d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0"
        />
      </svg>
      {count > 0 ? (
        <span aria-hidden="true" className="shell-bell__count" data-testid="bell-count">
          {count > 99 ? "99+" : count}
        </span>
      ) : null}
    </NavLink>
  );
}
