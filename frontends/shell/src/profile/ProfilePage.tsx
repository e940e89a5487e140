import { ApiError, type BodyOf, type Profile, queryKeys } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  ErrorNotice,
  Grid,
  PageHeader,
  SelectField,
  Spinner,
  Stack,
  TextAreaField,
  TextField,
  usePlatform,
  usePreferences,
  useSession,
} from "@payments/ui";
import { type UseMutationResult, useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { EmailChange } from "./EmailChange.tsx";
import {
  countries,
  type FieldName,
  fieldsOf,
  type ProfileFields,
  profilePatch,
  validateProfile,
} from "./profile-form.ts";

type Errors = Partial<Record<FieldName, string>>;
type ProfilePatch = BodyOf<"profile.updateMe">;
type SaveProfile = UseMutationResult<Profile, Error, ProfilePatch>;

/** The profile as stored, and the form once it has loaded. */
export function ProfilePage() {
  const { api, queryClient } = usePlatform();
  const profile = useQuery({ queryKey: queryKeys.profile.me, queryFn: () => api.profile.me() });
  const save = useMutation({
    mutationFn: (patch: ProfilePatch) => api.profile.updateMe(patch),
    onSuccess: (saved) => queryClient.setQueryData(queryKeys.profile.me, saved),
  });
  return (
    <>
      <PageHeader
        title="Profile"
        description="How you appear to the people you pay or get paid by, and how to reach you."
      />
      {profile.isPending ? <Spinner label="Loading your profile" /> : null}
      {profile.error ? <ErrorNotice error={profile.error} onRetry={() => void profile.refetch()} /> : null}
      {/* Keyed by the stored version: a save (here or in another tab) starts the form from what is stored. */}
      {profile.data ? (
        <ProfileForm key={profile.data.updated_at ?? "new"} profile={profile.data} save={save} />
      ) : null}
      <div style={{ marginTop: "var(--ui-space-6)" }}>
        <EmailChange />
      </div>
    </>
  );
}

function ProfileForm({ profile, save }: { profile: Profile; save: SaveProfile }) {
  const session = useSession();
  const { locale } = usePreferences();
  const [fields, setFields] = useState<ProfileFields>(() => fieldsOf(profile));
  const [errors, setErrors] = useState<Errors>({});
  const [unchanged, setUnchanged] = useState(false);
  const countryOptions = useMemo(() => countries(locale), [locale]);
  const accountName = session.status === "signed_in" ? session.user.name : undefined;

  function field(name: FieldName) {
    return {
      name,
      value: fields[name],
      error: errors[name],
      onChange: (event: { target: { value: string } }) => {
        setFields({ ...fields, [name]: event.target.value });
        setUnchanged(false);
        // "Saved" or a refusal describes the form as it was; an edit makes it out of date.
        if (!save.isIdle) save.reset();
      },
    };
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateProfile(fields);
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) {
      const input = event.currentTarget.elements.namedItem(first);
      if (input instanceof HTMLElement) input.focus();
      return;
    }
    const patch = profilePatch(profile, fields);
    if (Object.keys(patch).length === 0) {
      setUnchanged(true);
      return;
    }
    save.mutate(patch, {
      onError: (error) => {
        // The server names the field it refused (`address.country`): show its message there too.
        if (error instanceof ApiError && error.param) setErrors({ [error.param]: error.message });
      },
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Profile">
      <Stack gap={4}>
        <Card title="About you">
          <Stack gap={4}>
            <TextField
              label="Display name"
              autoComplete="nickname"
              maxLength={100}
              hint={`Shown instead of your account name${accountName ? ` (${accountName})` : ""}. Leave empty to use it.`}
              {...field("display_name")}
            />
            <TextField
              label="Phone"
              type="tel"
              autoComplete="tel"
              hint="International format, e.g. +44 20 7946 0958."
              {...field("phone")}
            />
            <TextField
              label="Avatar URL"
              type="url"
              inputMode="url"
              hint="An https address of a picture of you."
              {...field("avatar_url")}
            />
            <TextAreaField
              label="Bio"
              rows={3}
              maxLength={500}
              hint="Up to 500 characters."
              {...field("bio")}
            />
          </Stack>
        </Card>
        <Card title="Address">
          <Grid>
            <TextField label="Street address" autoComplete="address-line1" {...field("address.line1")} />
            <TextField
              label="Address line 2 (optional)"
              autoComplete="address-line2"
              {...field("address.line2")}
            />
            <TextField label="City" autoComplete="address-level2" {...field("address.city")} />
            <TextField
              label="Region or state (optional)"
              autoComplete="address-level1"
              {...field("address.region")}
            />
            <TextField
              label="Postal code (optional)"
              autoComplete="postal-code"
              {...field("address.postal_code")}
            />
            <SelectField
              label="Country"
              autoComplete="country"
              options={[
                { value: "", label: "Choose a country" },
                ...countryOptions.map((c) => ({ value: c.code, label: c.name })),
              ]}
              {...field("address.country")}
            />
          </Grid>
          <p className="ui-hint">Leave every address field empty to remove your address.</p>
        </Card>
        {/* Next to the button, where the person is looking when the answer comes (the form is long). */}
        {save.isSuccess ? <Alert tone="success" title="Profile saved" /> : null}
        {unchanged ? <Alert tone="info" title="Nothing to save: you have not changed anything." /> : null}
        <ErrorNotice error={save.error ?? undefined} />
        <div>
          <Button type="submit" busy={save.isPending}>
            Save profile
          </Button>
        </div>
      </Stack>
    </form>
  );
}
