"""The role reads the password from the Secret that passwordSecret names (tasks/password.yml, through the lookup
kun.redis.kube_object) on the sandbox's API server: the key's value, or nothing when the key or the Secret is
missing (validate.yml then reports it: tests/e2e/test_invalid_spec_leaves_cluster_untouched.py), and never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.ansible_task import run_playbook
from tests.e2e.kube import Kube

pytestmark = pytest.mark.e2e

PASSWORD = "pa55-from-a-Secret-never-shown"
PLAYBOOK = """
- name: The role's password tasks
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Merge the spec and read the password
      ansible.builtin.include_role:
        name: rediscluster
        tasks_from: "{{ item }}"
      loop: [combine_defaults.yml, password.yml]
    - name: Say whether the password is the Secret's
      ansible.builtin.debug:
        msg: "{{ {'matches': rediscluster_password == expected, 'length': rediscluster_password | length} }}"
"""


def read_password(kube: Kube, tmp_path: Path, namespace: str, password_secret: dict) -> tuple[dict, str]:
    """What the debug task says of the password the role holds, and the whole output of the run."""
    variables = {
        "ansible_operator_meta": {"name": "test", "namespace": namespace},
        "_redis_kun_rediscluster_spec": {"size": 3, "passwordSecret": password_secret},
        "expected": PASSWORD,
    }
    playbook = tmp_path / "password.yml"
    playbook.write_text(PLAYBOOK)
    tasks, output = run_playbook(playbook, variables, kube.kubeconfig)
    return tasks[-1]["hosts"]["localhost"]["msg"], output


@pytest.fixture
def secret(kube: Kube, namespace: str) -> str:
    kube.kubectl("create", "secret", "generic", "redis-auth", "-n", namespace, f"--from-literal=pass={PASSWORD}")
    return "redis-auth"


def test_the_named_key_of_the_secret_is_the_password_and_is_never_shown(kube, tmp_path, namespace, secret):
    said, output = read_password(kube, tmp_path, namespace, {"name": secret, "key": "pass"})
    assert said == {"matches": True, "length": len(PASSWORD)}
    assert PASSWORD not in output


@pytest.mark.parametrize("password_secret", [{"name": "redis-auth", "key": "other"}, {"name": "no-such-secret"}])
def test_a_missing_key_or_secret_leaves_no_password(kube, tmp_path, namespace, secret, password_secret):
    said, _ = read_password(kube, tmp_path, namespace, password_secret)
    assert said == {"matches": False, "length": 0}
