import { type DeviceSession, queryKeys } from "@payments/api-client";
import {
  Badge,
  Button,
  Card,
  Cluster,
  ConfirmButton,
  ErrorNotice,
  PageHeader,
  Spinner,
  Stack,
  Table,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/Edg\//, "Edge"],
  [/Firefox\//, "Firefox"],
  [/Chrome\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/Android/, "Android"],
  [/iPhone|iPad/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X/, "macOS"],
  [/Linux/, "Linux"],
];

/** A readable device name from a User-Agent string (enough to tell one's own devices apart). */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? "Browser";
  const os = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  return os ? `${browser} on ${os}` : browser;
}

function SessionRow({
  session,
  onRevoke,
  busy,
}: {
  session: DeviceSession;
  onRevoke(): void;
  busy: boolean;
}) {
  const format = useFormatters();
  return (
    <tr>
      <td>
        {describeDevice(session.user_agent)}{" "}
        {session.current ? <Badge tone="success">This device</Badge> : null}
      </td>
      <td className="ui-cell--meta">
        <span className="ui-table__label">Last active </span>
        {format.dateTime(session.last_used_at)}
      </td>
      <td className="ui-cell--meta">
        <span className="ui-table__label">IP address </span>
        {session.ip ?? "—"}
      </td>
      <td className="ui-cell--meta">
        <span className="ui-table__label">Signed in </span>
        {format.dateTime(session.created_at)}
      </td>
      <td>
        {session.current ? null : (
          <ConfirmButton
            size="sm"
            busy={busy}
            title="Sign this device out?"
            description="It will need to sign in again."
            confirmLabel="Sign out device"
            onConfirm={onRevoke}
          >
            Sign out
          </ConfirmButton>
        )}
      </td>
    </tr>
  );
}

/** "1 active session", "3 active sessions". */
export function activeSessions(count: number): string {
  return count === 1 ? "1 active session" : `${count} active sessions`;
}

/** My sessions (devices): see where I am signed in, end one, or end all the others. */
export function SessionsPage({ basePath }: { basePath: string }) {
  const { api, queryClient } = usePlatform();
  const sessions = useQuery({ queryKey: queryKeys.sessions, queryFn: () => api.auth.sessions() });
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.sessions });
  const revoke = useMutation({ mutationFn: (id: string) => api.auth.revokeSession(id), onSettled: refresh });
  const revokeOthers = useMutation({ mutationFn: () => api.auth.revokeOtherSessions(), onSettled: refresh });
  const others = sessions.data?.data.filter((s) => !s.current).length ?? 0;
  return (
    <Stack gap={4}>
      <PageHeader
        title="Sessions and devices"
        description="Where your account is signed in. End any session you do not recognise."
        actions={
          <Link className="ui-button ui-button--secondary" to={`${basePath}/password`}>
            Change password
          </Link>
        }
      />
      <ErrorNotice error={revoke.error ?? revokeOthers.error ?? undefined} />
      <Card
        title="Signed-in devices"
        actions={
          <ConfirmButton
            busy={revokeOthers.isPending}
            disabled={others === 0}
            title="Sign out every other device?"
            description="Only this device will stay signed in."
            confirmLabel="Sign out others"
            onConfirm={() => revokeOthers.mutate()}
          >
            Sign out all other devices
          </ConfirmButton>
        }
      >
        {sessions.isPending ? <Spinner label="Loading sessions" /> : null}
        {sessions.error ? (
          <ErrorNotice error={sessions.error} onRetry={() => void sessions.refetch()} />
        ) : null}
        {sessions.data ? (
          <Table caption={activeSessions(sessions.data.data.length)} stack>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Last active</th>
                <th scope="col">IP address</th>
                <th scope="col">Signed in</th>
                <th scope="col">
                  <span className="ui-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.data.map((session) => (
                <SessionRow
                  key={session.id}
                  session={session}
                  busy={revoke.isPending && revoke.variables === session.id}
                  onRevoke={() => revoke.mutate(session.id)}
                />
              ))}
            </tbody>
          </Table>
        ) : null}
      </Card>
      <Cluster>
        <SignOutEverywhere />
      </Cluster>
    </Stack>
  );
}

function SignOutEverywhere() {
  const { api, session } = usePlatform();
  const all = useMutation({
    mutationFn: async () => {
      await api.auth.logoutAll();
      await session.signOut();
    },
  });
  return (
    <>
      <ConfirmButton
        variant="secondary"
        busy={all.isPending}
        title="Sign out everywhere?"
        description="Every device, including this one, will need to sign in again."
        confirmLabel="Sign out everywhere"
        onConfirm={() => all.mutate()}
      >
        Sign out everywhere
      </ConfirmButton>
      <ErrorNotice error={all.error ?? undefined} />
      <Button variant="ghost" onClick={() => void session.signOut()}>
        Sign out of this device
      </Button>
    </>
  );
}
