"""`kubectl logs` reaches the kubelet API through the API server: whole logs, tail, timestamps, limits, follow."""

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.sandbox

KUBECTL = str(Path(__file__).resolve().parents[2] / "bin" / "kubectl")

POD = """
apiVersion: v1
kind: Pod
metadata: {name: talker}
spec:
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'for n in 1 2 3 4 5; do echo "line $n"; done; sleep 1; echo "to stderr" >&2; exec sleep 3600']
"""


def test_kubectl_logs(cluster, namespace):
    cluster.apply(namespace, POD)
    cluster.wait_ready(namespace, "talker")
    cluster.wait_for("all output", lambda: "to stderr" in cluster.kubectl("logs", "-n", namespace, "talker"))
    lines = cluster.kubectl("logs", "-n", namespace, "talker").splitlines()
    assert lines[:5] == [f"line {n}" for n in range(1, 6)]
    assert cluster.kubectl("logs", "-n", namespace, "talker", "--tail=2").splitlines() == ["line 5", "to stderr"]
    stamped = cluster.kubectl("logs", "-n", namespace, "talker", "--timestamps", "--tail=1").strip()
    assert stamped.endswith(" to stderr")
    assert stamped[:4].isdigit() and "T" in stamped.split()[0]
    limited = cluster.kubectl("logs", "-n", namespace, "talker", "--limit-bytes=6")
    assert limited == "line 1"


def test_previous_logs_of_a_container_that_never_restarted_are_an_error(cluster, namespace):
    cluster.apply(namespace, POD)
    cluster.wait_ready(namespace, "talker")
    with pytest.raises(AssertionError, match="NotFound"):
        cluster.kubectl("logs", "-n", namespace, "talker", "--previous")


TICKER = """
apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'n=0; while true; do n=$((n+1)); echo "tick $n"; sleep 0.2; done']
"""


def test_follow_streams_new_lines(cluster, namespace):
    cluster.apply(namespace, TICKER)
    cluster.wait_ready(namespace, "ticker")
    command = [KUBECTL, f"--kubeconfig={cluster.kubeconfig}", "logs", "-f", "--tail=1", "-n", namespace, "ticker"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as follow:
        try:
            first, *later = [int(follow.stdout.readline().split()[1]) for _ in range(4)]
        finally:
            follow.kill()
    assert later == [first + 1, first + 2, first + 3]
