// A wall-clock date and time in an IANA time zone (the account's) <-> an instant, with Intl only:
// the browser's own zone plays no part, so "09:30 in Europe/Paris" is the same everywhere.

const PARTS = ["year", "month", "day", "hour", "minute", "second"] as const;
type Part = (typeof PARTS)[number];

/** The wall-clock fields of `instantMs` in `timeZone`. */
function wallClock(instantMs: number, timeZone: string): Record<Part, number> {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const found = Object.fromEntries(
    format.formatToParts(new Date(instantMs)).map((part) => [part.type, Number(part.value)]),
  );
  return Object.fromEntries(PARTS.map((part) => [part, found[part] ?? 0])) as Record<Part, number>;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instantMs`, in milliseconds. */
function offsetMs(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The instant (ISO 8601, UTC) of `date` (YYYY-MM-DD) at `time` (HH:MM[:SS]) in `timeZone`. */
export function zonedToInstant(date: string, time: string, timeZone: string): string {
  const [year, month, day] = date.split("-").map(Number);
  const [hour, minute, second] = time.split(":").map(Number);
  const wallAsUtc = Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
  // Two rounds settle the offset also next to a daylight-saving change.
  const guess = wallAsUtc - offsetMs(wallAsUtc, timeZone);
  return new Date(wallAsUtc - offsetMs(guess, timeZone)).toISOString();
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** `iso` as a wall-clock date (YYYY-MM-DD) and time (HH:MM) in `timeZone`: the pickers' values. */
export function instantToZoned(iso: string, timeZone: string): { date: string; time: string } {
  const w = wallClock(new Date(iso).getTime(), timeZone);
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
}
