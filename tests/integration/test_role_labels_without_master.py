"""Regression: while the healer names no master (a group still bootstrapping, waiting for a majority of its nodes),
the reconcile must go on to write the status. The role labelling used to loop over the pods with a label naming
each pod's role; Ansible templates a loop's labels even for skipped items, so the missing master failed the whole
reconcile, which then waited for the operator's error backoff (seen as 15 s more to Healthy on creation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.playbook_runner import REPO_ROOT, run_playbook

pytestmark = pytest.mark.integration

PLAYBOOK = f"""\
- name: The role's pod labelling, as tasks/main.yml imports it (unconditionally), with no master named
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Label the Redis pods with their role
      ansible.builtin.import_tasks: {REPO_ROOT}/roles/rediscluster/tasks/role_labels.yml
"""


def test_no_master_skips_the_labelling_without_failing(tmp_path: Path) -> None:
    playbook = tmp_path / "labels.yml"
    playbook.write_text(PLAYBOOK)
    pods = [
        {
            "name": f"redis-cluster-test-{n}",
            "hostname": f"redis-cluster-test-{n}.x",
            "address": f"10.0.0.{n}",
            "role": "",
        }
        for n in range(3)
    ]
    result = run_playbook(
        playbook,
        {
            "rediscluster_observed": {"redis_pods": pods},
            "rediscluster_topology": {"master": None, "healthy": False},
            "rediscluster_role_label": "redis.kun/role",
            "ansible_operator_meta": {"name": "test", "namespace": "default"},
        },
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "skipped=1" in result.stdout
