"""Pod users as a kubelet treats them: an emptyDir is world-writable, so a container running as any user can write
it (a peer operator's uid-1000 pods failed on the sandbox with `cp: cannot create regular file ... Permission denied`
before); fsGroup and supplementalGroups are the process's supplementary groups and fsGroup owns the pod's volumes
(new files keep the group); allowPrivilegeEscalation: false sets no_new_privs; every container has its own /tmp;
runAsNonRoot refuses a container that would run as root."""

import os
import uuid

import pytest

from sandbox import faults

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {greeting: hello}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 16Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: plain-user}
spec:
  securityContext: {runAsUser: 1000}
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'cp /etc/hosts /scratch/copied && exec sleep 3600']
      volumeMounts: [{name: scratch, mountPath: /scratch}]
  volumes: [{name: scratch, emptyDir: {}}]
---
apiVersion: v1
kind: Pod
metadata: {name: grouped}
spec:
  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000]}
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'touch /scratch/made /data/made /tmp/%(marker)s && exec sleep 3600']
      securityContext: {allowPrivilegeEscalation: false}
      volumeMounts:
        - {name: scratch, mountPath: /scratch}
        - {name: data, mountPath: /data}
        - {name: settings, mountPath: /settings}
  volumes:
    - {name: scratch, emptyDir: {}}
    - {name: data, persistentVolumeClaim: {claimName: data}}
    - {name: settings, configMap: {name: settings}}
---
apiVersion: v1
kind: Pod
metadata: {name: root-refused}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
    - {name: main, image: busybox, command: [sleep, "3600"]}
"""


@pytest.fixture(scope="module")
def marker() -> str:
    return f"private-tmp-{uuid.uuid4().hex}"


@pytest.fixture
def pods(cluster, namespace, marker):
    cluster.apply(namespace, MANIFEST % {"marker": marker})
    cluster.wait_ready(namespace, "plain-user")
    cluster.wait_ready(namespace, "grouped")
    return namespace


def _stat(cluster, namespace: str, path: str) -> tuple[str, str]:
    """(octal mode, group id) of a path inside the pod `grouped`."""
    mode, group = cluster.run_in(namespace, "grouped", "stat", "-c", "%a %g", path).split()
    return mode, group


def test_a_non_root_user_writes_an_empty_dir(cluster, pods):
    assert cluster.run_in(pods, "plain-user", "cat", "/scratch/copied") == cluster.run_in(
        pods, "plain-user", "cat", "/etc/hosts"
    )
    mode = cluster.run_in(pods, "plain-user", "stat", "-c", "%a", "/scratch").strip()
    assert mode == "777"


def test_fs_group_and_supplemental_groups_are_the_process_groups(cluster, pods):
    pid = faults.container_pid(pods, "grouped")
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    assert fields["Uid"].split() == ["1000"] * 4
    assert fields["Gid"].split() == ["3000"] * 4
    assert sorted(fields["Groups"].split()) == ["2000", "4000"]
    assert fields["NoNewPrivs"].strip() == "1"  # allowPrivilegeEscalation: false


def test_fs_group_owns_the_volumes_and_what_is_made_in_them(cluster, pods):
    for volume in ("/scratch", "/data"):
        mode, group = _stat(cluster, pods, volume)
        assert group == "2000", volume
        assert int(mode, 8) & 0o2070 == 0o2070, f"{volume}: group rwx and setgid, got {mode}"
        assert _stat(cluster, pods, f"{volume}/made")[1] == "2000", f"{volume}/made keeps the volume's group"
    mode, group = _stat(cluster, pods, "/settings/greeting")
    assert group == "2000"
    assert int(mode, 8) & 0o040, f"a configMap file is readable by fsGroup, got {mode}"


def test_each_container_has_its_own_tmp(cluster, pods, marker):
    assert cluster.run_in(pods, "grouped", "ls", f"/tmp/{marker}").strip() == f"/tmp/{marker}"
    assert not os.path.exists(f"/tmp/{marker}")


def test_run_as_non_root_refuses_a_root_container(cluster, pods):
    waiting = cluster.wait_for(
        "root-refused to wait with a reason",
        lambda: ((cluster.container_status(pods, "root-refused") or {}).get("state") or {}).get("waiting"),
    )
    assert waiting["reason"] == "CreateContainerConfigError"
    assert "container has runAsNonRoot and image will run as root" in waiting["message"]
