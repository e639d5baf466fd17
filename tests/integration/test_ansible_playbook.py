"""The modules through ansible-playbook: ansible.cfg finds them, their module_utils and doc fragments are shipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import PASSWORD, heal
from tests.integration.playbook_runner import REPO_ROOT, run_playbook
from tests.integration.redis_processes import free_port

pytestmark = pytest.mark.integration

PLAYBOOK = """\
- name: Configure and heal one Redis group
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Apply the configuration
      redis_config_set:
        nodes: "{{ redis_nodes }}"
        password: "{{ redis_password }}"
        config: {hz: "11"}
        disable_persistence: true

    - name: Heal the topology until it is healthy
      redis_sentinel_heal:
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
      redis_sentinel_heal:
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


def test_a_playbook_configures_and_heals_a_group(make_group, tmp_path: Path) -> None:
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
    run = run_playbook(playbook, variables)
    assert run.returncode == 0, run.stdout + run.stderr
    assert PASSWORD not in run.stdout + run.stderr
    assert '"healthy": true' in run.stdout or "healthy: true" in run.stdout
    assert [node.client().config_get("hz")["hz"] for node in group.nodes] == ["11"] * 3
    assert heal(group)["healthy"] is True


@pytest.mark.parametrize("module", ["redis_sentinel_heal", "redis_config_set"])
def test_ansible_doc_renders_the_module_documentation(module: str) -> None:
    run = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-doc"), "-M", "plugins/modules", module],
        cwd=REPO_ROOT,
        env={**os.environ, "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "connect_timeout" in run.stdout  # from the shared doc fragment
    assert "RETURN VALUES" in run.stdout
