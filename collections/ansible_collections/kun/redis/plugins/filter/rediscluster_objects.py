# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that decide which rendered objects of a RedisCluster need applying, so that a reconcile that finds
every object as it was rendered applies none (the apply is the costliest task of a no-op reconcile).

Two facts decide it together, each catching what the other cannot:
- Each rendered object carries the hash of its own rendering in an annotation. A change of the rendering (a spec
  change, a new operator version) changes the hash, including the removal of a field, which the live object alone
  cannot show: the server keeps a field nobody applies any more until the next apply drops it.
- The rendered object must still be found inside the live one. The live object adds the server's defaults and
  others' fields, so it is compared as a superset: a field someone changed or removed since the last apply (drift)
  brings the object back. A value the server writes in another form (a quantity like 1000m stored as 1) makes the
  object look changed; it is then applied every reconcile, which costs time but is never wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.kun.redis.plugins.module_utils.kube.objects import contains

RENDERED_HASH = "redis.kun/rendered-hash"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def rendered_hash(definition: Mapping) -> str:
    """The hash of a rendered object without its own hash annotation."""
    metadata = dict(definition.get("metadata") or {})
    annotations = {k: v for k, v in (metadata.get("annotations") or {}).items() if k != RENDERED_HASH}
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    return hashlib.sha256(_canonical({**definition, "metadata": metadata}).encode()).hexdigest()[:32]


def stamped(definitions: Sequence[Mapping]) -> list[dict]:
    """The definitions, each with the hash of its rendering in the annotation RENDERED_HASH."""
    result = []
    for definition in definitions:
        metadata = dict(definition.get("metadata") or {})
        metadata["annotations"] = {**(metadata.get("annotations") or {}), RENDERED_HASH: rendered_hash(definition)}
        result.append({**definition, "metadata": metadata})
    return result


def _key(obj: Mapping) -> tuple[str, str]:
    return obj.get("kind", ""), (obj.get("metadata") or {}).get("name", "")


def outdated(definitions: Sequence[Mapping], live_objects: Sequence[Mapping]) -> list[Mapping]:
    """The stamped definitions whose live object is missing, was rendered differently, or has drifted."""
    live_by_key = {_key(obj): obj for obj in live_objects}
    result = []
    for definition in definitions:
        live = live_by_key.get(_key(definition))
        annotations = ((live or {}).get("metadata") or {}).get("annotations") or {}
        wanted = (definition.get("metadata") or {}).get("annotations", {}).get(RENDERED_HASH)
        if live is None or annotations.get(RENDERED_HASH) != wanted or not contains(live, definition):
            result.append(definition)
    return result


def current(live_objects: Sequence[Mapping], applied: Sequence[Mapping]) -> list[Mapping]:
    """The cluster's objects as they are now: those this reconcile applied (kubernetes.core.k8s results, each with
    the object under `result`), then the live objects it did not apply."""
    applied_objects = [item["result"] for item in applied]
    keys = {_key(obj) for obj in applied_objects}
    return applied_objects + [obj for obj in live_objects if _key(obj) not in keys]


class FilterModule:
    """rediscluster_stamped, rediscluster_outdated and rediscluster_current (see the functions above)."""

    def filters(self) -> dict:
        return {
            "rediscluster_stamped": stamped,
            "rediscluster_outdated": outdated,
            "rediscluster_current": current,
        }
