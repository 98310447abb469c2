"""Import and export against a running server, through its GraphQL API like any client."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import orjson

from api.commands.console import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_TOKEN_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    SHOWN_ROW_ERRORS,
    CliError,
    ExportFile,
    ImportOutcome,
    ImportRequest,
    Interrupted,
    Meter,
    Output,
    Remote,
    RowProblem,
    choose_group,
    estimate_rows,
    refusal_exit_code,
    rejects_sink,
)

POLL_SECONDS = 0.3
TIMEOUT_SECONDS = 60.0

GROUPS = """query Groups($after: String) { groups(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id name } } } }"""
GROUP = "query Group($id: ID!) { node(id: $id) { __typename ... on Group { id name } } }"
JOB_FIELDS = """id status processedRows totalRows added updated unchanged skipped rejected
  statusKept error group { id name } backup { id }"""
IMPORT = (
    "mutation Import($input: ImportRecipientsInput!) { importRecipients(input: $input) {"
    f" job {{ {JOB_FIELDS} }} userErrors {{ field message code }} }} }}"
)
JOB = f"query Job($id: ID!) {{ importJob(id: $id) {{ {JOB_FIELDS} }} }}"
FINISHED_JOB = f"""query Job($id: ID!, $first: Int) {{ importJob(id: $id) {{ {JOB_FIELDS}
  rowErrors(first: $first) {{ row column message code }} rejectedRowsUrl }} }}"""
BACKUP = """query Backup($id: ID!) { node(id: $id) { __typename
  ... on Backup { id groupName recipientCount downloadUrl } } }"""


class RemoteApi:
    """GraphQL requests with the bearer token, and plain GETs of signed download URLs."""

    def __init__(self, remote: Remote) -> None:
        base = remote.server.rstrip("/")
        self.server = remote.server
        self.endpoint = base if base.endswith("/graphql") else base + "/graphql"
        # The token goes on GraphQL requests only, never to a download URL (it may be elsewhere).
        self.auth = {"Authorization": f"Bearer {remote.token}"}
        self.http = httpx.Client(timeout=TIMEOUT_SECONDS)

    def __enter__(self) -> RemoteApi:
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()

    def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """Run one operation; its `data`, or CliError with the server's message."""
        body = {"query": query, "variables": variables}
        return self._data(lambda: self.http.post(self.endpoint, json=body, headers=self.auth))

    def upload(
        self, query: str, variables: dict[str, Any], file: io.FileIO, name: str
    ) -> dict[str, Any]:
        """A multipart request (GraphQL multipart spec) whose file streams from disk."""
        form = {
            "operations": orjson.dumps({"query": query, "variables": variables}).decode(),
            "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
        }
        headers = {**self.auth, "Apollo-Require-Preflight": "true"}
        files = {"0": (name, file, "text/csv")}
        return self._data(
            lambda: self.http.post(self.endpoint, data=form, files=files, headers=headers)
        )

    def download(self, url: str, sink: ExportFile) -> None:
        """Stream a GET of `url` into `sink`."""
        try:
            with self.http.stream("GET", url) as response:
                if response.status_code != 200:
                    response.read()
                    raise CliError(
                        f"the download was refused ({response.status_code}): {response.text}"
                    )
                for chunk in response.iter_bytes():
                    sink.write(chunk)
        except httpx.HTTPError as error:
            message = f"the download from {self.server} broke off: {error}"
            raise CliError(message, EXIT_UNREACHABLE) from None

    def _data(self, send: Callable[[], httpx.Response]) -> dict[str, Any]:
        try:
            response = send()
        except httpx.HTTPError as error:
            raise CliError(f"cannot talk to {self.server}: {error}", EXIT_UNREACHABLE) from None
        if response.status_code == 401:
            message = f"{self.server} refused the token (401): check LISTKEEPER_TOKEN or --token"
            raise CliError(message, EXIT_TOKEN_REFUSED)
        try:
            body = response.json()
        except ValueError:
            raise CliError(
                f"{self.endpoint} answered {response.status_code}, not GraphQL"
            ) from None
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            message = "; ".join(str(e.get("message")) for e in errors)
            raise CliError(f"the server answered {response.status_code}: {message}")
        if response.status_code != 200 or not isinstance(body.get("data"), dict):
            raise CliError(f"{self.endpoint} answered {response.status_code} without data")
        data: dict[str, Any] = body["data"]
        return data


class _MeteredFile(io.FileIO):
    """The file to upload, telling a meter how much httpx has read of it."""

    def __init__(self, path: Path, meter: Meter) -> None:
        super().__init__(path, "rb")
        self.meter = meter
        self.sent = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size) or b""
        self.sent += len(chunk)
        self.meter.update(self.sent)
        return chunk


def import_remote(remote: Remote, request: ImportRequest, out: Output) -> ImportOutcome:
    """Upload the file, follow the job until it ends; its outcome."""
    with RemoteApi(remote) as api:
        group_id = _target_group(api, request, out)
        job = _start(api, request, group_id, out)
        job = _follow(api, job, estimate_rows(request.path), out)
        written = _write_rejects(api, job, request.rejects, out)
    return replace(_outcome(job), rejects_file=written)


