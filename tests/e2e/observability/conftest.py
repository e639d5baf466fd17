"""Fixtures of the observability tests: one RedisCluster with the exporter, and a Prometheus on this machine
(sandbox/prometheus.py) that scrapes the session's cluster-wide operator and that cluster's exporters every few
seconds, with the project's alert rules loaded. Shared by the tests of this folder, which run in file order: the
dashboard's queries on the Healthy cluster first, then the fault that fires "no master"."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from sandbox.prometheus import HostPrometheus, scrape_config, write_rules
from tests.e2e.conftest import diagnostics
from tests.e2e.manifests import rediscluster
from tests.e2e.rediscluster import apply_manifest, wait_healthy

SCRAPE_INTERVAL = "5s"
CLUSTER = "test"


@pytest.fixture(scope="package")
def observed_namespace(kube, cluster_operator) -> Iterator[str]:
    """A namespace with a Healthy size-3 RedisCluster `test` whose Redis pods run the exporter."""
    name = f"e2e-observed-{secrets.token_hex(3)}"
    kube.kubectl("create", "namespace", name)
    try:
        apply_manifest(kube, rediscluster(CLUSTER, exporter={"enabled": True}), name)
        wait_healthy(kube, name, CLUSTER)
        yield name
    except BaseException:
        print(diagnostics(kube, name))
        raise
    finally:
        kube.kubectl("delete", "namespace", name, "--wait=false")


@pytest.fixture(scope="package")
def prometheus(kube, cluster_operator, observed_namespace, tmp_path_factory) -> Iterator[HostPrometheus]:
    workdir = tmp_path_factory.mktemp("prometheus")
    operator_targets = [
        urlsplit(url).netloc for url in (cluster_operator.metrics_url, cluster_operator.relay_metrics_url)
    ]
    configuration = scrape_config(
        operator_targets, kube.kubeconfig, [observed_namespace], write_rules(workdir), SCRAPE_INTERVAL
    )
    server = HostPrometheus(configuration, workdir)
    yield server
    server.stop()
