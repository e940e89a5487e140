import { queryKeys, ROLES, type User } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  Cluster,
  ErrorNotice,
  SelectField,
  TextField,
  useFormSchemas,
  usePlatform,
  useZodForm,
} from "@payments/ui";
import { useCallback, useState } from "react";

const ROLE_LABELS = { customer: "Customer", vendor: "Vendor", admin: "Admin" } as const;

/**
 * Invites a user of any role (docs/adr/0017): auth creates the account and mails a link to set the
 * password; the invitation is in the audit log as `user.invited`.
 */
export function InviteUserForm() {
  const { inviteFormSchema } = useFormSchemas();
  const { api, queryClient } = usePlatform();
  const [invited, setInvited] = useState<User | undefined>();
  const submit = useCallback(
    async (body: { email: string; name: string; role: User["role"] }) => {
      setInvited(await api.auth.inviteUser(body));
      await queryClient.invalidateQueries({ queryKey: queryKeys.admin.users });
    },
    [api, queryClient],
  );
  const form = useZodForm(inviteFormSchema, async (body) => {
    await submit(body);
  });
  return (
    <Card>
      <form
        aria-label="Invite user"
        noValidate
        onSubmit={async (event) => {
          const target = event.currentTarget;
          if (await form.onSubmit(event)) target.reset();
        }}
      >
        <Cluster gap={4}>
          <TextField label="Email" name="email" type="email" required error={form.errors.email} />
          <TextField label="Name" name="name" required error={form.errors.name} />
          <SelectField
            label="Role"
            name="role"
            defaultValue="customer"
            error={form.errors.role}
            options={ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }))}
          />
          <Button type="submit" busy={form.submitting}>
            Invite user
          </Button>
        </Cluster>
      </form>
      <ErrorNotice error={form.failure} />
      {invited && !form.failure ? (
        <Alert tone="success" title={`Invitation sent to ${invited.email}.`}>
          The link to set a password works for 72 hours.
        </Alert>
      ) : null}
    </Card>
  );
}