def _write_rejects(
    api: RemoteApi, job: dict[str, Any], destination: Path | None, out: Output
) -> str | None:
    """Download the job's rejected rows to --rejects FILE; the name written, if any."""
    if destination is None or job["status"] != "SUCCEEDED" or not job["rejected"]:
        return None
    url = job.get("rejectedRowsUrl")
    if url is None:
        raise CliError(f"job {job['id']} kept no file of its rejected rows")
    with rejects_sink(out, destination, job["rejected"]) as sink:
        api.download(url, sink)
    return sink.name


def _target_group(api: RemoteApi, request: ImportRequest, out: Output) -> str | None:
    """The id of the group to import into, or None for a new group of the requested name."""
    if request.group_id is not None:
        node = api.execute(GROUP, {"id": request.group_id})["node"]
        if node is None or node.get("__typename") != "Group":
            raise CliError(f"no group with id {request.group_id}", EXIT_NOT_FOUND)
        out.say(f"Importing {request.path} into group {node['name']!r} ({node['id']}).")
        return str(node["id"])
    if request.group_name is None:
        raise CliError("give the group: --group NAME or --group-id ID", EXIT_USAGE)
    found = groups_named(api, request.group_name)
    return choose_group(request, found, out)


def groups_named(api: RemoteApi, name: str) -> list[str]:
    """The ids of the live groups called `name`."""
    found: list[str] = []
    after = None
    while True:
        page = api.execute(GROUPS, {"after": after})["groups"]
        found += [e["node"]["id"] for e in page["edges"] if e["node"]["name"] == name]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def _start(
    api: RemoteApi, request: ImportRequest, group_id: str | None, out: Output
) -> dict[str, Any]:
    fields: dict[str, Any] = {"file": None, "mode": request.mode}
    fields |= {"groupId": group_id} if group_id is not None else {"groupName": request.group_name}
    if request.mapping is not None:
        fields["fieldMapping"] = [{"column": c, "field": f} for c, f in request.mapping]
    size = request.path.stat().st_size
    with (
        out.meter("Uploading", unit="bytes", total=size) as meter,
        _MeteredFile(request.path, meter) as file,
    ):
        payload = api.upload(IMPORT, {"input": fields}, file, request.path.name)["importRecipients"]
    if payload["userErrors"]:
        first = payload["userErrors"][0]
        raise CliError(
            "the server refused the import: " + _user_errors(payload["userErrors"]),
            refusal_exit_code(first["code"], first.get("field")),
        )
    job: dict[str, Any] = payload["job"]
    return job


def _user_errors(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors:
        where = f" [{'.'.join(error['field'])}]" if error.get("field") else ""
        parts.append(f"{error['message']} ({error['code']}{where})")
    return "; ".join(parts)


def _follow(
    api: RemoteApi, job: dict[str, Any], estimate: int | None, out: Output
) -> dict[str, Any]:
    """Poll the job until it has finished; the finished job with its first row errors."""
    try:
        with out.meter("Importing", unit="rows", total=estimate) as meter:
            while job["status"] in ("QUEUED", "RUNNING", "CANCELLING"):
                time.sleep(POLL_SECONDS)
                job = api.execute(JOB, {"id": job["id"]})["importJob"]
                done = job["processedRows"]
                meter.update(done, max(done, job["totalRows"] or estimate or 0) or None)
    except KeyboardInterrupt:
        message = f"stopped following; the import goes on on the server (job {job['id']})"
        raise Interrupted(message) from None
    variables = {"id": job["id"], "first": SHOWN_ROW_ERRORS}
    finished: dict[str, Any] = api.execute(FINISHED_JOB, variables)["importJob"]
    return finished


def _outcome(job: dict[str, Any]) -> ImportOutcome:
    group = job["group"]
    return ImportOutcome(
        status=job["status"],
        group=f"group {group['name']!r} ({group['id']})" if group else "the group",
        added=job["added"],
        updated=job["updated"],
        unchanged=job["unchanged"],
        skipped=job["skipped"],
        rejected=job["rejected"],
        status_kept=job["statusKept"],
        row_errors=[
            RowProblem(e["row"], e["column"], e["code"], e["message"])
            for e in job.get("rowErrors", [])
        ],
        backup_id=job["backup"]["id"] if job["backup"] else None,
        error=job["error"],
    )


def export_remote(remote: Remote, backup_ref: str, destination: str, out: Output) -> int:
    """Stream the backup's CSV from its download URL into `destination`; the exit code."""
    with RemoteApi(remote) as api:
        node = api.execute(BACKUP, {"id": backup_global_id(backup_ref)})["node"]
        if node is None or node.get("__typename") != "Backup":
            message = f"no backup with id {backup_ref} (it may have expired)"
            raise CliError(message, EXIT_NOT_FOUND)
        rows = int(node["recipientCount"])
        with (
            out.meter("Exporting", unit="rows", total=rows) as meter,
            ExportFile(destination, meter, rows) as sink,
        ):
            api.download(node["downloadUrl"], sink)
    out.say(
        f"Wrote {rows:,} recipients of {node['groupName']!r} (backup {node['id']}) to {sink.name}."
    )
    return EXIT_OK


def backup_global_id(backup_ref: str) -> str:
    """A backup's global ID, from itself or from the backup's number."""
    if backup_ref.strip().isdigit():
        from api.global_ids import encode_id

        return encode_id("Backup", int(backup_ref))
    return backup_ref.strip()
