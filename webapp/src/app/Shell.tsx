// The signed-in shell: header (account, language, sign out), navigation, and the route's screen.
import { useEffect, useRef } from "preact/hooks";
import { useQuery } from "../api/hooks";
import { AppShellDocument } from "../gql/graphql";
import { type Locale, useLocale, useMessages } from "../i18n/i18n";
import { ScreenHeading } from "../ui/ScreenHeading";
import { LanguageSwitch } from "./LanguageSwitch";
import { shellMessages } from "./messages";
import type { ScreenRoute } from "./route";
import { href, usePath } from "./router";
import { ROUTES, routeOf } from "./routes";

function NotFound() {
  const t = useMessages(shellMessages);
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeading>{t.notFoundTitle}</ScreenHeading>
      <p>{t.notFoundText}</p>
      <a href={href(ROUTES[0]?.path ?? "")}>{t.notFoundLink}</a>
    </section>
  );
}

function Navigation({ current }: { current: ScreenRoute | null }) {
  const t = useMessages(shellMessages);
  const locale = useLocale();
  return (
    <nav aria-label={t.navigation}>
      <ul>
        {ROUTES.map((route) => (
          <li key={route.path}>
            <a href={href(route.path)} aria-current={route === current ? "page" : undefined}>
              {route.messages[locale].title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Moves the focus to the new screen's title when the route changes (not on the first render). */
function useFocusOnRouteChange(path: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    (document.getElementById("screen-title") ?? document.getElementById("content"))?.focus();
  }, [path]);
}

export function Shell({
  onLocale,
  onSignOut,
}: {
  onLocale: (locale: Locale) => void;
  onSignOut: () => void;
}) {
  const t = useMessages(shellMessages);
  const locale = useLocale();
  const path = usePath();
  const route = routeOf(path);
  const viewer = useQuery(AppShellDocument);
  const title = route ? route.messages[locale].title : t.notFoundTitle;
  useEffect(() => {
    document.title = `${title} – ${t.appName}`;
  }, [title, t.appName]);
  useFocusOnRouteChange(path.join("/"));
  const Screen = route?.Screen;
  return (
    <>
      <a class="skip-link" href="#content" onClick={skipToContent}>
        {t.skipToContent}
      </a>
      <header class="app-header">
        <a class="app-name" href={href(ROUTES[0]?.path ?? "")}>
          {t.appName}
        </a>
        {viewer.status === "done" && <span class="account">{t.account(viewer.data.viewer.name)}</span>}
        <LanguageSwitch onChange={onLocale} />
        <button type="button" class="secondary" onClick={onSignOut}>
          {t.signOut}
        </button>
      </header>
      <Navigation current={route} />
      <main id="content" tabIndex={-1}>
        {Screen ? <Screen rest={path.slice(1)} /> : <NotFound />}
      </main>
    </>
  );
}

// The skip link's own href would change the hash route: focus the content instead.
function skipToContent(event: Event): void {
  event.preventDefault();
  document.getElementById("content")?.focus();
}
