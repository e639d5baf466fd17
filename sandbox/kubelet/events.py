"""Kubernetes Events for what the kubelet does to a pod (Started, Killing, Unhealthy, BackOff, Failed), so that
`kubectl describe pod` and `kubectl get events` tell the story. Sent from one background thread: recording an
event never delays a pod worker, and a failed write is dropped (events are best effort, as in Kubernetes)."""

from __future__ import annotations

import logging
import queue
import threading
import uuid

import urllib3

from .api import Api, ApiError
from .status import timestamp

log = logging.getLogger(__name__)

MAX_QUEUED = 1000


class EventRecorder:
    def __init__(self, api: Api):
        self.api = api
        self._queue: queue.Queue[tuple[dict, str, str, str, str]] = queue.Queue(MAX_QUEUED)
        threading.Thread(target=self._send_forever, name="events", daemon=True).start()

    def record(self, pod: dict, node: str, reason: str, message: str, kind: str = "Normal") -> None:
        try:
            self._queue.put_nowait((pod, node, reason, message, kind))
        except queue.Full:
            log.debug("event queue full; dropping %s", reason)

    def _send_forever(self) -> None:
        while True:
            pod, node, reason, message, kind = self._queue.get()
            meta = pod["metadata"]
            now = timestamp()
            event = {
                "metadata": {"name": f"{meta['name']}.{uuid.uuid4().hex[:16]}", "namespace": meta["namespace"]},
                "involvedObject": {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "name": meta["name"],
                    "namespace": meta["namespace"],
                    "uid": meta["uid"],
                },
                "reason": reason,
                "message": message,
                "type": kind,
                "source": {"component": "kubelet", "host": node},
                "firstTimestamp": now,
                "lastTimestamp": now,
                "count": 1,
            }
            try:
                self.api.create(f"/api/v1/namespaces/{meta['namespace']}/events", event)
            except (ApiError, urllib3.exceptions.HTTPError) as error:
                log.debug("event %s for %s/%s not recorded: %s", reason, meta["namespace"], meta["name"], error)
