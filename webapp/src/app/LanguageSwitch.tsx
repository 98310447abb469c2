import { LOCALES, type Locale, useLocale, useMessages } from "../i18n/i18n";
import { shellMessages } from "./messages";

const NAMES: Record<Locale, string> = { en: "English", fr: "Français" };

/** The language select: every language named in itself. */
export function LanguageSwitch({ onChange }: { onChange: (locale: Locale) => void }) {
  const t = useMessages(shellMessages);
  const current = useLocale();
  return (
    <label class="language-switch">
      <span>{t.language}</span>
      <select
        value={current}
        onChange={(event) => onChange(event.currentTarget.value as Locale)}
      >
        {LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {NAMES[locale]}
          </option>
        ))}
      </select>
    </label>
  );
}
