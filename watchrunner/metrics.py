"""Prometheus metrics of the runner and of every watched resource, plus the health endpoints, on plain HTTP."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Upper bounds (seconds) of the reconcile duration histogram's buckets.
_BUCKETS = (0.5, 1, 2, 2.5, 5, 10, 30, 60, 120)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _labels(**labels: str) -> str:
    inner = ",".join(f'{key}="{_escape(value)}"' for key, value in sorted(labels.items()))
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """Reconcile counters and durations, and gauges read from each watched resource's status at scrape time."""

    def __init__(self, metric_prefix: str, resources: Callable[[], Iterable[dict[str, Any]]]) -> None:
        self._prefix = metric_prefix
        self._resources = resources
        self._lock = threading.Lock()
        self._results: dict[tuple[str, str, str], int] = defaultdict(int)
        self._buckets: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(_BUCKETS))
        self._sums: dict[tuple[str, str], float] = defaultdict(float)
        self._counts: dict[tuple[str, str], int] = defaultdict(int)

    def observe_reconcile(self, namespace: str, name: str, ok: bool, seconds: float) -> None:
        with self._lock:
            self._results[(namespace, name, "succeeded" if ok else "failed")] += 1
            key = (namespace, name)
            for index, bound in enumerate(_BUCKETS):
                if seconds <= bound:
                    self._buckets[key][index] += 1
            self._sums[key] += seconds
            self._counts[key] += 1

    def forget(self, namespace: str, name: str) -> None:
        with self._lock:
            for key in [key for key in self._results if key[:2] == (namespace, name)]:
                del self._results[key]
            for table in (self._buckets, self._sums, self._counts):
                table.pop((namespace, name), None)

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            lines += [
                "# HELP watchrunner_reconciles_total Reconciles run, by resource and result.",
                "# TYPE watchrunner_reconciles_total counter",
            ]
            for (namespace, name, result), count in sorted(self._results.items()):
                lines.append(
                    f"watchrunner_reconciles_total{_labels(namespace=namespace, name=name, result=result)} {count}"
                )
            lines += [
                "# HELP watchrunner_reconcile_seconds Wall time of one reconcile (one run of the role).",
                "# TYPE watchrunner_reconcile_seconds histogram",
            ]
            for (namespace, name), buckets in sorted(self._buckets.items()):
                metric, ids = "watchrunner_reconcile_seconds", {"namespace": namespace, "name": name}
                total = self._counts[(namespace, name)]
                for bound, count in [*zip(map(str, _BUCKETS), buckets, strict=True), ("+Inf", total)]:
                    lines.append(f"{metric}_bucket{_labels(**ids, le=bound)} {count}")
                lines.append(f"{metric}_sum{_labels(**ids)} {self._sums[(namespace, name)]:.3f}")
                lines.append(f"{metric}_count{_labels(**ids)} {total}")
        lines += self._status_gauges()
        return "\n".join(lines) + "\n"

    def _status_gauges(self) -> list[str]:
        """One gauge per numeric status field (counts, observedGeneration) and an info line with the summary."""
        numeric: dict[str, list[str]] = defaultdict(list)
        info: list[str] = []
        for resource in self._resources():
            metadata, status = resource.get("metadata", {}), resource.get("status") or {}
            ids = {"namespace": metadata.get("namespace", ""), "name": metadata.get("name", "")}
            for field, value in status.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    numeric[_snake(field)].append(f"{self._prefix}_status_{_snake(field)}{_labels(**ids)} {value}")
            summary = str(status.get("status", "Unknown"))
            healthy = 1 if summary == "Healthy" else 0
            info.append(f"{self._prefix}_healthy{_labels(**ids)} {healthy}")
            info.append(f"{self._prefix}_info{_labels(**ids, status=summary, master=str(status.get('master', '')))} 1")
        lines = [f"# TYPE {self._prefix}_healthy gauge", f"# TYPE {self._prefix}_info gauge", *info]
        for field, samples in sorted(numeric.items()):
            lines += [f"# TYPE {self._prefix}_status_{field} gauge", *samples]
        return lines


def serve(address: str, routes: dict[str, Callable[[], tuple[int, str]]]) -> ThreadingHTTPServer:
    """Serve GET routes (path -> (status code, body)) on `host:port` in a background thread."""
    host, _, port = address.rpartition(":")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route = routes.get(self.path.split("?", 1)[0])
            code, body = route() if route else (404, "not found\n")
            payload = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: Any) -> None:  # scrapes every few seconds would drown the operator's own log
            pass

    server = ThreadingHTTPServer((host or "0.0.0.0", int(port)), Handler)
    threading.Thread(target=server.serve_forever, name=f"http {address}", daemon=True).start()
    return server
