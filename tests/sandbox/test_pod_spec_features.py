"""Pod spec features the kubelet honours: init containers run in order before the containers, a postStart hook runs
in the container's namespaces, namespaced sysctls apply to the pod's own network namespace, runAsUser and workingDir,
the hostname is the pod's name, and a pod with restartPolicy Never that exits 0 is Succeeded."""

import os

import pytest

from sandbox import faults

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: Pod
metadata: {name: featured}
spec:
  securityContext:
    sysctls: [{name: net.core.somaxconn, value: "1234"}]
  initContainers:
    - name: first
      image: busybox
      command: [sh, -c, 'echo first >> /shared/order']
      volumeMounts: [{name: shared, mountPath: /shared}]
    - name: second
      image: busybox
      command: [sh, -c, 'echo second >> /shared/order; chmod 666 /shared/order']
      volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'echo main >> /shared/order; exec sleep 3600']
      workingDir: /shared
      securityContext: {runAsUser: 65534, runAsGroup: 65534}
      lifecycle:
        postStart: {exec: {command: [sh, -c, 'hostname > /shared/post-start']}}
      volumeMounts: [{name: shared, mountPath: /shared}]
  volumes: [{name: shared, emptyDir: {}}]
---
apiVersion: v1
kind: Pod
metadata: {name: one-shot}
spec:
  restartPolicy: Never
  containers:
    - {name: main, image: busybox, command: [sh, -c, 'exit 0']}
"""


@pytest.fixture
def featured(cluster, namespace):
    cluster.apply(namespace, MANIFEST)
    return cluster.wait_ready(namespace, "featured")


def test_init_containers_run_first_and_in_order(cluster, namespace, featured):
    cluster.wait_for("main's line", lambda: "main" in cluster.run_in(namespace, "featured", "cat", "/shared/order"))
    assert cluster.run_in(namespace, "featured", "cat", "/shared/order").split() == ["first", "second", "main"]
    init = featured["status"]["initContainerStatuses"]
    assert [s["state"]["terminated"]["reason"] for s in init] == ["Completed", "Completed"]


def test_post_start_hook_runs_inside_the_container(cluster, namespace, featured):
    assert cluster.run_in(namespace, "featured", "cat", "/shared/post-start").strip() == "featured"


def test_namespaced_sysctl_applies_to_the_pod_only(cluster, namespace, featured):
    assert cluster.run_in(namespace, "featured", "cat", "/proc/sys/net/core/somaxconn").strip() == "1234"
    with open("/proc/sys/net/core/somaxconn") as host_value:
        assert host_value.read().strip() != "1234"


def test_user_working_dir_and_hostname(cluster, namespace, featured):
    pid = faults.container_pid(namespace, "featured")
    with open(f"/proc/{pid}/status") as status:
        uids = next(line.split()[1:] for line in status if line.startswith("Uid:"))
    assert uids == ["65534"] * 4
    assert os.readlink(f"/proc/{pid}/cwd") == "/shared"
    assert cluster.run_in(namespace, "featured", "hostname").strip() == "featured"


def test_a_finished_pod_succeeds(cluster, namespace, featured):
    succeeded = cluster.wait_for(
        "one-shot to succeed",
        lambda: (pod := cluster.pod(namespace, "one-shot")) and pod["status"].get("phase") == "Succeeded" and pod,
    )
    assert succeeded["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 0
