"""List-and-watch of one kind of object, in one namespace or cluster-wide, handing every change to a callback."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from kubernetes import watch
from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic import DynamicClient

log = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any], dict[str, Any] | None], None]  # (event type, object, previous object)

_WATCH_SECONDS = 300  # the server ends a watch after this; the informer then resumes from its last resourceVersion
_RETRY_SECONDS = 2.0


def _key(obj: dict[str, Any]) -> tuple[str, str]:
    return obj["metadata"].get("namespace") or "", obj["metadata"]["name"]


class Informer:
    """Keeps a cache of objects current and calls `handler` for each ADDED, MODIFIED or DELETED object.

    A relist (at start, and after the server says the resourceVersion is too old) reports what changed while the
    watch was down, deletions included, so no change is ever missed.
    """

    def __init__(
        self, client: DynamicClient, api_version: str, kind: str, namespace: str | None, handler: Handler
    ) -> None:
        self._client = client
        self._resource = client.resources.get(api_version=api_version, kind=kind)
        self._namespace = namespace or None
        self._handler = handler
        self._cache: dict[tuple[str, str], dict[str, Any]] = {}
        self._stop = threading.Event()
        self.synced = threading.Event()
        self.description = f"{kind} in {self._namespace or 'all namespaces'}"

    def objects(self) -> list[dict[str, Any]]:
        return list(self._cache.values())

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name=f"informer {self.description}", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                version = self._relist()
                self.synced.set()
                self._watch(version)
            except ApiException as error:
                if error.status != 410:
                    log.warning("%s: %s; retrying", self.description, error.reason)
                    time.sleep(_RETRY_SECONDS)
            except Exception as error:  # a dropped connection must never end the informer
                log.warning("%s: %s; retrying", self.description, error)
                time.sleep(_RETRY_SECONDS)

    def _relist(self) -> str:
        listing = self._resource.get(namespace=self._namespace).to_dict()
        fresh = {_key(item): item for item in listing["items"]}
        for key, old in list(self._cache.items()):
            if key not in fresh:
                del self._cache[key]
                self._handler("DELETED", old, old)
        for key, item in fresh.items():
            old = self._cache.get(key)
            self._cache[key] = item
            if old is None:
                self._handler("ADDED", item, None)
            elif old["metadata"].get("resourceVersion") != item["metadata"].get("resourceVersion"):
                self._handler("MODIFIED", item, old)
        return listing["metadata"]["resourceVersion"]

    def _watch(self, version: str) -> None:
        watcher = watch.Watch()
        for event in self._client.watch(
            self._resource,
            namespace=self._namespace,
            resource_version=version,
            timeout=_WATCH_SECONDS,
            watcher=watcher,
            allow_watch_bookmarks=True,
        ):
            if self._stop.is_set():
                watcher.stop()
                return
            kind, obj = event["type"], event["raw_object"]
            if kind == "ERROR":
                raise ApiException(status=obj.get("code", 500), reason=obj.get("message", "watch error"))
            if kind == "BOOKMARK":
                continue
            key = _key(obj)
            old = self._cache.get(key)
            if kind == "DELETED":
                self._cache.pop(key, None)
            else:
                self._cache[key] = obj
            self._handler(kind, obj, old)
