"""Stopping a sandbox node kills its pods' processes (no preStop) and stops its heartbeats, so the node controller
marks it NotReady; starting it again brings the node back Ready and restarts its pods with new processes."""

import os

import pytest

from sandbox import faults

pytestmark = pytest.mark.sandbox

POD = """
apiVersion: v1
kind: Pod
metadata: {name: victim}
spec:
  nodeName: sandbox-node-3
  containers:
    - name: main
      image: redis:7
      ports: [{containerPort: 6379}]
      readinessProbe: {tcpSocket: {port: 6379}, periodSeconds: 1}
"""


def node_ready(cluster, name: str) -> str:
    node = cluster.api.get(f"/api/v1/nodes/{name}")
    return next(c["status"] for c in node["status"]["conditions"] if c["type"] == "Ready")


def test_stop_and_start_a_node(cluster, namespace):
    cluster.apply(namespace, POD)
    cluster.wait_ready(namespace, "victim")
    process = faults.container_pid(namespace, "victim")
    try:
        faults.stop_node("sandbox-node-3")
        assert not os.path.exists(f"/proc/{process}"), "the pod's process survived its node"
        cluster.wait_for("the node to go NotReady", lambda: node_ready(cluster, "sandbox-node-3") != "True", timeout=90)
    finally:
        faults.start_node("sandbox-node-3")
    cluster.wait_for("the node to be Ready again", lambda: node_ready(cluster, "sandbox-node-3") == "True")
    restarted = cluster.wait_for(
        "the pod to run again",
        lambda: (s := cluster.container_status(namespace, "victim")) and s["ready"] and s["restartCount"] >= 1 and s,
    )
    assert "running" in restarted["state"]
