"""The web app over plain HTTP: its page and files, their headers, and what stays as it was."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from api.webapp import DIST_DIR, content_security_policy
from tests.server import LiveServer

HTML = {"Accept": "text/html"}
CONTENT_TYPES = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}


class PageLinks(HTMLParser):
    """The `src`/`href` of every script and link of a page, and whether it has inline script."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_script = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        url = values.get("src") if tag == "script" else values.get("href")
        if tag in ("script", "link") and url:
            self.urls.append(url)
        self._in_script = tag == "script"

    def handle_data(self, data: str) -> None:
        self.inline_script |= self._in_script and data.strip() != ""

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_the_page_and_its_files_come_with_a_strict_policy(app_server: LiveServer) -> None:
    with httpx.Client(base_url=app_server.url) as http:
        page = http.get("/", headers=HTML)
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.headers["cache-control"] == "no-cache"
        host = f"127.0.0.1:{app_server.port}"
        assert page.headers["content-security-policy"] == content_security_policy(host)
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["x-frame-options"] == "DENY"
        links = PageLinks()
        links.feed(page.text)
        assert not links.inline_script
        assert len(links.urls) == 3  # the script, the stylesheet, the icon
        for url in links.urls:
            assert re.fullmatch(r"/assets/[\w-]+-[\w-]{8}\.(js|css|svg)", url), url
            served = http.get(url)
            assert served.status_code == 200, url
            kind = url.rsplit(".", 1)[1]
            assert served.headers["content-type"].split(";")[0] == CONTENT_TYPES[kind]
            assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert "content-security-policy" in served.headers
            assert served.content == (DIST_DIR / url.removeprefix("/")).read_bytes()
        assert http.get("/assets/nothing.js").status_code == 404


def test_graphql_and_graphiql_are_as_they_were(app_server: LiveServer) -> None:
    with httpx.Client(base_url=app_server.url) as http:
        anonymous = http.post("/graphql", json={"query": "{ viewer { name } }"})
        assert anonymous.status_code == 401
        graphiql = http.get("/graphql", headers=HTML)
        assert graphiql.status_code == 200
        assert "listkeeper GraphiQL" in graphiql.text


def test_the_policy_lets_no_forged_host_add_a_directive() -> None:
    policy = content_security_policy("127.0.0.1:8000")
    assert "connect-src 'self' ws://127.0.0.1:8000 wss://127.0.0.1:8000;" in policy
    assert "script-src 'self';" in policy
    assert "unsafe" not in policy
    for forged in ("evil.example; script-src *", "a b", "x'y", "", None):
        assert "connect-src 'self';" in content_security_policy(forged)


@pytest.mark.parametrize("host", ["[::1]:8000", "listkeeper.example.com", "localhost:5173"])
def test_the_policy_names_the_websocket_of_a_plain_host(host: str) -> None:
    assert f"wss://{host}" in content_security_policy(host)
