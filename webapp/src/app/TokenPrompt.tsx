// The token prompt: the token is checked with one query before it is kept for the tab.
import { useState } from "preact/hooks";
import { ApiError, GraphQLClient } from "../api/client";
import { AppShellDocument } from "../gql/graphql";
import { type Locale, useMessages } from "../i18n/i18n";
import { ErrorNotice } from "../ui/states";
import { LanguageSwitch } from "./LanguageSwitch";
import { shellMessages } from "./messages";

/** Why the prompt is shown: first visit, the server refused the token, or signed out. */
export type PromptReason = "start" | "expired" | "signedOut";

type Check = { status: "idle" | "checking" | "empty" | "refused" } | { status: "failed"; error: ApiError };

export function TokenPrompt({
  reason,
  onToken,
  onLocale,
}: {
  reason: PromptReason;
  onToken: (token: string) => void;
  onLocale: (locale: Locale) => void;
}) {
  const t = useMessages(shellMessages);
  const [check, setCheck] = useState<Check>({ status: "idle" });

  async function submit(event: Event) {
    event.preventDefault();
    const field = (event.currentTarget as HTMLFormElement).elements.namedItem("token");
    const token = (field as HTMLInputElement).value.trim();
    if (token === "") return setCheck({ status: "empty" });
    setCheck({ status: "checking" });
    try {
      await new GraphQLClient(token, () => undefined).request(AppShellDocument);
      onToken(token);
    } catch (error) {
      const refused = error instanceof ApiError && error.kind === "unauthorized";
      setCheck(refused ? { status: "refused" } : { status: "failed", error: error as ApiError });
    }
  }

  const notice = { start: null, expired: t.tokenExpired, signedOut: t.signedOut }[reason];
  const problem = { empty: t.tokenEmpty, refused: t.tokenRefused }[check.status as string];
  return (
    <main id="content" class="token-prompt">
      <LanguageSwitch onChange={onLocale} />
      <h1>{t.tokenTitle}</h1>
      {notice && check.status === "idle" && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <p>{t.tokenIntro}</p>
      <form onSubmit={submit} noValidate>
        <label for="token">{t.tokenLabel}</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? "token-problem" : undefined}
        />
        {problem && (
          <p id="token-problem" class="field-error" role="alert">
            {problem}
          </p>
        )}
        {check.status === "failed" && <ErrorNotice error={check.error} />}
        <button type="submit" disabled={check.status === "checking"}>
          {check.status === "checking" ? t.tokenChecking : t.tokenSubmit}
        </button>
      </form>
    </main>
  );
}
