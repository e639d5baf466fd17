"""Every pod stopped and started together, while ordinal 0 lacks the last acknowledged writes, loses none of them.

Scenario (issue #5): the master is not ordinal 0; ordinal 0's network is cut, so only the other replica acknowledges
the last writes (WAIT 1). Then the whole cluster goes down and comes back at once, as after an outage: with the
operator away, both StatefulSets are scaled to zero, and the operator started again scales them back. No old process
survives to be followed: the new Sentinels know nothing (they guess the first node that reports itself master) and no
node has a replica. Were ordinal 0 made master as in a fresh cluster, the others would resync from it and the last
acknowledged writes would be gone: the master must be chosen by data, and every key must be on every node.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import yaml

from sandbox import faults
from tests.e2e.conftest import Operator
from tests.e2e.data import KEYS, missing_keys, write_keys
from tests.e2e.kube import INSTANCE, Kube, wait_for
from tests.e2e.manifests import persistent
from tests.e2e.redis_view import ClusterView
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e

ORDINAL_0 = "redis-cluster-test-0"


def start_operator(kube: Kube, workdir: Path, namespace: str) -> Operator:
    workdir.mkdir()
    return Operator(kube, workdir, watch_namespace=namespace)


@pytest.fixture
def operator(kube: Kube, crd: None, namespace: str, tmp_path: Path) -> Iterator[list[Operator]]:
    """This test's own operators: it stops the first and starts another; whichever still runs is stopped at the end."""
    started = [start_operator(kube, tmp_path / "operator-0", namespace)]
    yield started
    for operator in started:
        if operator in Operator.running:
            operator.stop()


def namespaced_cluster() -> str:
    """Served by this test's operator only (no cluster-scoped annotation), its data in claims."""
    return yaml.safe_dump(
        {
            "apiVersion": "redis.kun/v1beta1",
            "kind": "RedisCluster",
            "metadata": {"name": "test"},
            "spec": {"size": 3, "storage": persistent(keep_after_deletion=False)},
        }
    )


def fail_over_away_from_ordinal_0(kube: Kube, namespace: str) -> ClusterView:
    def moved() -> ClusterView | None:
        view = wait_healthy(kube, namespace, "test")
        if view.master_by_sentinels().split(".", 1)[0] != ORDINAL_0:
            return view
        with closing(view.sentinel(view.sentinels[0])) as sentinel:
            sentinel.execute_command("SENTINEL", "FAILOVER", view.group)
        return None

    return wait_for(moved, 300, "a master other than ordinal 0", interval=5)


def keys_in(namespace: str, pod: str) -> int:
    """DBSIZE asked inside the pod, which answers even with its network cut."""
    return int(faults.exec_in(namespace, pod, ["redis-cli", "DBSIZE"], container="redis").stdout)


def test_every_pod_restarted_while_ordinal_0_lags_keeps_every_acknowledged_key(
    kube: Kube, operator: list[Operator], namespace: str, tmp_path: Path
):
    apply_manifest(kube, namespaced_cluster(), namespace)
    view = fail_over_away_from_ordinal_0(kube, namespace)
    write_keys(view, "before")

    faults.cut_network(namespace, ORDINAL_0)
    write_keys(view, "while-ordinal-0-lags")  # acknowledged by the other replica only
    assert keys_in(namespace, ORDINAL_0) == KEYS, "ordinal 0 should hold only the keys written before the cut"

    operator[-1].stop()
    kube.kubectl("scale", "statefulset", "-n", namespace, "-l", INSTANCE, "--replicas=0")
    wait_for(lambda: not kube.pods(namespace, INSTANCE), 180, "every pod to be gone")
    operator.append(start_operator(kube, tmp_path / "operator-1", namespace))

    view = wait_healthy(kube, namespace, "test")
    assert missing_keys(view, "before") == {}
    assert missing_keys(view, "while-ordinal-0-lags") == {}
