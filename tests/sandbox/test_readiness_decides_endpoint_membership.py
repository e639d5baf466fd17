"""A pod whose readiness probe starts failing turns not ready and its endpoint turns ready: false in the Service's
EndpointSlice (and leaves the Service's DNS name); when the probe passes again it comes back."""

import pytest

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'touch /state/ready; exec sleep 3600']
      readinessProbe:
        exec: {command: [test, -f, /state/ready]}
        periodSeconds: 1
        failureThreshold: 1
      volumeMounts: [{name: state, mountPath: /state}]
  volumes: [{name: state, emptyDir: {}}]
"""


def endpoint_ready(cluster, namespace: str) -> bool | None:
    slices = cluster.api.get(
        f"/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices",
        {"labelSelector": "kubernetes.io/service-name=web"},
    )["items"]
    endpoints = [e for s in slices for e in s.get("endpoints") or []]
    return endpoints[0]["conditions"].get("ready") if endpoints else None


def test_failing_readiness_marks_the_endpoint_not_ready(cluster, namespace):
    cluster.apply(namespace, MANIFEST)
    cluster.wait_ready(namespace, "web")
    cluster.wait_for("a ready endpoint", lambda: endpoint_ready(cluster, namespace) is True)
    cluster.wait_for(
        "the service name in the pod's hosts file",
        lambda: f"web.{namespace}.svc.cluster.local" in cluster.run_in(namespace, "web", "cat", "/etc/hosts"),
    )

    cluster.run_in(namespace, "web", "rm", "/state/ready")
    cluster.wait_for("the endpoint to turn not ready", lambda: endpoint_ready(cluster, namespace) is False)
    cluster.wait_for(
        "the service name to leave the pod's hosts file",
        lambda: f"web.{namespace}.svc" not in cluster.run_in(namespace, "web", "cat", "/etc/hosts"),
    )

    cluster.run_in(namespace, "web", "touch", "/state/ready")
    cluster.wait_for("the endpoint to be ready again", lambda: endpoint_ready(cluster, namespace) is True)
