"""kube_merge_patch on the sandbox's API server, as the role runs it (an action in Ansible's process): a label set,
a key removed by null, an owner reference list replaced whole (what persistence.yml relies on to remove one), check
mode a dry run that changes nothing, and a missing object named in the failure."""

from __future__ import annotations

import pytest

from tests.e2e.ansible_task import run_task
from tests.e2e.kube import Kube

pytestmark = pytest.mark.e2e

MODULE = "kun.redis.kube_merge_patch"


def configmap(kube: Kube, namespace: str, name: str) -> dict:
    return kube.get_json("configmap", name, "-n", namespace)


def patch(kube: Kube, namespace: str, *patches: dict, check: bool = False) -> dict:
    args = {
        "api_version": "v1",
        "resource": "configmaps",
        "namespace": namespace,
        "patches": list(patches),
        "kubeconfig": str(kube.kubeconfig),
    }
    return run_task(MODULE, args, check=check)


def test_merge_patches_set_remove_and_replace_and_check_mode_changes_nothing(kube, namespace):
    for name in ("patched", "owner"):
        kube.kubectl("create", "configmap", name, "-n", namespace, "--from-literal=kept=1", "--from-literal=dropped=2")
    owner = configmap(kube, namespace, "owner")["metadata"]
    reference = {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner["uid"]}
    change = {"metadata": {"name": "patched", "labels": {"redis.kun/role": "master"}}, "data": {"dropped": None}}

    checked = patch(kube, namespace, change, check=True)
    assert (checked.get("failed"), checked["changed"], checked["patched"]) == (None, True, ["patched"])
    untouched = configmap(kube, namespace, "patched")
    assert "labels" not in untouched["metadata"] and untouched["data"] == {"kept": "1", "dropped": "2"}

    assert patch(kube, namespace, change)["patched"] == ["patched"]
    patched = configmap(kube, namespace, "patched")
    assert patched["metadata"]["labels"] == {"redis.kun/role": "master"}
    assert patched["data"] == {"kept": "1"}

    patch(kube, namespace, {"metadata": {"name": "patched", "ownerReferences": [reference]}})
    assert [r["uid"] for r in configmap(kube, namespace, "patched")["metadata"]["ownerReferences"]] == [owner["uid"]]
    patch(kube, namespace, {"metadata": {"name": "patched", "ownerReferences": []}})
    assert "ownerReferences" not in configmap(kube, namespace, "patched")["metadata"]


def test_a_missing_object_fails_with_its_name_and_the_api_servers_reason(kube, namespace):
    kube.kubectl("create", "configmap", "present", "-n", namespace)
    result = patch(
        kube,
        namespace,
        {"metadata": {"name": "present", "labels": {"a": "b"}}},
        {"metadata": {"name": "absent", "labels": {"a": "b"}}},
    )
    assert result["failed"] is True
    assert result["msg"] == f'configmaps {namespace}/absent: configmaps "absent" not found'
    assert result["patched"] == ["present"]
