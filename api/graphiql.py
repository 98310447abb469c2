"""The GraphiQL page, served with pinned local assets: nothing is loaded from a CDN.

The assets are the npm builds strawberry's own page loads from a CDN, vendored into
`api/static/graphiql` by `scripts/vendor-graphiql` (see the README.md there). GraphiQL 4+ and
React 19 ship no UMD build, hence GraphiQL 3.8.3 and React 18.2.0.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

STATIC_PATH = "/static/graphiql"
STATIC_DIR = Path(__file__).parent / "static" / "graphiql"


@dataclass(frozen=True)
class Asset:
    """A vendored file: its path under STATIC_DIR and its subresource integrity value."""

    path: str
    integrity: str

    @property
    def url(self) -> str:
        """Where the page loads it from."""
        return f"{STATIC_PATH}/{self.path}"


STYLES = (
    Asset(
        "graphiql-3.8.3/graphiql.min.css",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    ),
    Asset(
        "graphiql-plugin-explorer-1.0.2/style.css",
        "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi",
    ),
)
SCRIPTS = (
    Asset(
        "react-18.2.0/react.production.min.js",
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
    ),
    Asset(
        "react-dom-18.2.0/react-dom.production.min.js",
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
    ),
    Asset(
        "graphiql-3.8.3/graphiql.min.js",
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
    ),
    Asset(
        "graphiql-plugin-explorer-1.0.2/index.umd.js",
        "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9",
    ),
)

DEFAULT_HEADERS = '{\n  "Authorization": "Bearer <token>"\n}'
DEFAULT_QUERY = """\
# listkeeper's GraphQL API. Put your API token in the Headers tab below
# ("Authorization": "Bearer <token>"), then run (Ctrl-Enter).
query {
  viewer {
    name
    backupsEnabled
    backupRetentionDays
  }
}
"""

# The page's own script. The header editor's headers go with every HTTP request and, through
# createFetcher, into the WebSocket's connection_init payload, where the server reads
# `Authorization`. Headers are not persisted unless the user turns that on in the settings.
SCRIPT = Template("""
const graphqlUrl = new URL($graphql_path, window.location.href);
const subscriptionUrl = new URL(graphqlUrl.href);
subscriptionUrl.protocol = graphqlUrl.protocol === "https:" ? "wss:" : "ws:";
const explorer = GraphiQLPluginExplorer.explorerPlugin();

function authorizationOf(headers) {
  try {
    const parsed = JSON.parse(headers || "{}");
    return String(parsed.Authorization || parsed.authorization || "");
  } catch (error) {
    return null;
  }
}

function ListkeeperGraphiQL() {
  const [authorization, setAuthorization] = React.useState(() => authorizationOf($default_headers));
  const timer = React.useRef(0);
  // A new fetcher makes GraphiQL introspect again, so the schema (docs, explorer,
  // completion) loads as soon as a valid token is in the headers.
  const fetcher = React.useMemo(
    () => GraphiQL.createFetcher({ url: graphqlUrl.href, subscriptionUrl: subscriptionUrl.href }),
    [authorization],
  );
  function onEditHeaders(headers) {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      const value = authorizationOf(headers);
      if (value !== null) setAuthorization(value);
    }, 400);
  }
  return React.createElement(GraphiQL, {
    fetcher,
    plugins: [explorer],
    defaultQuery: $default_query,
    defaultHeaders: $default_headers,
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
    inputValueDeprecation: true,
    onEditHeaders,
  });
}

ReactDOM.createRoot(document.getElementById("graphiql"))
  .render(React.createElement(ListkeeperGraphiQL));
""")

PAGE = Template("""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="$csp">
    <title>listkeeper GraphiQL</title>
    <link rel="icon" href="data:,">
    <style>
      body { height: 100%; margin: 0; width: 100%; overflow: hidden; }
      #graphiql { height: 100vh; display: flex; }
      .graphiql-explorer-actions select { margin-left: 4px; }
    </style>
$styles
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading…</div>
$scripts
    <script>$script</script>
  </body>
</html>
""")


def _json_for_script(value: str) -> str:
    # JSON is valid JavaScript; escaping "<" keeps "</script>" from closing the element.
    return json.dumps(value).replace("<", "\\u003c")


def _content_security_policy(script: str) -> str:
    # Everything from this origin only; the one inline script is allowed by its hash.
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'sha256-{digest}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def graphiql_html(*, graphql_path: str = "/graphql") -> str | None:
    """The GraphiQL page (never None: None would make app.py serve strawberry's CDN page)."""
    script = SCRIPT.substitute(
        graphql_path=_json_for_script(graphql_path),
        default_query=_json_for_script(DEFAULT_QUERY),
        default_headers=_json_for_script(DEFAULT_HEADERS),
    )
    styles = "\n".join(
        f'    <link rel="stylesheet" href="{escape(a.url)}" integrity="{a.integrity}">'
        for a in STYLES
    )
    scripts = "\n".join(
        f'    <script src="{escape(a.url)}" integrity="{a.integrity}"></script>' for a in SCRIPTS
    )
    return PAGE.substitute(
        csp=_content_security_policy(script), styles=styles, scripts=scripts, script=script
    )


def static_routes() -> list[BaseRoute]:
    """Routes serving the pinned GraphiQL assets."""
    return [Mount(STATIC_PATH, app=StaticFiles(directory=STATIC_DIR), name="graphiql-static")]
