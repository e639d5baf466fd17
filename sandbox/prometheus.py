"""A Prometheus on this machine (bin/prometheus, sandbox/tools/build.sh) scraping an operator and the Redis exporters
of the sandbox, with the project's alert rules loaded: the e2e suite's (tests/e2e/observability/).

It listens on 127.0.0.1 only and keeps its data in a directory of the caller's. The sandbox has no kube-proxy, so
nothing is scraped through a Service: the exporters are found by Kubernetes service discovery (role pod, with the
sandbox's kubeconfig) and scraped on their pod IPs, which the machine reaches, and the operator, a process on a
bridge host, is a static target. The jobs and labels are those of config/prometheus/monitors.yaml, which the alerts
and the dashboard rely on (docs/observability.md).
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

from event_relay.rules import POD_LABELS
from sandbox import SandboxError, config

BINARY = config.BIN_DIR / "prometheus"
PROMETHEUS_RULE = config.REPO_ROOT / "config" / "prometheus" / "prometheusrule.yaml"
RULES_FILE_NAME = "redis-kun.rules.yaml"
OPERATOR_JOB, EXPORTER_JOB = "redis-kun-operator", "redis-kun-exporter"
EXPORTER_PORT_NAME = "http-metrics"  # the exporter container's port (roles/rediscluster/templates/statefulsets/)


def write_rules(directory: Path) -> Path:
    """The PrometheusRule's spec as a plain rules file in `directory`: what Prometheus and promtool read."""
    spec = yaml.safe_load(PROMETHEUS_RULE.read_text())["spec"]
    path = directory / RULES_FILE_NAME
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def _meta_label(label: str) -> str:
    """The service-discovery label of a pod label: `app.kubernetes.io/instance` is
    `__meta_kubernetes_pod_label_app_kubernetes_io_instance`."""
    return "__meta_kubernetes_pod_label_" + "".join(c if c.isalnum() else "_" for c in label)


def scrape_config(
    operator_targets: list[str], kubeconfig: Path, namespaces: list[str], rules: Path, interval: str
) -> dict:
    """The configuration: the operator's endpoints (host:port) as job redis-kun-operator, and the exporters of the
    RedisClusters' pods in `namespaces` as job redis-kun-exporter, labelled namespace, pod and rediscluster."""
    return {
        "global": {"scrape_interval": interval, "evaluation_interval": interval, "scrape_timeout": interval},
        "rule_files": [str(rules)],
        "scrape_configs": [
            {"job_name": OPERATOR_JOB, "static_configs": [{"targets": operator_targets}]},
            {
                "job_name": EXPORTER_JOB,
                "kubernetes_sd_configs": [
                    {"role": "pod", "kubeconfig_file": str(kubeconfig), "namespaces": {"names": namespaces}}
                ],
                "relabel_configs": [
                    {
                        "action": "keep",
                        "source_labels": [*map(_meta_label, POD_LABELS), "__meta_kubernetes_pod_container_port_name"],
                        "regex": ";".join([*POD_LABELS.values(), EXPORTER_PORT_NAME]),
                    },
                    {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace"},
                    {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
                    {"source_labels": [_meta_label("app.kubernetes.io/instance")], "target_label": "rediscluster"},
                ],
            },
        ],
    }


class HostPrometheus:
    """bin/prometheus with `configuration`, on a free port of 127.0.0.1, its data and log in `workdir`."""

    def __init__(self, configuration: dict, workdir: Path):
        if not BINARY.exists():
            raise SandboxError(f"{BINARY} is missing: `make deps` builds it (sandbox/tools/build.sh prometheus)")
        workdir.mkdir(parents=True, exist_ok=True)
        config_file = workdir / "prometheus.yml"
        config_file.write_text(yaml.safe_dump(configuration, sort_keys=False))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "prometheus.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(BINARY),
                    f"--config.file={config_file}",
                    f"--storage.tsdb.path={workdir / 'data'}",
                    f"--web.listen-address=127.0.0.1:{self.port}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise SandboxError(f"prometheus exited with {self.process.returncode}: {self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SandboxError(f"prometheus not ready within {timeout} s: {self.tail()}")
            time.sleep(0.3)

    def api(self, path: str, **parameters: str) -> object:
        """The `data` of an HTTP API answer (`/api/v1/<path>`); SandboxError when Prometheus reports an error."""
        query = urllib.parse.urlencode(parameters, doseq=True)
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}?{query}", timeout=30) as response:
            answer = json.loads(response.read())
        if answer.get("status") != "success":
            raise SandboxError(f"prometheus {path} {parameters}: {answer}")
        return answer["data"]

    def query(self, expression: str) -> list[dict]:
        """The series an instant query returns now ([{metric, value}, ...])."""
        return self.api("query", query=expression)["result"]

    def alerts(self) -> list[dict]:
        """Every pending or firing alert ([{labels, annotations, state, ...}, ...])."""
        return self.api("alerts")["alerts"]

    def targets(self) -> list[dict]:
        return self.api("targets")["activeTargets"]

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
