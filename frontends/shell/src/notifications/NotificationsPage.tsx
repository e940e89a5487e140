import { queryKeys, type Schema } from "@payments/api-client";
import {
  Badge,
  Button,
  Card,
  Cluster,
  EmptyState,
  ErrorNotice,
  PageHeader,
  Spinner,
  Stack,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

type Notice = Schema<"Notification">;

function NoticeItem({ notice, onRead, busy }: { notice: Notice; onRead(): void; busy: boolean }) {
  const format = useFormatters();
  const unread = notice.read_at === null;
  return (
    <li className="shell-notice" data-unread={unread}>
      <Stack gap={1}>
        <Cluster>
          <strong>{notice.title}</strong>
          {unread ? <Badge tone="info">New</Badge> : null}
          {notice.security ? <Badge tone="warning">Security</Badge> : null}
        </Cluster>
        <p className="shell-notice__body">{notice.body}</p>
        <Cluster>
          <span className="ui-cell--meta">{format.dateTime(notice.created_at)}</span>
          {notice.link ? (
            <Link to={notice.link} onClick={unread ? onRead : undefined}>
              Open
            </Link>
          ) : null}
          {unread ? (
            <Button variant="secondary" size="sm" busy={busy} onClick={onRead}>
              Mark read
            </Button>
          ) : null}
        </Cluster>
      </Stack>
    </li>
  );
}

/** The notification centre: newest first, mark one or all read (docs/adr/0028). */
export function NotificationsPage() {
  const { api, queryClient } = usePlatform();
  const list = useQuery({
    queryKey: queryKeys.notifications.list({}),
    queryFn: () => api.notifications.list({ limit: 50 }),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all });
  const markRead = useMutation({
    mutationFn: (id: string) => api.notifications.markRead(id),
    onSettled: refresh,
  });
  const markAll = useMutation({ mutationFn: () => api.notifications.markAllRead(), onSettled: refresh });
  const unread = list.data?.unread_count ?? 0;
  return (
    <Stack>
      <PageHeader
        title="Notifications"
        description="Payments, refunds and security notices from the last 90 days."
        actions={
          <Button
            variant="secondary"
            disabled={unread === 0}
            busy={markAll.isPending}
            onClick={() => markAll.mutate()}
          >
            Mark all read
          </Button>
        }
      />
      {list.error ? <ErrorNotice error={list.error} onRetry={() => void list.refetch()} /> : null}
      {markRead.error ? <ErrorNotice error={markRead.error} /> : null}
      <Card title={unread === 1 ? "1 unread" : `${unread} unread`}>
        {list.isPending ? (
          <Spinner label="Loading notifications" />
        ) : list.data && list.data.data.length > 0 ? (
          <ul className="shell-notices">
            {list.data.data.map((notice) => (
              <NoticeItem
                key={notice.id}
                notice={notice}
                busy={markRead.isPending && markRead.variables === notice.id}
                onRead={() => markRead.mutate(notice.id)}
              />
            ))}
          </ul>
        ) : (
          <EmptyState>Nothing yet. Payments, refunds and security notices will show up here.</EmptyState>
        )}
      </Card>
    </Stack>
  );
}
