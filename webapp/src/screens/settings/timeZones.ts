// The IANA time zone names the browser knows (Intl.supportedValuesOf), with UTC and the account's
// own zone added when the browser leaves them out: the choices of the time zone field.
export function timeZoneNames(current: string): string[] {
  const known =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([...known, "UTC", current])].sort();
}
