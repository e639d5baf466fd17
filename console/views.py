"""What the pages show, computed from Kubernetes objects: the list's rows, the instance page's parts, the connect
lines. Pure functions of the objects and the kind's settings (no I/O), so that they are tested as tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jsonpath_ng import parse as parse_jsonpath
from jsonpath_ng.exceptions import JsonPathParserError

from console import schema_form
from console.settings import KindSettings

SECRET_MARK = "(set)"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


class CrdError(ValueError):
    """The CRD cannot be served (no served version, no schema); the message says which and why."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    json_path: str
    priority: int = 0


@dataclass(frozen=True)
class Served:
    """A CRD as the console serves it: its served version, its spec's schema and its printer columns."""

    group: str
    version: str
    kind: str
    plural: str
    spec_schema: dict
    columns: tuple[Column, ...]


def served(crd: dict) -> Served:
    """The version the API server stores (else the first served one) of a CRD, with its spec's schema."""
    name = crd.get("metadata", {}).get("name", "?")
    if crd.get("spec", {}).get("scope") != "Namespaced":
        raise CrdError(f"{name} is cluster-scoped; the console serves namespaced kinds only")
    versions = [v for v in crd["spec"].get("versions", []) if v.get("served")]
    if not versions:
        raise CrdError(f"{name} serves no version")
    version = next((v for v in versions if v.get("storage")), versions[0])
    spec_schema = (version.get("schema") or {}).get("openAPIV3Schema", {}).get("properties", {}).get("spec")
    if not spec_schema:
        raise CrdError(
            f"{name} version {version['name']} has no openAPIV3Schema for spec: the console builds its form from "
            "that schema, so add one to the CRD"
        )
    columns = tuple(
        Column(c["name"], c.get("type", "string"), c.get("description", ""), c["jsonPath"], c.get("priority", 0))
        for c in version.get("additionalPrinterColumns", [])
        if c.get("jsonPath") != ".metadata.creationTimestamp"  # the page shows the age itself
    )
    names = crd["spec"]["names"]
    return Served(crd["spec"]["group"], version["name"], names["kind"], names["plural"], spec_schema, columns)


@lru_cache(maxsize=256)
def _compiled(path: str):
    # Kubernetes writes `.metadata.annotations.redis\.kun/scope`: a backslash keeps a dot inside a key. jsonpath-ng
    # wants such keys quoted, so each unescaped-dot segment becomes a quoted child.
    segments = re.split(r"(?<!\\)\.", path.lstrip("."))
    parts = []
    for segment in segments:
        key, _, index = segment.partition("[")
        parts.append("['{}']".format(key.replace("\\.", ".").replace("'", "\\'")) + ("[" + index if index else ""))
    try:
        return parse_jsonpath("$" + "".join(parts))
    except (JsonPathParserError, Exception) as error:  # jsonpath-ng raises plain Exceptions for some paths
        raise CrdError(f"cannot read the JSONPath {path!r}: {error}") from error


def at(path: str, obj: dict):
    """The value at a Kubernetes JSONPath (`.status.master`) of obj, or None."""
    found = _compiled(path).find(obj)
    return found[0].value if found else None


def listed(columns: tuple[Column, ...], names: tuple[str, ...] = ()) -> tuple[Column, ...]:
    """The columns of the list page: those the kind's listColumns names, in that order, else the priority-0 ones
    (what `kubectl get` shows without -o wide)."""
    if names:
        by_name = {column.name: column for column in columns}
        return tuple(by_name[name] for name in names if name in by_name)
    return tuple(column for column in columns if column.priority == 0)


def row(columns: tuple[Column, ...], obj: dict, names: tuple[str, ...] = ()) -> dict:
    metadata = obj["metadata"]
    return {
        "key": f"{metadata['namespace']}/{metadata['name']}",
        "namespace": metadata["namespace"],
        "name": metadata["name"],
        "created": metadata.get("creationTimestamp"),
        "cells": [at(column.json_path, obj) for column in listed(columns, names)],
    }


def list_columns(columns: tuple[Column, ...], names: tuple[str, ...] = ()) -> list[dict]:
    return [{"name": c.name, "type": c.type, "description": c.description} for c in listed(columns, names)]


