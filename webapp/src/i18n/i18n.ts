// English and French: a tiny typed dictionary per screen folder (its messages.ts), no library.
// The French dictionary must have exactly the English one's keys and message shapes.
import { createContext } from "preact";
import { useContext } from "preact/hooks";

export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];

/** A message: a text, or a function of values (counts, names) that returns one. */
export type Message = string | ((...values: never[]) => string);
export type Dictionary = Record<string, Message>;
export type Messages<D extends Dictionary> = Readonly<Record<Locale, D>>;

/** A folder's messages; `fr` is checked against `en`'s keys and shapes. */
export function defineMessages<D extends Dictionary>(messages: {
  en: D;
  fr: NoInfer<D>;
}): Messages<D> {
  return messages;
}

const STORED_LOCALE = "listkeeper.locale";

function isLocale(value: string | null | undefined): value is Locale {
  return (LOCALES as readonly (string | null | undefined)[]).includes(value);
}

/** The language chosen before (the switch), else the browser's first English or French one. */
export function initialLocale(): Locale {
  const stored = localStorage.getItem(STORED_LOCALE);
  if (isLocale(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const language = tag.toLowerCase().split("-")[0];
    if (isLocale(language)) return language;
  }
  return "en";
}

/** Remembers the switch's choice (a preference, not a secret: localStorage). */
export function storeLocale(locale: Locale): void {
  localStorage.setItem(STORED_LOCALE, locale);
}

export const LocaleContext = createContext<Locale>("en");

/** The current language. */
export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** A folder's dictionary in the current language. */
export function useMessages<D extends Dictionary>(messages: Messages<D>): D {
  return messages[useLocale()];
}
