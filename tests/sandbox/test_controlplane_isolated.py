"""`python -m sandbox isolated COMMAND`: a throwaway sandbox in private namespaces, beside THE sandbox."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import config, controlplane, processes

pytestmark = pytest.mark.sandbox


def isolated(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", "isolated", *argv],
        cwd=config.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_command_sees_only_its_own_network(sandbox_kubeconfig):
    result = isolated("ip", "-json", "link", "show")
    assert result.returncode == 0, result.stderr
    assert [link["ifname"] for link in json.loads(result.stdout)] == ["lo"]


def test_the_command_s_exit_status_is_passed_on():
    assert isolated("sh", "-c", "exit 3").returncode == 3


def test_an_isolated_sandbox_runs_beside_the_sandbox_and_leaves_nothing(sandbox_kubeconfig):
    before = controlplane.status(sandbox_kubeconfig.parent)
    kubectl = f'{config.BIN_DIR}/kubectl --kubeconfig "$SANDBOX_DIR/kubeconfig"'
    script = f'{sys.executable} -m sandbox up >/dev/null && {kubectl} get nodes -o name && echo "$SANDBOX_DIR"'
    result = isolated("sh", "-c", script)
    assert result.returncode == 0, result.stderr
    *nodes, state_dir = result.stdout.split()
    assert len(nodes) == config.NODE_COUNT
    assert Path(state_dir) != sandbox_kubeconfig.parent
    assert not Path(state_dir).exists()
    assert processes.find(Path(state_dir)) == []
    assert controlplane.status(sandbox_kubeconfig.parent) == before
