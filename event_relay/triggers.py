"""Reconciles asked of ansible-operator: a merge patch of the RedisCluster's `redis.kun/relayed-event` annotation,
which its annotation predicate (watches.yaml, watchAnnotationsChanges) turns into a reconcile.

Requests for one cluster within WINDOW_SECONDS of its first become one patch (a failover makes each Sentinel publish
the same events, and its pods change at the same moment), naming the first reason and how many more there were.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from event_relay.rules import ClusterKey

log = logging.getLogger(__name__)

ANNOTATION = "redis.kun/relayed-event"
WINDOW_SECONDS = 0.1
MAX_REASON = 200  # an annotation is for reading; the relay's log has every reason


def annotation_value(reasons: list[str], now: datetime) -> str:
    """`<time> <first reason>[ (+N more)]`: the time makes every patch a change, so that each one reconciles."""
    more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
    return f"{now.isoformat(timespec='milliseconds').replace('+00:00', 'Z')} {reasons[0][:MAX_REASON]}{more}"


class Coalescer:
    """Collects requests per cluster and hands each cluster's batch to `patch(cluster, value)` from one thread."""

    def __init__(self, patch: Callable[[ClusterKey, str], None], window: float = WINDOW_SECONDS):
        self._patch, self._window = patch, window
        self._pending: dict[ClusterKey, tuple[float, list[str]]] = {}
        self._changed = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="triggers", daemon=True)
        self._thread.start()

    def request(self, cluster: ClusterKey, reason: str) -> None:
        log.info("%s: %s", cluster, reason)
        with self._changed:
            due, reasons = self._pending.get(cluster, (time.monotonic() + self._window, []))
            self._pending[cluster] = (due, [*reasons, reason])
            self._changed.notify()

    def forget(self, cluster: ClusterKey) -> None:
        """Drop what is pending for a cluster that is gone."""
        with self._changed:
            self._pending.pop(cluster, None)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._closed and not self._due():
                    self._changed.wait(self._wait())
                if self._closed:
                    return
                batches = [(cluster, self._pending.pop(cluster)[1]) for cluster in self._due()]
            for cluster, reasons in batches:
                try:
                    self._patch(cluster, annotation_value(reasons, datetime.now(UTC)))
                except Exception as error:
                    log.warning("%s: could not ask for a reconcile: %s", cluster, error)

    def _due(self) -> list[ClusterKey]:
        now = time.monotonic()
        return [cluster for cluster, (due, _reasons) in self._pending.items() if due <= now]

    def _wait(self) -> float | None:
        if not self._pending:
            return None
        return max(0.0, min(due for due, _reasons in self._pending.values()) - time.monotonic())
