# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rediscluster_observe's options and work (module_utils/module_work.py): list a RedisCluster's pods, data claims
and objects, one request per kind, and keep what the reconcile needs of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ansible_collections.kun.redis.plugins.module_utils.kube.client import (
    KubeApiError,
    connect,
    connection_argument_spec,
    error_message,
    list_items,
    object_path,
)
from ansible_collections.kun.redis.plugins.module_utils.module_work import TaskFailed
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.members import claims, cluster_members


def argument_spec() -> dict:
    statefulset = {
        "name": {"type": "str", "required": True},
        "hosts": {"type": "list", "elements": "str", "required": True},
        "port": {"type": "int", "required": True},
    }
    return {
        "namespace": {"type": "str", "required": True},
        "labels": {"type": "dict", "required": True},
        "claim_labels": {"type": "dict", "required": True},
        "redis": {"type": "dict", "required": True, "options": statefulset},
        "sentinel": {"type": "dict", "required": True, "options": statefulset},
        "role_label": {"type": "str", "required": True},
        "objects": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {
                "api_version": {"type": "str", "required": True},
                "resource": {"type": "str", "required": True},
            },
        },
        **connection_argument_spec(),
    }


def label_selector(labels: Mapping[str, str]) -> str:
    """A labelSelector that matches every one of `labels`."""
    return ",".join(f"{key}={value}" for key, value in sorted(labels.items()))


def observe_cluster(params: Mapping[str, Any], check_mode: bool) -> dict:
    """Reads only, so check mode (`check_mode`) reads as well."""
    selector = label_selector(params["labels"])
    try:
        api = connect(params)
        pods = api.get(object_path("v1", "pods", params["namespace"]), labelSelector=selector)
        pvcs = api.get(
            object_path("v1", "persistentvolumeclaims", params["namespace"]),
            labelSelector=label_selector(params["claim_labels"]),
        )
        objects = []
        for kind in params["objects"]:
            collection = object_path(kind["api_version"], kind["resource"], params["namespace"])
            listed = list_items(api.get(collection, labelSelector=selector))
            if listed:
                # One object of the kind read alone: ansible-operator's proxy starts watching a kind for the
                # RedisCluster when it answers a GET of one object the RedisCluster owns (a list, or the PATCH of a
                # server-side apply, does not), so that deleting or changing any of them reconciles at once.
                api.get(f"{collection}/{quote(listed[0]['metadata']['name'], safe='')}")
            objects += listed
    except KubeApiError as error:
        raise TaskFailed(
            f"cannot list the pods, claims and objects labelled {selector} in namespace {params['namespace']}: "
            f"{error_message(error)}"
        ) from error
    members = cluster_members(pods.get("items") or [], params["redis"], params["sentinel"], params["role_label"])
    return {"changed": False, "redis_claims": claims(pvcs.get("items") or []), "live_objects": objects, **members}
