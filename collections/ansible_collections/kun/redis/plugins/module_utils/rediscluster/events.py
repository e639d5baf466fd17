# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes Events about a RedisCluster, as data: their names, bodies and the patch that counts a repeat.

An Event's name is derived from what it says (owner uid, type, reason, message), so a repeat finds the Event it
repeats with one GET and bumps its count and lastTimestamp, as kubectl's event recorder aggregates, instead of
adding a new object per reconcile. Pure functions; rediscluster_status does the I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

COMPONENT = "redis-kun-operator"
# Kubernetes accepts longer messages, but events.k8s.io/v1 caps notes at 1 kB; keep to what both show.
MAX_MESSAGE = 1024


def event_name(owner: Mapping, event: Mapping) -> str:
    """`<owner name>.<16 hex digits>`: at most 48 + 17 characters, a valid object name."""
    identity = "\0".join((owner["uid"], event["type"], event["reason"], _message(event)))
    return f"{owner['name']}.{hashlib.sha256(identity.encode()).hexdigest()[:16]}"


def new_event(owner: Mapping, event: Mapping, stamp: str, instance: str) -> dict:
    """A core/v1 Event about `owner` (apiVersion, kind, name, namespace, uid) seen once, at `stamp`."""
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": event_name(owner, event), "namespace": owner["namespace"]},
        "involvedObject": {key: owner[key] for key in ("apiVersion", "kind", "name", "namespace", "uid")},
        "type": event["type"],
        "reason": event["reason"],
        "message": _message(event),
        "source": {"component": COMPONENT},
        "reportingComponent": COMPONENT,
        "reportingInstance": instance,
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
    }


def repeat_patch(count: int | None, stamp: str) -> dict:
    """The merge patch that records one more occurrence of an Event seen `count` times so far."""
    return {"count": (count or 1) + 1, "lastTimestamp": stamp}


def _message(event: Mapping) -> str:
    return event["message"][:MAX_MESSAGE]
