"""A container's environment, resolved the way the kubelet does: envFrom first, then env (later entries win),
`$(VAR)` references expanded against the variables defined before them, values from ConfigMaps, Secrets, the pod's
own fields and the container's resources. Pure functions: sources are passed in as lookups.

Error messages name the missing object and key, never a value: Secrets must not leak into statuses or logs.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable

Lookup = Callable[[str, str], dict | None]  # (namespace, name) -> object or None

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NODE_ALLOCATABLE = {"cpu": "4", "memory": "8Gi", "ephemeral-storage": "100Gi"}

_REFERENCE = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")
_QUANTITY = re.compile(r"^([0-9.]+)([a-zA-Z]*)$")
_SUFFIX = {
    "": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
}  # fmt: skip


class ConfigError(Exception):
    """The container cannot be configured yet (a missing ConfigMap, Secret or key): CreateContainerConfigError."""


def expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes' `$(VAR)` expansion: defined variables are replaced, undefined ones kept, `$$` is a literal `$`."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        return env.get(name, match.group(0))

    return _REFERENCE.sub(replace, text)


def parse_quantity(quantity: str) -> float:
    match = _QUANTITY.match(str(quantity))
    if not match or match.group(2) not in _SUFFIX:
        raise ValueError(f"unsupported quantity {quantity!r}")
    return float(match.group(1)) * _SUFFIX[match.group(2)]


def field_value(pod: dict, field_path: str) -> str:
    """The value of a downward-API fieldRef (metadata.*, spec.nodeName, status.podIP, ...)."""
    meta, spec, status = pod["metadata"], pod.get("spec", {}), pod.get("status", {})
    subscript = re.match(r"^metadata\.(labels|annotations)\['(.+)'\]$", field_path)
    if subscript:
        return meta.get(subscript.group(1), {}).get(subscript.group(2), "")
    if field_path in ("metadata.labels", "metadata.annotations"):
        items = meta.get(field_path.split(".")[1], {})
        return "\n".join(f'{key}="{value}"' for key, value in sorted(items.items()))
    simple = {
        "metadata.name": meta.get("name"),
        "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"),
        "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName", "default"),
        "status.podIP": status.get("podIP"),
        "status.hostIP": status.get("hostIP"),
        "status.podIPs": ",".join(entry["ip"] for entry in status.get("podIPs", [])),
        "status.hostIPs": ",".join(entry["ip"] for entry in status.get("hostIPs", [])),
    }
    if field_path not in simple:
        raise ConfigError(f"unsupported fieldRef {field_path!r}")
    return simple[field_path] or ""


def resource_value(container: dict, resource_field: str, divisor: str | None = None) -> str:
    """A resourceFieldRef (limits.cpu, requests.memory, ...): the container's value, else the node's allocatable."""
    kind, _, resource = resource_field.partition(".")
    resources = container.get("resources", {})
    quantity = resources.get(kind, {}).get(resource) or resources.get("limits", {}).get(resource)
    amount = parse_quantity(quantity or NODE_ALLOCATABLE.get(resource, "0"))
    return str(math.ceil(amount / parse_quantity(divisor or "1")))


def _decoded(source: dict, kind: str) -> dict[str, str]:
    if kind == "secret":
        return {key: base64.b64decode(value).decode() for key, value in (source.get("data") or {}).items()}
    return dict(source.get("data") or {})


def _key_ref(ref: dict, kind: str, namespace: str, lookup: Lookup) -> str | None:
    source = lookup(namespace, ref["name"])
    if source is None:
        if ref.get("optional"):
            return None
        raise ConfigError(f"{kind} {namespace}/{ref['name']} not found")
    data = _decoded(source, kind)
    if ref["key"] not in data:
        if ref.get("optional"):
            return None
        raise ConfigError(f"key {ref['key']!r} not found in {kind} {namespace}/{ref['name']}")
    return data[ref["key"]]


def container_env(
    pod: dict, container: dict, configmaps: Lookup, secrets: Lookup, base: dict[str, str] | None = None
) -> dict[str, str]:
    """The full environment of a container process: what a container runtime provides (PATH, HOSTNAME, HOME), then
    `base` (the image's ENV and the kubelet's own variables), then the container's envFrom and env."""
    namespace = pod["metadata"]["namespace"]
    env = {"PATH": DEFAULT_PATH, "HOSTNAME": pod["metadata"]["name"], "HOME": "/root", **(base or {})}
    for source in container.get("envFrom", []):
        prefix = source.get("prefix", "")
        for kind, lookup in (("configMapRef", configmaps), ("secretRef", secrets)):
            if kind not in source:
                continue
            ref = source[kind]
            obj = lookup(namespace, ref["name"])
            if obj is None:
                if ref.get("optional"):
                    continue
                raise ConfigError(f"{kind[:-3]} {namespace}/{ref['name']} not found")
            for key, value in _decoded(obj, "secret" if kind == "secretRef" else "configmap").items():
                env[prefix + key] = value
    for variable in container.get("env", []):
        value = _env_value(pod, container, variable, env, configmaps=configmaps, secrets=secrets)
        if value is not None:
            env[variable["name"]] = value
    return env


def _env_value(pod, container, variable, env, *, configmaps: Lookup, secrets: Lookup) -> str | None:
    if "valueFrom" not in variable:
        return expand(variable.get("value", ""), env)
    source = variable["valueFrom"]
    namespace = pod["metadata"]["namespace"]
    if "configMapKeyRef" in source:
        return _key_ref(source["configMapKeyRef"], "configmap", namespace, configmaps)
    if "secretKeyRef" in source:
        return _key_ref(source["secretKeyRef"], "secret", namespace, secrets)
    if "fieldRef" in source:
        return field_value(pod, source["fieldRef"]["fieldPath"])
    if "resourceFieldRef" in source:
        ref = source["resourceFieldRef"]
        return resource_value(container, ref["resource"], ref.get("divisor"))
    raise ConfigError(f"unsupported valueFrom in env {variable['name']!r}")
