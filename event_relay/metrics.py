"""The relay's /metrics (prometheus_client): one series per figure of each RedisCluster it serves, labelled with the
cluster's namespace and name (docs/observability.md lists them), beside the relay's own process metrics.

A collector reads the relay's state at each scrape, so a deleted RedisCluster's series go with it, and nothing is
kept twice. ansible-operator's custom-metrics API, which the role used before, has no labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from event_relay.figures import ClusterFigures
from event_relay.rules import ClusterKey

LABELS = ("namespace", "name")


@dataclass(frozen=True)
class ClusterReading:
    cluster: ClusterKey
    figures: ClusterFigures
    master_changes: int


Snapshot = Callable[[], list[ClusterReading]]


class ClusterCollector(Collector):
    def __init__(self, snapshot: Snapshot):
        self._snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        readings = self._snapshot()

        def gauge(name: str, documentation: str, value: Callable[[ClusterFigures], float | None]) -> Metric:
            family = GaugeMetricFamily(name, documentation, labels=LABELS)
            for reading in readings:
                if (number := value(reading.figures)) is not None:
                    family.add_metric(_labels(reading.cluster), float(number))
            return family

        yield gauge("rediscluster_healthy", "1 while the RedisCluster's status is Healthy, else 0", lambda f: f.healthy)
        yield gauge(
            "rediscluster_master_present",
            "1 while the operator's last reconcile found a master, else 0",
            lambda f: f.master_present,
        )
        master = GaugeMetricFamily(
            "rediscluster_master_info", "1 for the pod that is the master, while there is one", labels=(*LABELS, "pod")
        )
        for reading in readings:
            if reading.figures.master_pod:
                master.add_metric((*_labels(reading.cluster), reading.figures.master_pod), 1)
        yield master
        changes = CounterMetricFamily(
            "rediscluster_master_changes",
            "Master changes (failovers) announced by the cluster's Sentinels (+switch-master) since the relay started",
            labels=LABELS,
        )
        for reading in readings:
            changes.add_metric(_labels(reading.cluster), reading.master_changes)
        yield changes
        yield gauge(
            "rediscluster_replicas_linked",
            "Replicas whose replication link to the master is up",
            lambda f: f.replicas_linked,
        )
        yield gauge(
            "rediscluster_replicas_desired", "Replicas the spec asks for (size - 1)", lambda f: f.replicas_desired
        )
        yield gauge(
            "rediscluster_sentinels_agreeing",
            "Sentinels that monitor the cluster and see the operator's master",
            lambda f: f.sentinels_agreeing,
        )
        yield gauge("rediscluster_sentinels_desired", "Sentinels the spec asks for", lambda f: f.sentinels_desired)
        yield gauge(
            "rediscluster_reconcile_failures",
            "Reconciles in a row that ended Failed (0 once one did not)",
            lambda f: f.failed_reconciles,
        )
        yield gauge(
            "rediscluster_reconcile_duration_seconds",
            "How long the reconcile that last wrote the status took",
            lambda f: f.reconcile_seconds,
        )
        yield gauge(
            "rediscluster_spec_observed",
            "1 when the status speaks of the current spec (observedGeneration), else 0",
            lambda f: f.spec_observed,
        )
        yield gauge(
            "rediscluster_status_updated_timestamp_seconds",
            "When the operator last wrote or confirmed the status (the newest condition's lastUpdateTime)",
            lambda f: f.status_updated,
        )


def serve(address: str, snapshot: Snapshot) -> None:
    """Serves /metrics on `address` (`[host]:port`, as ansible-operator's --metrics-bind-address) from a thread of
    its own; port 0 serves nothing."""
    host, _colon, port = address.rpartition(":")
    if int(port) == 0:
        return
    registry = CollectorRegistry()
    for collector in (ProcessCollector, PlatformCollector, GCCollector):
        collector(registry=registry)
    registry.register(ClusterCollector(snapshot))
    start_http_server(int(port), addr=host or "0.0.0.0", registry=registry)  # Prometheus scrapes the pod from outside


def _labels(cluster: ClusterKey) -> tuple[str, str]:
    return cluster.namespace, cluster.name
