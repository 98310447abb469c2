// The API token: pasted once, kept in sessionStorage (gone when the tab closes), never in a URL.
const STORED_TOKEN = "listkeeper.token";

/** The token of this tab, if one was entered. */
export function storedToken(): string | null {
  return sessionStorage.getItem(STORED_TOKEN);
}

/** Keeps the token for this tab. */
export function storeToken(token: string): void {
  sessionStorage.setItem(STORED_TOKEN, token);
}

/** Forgets the token (signing out, or the server refused it). */
export function forgetToken(): void {
  sessionStorage.removeItem(STORED_TOKEN);
}
