"""A crashed container is restarted by the kubelet: restartCount goes up, lastState shows how it ended, and
`kubectl logs --previous` shows the crashed run's output. A failing liveness probe restarts a container too."""

import pytest

from sandbox import faults

pytestmark = pytest.mark.sandbox

POD = """
apiVersion: v1
kind: Pod
metadata: {name: worker}
spec:
  terminationGracePeriodSeconds: 2
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'echo "run started"; exec sleep 3600']
"""

LIVENESS_POD = """
apiVersion: v1
kind: Pod
metadata: {name: wedged}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'touch /work/alive; exec sleep 3600']
      workingDir: /work
      volumeMounts: [{name: work, mountPath: /work}]
      livenessProbe:
        exec: {command: [test, -f, /work/alive]}
        periodSeconds: 1
        failureThreshold: 2
  volumes: [{name: work, emptyDir: {}}]
"""


def test_a_crash_counts_one_restart(cluster, namespace):
    cluster.apply(namespace, POD)
    cluster.wait_ready(namespace, "worker")
    faults.crash(namespace, "worker")
    status = cluster.wait_for(
        "the container to run again after the crash",
        lambda: (s := cluster.container_status(namespace, "worker")) and s["restartCount"] == 1 and s["ready"] and s,
    )
    assert status["lastState"]["terminated"]["exitCode"] == 137  # SIGKILL
    assert "running" in status["state"]
    previous = cluster.kubectl("logs", "-n", namespace, "worker", "--previous")
    assert previous.strip() == "run started"


def test_a_failing_liveness_probe_restarts_the_container(cluster, namespace):
    cluster.apply(namespace, LIVENESS_POD)
    cluster.wait_ready(namespace, "wedged")
    cluster.run_in(namespace, "wedged", "rm", "/work/alive")
    status = cluster.wait_for(
        "the liveness probe to restart the container",
        lambda: (s := cluster.container_status(namespace, "wedged")) and s["restartCount"] >= 1 and s,
    )
    assert "liveness" in status["lastState"]["terminated"].get("message", "")
