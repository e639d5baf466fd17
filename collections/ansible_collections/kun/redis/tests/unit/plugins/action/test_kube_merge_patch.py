"""kube_merge_patch: one PATCH per patch, at the object's path, as a JSON merge patch, a dry run in check mode; a
failure names the object; the action returns what the module returns. The API server here is a small recorder on
loopback; tests/e2e/test_kube_merge_patch_module.py patches real objects on the sandbox's API server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import ClassVar

import pytest
from ansible_collections.kun.redis.tests.unit.plugins.loopback_api import JsonHandler, serving
from ansible_collections.kun.redis.tests.unit.plugins.runners import run_action, run_module

LABELS = {"redis.kun/role": "master"}
PODS = "/api/v1/namespaces/ns/pods"


class _Api(JsonHandler):
    """Holds OBJECTS by path; answers a GET from them (404 otherwise), records every write (method, path with query,
    content type, body) and answers it with its body; a POST also stores the object it creates."""

    objects: ClassVar[dict[str, dict]] = {}
    writes: ClassVar[list[tuple[str, str, str, dict]]] = []

    def do_GET(self):
        found = self.objects.get(self.path)
        self.answer(200 if found else 404, found or {"kind": "Status", "message": f"{self.path} not found"})

    def do_PATCH(self):
        self.answer(200, self._record())

    def do_POST(self):
        body = self._record()
        self.objects[f"{self.path.split('?')[0]}/{body['metadata']['name']}"] = body
        self.answer(201, body)

    def _record(self) -> dict:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.writes.append((self.command, self.path, self.headers["Content-Type"], body))
        return body


@pytest.fixture
def api(tmp_path) -> Iterator[tuple[str, list]]:
    """A kubeconfig of the API server above, and its writes; it holds the pods redis-0 to redis-2 (unlabelled)."""
    _Api.objects = {f"{PODS}/redis-{i}": {"metadata": {"name": f"redis-{i}", "namespace": "ns"}} for i in range(3)}
    _Api.writes = []
    with serving(_Api, tmp_path) as kubeconfig:
        yield kubeconfig, _Api.writes


def args(kubeconfig: str, *patches: dict, **options) -> dict:
    return {
        "api_version": "v1",
        "resource": "pods",
        "namespace": "ns",
        "patches": list(patches),
        "kubeconfig": kubeconfig,
        **options,
    }


def pod(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "ns", "labels": LABELS}}


def test_each_patch_is_one_merge_patch_of_the_object_it_names(api):
    kubeconfig, writes = api
    result = run_module("kube_merge_patch", args(kubeconfig, pod("redis-0"), pod("redis-1")))
    assert (result["changed"], result["patched"], result["created"]) == (True, ["redis-0", "redis-1"], [])
    assert writes == [
        ("PATCH", f"{PODS}/{name}", "application/merge-patch+json", pod(name)) for name in ("redis-0", "redis-1")
    ]


def test_a_patch_the_object_already_holds_is_not_sent(api):
    kubeconfig, writes = api
    _Api.objects[f"{PODS}/redis-1"] = {**pod("redis-1"), "status": {"phase": "Running"}}
    result = run_module("kube_merge_patch", args(kubeconfig, pod("redis-0"), pod("redis-1")))
    assert result["patched"] == ["redis-0"]
    assert [path for _method, path, _type, _body in writes] == [f"{PODS}/redis-0"]
    assert run_module("kube_merge_patch", args(kubeconfig, pod("redis-1")))["changed"] is False


def test_a_grouped_resource_is_under_apis(api):
    kubeconfig, writes = api
    path = "/apis/apps/v1/namespaces/ns/statefulsets/redis-cluster-test"
    _Api.objects[path] = {"metadata": {"name": "redis-cluster-test"}}
    patch = {"metadata": {"name": "redis-cluster-test", "annotations": {"redis.kun/missing-pods": "1 of 3"}}}
    run_module("kube_merge_patch", args(kubeconfig, patch, api_version="apps/v1", resource="statefulsets"))
    assert [path for _method, path, _type, _body in writes] == [path]


def test_check_mode_sends_server_side_dry_runs(api):
    kubeconfig, writes = api
    result = run_module("kube_merge_patch", args(kubeconfig, pod("redis-0"), pod("new"), create=True), check_mode=True)
    assert (result["patched"], result["created"]) == (["redis-0"], ["new"])
    assert [(method, path) for method, path, _type, _body in writes] == [
        ("PATCH", f"{PODS}/redis-0?dryRun=All"),
        ("POST", f"{PODS}?dryRun=All"),
    ]


def test_create_makes_a_missing_object_from_its_patch(api):
    kubeconfig, writes = api
    result = run_module("kube_merge_patch", args(kubeconfig, pod("new"), create=True))
    assert (result["changed"], result["patched"], result["created"]) == (True, [], ["new"])
    assert writes == [("POST", PODS, "application/json", pod("new"))]
    assert run_module("kube_merge_patch", args(kubeconfig, pod("new"), create=True))["changed"] is False


def test_no_patches_is_no_request_and_no_change(api):
    kubeconfig, writes = api
    assert run_module("kube_merge_patch", args(kubeconfig))["changed"] is False
    assert writes == []


def test_a_missing_object_fails_naming_it_with_what_was_patched_before(api):
    kubeconfig, writes = api
    result = run_module("kube_merge_patch", args(kubeconfig, pod("redis-0"), pod("gone"), pod("redis-2")))
    assert result["failed"] is True
    assert result["msg"] == f"pods ns/gone: {PODS}/gone not found"
    assert (result["changed"], result["patched"]) == (True, ["redis-0"])
    assert len(writes) == 1  # nothing after the failure


def test_a_patch_without_a_name_is_refused_before_any_request_without_showing_its_values(api):
    kubeconfig, writes = api
    secret = {"metadata": {}, "data": {"password": "c2VjcmV0"}}
    result = run_module("kube_merge_patch", args(kubeconfig, pod("redis-0"), secret))
    assert result["failed"] is True
    assert result["msg"] == "every patch needs metadata.name, this one has none: ['data', 'metadata']"
    assert writes == []


CASES = {
    "patched": ((pod("redis-0"),), {}),
    "missing": ((pod("gone"),), {}),
    "created": ((pod("gone"),), {"create": True}),
    "nameless": (({"metadata": {}},), {}),
    "none": ((), {}),
}


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize(("patches", "options"), CASES.values(), ids=CASES.keys())
def test_the_action_returns_what_the_module_returns(api, patches, options, check_mode):
    kubeconfig, _writes = api
    arguments = args(kubeconfig, *patches, **options)
    module = run_module("kube_merge_patch", arguments, check_mode=check_mode)
    _Api.objects.pop(f"{PODS}/gone", None)  # what the module created, so that the action creates it again
    assert run_action("kube_merge_patch", arguments, check_mode=check_mode) == module


def test_an_unsupported_option_is_refused_by_both(api):
    kubeconfig, _writes = api
    arguments = args(kubeconfig, pod("redis-0"), merge_type="strategic-merge")
    action = run_action("kube_merge_patch", arguments)
    assert action == run_module("kube_merge_patch", arguments)
    assert "merge_type" in action["msg"]
