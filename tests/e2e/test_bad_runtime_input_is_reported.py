"""What goes wrong before the operator can run is said in one line that names it and how to fix it.

Cases: a watches.yaml that names a role that does not exist (ansible-operator refuses to start, and its reason is
reported, not its stack trace); a Python environment without ansible-runner (refused before anything starts); and
`make run` with a KUBECONFIG whose cluster does not answer (refused before anything is built or applied).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from sandbox import SandboxError
from sandbox.ansible_operator import LocalOperator
from tests.e2e.kube import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_a_watch_of_a_missing_role_is_named(kube, crd, tmp_path):
    watches = yaml.safe_load((REPO_ROOT / "watches.yaml").read_text())
    watches[0]["role"] = "rediscluster-that-is-not-there"
    (tmp_path / "watches.yaml").write_text(yaml.safe_dump(watches))
    operator = LocalOperator("cluster-scoped", kube.kubeconfig, tmp_path, watches=tmp_path / "watches.yaml")
    try:
        with pytest.raises(SandboxError) as raised:
            operator.wait_started(timeout=60)
    finally:
        operator.stop()
    assert "Failed to load watches: role: rediscluster-that-is-not-there was not found" in str(raised.value)
    assert "stacktrace" not in str(raised.value)


def test_a_missing_ansible_runner_is_named_before_anything_starts(kube, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", "/usr/bin/python3")  # an interpreter whose directory has no ansible-runner
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    with pytest.raises(
        SandboxError, match="ansible-runner is not on PATH: ansible-operator runs it for every reconcile"
    ):
        LocalOperator("cluster-scoped", kube.kubeconfig, tmp_path)
    assert not (tmp_path / "operator.log").exists()


def test_make_run_refuses_a_cluster_that_does_not_answer(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "gone", "cluster": {"server": "https://127.0.0.1:9"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "gone", "context": {"cluster": "gone", "user": "u"}}],
                "current-context": "gone",
            }
        )
    )
    result = subprocess.run(
        ["scripts/run"],
        cwd=REPO_ROOT,
        env={**os.environ, "KUBECONFIG": str(kubeconfig)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"run: the cluster of KUBECONFIG={kubeconfig} does not answer:" in result.stderr
    assert "unset KUBECONFIG to run on the local sandbox" in result.stderr
    assert "rediscluster.redis.kun/test" not in result.stdout  # nothing applied
