"""CORS (`cors_origins`): a page on a configured origin may call the API and fetch its
downloads from the browser; any other origin, and every origin when none is configured, gets
no CORS headers, so the browser keeps the answer from it. Both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from tests.client import GraphQLClient
from tests.server import LiveServer

ORIGIN = "https://lists.example.com"
ELSEWHERE = "https://evil.example.net"
VIEWER = "query { viewer { id name } }"


@pytest.fixture(scope="module")
def cors_server(
    server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A second API instance on the same database, open to ORIGIN."""
    live = LiveServer(
        database_url=server.settings.database_url or "",
        data_dir=tmp_path_factory.mktemp("cors") / "data",
        clock=server.clock,
        worker=False,
        cors_origins=f"{ORIGIN}/",
    )
    live.start()
    yield live
    live.stop()


def preflight(url: str, origin: str, method: str = "POST", headers: str = "") -> httpx.Response:
    request = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request["Access-Control-Request-Headers"] = headers
    return httpx.options(url, headers=request)


def test_a_configured_origin_may_call_the_api(
    cors_server: LiveServer, client: GraphQLClient
) -> None:
    asked = preflight(f"{cors_server.url}/graphql", ORIGIN, headers="authorization,content-type")
    assert asked.status_code == 200, asked.text
    assert asked.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in asked.headers["access-control-allow-methods"]
    allowed = asked.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type"} <= {h.strip() for h in allowed.split(",")}
    assert asked.headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in asked.headers
    answer = httpx.post(
        f"{cors_server.url}/graphql",
        json={"query": VIEWER},
        headers={"Origin": ORIGIN, "Authorization": client.http.headers["authorization"]},
    )
    assert answer.status_code == 200
    assert answer.json()["data"]["viewer"]["id"]
    assert answer.headers["access-control-allow-origin"] == ORIGIN


def test_another_origin_gets_no_cors_headers(
    cors_server: LiveServer, client: GraphQLClient
) -> None:
    asked = preflight(f"{cors_server.url}/graphql", ELSEWHERE, headers="authorization")
    assert asked.status_code == 400
    assert "access-control-allow-origin" not in asked.headers
    answer = httpx.post(
        f"{cors_server.url}/graphql",
        json={"query": VIEWER},
        headers={"Origin": ELSEWHERE, "Authorization": client.http.headers["authorization"]},
    )
    assert "access-control-allow-origin" not in answer.headers
    # A method the API does not take: the preflight fails (the browser sends nothing).
    deleting = preflight(f"{cors_server.url}/graphql", ORIGIN, method="DELETE")
    assert deleting.status_code == 400
    assert "DELETE" not in deleting.headers.get("access-control-allow-methods", "")


def test_without_origins_no_page_elsewhere_may_read_the_api(server: LiveServer) -> None:
    asked = preflight(f"{server.url}/graphql", ORIGIN, headers="authorization")
    assert "access-control-allow-origin" not in asked.headers
    assert asked.status_code in (401, 405)
    assert asked.headers["content-type"].startswith("application/json")


def test_a_download_is_readable_from_the_configured_origin_with_its_range(
    server: LiveServer, cors_server: LiveServer, client: GraphQLClient
) -> None:
    group = client.import_file(b"email\nq@x.io\nr@x.io\n", groupName="cors")["group"]["id"]
    link = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Group { exportUrl } } }", {"id": group}
    )["node"]["exportUrl"]
    url = cors_server.url + "/" + link.split("/", 3)[3] if link.startswith("http") else link
    if not url.startswith("http"):
        url = cors_server.url + url
    asked = preflight(url, ORIGIN, method="GET", headers="range")
    assert asked.status_code == 200
    assert "range" in asked.headers["access-control-allow-headers"].lower()
    got = httpx.get(url, headers={"Origin": ORIGIN})
    assert got.status_code == 200, got.text
    assert b"q@x.io" in got.content
    assert got.headers["access-control-allow-origin"] == ORIGIN
    exposed = {h.strip().lower() for h in got.headers["access-control-expose-headers"].split(",")}
    assert {"etag", "content-range", "content-disposition"} <= exposed


def test_origins_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LISTKEEPER_CORS_ORIGINS", " https://a.example.com/, https://b.example ,")
    assert Settings(data_dir=tmp_path).cors_origins == [
        "https://a.example.com",
        "https://b.example",
    ]
    monkeypatch.setenv("LISTKEEPER_CORS_ORIGINS", '["https://c.example"]')
    assert Settings(data_dir=tmp_path).cors_origins == ["https://c.example"]
    monkeypatch.setenv("LISTKEEPER_CORS_ORIGINS", "*")
    assert Settings(data_dir=tmp_path).cors_origins == ["*"]
    monkeypatch.delenv("LISTKEEPER_CORS_ORIGINS")
    assert Settings(data_dir=tmp_path).cors_origins == []
