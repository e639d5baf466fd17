"""The role picks the condition from what it found: its tasks/status.yml, run with the findings of a reconcile in each
situation (Scaling, Updating, Recovering, Failed, Healthy), writes that condition through the status module.

The findings are the role's own facts (what rediscluster_observe, the apply, redis_sentinel_heal and redis_config_set
would have registered); the status module runs in check mode against a real RedisCluster on the sandbox and returns
the status it would write. A wrong variable name between the role and the decision, or a decision that picks the
wrong condition, fails here. The decision itself is tested as a table in the collection's unit tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.ansible_task import run_playbook
from tests.e2e.kube import GROUP, PLURAL, REPO_ROOT, VERSION, Kube

pytestmark = pytest.mark.e2e

SPEC = {"size": 3, "sentinel": {"replicas": 3}}
PODS = [{"name": f"redis-cluster-test-{n}", "address": f"10.244.1.{n + 2}", "ready": True} for n in range(3)]
SENTINEL_PODS = [{"name": f"redis-sentinel-test-{n}", "ready": True} for n in range(3)]
OBSERVED = {"redis_pods": PODS, "sentinel_pods": SENTINEL_PODS, "redis_pod_count": 3, "sentinel_pod_count": 3}
TOPOLOGY = {
    "healthy": True,
    "message": "master 10.244.1.2:6379 with 2 replicas; 3 Sentinels agree",
    "actions": [],
    "events": [],
    "master": {"address": "10.244.1.2", "port": 6379},
    "replicas": [{"address": "10.244.1.3"}, {"address": "10.244.1.4"}],
    "sentinels": [{"address": f"10.244.2.{n}"} for n in range(3)],
}
SITUATIONS = {
    "Healthy": {},
    "Scaling": {"rediscluster_spec": {**SPEC, "size": 5}},
    "Updating": {"rediscluster_outdated_pods": ["redis-cluster-test-1"]},
    "Recovering": {"rediscluster_topology": {**TOPOLOGY, "healthy": False, "message": "no master agreed"}},
    "Failed": {"rediscluster_failure": "Invalid spec: size must be odd"},
}


@pytest.fixture
def healthy_before(kube: Kube, cluster: dict) -> dict:
    """The RedisCluster as a reconcile receives it when it was Healthy before (no operator runs in this test)."""
    healthy = {"type": "Healthy", "status": "True", "reason": "Cluster available", "message": "Cluster ok"}
    stamp = {"lastTransitionTime": "2026-01-01T00:00:00Z", "lastUpdateTime": "2026-01-01T00:00:00Z"}
    meta = cluster["metadata"]
    status = {"status": {"status": "Healthy", "conditions": [healthy | stamp]}}
    return kube.custom.patch_namespaced_custom_object_status(
        GROUP, VERSION, meta["namespace"], PLURAL, meta["name"], status
    )


def run_status_tasks(kube: Kube, cluster: dict, tmp_path: Path, findings: dict) -> dict:
    """The result of the role's status.yml in check mode: the condition the module would write, as the module says."""
    meta = cluster["metadata"]
    variables = {
        "ansible_operator_meta": {"name": meta["name"], "namespace": meta["namespace"]},
        "_redis_kun_rediscluster": cluster,
        "rediscluster_names": {"sentinel": "redis-sentinel-test"},
        "rediscluster_spec": SPEC,
        "rediscluster_observed": OBSERVED,
        "rediscluster_topology": TOPOLOGY,
        **findings,
    }
    playbook = tmp_path / "status.yml"
    playbook.write_text(
        "- name: The role's status tasks on one reconcile's findings\n"
        "  hosts: localhost\n"
        "  gather_facts: false\n"
        "  tasks:\n"
        "    - name: Report the status and the events\n"
        f"      ansible.builtin.import_tasks: {REPO_ROOT}/roles/rediscluster/tasks/status.yml\n"
    )
    tasks, output = run_playbook(playbook, variables, kube.kubeconfig, check=True)
    try:
        written = next(task for task in tasks if task["task"]["name"] == "Write the status and record the events")
    except StopIteration as error:
        raise AssertionError(f"no status task result:\n{output[-3000:]}") from error
    result = written["hosts"]["localhost"]
    assert not result.get("failed"), result.get("msg")
    return result


@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_role_writes_the_condition_of_each_situation(kube, healthy_before, tmp_path, situation):
    result = run_status_tasks(kube, healthy_before, tmp_path, SITUATIONS[situation])
    newest = result["status"]["conditions"][0]
    assert (newest["type"], newest["status"]) == (situation, "True")
    assert result["status"]["status"] == situation
