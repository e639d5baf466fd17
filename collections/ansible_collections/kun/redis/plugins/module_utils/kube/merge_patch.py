# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kube_merge_patch's options and work (module_utils/module_work.py): JSON merge patches (RFC 7386) of named objects
of one resource, one request each.

Written here rather than taken from kubernetes.core.k8s (state: patched), which does the same with a GET before each
PATCH: as a module it costs a Python process and the kubernetes library's import, about 2 s of a reconcile on this
project's machine, and the role-label patch is on the path from a failover to the master Service's endpoints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.kun.redis.plugins.module_utils.kube.client import (
    KubeApiError,
    connect,
    connection_argument_spec,
    error_message,
    object_path,
)
from ansible_collections.kun.redis.plugins.module_utils.module_work import TaskFailed


def argument_spec() -> dict:
    return {
        "api_version": {"type": "str", "required": True},
        "resource": {"type": "str", "required": True},
        "namespace": {"type": "str", "required": True},
        "patches": {"type": "list", "elements": "dict", "required": True},
        **connection_argument_spec(),
    }


def patch_name(patch: Mapping[str, Any]) -> str:
    """The name of the object a patch is for (its metadata.name); a patch without one is refused."""
    name = (patch.get("metadata") or {}).get("name")
    if not isinstance(name, str) or not name:
        raise TaskFailed(f"every patch needs metadata.name, this one has none: {dict(patch)}")
    return name


def merge_patch_objects(params: Mapping[str, Any], check_mode: bool) -> dict:
    """Check mode sends each patch as a server-side dry run: the API server validates it and persists nothing."""
    api_version, resource, namespace = params["api_version"], params["resource"], params["namespace"]
    names = [patch_name(patch) for patch in params["patches"]]
    patched: list[str] = []
    try:
        api = connect(params) if names else None
        for name, patch in zip(names, params["patches"], strict=True):
            path = object_path(api_version, resource, namespace, name)
            api.merge_patch(f"{path}?dryRun=All" if check_mode else path, patch)
            patched.append(name)
    except KubeApiError as error:
        target = f"{resource} {namespace}/{names[len(patched)]}" if len(patched) < len(names) else resource
        raise TaskFailed(f"{target}: {error_message(error)}", changed=bool(patched), patched=patched) from error
    return {"changed": bool(patched), "patched": patched}
