import { currencyCode, formatMoney, type Preferences } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  currencyLabel,
  ErrorNotice,
  PageHeader,
  SelectField,
  Stack,
  usePlatform,
  usePreferences,
  useSupportedCurrencies,
} from "@payments/ui";
import { type FormEvent, useState } from "react";
import { NotificationSwitches } from "./NotificationSwitches.tsx";

/**
 * Languages offered. The profile service keeps a locale only when it is a canonical BCP 47 tag its runtime
 * can format dates in (`services/profile/src/domain/fields.ts`); each of these passes there, and
 * {@link offeredLocales} drops any this browser could not format either.
 */
const LOCALES = [
  "en-US",
  "en-GB",
  "de-DE",
  "fr-FR",
  "es-ES",
  "it-IT",
  "nl-NL",
  "sv-SE",
  "ja-JP",
  "ar-BH",
  "hi-IN",
];

/** A canonical tag this browser formats in, or undefined (the server would refuse what is not canonical). */
function formattable(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0
      ? canonical
      : undefined;
  } catch {
    return undefined;
  }
}

/** The list, plus the current locale when it is a valid one not in the list (e.g. the browser's own). */
export function offeredLocales(current: string): string[] {
  const list = LOCALES.filter((l) => formattable(l) === l);
  const own = formattable(current);
  return own && !list.includes(own) ? [own, ...list] : list;
}

function localeLabel(locale: string, display: string): string {
  try {
    return new Intl.DisplayNames([display], { type: "language" }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}

// A fixed instant, so the example reads the same for everyone: 5 March 2025, 14:30 UTC.
const EXAMPLE_DATE = new Date(Date.UTC(2025, 2, 5, 14, 30));

function localeExample(locale: string): string {
  try {
    const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
    return `${date.format(EXAMPLE_DATE)} · ${new Intl.NumberFormat(locale).format(1234.5)}`;
  } catch {
    return "";
  }
}

/** Theme, language/region and default currency; saved to the profile and applied at once. */
export function PreferencesPage() {
  const { api, preferences } = usePlatform();
  const current = usePreferences();
  const supported = useSupportedCurrencies();
  // Only what the person changed: the rest follows the stored preferences, which may arrive after the page.
  const [edits, setEdits] = useState<Partial<Preferences>>({});
  const draft: Preferences = { ...current, ...edits };
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const locales = offeredLocales(draft.locale);
  const accepted = supported.currencies;
  // A saved default the platform no longer accepts stays visible (it is what is stored), marked as such.
  const chosen = draft.default_currency ?? "usd";
  const currencies = accepted?.includes(chosen) ? accepted : [chosen, ...(accepted ?? [])];

  function change(next: Partial<Preferences>) {
    setEdits({ ...edits, ...next });
    setSaved(false);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setFailure(undefined);
    setSaved(false);
    try {
      const { default_currency: code, ...rest } = draft;
      preferences.set(
        await api.profile.updatePreferences({
          ...rest,
          default_currency: code === null ? null : currencyCode(code),
        }),
      );
      setEdits({});
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
        <form onSubmit={save} aria-label="Preferences">
          <Stack gap={4}>
            <ErrorNotice error={failure} />
            {saved ? <Alert tone="success" title="Preferences saved" /> : null}
            <SelectField
              label="Theme"
              name="theme"
              value={draft.theme}
              onChange={(e) =>
                change({
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
              hint={`Sets how dates and numbers are written, e.g. ${localeExample(draft.locale)}`}
              onChange={(e) => change({ locale: e.target.value })}
              options={locales.map((l) => ({ value: l, label: `${localeLabel(l, draft.locale)} (${l})` }))}
            />
            {supported.error ? <ErrorNotice error={supported.error} onRetry={supported.retry} /> : null}
            <SelectField
              label="Default currency"
              name="currency"
              value={chosen}
              hint={`Preselected when you pay. Example: ${formatMoney(123456, chosen, draft.locale)}`}
              onChange={(e) => change({ default_currency: e.target.value })}
              options={currencies.map((c) => ({
                value: c,
                label:
                  accepted && !accepted.includes(c)
                    ? `${currencyLabel(c, draft.locale)} (no longer accepted)`
                    : currencyLabel(c, draft.locale),
              }))}
            />
            <div>
              <Button type="submit" busy={saving}>
                Save preferences
              </Button>
            </div>
          </Stack>
        </form>
      </Card>
      <div style={{ marginTop: "var(--ui-space-6)" }}>
        <NotificationSwitches />
      </div>
    </>
  );
}
