"""A container whose image is not mapped to host binaries (and gives no command) waits with reason
ImageNotInSandbox and a message saying what to do; the kubelet keeps running other pods."""

import pytest

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: Pod
metadata: {name: unmapped}
spec:
  containers:
    - {name: web, image: "nginx:1.27"}
---
apiVersion: v1
kind: Pod
metadata: {name: missing-program}
spec:
  containers:
    - {name: main, image: busybox, command: [no-such-program-anywhere]}
"""
LATER = """
apiVersion: v1
kind: Pod
metadata: {name: later}
spec:
  containers:
    - {name: main, image: busybox, command: [sleep, "3600"]}
"""


def waiting(cluster, namespace, pod):
    status = cluster.container_status(namespace, pod)
    return status and status["state"].get("waiting", {}).get("reason") not in (None, "ContainerCreating") and status


def test_unmappable_images_wait_and_the_kubelet_carries_on(cluster, namespace):
    cluster.apply(namespace, MANIFEST)
    unmapped = cluster.wait_for("a waiting reason", lambda: waiting(cluster, namespace, "unmapped"))
    assert unmapped["state"]["waiting"]["reason"] == "ImageNotInSandbox"
    assert "command" in unmapped["state"]["waiting"]["message"]
    missing = cluster.wait_for("a waiting reason", lambda: waiting(cluster, namespace, "missing-program"))
    assert missing["state"]["waiting"]["reason"] == "CommandNotInSandbox"
    cluster.apply(namespace, LATER)
    cluster.wait_ready(namespace, "later")
