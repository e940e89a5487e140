import { queryKeys, ROLES, type Role, type User, type UserFilters } from "@payments/api-client";
import {
  Badge,
  Button,
  Card,
  Cluster,
  ConfirmButton,
  EmptyState,
  ErrorNotice,
  PageHeader,
  SelectField,
  Spinner,
  Table,
  TextField,
  useFormatters,
  usePlatform,
  useSession,
} from "@payments/ui";
import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { InviteUserForm } from "../components/InviteUserForm.tsx";

const ROLE_LABELS: Record<Role, string> = { customer: "Customer", vendor: "Vendor", admin: "Admin" };

function UserRow({ user, self }: { user: User; self: boolean }) {
  const { api, queryClient } = usePlatform();
  const format = useFormatters();
  const update = useMutation({
    mutationFn: (patch: { role?: Role; active?: boolean }) => api.auth.updateUser(user.id, patch),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.admin.users }),
  });
  return (
    <tr>
      <td>
        {user.name}
        <div className="ui-hint">{user.email}</div>
      </td>
      <td>
        <label className="ui-visually-hidden" htmlFor={`role-${user.id}`}>
          Role of {user.name}
        </label>
        <select
          id={`role-${user.id}`}
          className="ui-input"
          value={user.role}
          // Changing one's own role could lock the last admin out.
          disabled={self || update.isPending}
          onChange={(event) => {
            const role = ROLES.find((r) => r === event.target.value);
            if (role) update.mutate({ role });
          }}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
      </td>
      <td className="ui-cell--end">
        {user.active ? <Badge tone="success">Active</Badge> : <Badge tone="danger">Deactivated</Badge>}
      </td>
      <td className="ui-cell--meta ui-nowrap">
        <span className="ui-table__label">Joined </span>
        {format.date(user.created_at)}
      </td>
      <td>
        {self ? null : user.active ? (
          <ConfirmButton
            size="sm"
            busy={update.isPending}
            title={`Deactivate ${user.name}?`}
            description="Their sessions end now and their pending payments are canceled."
            confirmLabel="Deactivate"
            onConfirm={() => update.mutate({ active: false })}
          >
            Deactivate
          </ConfirmButton>
        ) : (
          <Button
            size="sm"
            variant="secondary"
            busy={update.isPending}
            onClick={() => update.mutate({ active: true })}
          >
            Reactivate
          </Button>
        )}
        {update.error ? <ErrorNotice error={update.error} /> : null}
      </td>
    </tr>
  );
}

/** Users: search, change role, deactivate (auth's admin routes; identity stays auth's data). */
export function UsersPage() {
  const { api } = usePlatform();
  const session = useSession();
  const [filters, setFilters] = useState<UserFilters>({});
  const [query, setQuery] = useState("");
  const users = useInfiniteQuery({
    queryKey: queryKeys.admin.userList({ ...filters }),
    queryFn: ({ pageParam }) => api.auth.users(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? last.data.at(-1)?.id : undefined),
  });
  const list = users.data?.pages.flatMap((p) => p.data) ?? [];
  const me = session.status === "signed_in" ? session.user.id : undefined;
  return (
    <>
      <PageHeader
        title="Users"
        description="Role changes and deactivation end the user's sessions at once."
      />
      <InviteUserForm />
      <Card>
        <form
          aria-label="Search users"
          onSubmit={(event) => {
            event.preventDefault();
            setFilters((f) => ({ ...f, query: query.trim() || undefined }));
          }}
        >
          <Cluster gap={4}>
            <TextField
              label="Name or email"
              name="query"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            <SelectField
              label="Role"
              name="role"
              value={filters.role ?? ""}
              onChange={(e) => setFilters((f) => ({ ...f, role: ROLES.find((r) => r === e.target.value) }))}
              options={[
                { value: "", label: "Any role" },
                ...ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
              ]}
            />
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </Cluster>
        </form>
        {users.isPending ? <Spinner label="Loading users" /> : null}
        {users.error ? <ErrorNotice error={users.error} onRetry={() => void users.refetch()} /> : null}
        {users.isSuccess && list.length === 0 ? <EmptyState>No user matches.</EmptyState> : null}
        {list.length > 0 ? (
          <Table caption={`Users (${list.length}${users.hasNextPage ? "+" : ""})`} stack>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="ui-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((user) => (
                <UserRow key={user.id} user={user} self={user.id === me} />
              ))}
            </tbody>
          </Table>
        ) : null}
        {users.hasNextPage ? (
          <Button
            variant="secondary"
            busy={users.isFetchingNextPage}
            onClick={() => void users.fetchNextPage()}
          >
            Load more
          </Button>
        ) : null}
      </Card>
    </>
  );
}
