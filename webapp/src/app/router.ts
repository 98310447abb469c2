// Hash routing (#/backups, #/lists/<id>): the server serves one page at `/`, so any route loads
// by itself, and a route never reaches the server's logs.
import { useEffect, useState } from "preact/hooks";

/** The route's segments: "#/lists/R3JvdXA6MQ" -> ["lists", "R3JvdXA6MQ"]. */
export function currentPath(): string[] {
  return window.location.hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((segment) => segment !== "")
    .map(decodeURIComponent);
}

/** The link to a route: href("lists", id) -> "#/lists/<id>". */
export function href(...segments: string[]): string {
  return "#/" + segments.map(encodeURIComponent).join("/");
}

/** Goes to a route (adds a history entry, like a link). */
export function navigate(...segments: string[]): void {
  window.location.hash = href(...segments);
}

/** The current route's segments, updated when the hash changes. */
export function usePath(): string[] {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return path;
}
