import { PASSWORD_MAX, PASSWORD_MIN } from "@payments/api-client";
import { Button, ErrorNotice, Stack, TextField, useLazyZodForm } from "@payments/ui";

/** A new password typed twice, for the pages a mailed link opens (reset, invitation). */
export function NewPasswordForm({
  label,
  action,
  onSubmit,
}: {
  /** Accessible name of the form. */
  label: string;
  /** The submit button's words. */
  action: string;
  onSubmit: (body: { password: string }) => Promise<void>;
}) {
  // Opened from a mail (a first load): the schemas (zod) come when a field is first touched.
  const form = useLazyZodForm("newPasswordFormSchema", onSubmit);
  return (
    <form onSubmit={form.onSubmit} onFocus={form.prefetch} noValidate aria-label={label}>
      <Stack gap={4}>
        <ErrorNotice error={form.failure} />
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters. A short sentence is easy to remember and hard to guess.`}
          error={form.errors.password}
        />
        <TextField
          label="New password again"
          name="confirm_password"
          type="password"
          autoComplete="new-password"
          required
          error={form.errors.confirm_password}
        />
        <Button type="submit" busy={form.submitting}>
          {action}
        </Button>
      </Stack>
    </form>
  );
}

/** The `token` of the link that opened the page, or undefined when it has none. */
export function linkToken(search: string): string | undefined {
  const token = new URLSearchParams(search).get("token");
  return token && token.length > 0 ? token : undefined;
}
