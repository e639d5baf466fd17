"""Deleting a pod runs its preStop hook inside the pod, then SIGTERM; a process that ignores SIGTERM is killed once
the grace period is over; the kubelet then removes the pod from the API for good."""

import pytest

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: marks}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 16Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: stubborn}
spec:
  terminationGracePeriodSeconds: 3
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'trap "echo got TERM >> /marks/log" TERM; while true; do sleep 0.2; done']
      lifecycle:
        preStop:
          exec: {command: [sh, -c, 'echo "prestop on $(hostname)" >> /marks/log']}
      volumeMounts: [{name: marks, mountPath: /marks}]
  volumes: [{name: marks, persistentVolumeClaim: {claimName: marks}}]
"""


def test_prestop_then_sigterm_then_kill_then_gone(cluster, namespace):
    cluster.apply(namespace, MANIFEST)
    cluster.wait_ready(namespace, "stubborn")
    claim = cluster.api.get(f"/api/v1/namespaces/{namespace}/persistentvolumeclaims/marks")
    volume = cluster.api.get(f"/api/v1/persistentvolumes/{claim['spec']['volumeName']}")
    cluster.kubectl("delete", "pod", "-n", namespace, "stubborn", "--wait=false")
    cluster.wait_for("the pod to be gone from the API", lambda: cluster.pod(namespace, "stubborn") is None, timeout=60)
    with open(f"{volume['spec']['hostPath']['path']}/log") as log:
        lines = log.read().splitlines()
    assert lines[0] == "prestop on stubborn"
    assert "got TERM" in lines[1:]
