"""Fault injection on the sandbox: a cut pod reaches nothing and nothing reaches it until healed; a frozen container
answers nothing until thawed."""

import pytest

from sandbox import faults

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: Pod
metadata: {name: server}
spec:
  containers:
    - {name: redis, image: "redis:7", readinessProbe: {tcpSocket: {port: 6379}, periodSeconds: 1}}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
    - {name: main, image: busybox, command: [sleep, "3600"]}
"""


def ping(namespace: str, from_pod: str, host: str) -> str:
    result = faults.exec_in(namespace, from_pod, ["timeout", "3", "redis-cli", "-h", host, "ping"], timeout=10)
    return result.stdout.strip() or result.stderr.strip()


@pytest.fixture
def pair(cluster, namespace):
    cluster.apply(namespace, MANIFEST)
    server = cluster.wait_ready(namespace, "server")
    cluster.wait_ready(namespace, "client")
    return server["status"]["podIP"]


def answers(cluster, namespace: str, from_pod: str, host: str) -> None:
    """Wait until a PING succeeds (a loaded machine may take more than one try)."""
    cluster.wait_for(f"{host} to answer {from_pod}", lambda: ping(namespace, from_pod, host) == "PONG", timeout=30)


def test_cut_and_heal(cluster, namespace, pair):
    answers(cluster, namespace, "client", pair)
    faults.cut_network(namespace, "server")
    try:
        assert ping(namespace, "client", pair) != "PONG"
        answers(cluster, namespace, "server", "127.0.0.1")  # the pod itself still runs
    finally:
        faults.heal_network(namespace, "server")
    answers(cluster, namespace, "client", pair)


def test_freeze_and_thaw(cluster, namespace, pair):
    faults.freeze(namespace, "server")
    try:
        assert ping(namespace, "client", pair) != "PONG"
    finally:
        faults.thaw(namespace, "server")
    answers(cluster, namespace, "client", pair)
