"""With `exporter.enabled`, every Redis pod serves metrics about its own node, authenticated with the password from
the Secret.

Scenario: a password-protected cluster with the exporter (the default image, which the sandbox runs as the
redis_exporter binary) becomes Healthy; each Redis pod's exporter, scraped on its pod IP at port 9121, reports its
node up (it could not without the password) and the master's exporter counts size - 1 connected replicas; the
headless Service publishes the metrics port; the StatefulSet passes the password to the exporter only as a
secretKeyRef and never contains it.
"""

from __future__ import annotations

import re
import urllib.request

import pytest

from tests.e2e.kube import wait_for
from tests.e2e.manifests import rediscluster
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-exporter-Pa55word"
SIZE = 3
METRICS_PORT = 9121
UNLABELLED_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][\w:]*) (?P<value>\S+)$", re.MULTILINE)


def scrape(ip: str) -> dict[str, float]:
    """The unlabelled samples of one exporter (name -> value), as Prometheus would read them."""
    with urllib.request.urlopen(f"http://{ip}:{METRICS_PORT}/metrics", timeout=10) as response:
        text = response.read().decode()
    return {sample["name"]: float(sample["value"]) for sample in UNLABELLED_SAMPLE.finditer(text)}


def test_every_redis_pod_exports_metrics_of_its_node(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(size=SIZE, password=PASSWORD, exporter={"enabled": True}), namespace)
    view = wait_healthy(kube, namespace, "test", size=SIZE, password=PASSWORD)
    master = view.master_by_sentinels().split(".", 1)[0]

    def node_metrics() -> dict[str, dict[str, float]]:
        metrics = {member.name: scrape(member.ip) for member in view.redis}
        down = {name: samples.get("redis_up") for name, samples in metrics.items() if samples.get("redis_up") != 1}
        assert not down, f"exporters that cannot reach their node (redis_up): {down}"
        return metrics

    metrics = wait_for(node_metrics, 60, "every exporter to report its node up")
    assert metrics[master]["redis_connected_slaves"] == SIZE - 1

    service = kube.core.read_namespaced_service("redis-cluster-test", namespace)
    assert {(port.name, port.port) for port in service.spec.ports} >= {("http-metrics", METRICS_PORT)}
    scrape_annotations = {k: v for k, v in service.metadata.annotations.items() if k.startswith("prometheus.io/")}
    assert scrape_annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(METRICS_PORT),
        "prometheus.io/path": "/metrics",
    }

    statefulset = kube.kubectl("get", "statefulset", "redis-cluster-test", "-n", namespace, "-o", "json")
    assert PASSWORD not in statefulset
    pod_spec = kube.apps.read_namespaced_stateful_set("redis-cluster-test", namespace).spec.template.spec
    exporter = next(container for container in pod_spec.containers if container.name == "exporter")
    assert [(port.name, port.container_port) for port in exporter.ports] == [("http-metrics", METRICS_PORT)]
    password_env = next(env for env in exporter.env if env.name == "REDIS_PASSWORD")
    assert password_env.value is None
    assert password_env.value_from.secret_key_ref.name == "redis-cluster-test-auth"