def conditions_newest_first(obj: dict) -> list[dict]:
    conditions = list((obj.get("status") or {}).get("conditions") or [])
    return sorted(conditions, key=lambda c: c.get("lastTransitionTime") or "", reverse=True)


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]+)\}")


def render(template: str, obj: dict) -> str:
    """{name}, {namespace} and {.json.path} of obj filled in; {{ and }} stand for braces."""

    def value(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        key = match.group(1)
        if key in ("name", "namespace"):
            return obj["metadata"][key]
        found = at(key, obj)
        return "" if found is None else str(found)

    return _PLACEHOLDER.sub(value, template)


def instance(settings: KindSettings, kind: Served, obj: dict) -> dict:
    """The instance page's `object` event: the object without its managed fields and secrets, and what is
    computed from it."""
    metadata = {k: v for k, v in obj["metadata"].items() if k != "managedFields"}
    if LAST_APPLIED in (metadata.get("annotations") or {}):  # kubectl's copy of the spec, password and all
        metadata["annotations"] = dict(metadata["annotations"], **{LAST_APPLIED: SECRET_MARK})
    shown = dict(obj, metadata=metadata)
    if "spec" in shown:
        shown["spec"] = schema_form.redact(kind.spec_schema, shown["spec"], SECRET_MARK)
    secret = next((render(s.name, obj) for s in settings.secret_name if at(s.path, obj)), None)
    kept = bool(settings.deletion.keep_path and at(settings.deletion.keep_path, obj))
    return {
        "object": shown,
        "formData": schema_form.to_form(
            kind.spec_schema, schema_form.drop_secrets(kind.spec_schema, obj.get("spec") or {})
        ),
        "conditions": conditions_newest_first(obj),
        "summary": [[c.name, at(c.json_path, obj)] for c in kind.columns],
        "connect": [render(c.line, obj) for c in settings.connect if c.when is None or at(c.when, obj)],
        "secretName": secret,
        "deleteNotice": settings.deletion.when_kept if kept else settings.deletion.when_deleted,
        "resourceVersion": obj["metadata"].get("resourceVersion"),
        "observedCurrent": observed_current(obj),
    }


def observed_current(obj: dict) -> bool | None:
    """Whether the status speaks of the spec as it is (status.observedGeneration, the Kubernetes convention, against
    metadata.generation); None when the kind reports no observedGeneration."""
    observed = (obj.get("status") or {}).get("observedGeneration")
    if observed is None:
        return None
    return observed >= obj["metadata"].get("generation", 0)


def pod(obj: dict, role_labels: tuple[str, ...]) -> dict:
    status = obj.get("status") or {}
    containers = status.get("containerStatuses") or []
    labels = obj["metadata"].get("labels") or {}
    return {
        "name": obj["metadata"]["name"],
        "phase": status.get("phase"),
        "ready": any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or []),
        "role": next((labels[key] for key in role_labels if key in labels), None),
        "ip": status.get("podIP"),
        "node": (obj.get("spec") or {}).get("nodeName"),
        "restarts": sum(c.get("restartCount", 0) for c in containers),
        "deleting": bool(obj["metadata"].get("deletionTimestamp")),
    }


def service(obj: dict) -> dict:
    spec = obj.get("spec") or {}
    return {
        "name": obj["metadata"]["name"],
        "type": spec.get("type", "ClusterIP"),
        "clusterIP": spec.get("clusterIP"),
        "ports": [f"{p.get('name', '')}:{p.get('port')}" for p in spec.get("ports") or []],
    }


def claim(obj: dict) -> dict:
    status = obj.get("status") or {}
    return {
        "name": obj["metadata"]["name"],
        "phase": status.get("phase"),
        "capacity": (status.get("capacity") or {}).get("storage"),
    }


def event(obj: dict) -> dict:
    source = obj.get("reportingController") or (obj.get("source") or {}).get("component")
    return {
        "uid": obj["metadata"].get("uid"),
        "type": obj.get("type"),
        "reason": obj.get("reason"),
        "message": obj.get("message") or obj.get("note"),
        "count": obj.get("count") or (obj.get("series") or {}).get("count") or 1,
        "time": obj.get("lastTimestamp") or obj.get("eventTime") or obj["metadata"].get("creationTimestamp"),
        "source": source,
    }


def events_newest_first(events: list[dict]) -> list[dict]:
    return sorted(events, key=lambda e: e.get("time") or "", reverse=True)
