"""A GraphQL client speaking to the live server the way a frontend or a script does."""

from __future__ import annotations

import time
from typing import Any

import httpx
import orjson

from tests.support.documents import IMPORT, JOB


class GraphQLClient:
    """One account's client: bearer token, JSON requests, multipart uploads."""

    def __init__(self, base_url: str, token: str | None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=120)
        self.token = token

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        """POST a JSON GraphQL request and return the raw response."""
        return self.http.post("/graphql", json={"query": query, "variables": variables or {}})

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run an operation that must succeed; its `data`."""
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def upload(
        self,
        query: str,
        variables: dict[str, Any],
        content: bytes,
        *,
        path: str = "variables.input.file",
        filename: str = "recipients.csv",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """A GraphQL multipart request (the spec's operations/map/file parts)."""
        operations = orjson.dumps({"query": query, "variables": variables}).decode()
        mapping = orjson.dumps({"0": [path]}).decode()
        return self.http.post(
            "/graphql",
            data={"operations": operations, "map": mapping},
            files={"0": (filename, content, "text/csv")},
            headers={"Apollo-Require-Preflight": "true"} if headers is None else headers,
        )

    def start_import(self, content: bytes, **input_fields: Any) -> dict[str, Any]:
        """Send `importRecipients` with a file; its payload."""
        variables = {"input": {"file": None, **input_fields}}
        response = self.upload(IMPORT, variables, content)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"]["importRecipients"]
        return payload

    def import_file(self, content: bytes, **input_fields: Any) -> dict[str, Any]:
        """Import and wait for the job to finish; the finished job."""
        payload = self.start_import(content, **input_fields)
        assert payload["userErrors"] == [], payload["userErrors"]
        return self.wait_job(payload["job"]["id"])

    def job_status(self, job_id: str) -> str:
        """The job's status now."""
        status: str = self.execute(
            "query($id: ID!) { importJob(id: $id) { status } }", {"id": job_id}
        )["importJob"]["status"]
        return status

    def wait_job(self, job_id: str, timeout: float = 120) -> dict[str, Any]:
        """Poll `importJob` until it has finished."""
        deadline = time.monotonic() + timeout
        while True:
            job: dict[str, Any] = self.execute(JOB, {"id": job_id})["importJob"]
            if job["status"] in ("SUCCEEDED", "FAILED"):
                return job
            assert time.monotonic() < deadline, f"job still {job['status']}"
            time.sleep(0.05)

    def recipients(self, group_id: str) -> list[dict[str, Any]]:
        """Every recipient of a group, page by page, ordered by email."""
        query = """query R($id: ID!, $after: String) { node(id: $id) { ... on Group {
          recipients(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
            edges { node { email firstName lastName status attributes { name value } } } } } } }"""
        found: list[dict[str, Any]] = []
        after = None
        while True:
            page = self.execute(query, {"id": group_id, "after": after})["node"]["recipients"]
            found += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]
