"""A work queue with client-go's guarantees: a key is queued once however often it is added, a key is never handed
to two workers at once, and a key added while it is being processed is handed out again once that work is done.

A key waiting for a delayed add keeps only its earliest due time, and handing the key out cancels that wait: each
reconcile schedules its own next run, so a run caused by an event pushes the periodic one back instead of doubling it.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Hashable


class WorkQueue:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: list[Hashable] = []
        self._queued: set[Hashable] = set()
        self._processing: set[Hashable] = set()
        self._dirty: set[Hashable] = set()
        self._delayed: list[tuple[float, int, Hashable]] = []
        self._due: dict[Hashable, float] = {}
        self._sequence = itertools.count()
        self._shut_down = False

    def add(self, key: Hashable) -> None:
        with self._cond:
            self._add_locked(key)

    def add_after(self, key: Hashable, delay: float) -> None:
        """Add the key once `delay` seconds have passed (sooner if it is added again meanwhile)."""
        if delay <= 0:
            self.add(key)
            return
        due = time.monotonic() + delay
        with self._cond:
            if key in self._due and self._due[key] <= due:
                return
            self._due[key] = due
            heapq.heappush(self._delayed, (due, next(self._sequence), key))
            self._cond.notify_all()

    def get(self) -> Hashable | None:
        """The next key to work on, waiting for one; None once the queue is shut down."""
        with self._cond:
            while True:
                if self._shut_down:
                    return None
                self._promote_due_locked()
                if self._queue:
                    key = self._queue.pop(0)
                    self._queued.discard(key)
                    self._due.pop(key, None)
                    self._processing.add(key)
                    return key
                timeout = self._delayed[0][0] - time.monotonic() if self._delayed else None
                self._cond.wait(timeout)

    def done(self, key: Hashable) -> None:
        """Work on `key` finished; if it was added meanwhile, it is queued again now."""
        with self._cond:
            self._processing.discard(key)
            if key in self._dirty:
                self._dirty.discard(key)
                self._add_locked(key)

    def shut_down(self) -> None:
        with self._cond:
            self._shut_down = True
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self._queue)

    def _add_locked(self, key: Hashable) -> None:
        if key in self._processing:
            self._dirty.add(key)
        elif key not in self._queued:
            self._queued.add(key)
            self._queue.append(key)
            self._cond.notify_all()

    def _promote_due_locked(self) -> None:
        now = time.monotonic()
        while self._delayed and self._delayed[0][0] <= now:
            due, _, key = heapq.heappop(self._delayed)
            if self._due.get(key) == due:  # else cancelled or superseded by an earlier due time
                del self._due[key]
                self._add_locked(key)
