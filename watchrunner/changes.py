"""Which changes of a watched object call for a reconcile (pure functions, shared by the controller's handlers)."""

from __future__ import annotations

from typing import Any

# Metadata that says what an object is meant to be; everything else in metadata is bookkeeping of the server.
_MEANINGFUL_METADATA = ("labels", "annotations", "ownerReferences", "deletionTimestamp", "finalizers")


def _intent(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj.get("metadata", {})
    kept = {key: metadata.get(key) for key in _MEANINGFUL_METADATA}
    body = {key: value for key, value in obj.items() if key not in ("metadata", "status")}
    return {"metadata": kept, **body}


def primary_needs_reconcile(obj: dict[str, Any], old: dict[str, Any] | None, watch_annotations: bool) -> bool:
    """A new resource, a new generation (spec change), deletion or finalizers, and annotations when watched;
    never a status-only update, which the role's own status write would otherwise turn into an endless loop."""
    if old is None:
        return True
    metadata, old_metadata = obj.get("metadata", {}), old.get("metadata", {})
    if metadata.get("generation") != old_metadata.get("generation"):
        return True
    keys = ["deletionTimestamp", "finalizers"] + (["annotations"] if watch_annotations else [])
    return any(metadata.get(key) != old_metadata.get(key) for key in keys)


def dependent_needs_reconcile(event: str, obj: dict[str, Any], old: dict[str, Any] | None) -> bool:
    """A dependent that was deleted or whose intent (spec, data, labels...) changed; not a status update."""
    if event == "DELETED":
        return True
    return old is not None and _intent(obj) != _intent(old)


def owners(obj: dict[str, Any], api_version: str, kind: str) -> list[str]:
    """Names of the owners of `obj` that are of the watched kind (same namespace, as ownerReferences require)."""
    return [
        reference["name"]
        for reference in obj.get("metadata", {}).get("ownerReferences") or []
        if reference.get("kind") == kind and reference.get("apiVersion") == api_version
    ]
