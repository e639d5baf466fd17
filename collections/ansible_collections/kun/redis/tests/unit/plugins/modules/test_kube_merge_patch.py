"""kube_merge_patch: one PATCH per patch, at the object's path, as a JSON merge patch, a dry run in check mode; a
failure names the object; the action returns what the module returns. The API server here is a small recorder on
loopback; tests/e2e/test_kube_merge_patch_module.py patches real objects on the sandbox's API server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from ansible_collections.kun.redis.tests.unit.plugins.runners import run_action, run_module

LABELS = {"redis.kun/role": "master"}


class _PatchRecorder(BaseHTTPRequestHandler):
    """Records every PATCH (path with query, content type, body) and answers it with the body; 404 for MISSING."""

    MISSING = "/api/v1/namespaces/ns/pods/gone"
    requests: ClassVar[list[tuple[str, str, dict]]] = []

    def do_PATCH(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append((self.path, self.headers["Content-Type"], body))
        missing = self.path.split("?")[0] == self.MISSING
        data = json.dumps({"kind": "Status", "message": 'pods "gone" not found'} if missing else body).encode()
        self.send_response(404 if missing else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def api(tmp_path):
    """The recorder's requests, with `kubeconfig` naming it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PatchRecorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = Path(tmp_path) / "kubeconfig"
    path.write_text(
        yaml.safe_dump(
            {
                "clusters": [{"name": "c", "cluster": {"server": f"http://127.0.0.1:{server.server_port}"}}],
                "users": [{"name": "u", "user": {}}],
                "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "c",
            }
        )
    )
    _PatchRecorder.requests = []
    yield str(path), _PatchRecorder.requests
    server.shutdown()
    server.server_close()


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
    kubeconfig, requests = api
    result = run_module("kube_merge_patch", args(kubeconfig, pod("redis-0"), pod("redis-1")))
    assert (result["changed"], result["patched"]) == (True, ["redis-0", "redis-1"])
    assert requests == [
        (f"/api/v1/namespaces/ns/pods/{name}", "application/merge-patch+json", pod(name))
        for name in ("redis-0", "redis-1")
    ]


def test_a_grouped_resource_is_under_apis(api):
    kubeconfig, requests = api
    patch = {"metadata": {"name": "redis-cluster-test", "annotations": {"redis.kun/missing-pods": "1 of 3"}}}
    run_module("kube_merge_patch", args(kubeconfig, patch, api_version="apps/v1", resource="statefulsets"))
    assert [path for path, _type, _body in requests] == ["/apis/apps/v1/namespaces/ns/statefulsets/redis-cluster-test"]


def test_check_mode_sends_server_side_dry_runs(api):
    kubeconfig, requests = api
    result = run_module("kube_merge_patch", args(kubeconfig, pod("redis-0")), check_mode=True)
    assert result["patched"] == ["redis-0"]
    assert [path for path, _type, _body in requests] == ["/api/v1/namespaces/ns/pods/redis-0?dryRun=All"]


def test_no_patches_is_no_request_and_no_change(api):
    kubeconfig, requests = api
    assert run_module("kube_merge_patch", args(kubeconfig))["changed"] is False
    assert requests == []


def test_a_missing_object_fails_naming_it_with_what_was_patched_before(api):
    kubeconfig, requests = api
    result = run_module("kube_merge_patch", args(kubeconfig, pod("redis-0"), pod("gone"), pod("redis-2")))
    assert result["failed"] is True
    assert result["msg"] == 'pods ns/gone: pods "gone" not found'
    assert (result["changed"], result["patched"]) == (True, ["redis-0"])
    assert len(requests) == 2  # nothing after the failure


def test_a_patch_without_a_name_is_refused_before_any_request(api):
    kubeconfig, requests = api
    result = run_module("kube_merge_patch", args(kubeconfig, pod("redis-0"), {"metadata": {"labels": LABELS}}))
    assert result["failed"] is True
    assert result["msg"].startswith("every patch needs metadata.name")
    assert requests == []


CASES = {
    "patched": (pod("redis-0"),),
    "missing": (pod("gone"),),
    "nameless": ({"metadata": {}},),
    "none": (),
}


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("patches", CASES.values(), ids=CASES.keys())
def test_the_action_returns_what_the_module_returns(api, patches, check_mode):
    kubeconfig, _requests = api
    arguments = args(kubeconfig, *patches)
    assert run_action("kube_merge_patch", arguments, check_mode=check_mode) == run_module(
        "kube_merge_patch", arguments, check_mode=check_mode
    )


def test_an_unsupported_option_is_refused_by_both(api):
    kubeconfig, _requests = api
    arguments = args(kubeconfig, pod("redis-0"), merge_type="strategic-merge")
    action = run_action("kube_merge_patch", arguments)
    assert action == run_module("kube_merge_patch", arguments)
    assert "merge_type" in action["msg"]
