"""Parse import files in a process of their own, with the same codec, chunk by chunk.

The codec's parse (`csv` and the row checks) holds the GIL: in a thread it slowed the writer it
was meant to overlap. Here one parse process per Python process, started on first use and kept,
opens each file with `codec.open_import` and keeps its reader under a token; `ParsedFile` asks
it for chunks ahead of need, and only the pickled chunks cross. Semantics are the codec's by
construction: the same functions run, only elsewhere.

The process is a plain `python -c` child speaking length-prefixed pickles over its stdin and
stdout, not a `multiprocessing` one: those import the parent's main module again (the whole
server, 1.4 s and 20 MB more for `listkeeper serve`) and break under a script without a
`__main__` guard. It answers in the order asked, one task at a time, so a thread of the parent
matches answers to the futures waiting in line; two imports interleave chunk by chunk, and a
chunk asked ahead always finishes before its file is closed. If the process dies, the imports
waiting fail and the next one starts another. It ignores SIGINT (the server's Ctrl-C stops the
jobs first) and ends when the parent closes its stdin, at the latest when the parent exits.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import io
import itertools
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from storage import codec

# Chunks asked for ahead of the one being written: the parser never waits for the writer.
CHUNKS_AHEAD = 2
_LENGTH = struct.Struct("<Q")
_CHILD = "import sys; sys.path[:] = __import__('json').loads(sys.argv[1]); import api.parse_process as p; p.serve()"


class ParseProcessError(Exception):
    """The parse process failed a task (its error as text) or died."""


@dataclass(frozen=True)
class ParseFailure:
    """A `CsvFileError` as a value: exceptions with keyword arguments do not unpickle."""

    message: str
    code: str
    field: str | None

    def error(self) -> codec.CsvFileError:
        """The error the codec raised in the parse process."""
        return codec.CsvFileError(self.message, code=self.code, field=self.field)


@dataclass(frozen=True)
class ReaderHandle:
    """A reader open in the parse process (its token), with what opening the file found."""

    token: int
    layout: codec.CsvLayout
    data_header: tuple[str, ...]


def _write_message(stream: IO[bytes], message: object) -> None:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # No memo: a chunk's rows pickle in 0.19 us a row instead of 0.64 (the memo keeps every
    # string it sees). Messages hold no cycles; a value shared twice is only written twice.
    pickler.fast = True
    pickler.dump(message)
    stream.write(_LENGTH.pack(buffer.tell()))
    stream.write(buffer.getbuffer())
    stream.flush()


def _read_message(stream: IO[bytes]) -> Any:
    """The next message; raises EOFError at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


# --- in the parse process ---------------------------------------------------------------------

_tokens = itertools.count(1)
_open_readers: dict[int, tuple[codec.CsvImportReader, Iterator[codec.Chunk]]] = {}


def _failure(error: codec.CsvFileError) -> ParseFailure:
    return ParseFailure(error.message, error.code, error.field)


def _open_file(
    path: str, mapping: Sequence[tuple[str, str]] | None, chunk_rows: int
) -> ReaderHandle | ParseFailure:
    try:
        reader = codec.open_import(Path(path), mapping)
    except codec.CsvFileError as error:
        return _failure(error)
    token = next(_tokens)
    _open_readers[token] = (reader, reader.chunks(chunk_rows))
    return ReaderHandle(token, reader.layout, reader.data_header)


def _next_chunk(token: int) -> codec.Chunk | ParseFailure | None:
    opened = _open_readers.get(token)
    if opened is None:  # ended, failed or closed: nothing more
        return None
    try:
        chunk = next(opened[1], None)
    except codec.CsvFileError as error:
        _close_file(token)
        return _failure(error)
    if chunk is None:
        _close_file(token)
    return chunk


def _close_file(token: int) -> None:
    opened = _open_readers.pop(token, None)
    if opened is not None:
        opened[0].close()


def _peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


_TASKS: dict[str, Callable[..., object]] = {
    "open": _open_file,
    "next": _next_chunk,
    "close": _close_file,
    "peak_rss_mb": _peak_rss_mb,
}


