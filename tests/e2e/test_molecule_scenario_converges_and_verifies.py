"""The Molecule scenario (molecule/default) converges the namespaced sample and verifies it against the sandbox.

Scenario: a namespaced operator watches a fresh namespace; `molecule test` runs syntax, converge (the playbook's
single reconcile of config/samples/redis_v1beta1_rediscluster.yaml), verify (Healthy, one master, two replicas in
sync, three Sentinels naming the master, role labels) and cleanup. Molecule's output is shown when it fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.kube import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_molecule_default_scenario_passes(kube, namespaced_operator, namespace):
    env = {
        **os.environ,
        "MOLECULE_NAMESPACE": namespace,
        "KUBECONFIG": str(kube.kubeconfig),
        "K8S_AUTH_KUBECONFIG": str(kube.kubeconfig),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{REPO_ROOT / 'bin'}{os.pathsep}{os.environ['PATH']}",
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "molecule"), "test", "--scenario-name", "default"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"molecule failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
