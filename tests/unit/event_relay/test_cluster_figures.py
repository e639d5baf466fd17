"""What the event relay's /metrics says of a RedisCluster (event_relay/figures.py, event_relay/metrics.py): its spec and
status read as numbers, master changes counted once per failover however many Sentinels announce it, and the
exposition Prometheus reads, as tables and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from event_relay.figures import ClusterFigures, MasterChanges, new_master, role_defaults
from event_relay.metrics import ClusterCollector, ClusterReading
from event_relay.rules import ClusterKey

pytestmark = pytest.mark.unit

DEFAULTS = role_defaults()
CLUSTER = ClusterKey("ns", "a")
HEALTHY_STATUS = {
    "status": "Healthy",
    "conditions": [{"type": "Healthy", "status": "True", "lastUpdateTime": "2026-12-03T10:00:00Z"}],
    "master": "redis-cluster-a-0",
    "masterCount": 1,
    "replicaCount": 2,
    "sentinelCount": 3,
    "observedGeneration": 4,
    "failedReconciles": 0,
    "reconcileSeconds": 1.5,
}


def rediscluster(spec=None, status=None, generation=4) -> dict:
    cluster = {"metadata": {"namespace": "ns", "name": "a", "generation": generation}, "spec": spec or {}}
    return {**cluster, "status": status} if status is not None else cluster


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        pytest.param(
            rediscluster({"size": 3}, HEALTHY_STATUS),
            ClusterFigures("Healthy", True, "redis-cluster-a-0", 2, 2, 3, 3, 0, 1.5, True, 1796292000.0),
            id="healthy",
        ),
        pytest.param(
            rediscluster({"size": 3}),
            ClusterFigures(None, False, None, 0, 2, 0, 3, 0, None, False, None),
            id="no status yet: nothing found, nothing measured",
        ),
        pytest.param(
            rediscluster({"size": 0, "sentinel": {"replicas": 0}}, {}),
            ClusterFigures(None, False, None, 0, 2, 0, 3, 0, None, False, None),
            id="size and Sentinels 0 mean the defaults",
        ),
        pytest.param(
            rediscluster({"size": 1, "sentinel": {"replicas": 5}}, {}),
            ClusterFigures(None, False, None, 0, 0, 0, 0, 0, None, False, None),
            id="size 1 has no replicas and no Sentinels",
        ),
        pytest.param(
            rediscluster({"size": 5, "sentinel": {"replicas": 5}}, {**HEALTHY_STATUS, "observedGeneration": 3}),
            ClusterFigures("Healthy", True, "redis-cluster-a-0", 2, 4, 3, 5, 0, 1.5, False, 1796292000.0),
            id="a spec the operator has not reconciled yet",
        ),
        pytest.param(
            rediscluster(
                {"size": 3},
                {
                    **HEALTHY_STATUS,
                    "status": "Recovering",
                    "masterCount": 0,
                    "replicaCount": 0,
                    "sentinelCount": 1,
                    "failedReconciles": 2,
                },
            ),
            ClusterFigures("Recovering", False, None, 0, 2, 1, 3, 2, 1.5, True, 1796292000.0),
            id="no master: the last master's name is not served",
        ),
        pytest.param(
            rediscluster(
                {"size": 3},
                {"masterCount": True, "replicaCount": "2", "reconcileSeconds": "1", "conditions": [{"type": "x"}]},
            ),
            ClusterFigures(None, False, None, 0, 2, 0, 3, 0, None, False, None),
            id="values of the wrong type read as unknown",
        ),
    ],
)
def test_a_rediscluster_reads_as_its_figures(cluster, expected):
    assert ClusterFigures.of(cluster, DEFAULTS) == expected


def switch(old: str, new: str) -> str:
    return f"ns-a {old} 6379 {new} 6379"


@pytest.mark.parametrize(
    ("messages", "count"),
    [
        pytest.param([], 0, id="none"),
        pytest.param([("+switch-master", switch("r-0", "r-1"))] * 3, 1, id="three Sentinels, one failover"),
        pytest.param(
            [("+switch-master", switch("r-0", "r-1")), ("+switch-master", switch("r-1", "r-0"))],
            2,
            id="there and back",
        ),
        pytest.param(
            [("+sdown", "master ns-a r-0 6379"), ("+switch-master", "ns-a r-0 6379"), ("+slave", switch("a", "b"))],
            0,
            id="other channels and malformed data",
        ),
    ],
)
def test_master_changes_are_counted_once_per_new_master(messages, count):
    changes = MasterChanges()
    for channel, data in messages:
        changes.seen(CLUSTER, channel, data)
    assert changes.count(CLUSTER) == count
    assert changes.count(ClusterKey("ns", "b")) == 0


@given(
    masters=st.lists(st.sampled_from(["r-0", "r-1", "r-2"]), max_size=12),
    repeats=st.lists(st.integers(1, 5), min_size=12, max_size=12),
)
def test_every_change_of_master_counts_once_whatever_the_number_of_sentinels(masters, repeats):
    """Each failover to a master reaches the relay from 1 to 5 Sentinels; the count is the number of times the
    master changed."""
    changes = MasterChanges()
    previous = "r-0"
    for master, repeat in zip(masters, repeats, strict=False):
        for _sentinel in range(repeat):
            changes.seen(CLUSTER, "+switch-master", switch(previous, master))
        previous = master
    announced = [master for index, master in enumerate(masters) if index == 0 or masters[index - 1] != master]
    assert changes.count(CLUSTER) == len(announced)


def test_a_forgotten_cluster_starts_again_from_zero():
    changes = MasterChanges()
    changes.seen(CLUSTER, "+switch-master", switch("r-0", "r-1"))
    changes.forget(CLUSTER)
    assert (changes.count(CLUSTER), changes.clusters()) == (0, set())
    assert changes.seen(CLUSTER, "+switch-master", switch("r-0", "r-1"))


def test_new_master_reads_the_announced_address():
    announced = new_master("+switch-master", "ns-a 10.0.0.1 6379 redis-cluster-a-1.x.svc 6380")
    assert announced == "redis-cluster-a-1.x.svc:6380"


def scrape(readings: list[ClusterReading]) -> dict[str, dict[tuple, float]]:
    """The exposition as Prometheus parses it: sample name -> {sorted labels: value}."""
    registry = CollectorRegistry()
    registry.register(ClusterCollector(lambda: readings))
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(generate_latest(registry).decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def test_the_exposition_labels_every_series_with_the_clusters_namespace_and_name():
    healthy = ClusterFigures.of(rediscluster({"size": 3}, HEALTHY_STATUS), DEFAULTS)
    new = ClusterFigures.of(rediscluster({"size": 1}), DEFAULTS)
    samples = scrape([ClusterReading(CLUSTER, healthy, 2), ClusterReading(ClusterKey("other", "b"), new, 0)])
    a, b = (("name", "a"), ("namespace", "ns")), (("name", "b"), ("namespace", "other"))
    assert samples["rediscluster_healthy"] == {a: 1.0, b: 0.0}
    assert samples["rediscluster_master_present"] == {a: 1.0, b: 0.0}
    assert samples["rediscluster_master_info"] == {(*a, ("pod", "redis-cluster-a-0")): 1.0}
    assert samples["rediscluster_master_changes_total"] == {a: 2.0, b: 0.0}
    assert samples["rediscluster_replicas_linked"] == {a: 2.0, b: 0.0}
    assert samples["rediscluster_replicas_desired"] == {a: 2.0, b: 0.0}
    assert samples["rediscluster_sentinels_agreeing"] == {a: 3.0, b: 0.0}
    assert samples["rediscluster_sentinels_desired"] == {a: 3.0, b: 0.0}
    assert samples["rediscluster_reconcile_failures"] == {a: 0.0, b: 0.0}
    assert samples["rediscluster_reconcile_duration_seconds"] == {a: 1.5}  # b was never measured
    assert samples["rediscluster_spec_observed"] == {a: 1.0, b: 0.0}
    assert samples["rediscluster_status_updated_timestamp_seconds"] == {a: 1796292000.0}


def test_a_cluster_gone_from_the_relay_is_gone_from_the_exposition():
    assert not any(scrape([]).values())
