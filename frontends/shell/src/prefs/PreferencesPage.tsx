import { formatMoney, type Preferences } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  ErrorNotice,
  PageHeader,
  SelectField,
  Stack,
  usePlatform,
  usePreferences,
} from "@payments/ui";
import { type FormEvent, useState } from "react";

const LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "ja-JP", "ar-BH", "hi-IN"];
const CURRENCIES = ["usd", "eur", "gbp", "jpy", "chf", "inr", "bhd", "kwd", "cad", "aud"];

function localeLabel(locale: string, display: string): string {
  try {
    return new Intl.DisplayNames([display], { type: "language" }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}

function currencyLabel(code: string, display: string): string {
  try {
    return `${code.toUpperCase()} — ${new Intl.DisplayNames([display], { type: "currency" }).of(code.toUpperCase()) ?? code}`;
  } catch {
    return code.toUpperCase();
  }
}

/** Theme, language/region and default currency; saved to the profile and applied at once. */
export function PreferencesPage() {
  const { api, preferences } = usePlatform();
  const current = usePreferences();
  const [draft, setDraft] = useState<Preferences>(current);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const locales = LOCALES.includes(draft.locale) ? LOCALES : [draft.locale, ...LOCALES];

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setFailure(undefined);
    setSaved(false);
    try {
      preferences.set(await api.profile.updatePreferences(draft));
      setSaved(true);
    } catch (error) {
      setFailure(error);
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <PageHeader title="Preferences" description="How dates, amounts and colours are shown to you." />
      <Card>
        <form onSubmit={save}>
          <Stack gap={4}>
            <ErrorNotice error={failure} />
            {saved ? <Alert tone="success" title="Preferences saved" /> : null}
            <SelectField
              label="Theme"
              name="theme"
              value={draft.theme}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  theme: e.target.value === "light" || e.target.value === "dark" ? e.target.value : "system",
                })
              }
              options={[
                { value: "system", label: "Same as my device" },
                { value: "light", label: "Light" },
                { value: "dark", label: "Dark" },
              ]}
            />
            <SelectField
              label="Language and region"
              name="locale"
              value={draft.locale}
              hint="Sets how dates and numbers are written."
              onChange={(e) => setDraft({ ...draft, locale: e.target.value })}
              options={locales.map((l) => ({ value: l, label: `${localeLabel(l, draft.locale)} (${l})` }))}
            />
            <SelectField
              label="Default currency"
              name="currency"
              value={draft.currency}
              hint={`Example: ${formatMoney(123456, draft.currency, draft.locale)}`}
              onChange={(e) => setDraft({ ...draft, currency: e.target.value })}
              options={CURRENCIES.map((c) => ({ value: c, label: currencyLabel(c, draft.locale) }))}
            />
            <div>
              <Button type="submit" busy={saving}>
                Save preferences
              </Button>
            </div>
          </Stack>
        </form>
      </Card>
    </>
  );
}
