// The app: the language, and either the token prompt or the signed-in shell with its client.
import { useEffect, useMemo, useState } from "preact/hooks";
import { GraphQLClient } from "../api/client";
import { ClientContext } from "../api/hooks";
import { forgetToken, storedToken, storeToken } from "../api/session";
import { initialLocale, type Locale, LocaleContext, storeLocale } from "../i18n/i18n";
import { Shell } from "./Shell";
import { type PromptReason, TokenPrompt } from "./TokenPrompt";

export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [token, setToken] = useState<string | null>(storedToken);
  const [reason, setReason] = useState<PromptReason>("start");

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const client = useMemo(() => {
    if (token === null) return null;
    return new GraphQLClient(token, () => {
      forgetToken();
      setReason("expired");
      setToken(null);
    });
  }, [token]);
  useEffect(() => () => client?.dispose(), [client]);

  function chooseLocale(chosen: Locale): void {
    storeLocale(chosen);
    setLocale(chosen);
  }
  function signIn(entered: string): void {
    storeToken(entered);
    setToken(entered);
  }
  function signOut(): void {
    forgetToken();
    setReason("signedOut");
    setToken(null);
  }

  return (
    <LocaleContext.Provider value={locale}>
      {client === null ? (
        <TokenPrompt reason={reason} onToken={signIn} onLocale={chooseLocale} />
      ) : (
        <ClientContext.Provider value={client}>
          <Shell onLocale={chooseLocale} onSignOut={signOut} />
        </ClientContext.Provider>
      )}
    </LocaleContext.Provider>
  );
}