def serve() -> None:
    """The parse process's loop: answer each task, in order, until stdin ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The answers get stdout's pipe to themselves: anything printed goes to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = sys.stdin.buffer
    while True:
        try:
            name, args = _read_message(requests)
        except EOFError:
            return
        try:
            answer: tuple[bool, object] = (True, _TASKS[name](*args))
        except Exception as error:  # any other failure is the task's, reported as text
            answer = (False, f"{type(error).__name__}: {error}")
        _write_message(answers, answer)


# --- in the importing process -----------------------------------------------------------------


class _ParseProcess:
    """The child and the thread that hands its answers to the futures waiting in line."""

    def __init__(self) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, orjson.dumps(sys.path).decode()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._waiting: deque[Future[Any]] = deque()
        self._lock = threading.Lock()
        self.alive = True
        self._answers = threading.Thread(
            target=self._hand_answers, name="parse-answers", daemon=True
        )
        self._answers.start()

    def submit(self, name: str, *args: object) -> Future[Any]:
        """Ask for a task; its future gets the answer."""
        future: Future[Any] = Future()
        assert self._child.stdin is not None
        with self._lock:  # the line of futures keeps the order of the tasks written
            if not self.alive:
                raise ParseProcessError("the parse process has ended")
            self._waiting.append(future)
            try:
                # Tasks are a few hundred bytes and the child reads each before it works.
                _write_message(self._child.stdin, (name, args))
            except OSError as error:  # it died: the answers' thread fails the line
                self._waiting.remove(future)
                raise ParseProcessError("the parse process died") from error
        return future

    def stop(self) -> None:
        """Close the child's stdin (it ends) and wait for it and the answers' thread."""
        with contextlib.suppress(OSError), self._lock:
            if self._child.stdin is not None:
                self._child.stdin.close()
        try:
            self._child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._child.kill()
        self._answers.join(timeout=5)

    def _hand_answers(self) -> None:
        assert self._child.stdout is not None
        while True:
            try:
                done, value = _read_message(self._child.stdout)
            except (EOFError, OSError):
                break
            future = self._waiting.popleft()  # deque: safe beside `submit`'s append
            with contextlib.suppress(InvalidStateError):  # cancelled meanwhile
                if done:
                    future.set_result(value)
                else:
                    future.set_exception(ParseProcessError(value))
        self._fail_waiting()

    def _fail_waiting(self) -> None:
        with self._lock:
            self.alive = False
            waiting, self._waiting = self._waiting, deque()
            for pipe in (self._child.stdin, self._child.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()
        for future in waiting:
            with contextlib.suppress(InvalidStateError):
                future.set_exception(ParseProcessError("the parse process died"))
        self._child.wait()


_process: _ParseProcess | None = None
_process_lock = threading.Lock()


def _parse_process() -> _ParseProcess:
    global _process
    with _process_lock:
        if _process is None or not _process.alive:
            _process = _ParseProcess()
        return _process


@atexit.register
def _stop_parse_process() -> None:
    if _process is not None:
        _process.stop()


async def _ask(process: _ParseProcess, name: str, *args: object) -> Any:
    return await asyncio.wrap_future(process.submit(name, *args))


async def parser_peak_rss_mb() -> float:
    """The parse process's peak resident memory in MB (benchmarks add it to the importer's)."""
    return float(await _ask(_parse_process(), "peak_rss_mb"))


class ParsedFile:
    """A file being parsed in the parse process (`open_parsed`); `aclose()` it."""

    def __init__(self, process: _ParseProcess, opened: ReaderHandle) -> None:
        self.layout = opened.layout
        self.data_header = opened.data_header
        self._process = process
        self._token = opened.token
        self._ahead: deque[Future[codec.Chunk | ParseFailure | None]] = deque()
        self._ended = False

    async def next_chunk(self) -> codec.Chunk | None:
        """The next chunk, None at the end; raises `CsvFileError` as the codec does."""
        if self._ended:
            return None
        while len(self._ahead) < CHUNKS_AHEAD + 1:
            self._ahead.append(self._process.submit("next", self._token))
        chunk = await asyncio.wrap_future(self._ahead.popleft())
        if chunk is None or isinstance(chunk, ParseFailure):
            self._ended = True
        if isinstance(chunk, ParseFailure):
            raise chunk.error()
        return chunk

    async def aclose(self) -> None:
        """Close the file in the parse process, after the chunks asked ahead (dropped).

        Not awaited: a cancelled import need not wait for chunks nobody will read.
        """
        self._ahead.clear()
        with contextlib.suppress(ParseProcessError):
            self._process.submit("close", self._token)


async def open_parsed(
    path: Path, mapping: Sequence[tuple[str, str]] | None, *, chunk_rows: int
) -> ParsedFile:
    """Open `path` in the parse process; raises `CsvFileError` as `codec.open_import` does.

    The caller must `aclose()` it (`contextlib.aclosing`).
    """
    process = _parse_process()
    opening = process.submit("open", _absolute(path), _pairs(mapping), chunk_rows)
    try:
        opened = await asyncio.wrap_future(opening)
    except asyncio.CancelledError:
        opening.add_done_callback(lambda done: _close_when_opened(process, done))
        raise
    if isinstance(opened, ParseFailure):
        raise opened.error()
    return ParsedFile(process, opened)


def _close_when_opened(process: _ParseProcess, opening: Future[Any]) -> None:
    """A file opened for an import cancelled meanwhile: close it (nobody awaits this)."""
    if opening.cancelled() or opening.exception() is not None:
        return
    opened = opening.result()
    if isinstance(opened, ReaderHandle):
        with contextlib.suppress(ParseProcessError, OSError):
            process.submit("close", opened.token)


def _absolute(path: Path) -> str:
    """The path as the parse process reads it: it keeps the folder it started in."""
    return os.path.abspath(path)  # getcwd and string work: no file is touched


def _pairs(mapping: Sequence[tuple[str, str]] | None) -> list[tuple[str, str]] | None:
    return [(column, field) for column, field in mapping] if mapping is not None else None
