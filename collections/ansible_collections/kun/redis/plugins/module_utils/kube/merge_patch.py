# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kube_merge_patch's options and work (module_utils/module_work.py): JSON merge patches (RFC 7386) of named objects
of one resource, each sent only when the live object does not hold it yet, and optionally the object created when
it is missing.

Written here rather than taken from kubernetes.core.k8s (state: patched or present), which does the same: as a
module it costs a Python process and the kubernetes library's import, about 2 s of a reconcile on this project's
machine, and these tasks are on the way from a failover to the master Service's endpoints (the role label) or in
every reconcile of a cluster with an inline password (its Secret).
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
from ansible_collections.kun.redis.plugins.module_utils.kube.objects import contains
from ansible_collections.kun.redis.plugins.module_utils.module_work import TaskFailed

NOT_FOUND = 404


def argument_spec() -> dict:
    return {
        "api_version": {"type": "str", "required": True},
        "resource": {"type": "str", "required": True},
        "namespace": {"type": "str", "required": True},
        "patches": {"type": "list", "elements": "dict", "required": True},
        "create": {"type": "bool", "default": False},
        **connection_argument_spec(),
    }


def patch_name(patch: Mapping[str, Any]) -> str:
    """The name of the object a patch is for (its metadata.name); a patch without one is refused."""
    name = (patch.get("metadata") or {}).get("name")
    if not isinstance(name, str) or not name:
        raise TaskFailed(f"every patch needs metadata.name, this one has none: {sorted(patch)}")
    return name


def merge_patch_objects(params: Mapping[str, Any], check_mode: bool) -> dict:
    """Check mode sends each write as a server-side dry run: the API server validates it and persists nothing."""
    api_version, resource, namespace = params["api_version"], params["resource"], params["namespace"]
    names = [patch_name(patch) for patch in params["patches"]]
    done: dict[str, list[str]] = {"patched": [], "created": []}
    dry_run = "?dryRun=All" if check_mode else ""
    name = names[0] if names else ""
    try:
        api = connect(params) if names else None
        for name, patch in zip(names, params["patches"], strict=True):
            path = object_path(api_version, resource, namespace, name)
            try:
                live = api.get(path)
            except KubeApiError as error:
                if error.status != NOT_FOUND or not params["create"]:
                    raise
                api.create(object_path(api_version, resource, namespace) + dry_run, dict(patch))
                done["created"].append(name)
                continue
            if not contains(live, patch):
                api.merge_patch(path + dry_run, patch)
                done["patched"].append(name)
    except KubeApiError as error:
        raise TaskFailed(f"{resource} {namespace}/{name}: {error_message(error)}", **_result(done)) from error
    return _result(done)


def _result(done: dict[str, list[str]]) -> dict:
    return {"changed": bool(done["patched"] or done["created"]), **done}
