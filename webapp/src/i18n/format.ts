// Dates and numbers in the current language. The server's DateTime values are ISO 8601 with a
// time zone; a Date is YYYY-MM-DD (a day of the account's time zone, shown as it is).
import { useLocale, type Locale } from "./i18n";

const TAGS: Record<Locale, string> = { en: "en-GB", fr: "fr-FR" };

/** The BCP 47 tag Intl formats with for `locale`. */
export function intlTag(locale: Locale): string {
  return TAGS[locale];
}

/** Date and time, e.g. "30 Nov 2026, 09:00" (in `timeZone` when given, else the browser's). */
export function formatDateTime(locale: Locale, iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(intlTag(locale), {
    dateStyle: "medium",
    timeStyle: "short",
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

/** A day (YYYY-MM-DD) as a date, e.g. "Monday 30 November 2026", without moving it to UTC. */
export function formatDay(locale: Locale, day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  const noonUtc = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, date ?? 1, 12));
  return new Intl.DateTimeFormat(intlTag(locale), {
    dateStyle: "full",
    timeZone: "UTC",
  }).format(noonUtc);
}

/** A count, e.g. "1,234" / "1 234". */
export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(intlTag(locale)).format(value);
}

/** The three formatters bound to the current language. */
export function useFormat(): {
  dateTime: (iso: string, timeZone?: string) => string;
  day: (day: string) => string;
  number: (value: number) => string;
} {
  const locale = useLocale();
  return {
    dateTime: (iso, timeZone) => formatDateTime(locale, iso, timeZone),
    day: (day) => formatDay(locale, day),
    number: (value) => formatNumber(locale, value),
  };
}
