"""The ops-team path: the kun.redis collection built by ansible-galaxy, installed into a collections folder of its
own, and used by a playbook outside this repository (with no configuration of ours) against real Redis processes.
The artifact must carry everything the modules need: their module_utils, their doc fragments."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.integration.conftest import PASSWORD, heal
from tests.integration.playbook_runner import REPO_ROOT, run_playbook
from tests.integration.redis_processes import free_port

pytestmark = pytest.mark.integration

COLLECTION = REPO_ROOT / "collections" / "ansible_collections" / "kun" / "redis"
BIN = Path(sys.executable).parent


def galaxy(*args: str, cwd: Path) -> str:
    run = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def ops_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ansible.cfg outside the repository whose only collections are the built artifact, installed."""
    workdir = tmp_path_factory.mktemp("ops-team")
    galaxy("build", str(COLLECTION), "--output-path", str(workdir / "dist"), cwd=workdir)
    (artifact,) = (workdir / "dist").glob("kun-redis-*.tar.gz")
    with tarfile.open(artifact) as archive:
        names = set(archive.getnames())
    assert {"plugins/module_utils/topology/planner.py", "plugins/doc_fragments/redis_connection.py"} <= names
    assert not any(name.startswith(("tests/output", ".hypothesis")) for name in names)
    # --force: this repository's own copy, on the configured path, must not count as already installed.
    galaxy("install", str(artifact), "--force", "--collections-path", str(workdir / "installed"), cwd=workdir)
    config = workdir / "ansible.cfg"
    config.write_text(f"[defaults]\ncollections_path = {workdir / 'installed'}\ncollections_scan_sys_path = false\n")
    return config


PLAYBOOK = """\
- name: Configure and heal one Redis group
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Apply the configuration
      kun.redis.redis_config_set:
        nodes: "{{ redis_nodes }}"
        password: "{{ redis_password }}"
        config: {hz: "11"}
        disable_persistence: true

    - name: Heal the topology until it is healthy
      kun.redis.redis_sentinel_heal:
        group: "{{ group }}"
        nodes: "{{ redis_nodes }}"
        sentinels: "{{ redis_sentinels }}"
        password: "{{ redis_password }}"
        down_after_milliseconds: 1000
        failover_timeout: 3000
      register: topology
      until: topology.healthy
      retries: 60
      delay: 1

    - name: Report a member that does not answer without failing the host
      kun.redis.redis_sentinel_heal:
        group: "{{ group }}"
        nodes: "{{ redis_nodes + [{'address': '127.0.0.1', 'port': dead_port}] }}"
        sentinels: "{{ redis_sentinels }}"
        password: "{{ redis_password }}"
        down_after_milliseconds: 1000
        failover_timeout: 3000
      check_mode: true
      register: with_dead_member

    - name: The dead member is reported, the group is not healthy
      ansible.builtin.assert:
        that:
          - with_dead_member.unreachable_members | map(attribute='name') | list == ['127.0.0.1:' ~ dead_port]
          - not with_dead_member.healthy
"""


def test_a_playbook_configures_and_heals_a_group(make_group, ops_config: Path, tmp_path: Path) -> None:
    group = make_group(password=PASSWORD)
    playbook = tmp_path / "heal.yml"
    playbook.write_text(PLAYBOOK)
    variables = {
        "group": group.group,
        "redis_nodes": [node.endpoint for node in group.nodes],
        "redis_sentinels": [sentinel.endpoint for sentinel in group.sentinels],
        "redis_password": PASSWORD,
        "dead_port": free_port(),
    }
    run = run_playbook(playbook, variables, config=ops_config)
    assert run.returncode == 0, run.stdout + run.stderr
    assert PASSWORD not in run.stdout + run.stderr
    assert '"healthy": true' in run.stdout or "healthy: true" in run.stdout
    assert [node.client().config_get("hz")["hz"] for node in group.nodes] == ["11"] * 3
    assert heal(group)["healthy"] is True


@pytest.mark.parametrize("module", ["redis_sentinel_heal", "redis_config_set"])
def test_ansible_doc_renders_the_installed_module_documentation(module: str, ops_config: Path) -> None:
    run = subprocess.run(
        [str(BIN / "ansible-doc"), f"kun.redis.{module}"],
        cwd=ops_config.parent,
        env={**os.environ, "ANSIBLE_CONFIG": str(ops_config)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert str(ops_config.parent / "installed") in run.stdout  # the artifact's copy, not this repository's
    assert "connect_timeout" in run.stdout  # from the shared doc fragment
    assert "RETURN VALUES" in run.stdout
