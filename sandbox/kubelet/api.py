"""A small JSON client for the Kubernetes API, and an informer (list, watch, cache) on top of it.

The kubelet works on plain dicts, as they come off the wire: it borrows only the kubeconfig loader of the
`kubernetes` package and speaks JSON over one urllib3 connection pool (typed models are slow to build and to compare).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import urllib3
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

log = logging.getLogger(__name__)

MERGE_PATCH = "application/merge-patch+json"
WATCH_SECONDS = 300
# The API server sends a watch a bookmark about once a minute even when nothing changes (allowWatchBookmarks): a
# watch silent for longer is dead without having been closed, and its informer lists again instead of missing every
# change until WATCH_SECONDS have passed (a pod deletion unseen for minutes).
WATCH_IDLE_SECONDS = 90


class ApiError(Exception):
    def __init__(self, status: int, body: bytes):
        try:
            details = json.loads(body)
        except ValueError:
            details = {"message": body.decode(errors="replace")}
        super().__init__(f"{status} {details.get('reason', '')}: {details.get('message', '')}")
        self.status = status


class Api:
    def __init__(self, kubeconfig: str):
        configuration = k8s_client.Configuration()
        k8s_config.load_kube_config(config_file=kubeconfig, client_configuration=configuration)
        self.host = configuration.host
        self._headers = {"Accept": "application/json"}
        token = (configuration.api_key or {}).get("authorization")
        if token:
            self._headers["Authorization"] = token if token.startswith("Bearer ") else f"Bearer {token}"
        self._pool = urllib3.PoolManager(
            maxsize=32,
            cert_reqs="CERT_REQUIRED",
            ca_certs=configuration.ssl_ca_cert,
            cert_file=configuration.cert_file,
            key_file=configuration.key_file,
        )

    def request(self, method: str, path: str, body=None, *, query=None, content_type="application/json", stream=False):
        url = self.host + path + (f"?{urlencode(query)}" if query else "")
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = content_type
        read_timeout = WATCH_IDLE_SECONDS if stream else 30
        response = self._pool.request(
            method,
            url,
            body=None if body is None else json.dumps(body).encode(),
            headers=headers,
            timeout=urllib3.Timeout(connect=5, read=read_timeout),
            preload_content=not stream,
            retries=False,
        )
        if response.status >= 400:
            raise ApiError(response.status, response.data if not stream else response.read())
        if stream:
            return response
        return json.loads(response.data) if response.data else None

    def get(self, path: str, query=None):
        return self.request("GET", path, query=query)

    def create(self, path: str, body: dict):
        return self.request("POST", path, body)

    def patch(self, path: str, body: dict):
        return self.request("PATCH", path, body, content_type=MERGE_PATCH)

    def delete(self, path: str, body: dict | None = None):
        return self.request("DELETE", path, body)

    def watch(self, path: str, query: dict) -> Iterator[dict]:
        response = self.request("GET", path, query={**query, "watch": "1"}, stream=True)
        try:
            for line in response:
                if line.strip():
                    yield json.loads(line)
        finally:
            response.release_conn()


def object_key(obj: dict) -> str:
    meta = obj["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


class Informer(threading.Thread):
    """Keeps a cache of one resource collection current and calls `handler(event_type, obj)` for every change.
    Lists, then watches from the list's resourceVersion; re-lists (reporting what vanished) when the watch expires."""

    def __init__(self, api: Api, path: str, handler: Callable[[str, dict], None], query: dict | None = None):
        super().__init__(name=f"informer{path}", daemon=True)
        self.api = api
        self.path = path
        self.query = query or {}
        self.handler = handler
        self.synced = threading.Event()
        self._cache: dict[str, dict] = {}
        self._lock = threading.Lock()

    def get(self, namespace: str, name: str) -> dict | None:
        with self._lock:
            return self._cache.get(f"{namespace}/{name}")

    def items(self) -> list[dict]:
        with self._lock:
            return list(self._cache.values())

    def run(self) -> None:
        failing = False
        while True:
            try:
                resource_version = self._relist()
                if failing:
                    log.info("informer %s: listing works again", self.path)
                    failing = False
                self._watch(resource_version)
            except Exception as error:  # the API server restarting, a dropped connection: start over
                if not failing:
                    log.warning("informer %s: %s; listing again every second", self.path, error)
                failing = True
                time.sleep(1)

    def _relist(self) -> str:
        listing = self.api.get(self.path, self.query)
        fresh = {object_key(item): item for item in listing["items"]}
        with self._lock:
            old, self._cache = self._cache, fresh
        for key, item in old.items():
            if key not in fresh:
                self._emit("DELETED", item)
        for key, item in fresh.items():
            previous = old.get(key)
            if previous is None or previous["metadata"]["resourceVersion"] != item["metadata"]["resourceVersion"]:
                self._emit("MODIFIED" if previous else "ADDED", item)
        self.synced.set()
        return listing["metadata"]["resourceVersion"]

    def _watch(self, resource_version: str) -> None:
        while True:
            query = {
                **self.query,
                "resourceVersion": resource_version,
                "allowWatchBookmarks": "true",
                "timeoutSeconds": str(WATCH_SECONDS),
            }
            for event in self.api.watch(self.path, query):
                kind, obj = event["type"], event["object"]
                if kind == "ERROR":
                    if obj.get("code") == 410:  # resourceVersion too old: list again
                        return
                    raise RuntimeError(obj.get("message", "watch error"))
                resource_version = obj["metadata"]["resourceVersion"]
                if kind == "BOOKMARK":
                    continue
                with self._lock:
                    if kind == "DELETED":
                        self._cache.pop(object_key(obj), None)
                    else:
                        self._cache[object_key(obj)] = obj
                self._emit(kind, obj)

    def _emit(self, kind: str, obj: dict) -> None:
        try:
            self.handler(kind, obj)
        except Exception:
            log.exception("informer %s: handler failed for %s", self.path, object_key(obj))
