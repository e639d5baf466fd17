"""What starts a reconcile, now that the periodic one comes every few minutes (docs/architecture.md, "Event flow").

Scenario: one Healthy cluster under the session's cluster-wide operator and its event relay, with no reconcile in
flight. Each step would wait for watches.yaml's reconcilePeriod (minutes) were its event not relayed:
- a failover Sentinel makes by itself (SENTINEL FAILOVER): the relay's subscription sees +switch-master, and the
  status names the new master within seconds;
- a replica pod deleted: the relay's pod watch starts reconciles, and the Healthy status that follows is written
  after the pod came back;
- twenty changes of an annotation in a row: controller-runtime's work queue holds a RedisCluster once however
  often it is added, so they become a few reconciles, not twenty.
"""

from __future__ import annotations

import json
import time
from contextlib import closing

import pytest

from tests.e2e.kube import wait_for
from tests.e2e.manifests import rediscluster
from tests.e2e.redis_view import ClusterView
from tests.e2e.rediscluster import RECONCILE_SECONDS, apply_manifest, wait_quiet

pytestmark = pytest.mark.e2e

REACTION_SECONDS = 30  # far below the period: only a relayed event can have started the reconcile
BURST = 20


def reconciles(operator, namespace: str, name: str = "test") -> set[str]:
    """The runs ansible-operator started for the RedisCluster so far: the job ids of its task lines."""
    jobs = set()
    for line in operator.log.read_text(errors="replace").splitlines():
        if f'"namespace":"{namespace}"' in line and f'"name":"{name}"' in line and '"job":"' in line:
            try:
                jobs.add(json.loads(line)["job"])
            except (ValueError, KeyError):
                continue
    return jobs


def test_relayed_events_and_coalesced_bursts_start_reconciles(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(), namespace)
    view = wait_quiet(kube, namespace, "test")

    old = view.master_by_sentinels().split(".", 1)[0]
    with closing(view.sentinel(view.sentinels[0])) as sentinel:
        sentinel.execute_command("SENTINEL", "FAILOVER", view.group)
    new = wait_for(
        lambda: (
            (master := ClusterView(kube, namespace, "test").master_by_sentinels().split(".", 1)[0]) != old and master
        ),
        30,
        f"the Sentinels to fail over from {old}",
        interval=0.2,
    )
    wait_for(
        lambda: kube.rediscluster(namespace, "test").get("status", {}).get("master") == new,
        REACTION_SECONDS,
        f"status.master to name {new} (the relayed +switch-master)",
        interval=0.2,
    )

    view = wait_quiet(kube, namespace, "test")
    replica = next(member.name for member in view.redis if member.name != new)
    before = reconciles(cluster_operator, namespace)
    kube.kubectl("delete", "pod", "-n", namespace, replica, "--wait=true")
    wait_for(
        lambda: len(reconciles(cluster_operator, namespace) - before) >= 1,
        REACTION_SECONDS,
        f"a reconcile after {replica} was deleted",
    )
    wait_quiet(kube, namespace, "test")

    before = reconciles(cluster_operator, namespace)
    for number in range(BURST):
        kube.patch_rediscluster(namespace, "test", {"metadata": {"annotations": {"example.com/burst": str(number)}}})
    time.sleep(2 * RECONCILE_SECONDS)
    burst = reconciles(cluster_operator, namespace) - before
    assert 1 <= len(burst) <= 3, f"{BURST} annotation changes started {len(burst)} reconciles"
