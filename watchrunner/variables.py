"""The variables a role receives for one custom resource: ansible-operator's contract with snakeCaseParameters off."""

from __future__ import annotations

from typing import Any

from .watches import Watch


def extra_vars(watch: Watch, resource: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every spec key raw at the top level, `ansible_operator_meta`, the whole object and its raw spec.

    `watch.vars` (and a finalizer's vars, passed as `extra`) come first, so that the resource's own values and the
    operator's variables win over them, as in ansible-operator.
    """
    metadata = resource.get("metadata", {})
    spec = resource.get("spec") or {}
    variables: dict[str, Any] = {**watch.vars, **(extra or {})}
    variables.update(spec)
    variables["ansible_operator_meta"] = {"name": metadata.get("name"), "namespace": metadata.get("namespace")}
    variables[watch.variable_prefix] = resource
    variables[f"{watch.variable_prefix}_spec"] = spec
    return variables
