"""One namespaced operator for several namespaces, as ansible-operator allows (WATCH_NAMESPACE=a,b): the role and
the event relay read the list as ansible-operator does (module_utils/rediscluster/scope.py), so both serve the
RedisClusters of every listed namespace and of no other.

Scenario: an operator started with WATCH_NAMESPACE "<first>, <second>" (a space after the comma, which
ansible-operator trims); a RedisCluster without the scope annotation in each of the two and in a third namespace.
The two become Healthy, each with the relay's annotation (it watched their pods and subscribed to their Sentinels);
a Sentinel failover in the second namespace reaches a reconcile through the relay within seconds, where the period
is minutes. The third namespace's RedisCluster is never touched: no status, no annotation, no pods.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import closing

import pytest

from tests.e2e.conftest import Operator
from tests.e2e.kube import wait_for
from tests.e2e.manifests import rediscluster
from tests.e2e.redis_view import ClusterView
from tests.e2e.rediscluster import apply_manifest, wait_quiet

pytestmark = pytest.mark.e2e

RELAYED = "redis.kun/relayed-event"
REACTION_SECONDS = 30  # far below the 5-minute period: only a relayed event can have started the reconcile


@pytest.fixture
def three_namespaces(kube) -> Iterator[list[str]]:
    names = [f"e2e-multi-{secrets.token_hex(3)}" for _ in range(3)]
    for name in names:
        kube.kubectl("create", "namespace", name)
    yield names
    for name in names:
        kube.kubectl("delete", "namespace", name, "--wait=false")


def test_one_operator_serves_each_namespace_it_watches_and_no_other(kube, crd, three_namespaces, tmp_path):
    first, second, unwatched = three_namespaces
    operator = Operator(kube, tmp_path, watch_namespace=f"{first}, {second}")
    try:
        for namespace in three_namespaces:
            apply_manifest(kube, rediscluster(cluster_scoped=False), namespace)
        for namespace in (first, second):
            wait_quiet(kube, namespace, "test")
            annotations = kube.rediscluster(namespace, "test")["metadata"].get("annotations") or {}
            assert RELAYED in annotations, f"the relay never relayed an event of {namespace}"

        view = ClusterView(kube, second, "test")
        old_master = view.pod_of(view.master_by_sentinels())
        with closing(view.sentinel(view.sentinels[0])) as sentinel:
            sentinel.execute_command("SENTINEL", "FAILOVER", view.group)

        def new_master_reported() -> str:
            master = (kube.rediscluster(second, "test").get("status") or {}).get("master")
            assert master and master != old_master, f"status.master is still {master}"
            return master

        wait_for(new_master_reported, REACTION_SECONDS, f"the failover in {second} to reach the status")

        untouched = kube.rediscluster(unwatched, "test")
        assert not untouched.get("status"), f"the operator reconciled {unwatched}: {untouched.get('status')}"
        assert RELAYED not in (untouched["metadata"].get("annotations") or {}), f"the relay served {unwatched}"
        assert not kube.get_json("pods", "-n", unwatched)["items"], f"the operator made pods in {unwatched}"
    finally:
        operator.stop()
