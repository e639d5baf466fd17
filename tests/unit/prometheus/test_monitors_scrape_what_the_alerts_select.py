"""config/prometheus/monitors.yaml and the e2e suite's Prometheus (sandbox/prometheus.py) scrape the same endpoints
under the same jobs and labels, the ones the alerts and the dashboard select on: so that what the e2e tests prove of
the plain configuration holds for the Prometheus Operator's."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sandbox import config
from sandbox.prometheus import EXPORTER_JOB, EXPORTER_PORT_NAME, OPERATOR_JOB, POD_LABELS, scrape_config

pytestmark = pytest.mark.unit

MONITORS = {
    doc["kind"]: doc for doc in yaml.safe_load_all((config.REPO_ROOT / "config/prometheus/monitors.yaml").open())
}
MANAGER = yaml.safe_load((config.REPO_ROOT / "config/manager/manager.yaml").read_text())
SERVICE = yaml.safe_load((config.REPO_ROOT / "config/manager/metrics_service.yaml").read_text())


def relabelled(relabelings: list[dict]) -> dict[str, str]:
    """target label -> its replacement or source label, of each relabeling."""
    return {r["targetLabel"]: r.get("replacement") or r["sourceLabels"][0] for r in relabelings}


def test_the_service_monitor_scrapes_both_operator_ports_as_the_operator_job():
    monitor = MONITORS["ServiceMonitor"]["spec"]
    containers = MANAGER["spec"]["template"]["spec"]["containers"]
    container_ports = {port["name"] for container in containers for port in container.get("ports", [])}
    service_ports = {port["name"] for port in SERVICE["spec"]["ports"]}
    assert {endpoint["port"] for endpoint in monitor["endpoints"]} == service_ports == container_ports - {"health"}
    assert all(relabelled(e["relabelings"]) == {"job": OPERATOR_JOB} for e in monitor["endpoints"])
    assert monitor["selector"]["matchLabels"] == SERVICE["metadata"]["labels"]


def test_the_pod_monitor_scrapes_the_exporters_as_the_e2e_prometheus_does(tmp_path: Path):
    monitor = MONITORS["PodMonitor"]["spec"]
    [endpoint] = monitor["podMetricsEndpoints"]
    assert monitor["selector"]["matchLabels"] == POD_LABELS
    assert endpoint["port"] == EXPORTER_PORT_NAME
    e2e = scrape_config([], tmp_path / "kubeconfig", ["ns"], tmp_path / "rules.yaml", "5s")
    [exporters] = [job for job in e2e["scrape_configs"] if job["job_name"] == EXPORTER_JOB]
    e2e_labels = {r["target_label"]: r["source_labels"][0] for r in exporters["relabel_configs"] if "target_label" in r}
    # The Prometheus Operator sets namespace and pod itself.
    assert relabelled(endpoint["relabelings"]) == {"job": EXPORTER_JOB, "rediscluster": e2e_labels["rediscluster"]}
