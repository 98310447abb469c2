// The time of day of an instant in the account's time zone, in the current language ("14:30").
import { intlTag } from "../../i18n/format";
import { useLocale } from "../../i18n/i18n";

/** Formats an ISO instant as a time of day in a time zone. */
export function useTimeFormat(): (iso: string, timeZone: string) => string {
  const locale = useLocale();
  return (iso, timeZone) =>
    new Intl.DateTimeFormat(intlTag(locale), { timeStyle: "short", timeZone }).format(new Date(iso));
}
