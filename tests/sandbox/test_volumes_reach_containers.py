"""Volumes and environment reach containers: configMap and secret (items, modes; refreshed when their source changes),
downwardAPI, projected service account token, emptyDir with subPath, and env from every kind of source."""

import base64

import pytest

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {redis.conf: "maxmemory 10mb\\n", mode: fast}
---
apiVersion: v1
kind: Secret
metadata: {name: auth}
data: {password: %(password)s}
---
apiVersion: v1
kind: Pod
metadata: {name: app, labels: {tier: cache}}
spec:
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'echo "$PASSWORD" > /scratch/seen; exec sleep 3600']
      env:
        - {name: PASSWORD, valueFrom: {secretKeyRef: {name: auth, key: password}}}
        - {name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}
        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
        - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        - {name: WHERE, value: "$(NODE)/$(POD_IP)"}
      volumeMounts:
        - {name: config, mountPath: /etc/redis}
        - {name: secret, mountPath: /etc/auth, readOnly: true}
        - {name: info, mountPath: /etc/podinfo}
        - {name: scratch, mountPath: /scratch, subPath: nested/dir}
        - {name: scratch, mountPath: /whole}
  volumes:
    - {name: config, configMap: {name: settings, items: [{key: redis.conf, path: redis.conf}]}}
    - {name: secret, secret: {secretName: auth, defaultMode: 0400, items: [{key: password, path: pw}]}}
    - name: info
      downwardAPI:
        items:
          - {path: labels, fieldRef: {fieldPath: metadata.labels}}
          - {path: name, fieldRef: {fieldPath: metadata.name}}
    - {name: scratch, emptyDir: {}}
"""


@pytest.fixture
def app(cluster, namespace):
    password = base64.b64encode(b"not-a-real-password").decode()
    cluster.apply(namespace, MANIFEST % {"password": password})
    return cluster.wait_ready(namespace, "app")


def test_env_from_every_source(cluster, namespace, app):
    env = dict(
        line.split("=", 1) for line in cluster.run_in(namespace, "app", "sh", "-c", "env").splitlines() if "=" in line
    )
    assert env["PASSWORD"] == "not-a-real-password"
    assert env["MODE"] == "fast"
    assert env["POD_IP"] == app["status"]["podIP"]
    assert env["WHERE"] == f"{app['spec']['nodeName']}/{app['status']['podIP']}"


def test_files_of_configmap_secret_and_downward_api(cluster, namespace, app):
    assert cluster.run_in(namespace, "app", "cat", "/etc/redis/redis.conf") == "maxmemory 10mb\n"
    assert cluster.run_in(namespace, "app", "stat", "-L", "-c", "%a", "/etc/auth/pw").strip() == "400"
    assert cluster.run_in(namespace, "app", "cat", "/etc/podinfo/labels") == 'tier="cache"'
    assert cluster.run_in(namespace, "app", "cat", "/etc/podinfo/name") == "app"
    denied = cluster.run_in(namespace, "app", "sh", "-c", "touch /etc/auth/new 2>&1 || echo read-only")
    assert "read-only" in denied.lower()


def test_service_account_token_is_projected(cluster, namespace, app):
    directory = "/var/run/secrets/kubernetes.io/serviceaccount"
    token = cluster.run_in(namespace, "app", "cat", f"{directory}/token")
    assert token.count(".") == 2  # a JWT
    assert cluster.run_in(namespace, "app", "cat", f"{directory}/namespace") == namespace
    assert "BEGIN CERTIFICATE" in cluster.run_in(namespace, "app", "cat", f"{directory}/ca.crt")


def test_sub_path_mounts_a_directory_of_the_volume(cluster, namespace, app):
    assert cluster.run_in(namespace, "app", "cat", "/whole/nested/dir/seen").strip() == "not-a-real-password"


def test_configmap_changes_reach_the_mounted_file(cluster, namespace, app):
    cluster.kubectl(
        "patch", "configmap", "settings", "-n", namespace, "-p", '{"data":{"redis.conf":"maxmemory 20mb\\n"}}'
    )
    cluster.wait_for(
        "the new ConfigMap content in the pod",
        lambda: cluster.run_in(namespace, "app", "cat", "/etc/redis/redis.conf") == "maxmemory 20mb\n",
        timeout=30,
    )


def test_secret_changes_reach_the_mounted_file(cluster, namespace, app):
    rotated = base64.b64encode(b"rotated-password").decode()
    cluster.kubectl("patch", "secret", "auth", "-n", namespace, "-p", f'{{"data":{{"password":"{rotated}"}}}}')
    cluster.wait_for(
        "the new Secret content in the pod",
        lambda: cluster.run_in(namespace, "app", "cat", "/etc/auth/pw") == "rotated-password",
        timeout=30,
    )
