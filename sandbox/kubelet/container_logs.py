"""`kubectl logs` on the kubelet API: /containerLogs/<namespace>/<pod>/<container>, which the API server reaches
for the pods/log subresource.

Query parameters as the real kubelet: follow, previous, tailLines, limitBytes, timestamps, sinceSeconds. A followed
log ends when the container stops writing to that file (it exited or restarted), as `kubectl logs -f` expects.
Log files are in the CRI format (`<time> <stream> <F|P> <text>`); see containers.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FOLLOW_POLL = 0.2

# (namespace, pod, container, previous) -> (log file, "is the container still writing to it?") or None
LogLocator = Callable[[str, str, str, bool], tuple[Path, Callable[[], bool]] | None]


@dataclass(frozen=True)
class LogQuery:
    follow: bool = False
    previous: bool = False
    tail_lines: int | None = None
    limit_bytes: int | None = None
    timestamps: bool = False
    since_seconds: int | None = None

    @classmethod
    def parse(cls, query: dict[str, list[str]]) -> LogQuery:
        def flag(name: str) -> bool:
            return query.get(name, ["false"])[0] in ("true", "1")

        def number(name: str) -> int | None:
            return int(query[name][0]) if name in query else None

        return cls(
            follow=flag("follow"),
            previous=flag("previous"),
            tail_lines=number("tailLines"),
            limit_bytes=number("limitBytes"),
            timestamps=flag("timestamps"),
            since_seconds=number("sinceSeconds"),
        )


def format_line(raw: bytes, timestamps: bool) -> bytes:
    """One CRI log line as `kubectl logs` shows it: the text, optionally after its RFC 3339 time."""
    parts = raw.split(b" ", 3)
    if len(parts) < 4:
        return raw
    stamp, _stream, tag, text = parts
    if tag == b"P":
        text = text.rstrip(b"\n")
    return (stamp + b" " + text) if timestamps else text


def select(lines: list[bytes], tail: int | None, since: float | None) -> list[bytes]:
    if since is not None:
        lines = [line for line in lines if _line_time(line) >= since]
    if tail is not None:
        lines = lines[-tail:] if tail > 0 else []
    return lines


def _line_time(line: bytes) -> float:
    stamp = line.split(b" ", 1)[0].decode(errors="replace")
    try:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return 0.0


def send(path: Path, live: Callable[[], bool], query: LogQuery, write: Callable[[bytes], None]) -> None:
    """Write the log as the query selects it through `write`; with follow, go on until the container stops writing
    to the file. OSError from `write` (the client went away) propagates."""
    since = time.time() - query.since_seconds if query.since_seconds else None
    budget = query.limit_bytes

    def forward(lines: list[bytes]) -> None:
        nonlocal budget
        data = b"".join(format_line(line, query.timestamps) for line in lines)
        if budget is not None:
            data, budget = data[:budget], budget - min(len(data), budget)
        if data:
            write(data)

    with open(path, "rb") as handle:
        forward(select(handle.readlines(), query.tail_lines, since))
        if not query.follow:
            return
        while live() and (budget is None or budget > 0):
            time.sleep(FOLLOW_POLL)
            forward(handle.readlines())
        forward(handle.readlines())  # what the container wrote between the last poll and its exit
