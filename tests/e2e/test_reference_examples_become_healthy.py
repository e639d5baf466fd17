"""Every reference manifest, applied unchanged, becomes a Healthy cluster that does what its comment says.

Scenario per manifest: `kubectl apply` the file as users of the reference operator would; wait until the status
says Healthy and the processes agree (one master, size-1 replicas in sync, Sentinels that name that master and know
no stale members); `kubectl get rediscluster` prints `test <size> Healthy`; then the manifest's own promise is
checked. Manifests naming `namespace: default` run there, the others in a fresh namespace. One cluster at a time.
"""

from __future__ import annotations

from contextlib import closing

import pytest
import redis

from tests.e2e.kube import EXAMPLES, INSTANCE, Kube
from tests.e2e.rediscluster import apply_manifest, delete_cluster, printed_row, wait_healthy

pytestmark = pytest.mark.e2e

PERSISTENCE_PRESETS = {"appendonly": "yes", "save": "900 1 300 10", "repl-diskless-sync": "yes"}


@pytest.fixture
def in_default_namespace(kube: Kube, cluster_operator):
    """For manifests that name `namespace: default`: the cluster and its claims are removed afterwards."""
    yield "default"
    delete_cluster(kube, "default", "test")
    kube.kubectl("delete", "pvc", "-n", "default", "-l", INSTANCE, "--ignore-not-found")


def assert_prints_healthy(kube: Kube, namespace: str, size: int) -> None:
    assert printed_row(kube, namespace, "test")[:3] == ["test", str(size), "Healthy"]


@pytest.mark.parametrize(
    ("manifest", "size"), [("01-basic.yaml", 3), ("03-resize.yaml", 5), ("07-security-context.yaml", 3)]
)
def test_cluster_scoped_manifest_becomes_healthy(kube, cluster_operator, namespace, manifest, size):
    apply_manifest(kube, EXAMPLES / manifest, namespace)
    view = wait_healthy(kube, namespace, "test", size=size)
    assert_prints_healthy(kube, namespace, size)
    with closing(view.master_node()) as master:
        for key, value in PERSISTENCE_PRESETS.items():  # persistence is on by default
            assert master.config_get(key)[key] == value
    if manifest == "07-security-context.yaml":
        template = kube.apps.read_namespaced_stateful_set("redis-cluster-test", namespace).spec.template.spec
        assert [(s.name, s.value) for s in template.security_context.sysctls] == [("net.core.somaxconn", "1024")]


def test_namespaced_manifest_is_served_by_the_namespaced_operator(kube, namespaced_operator, namespace):
    apply_manifest(kube, EXAMPLES / "02-basic-namespaced.yaml", namespace)
    wait_healthy(kube, namespace, "test")
    assert_prints_healthy(kube, namespace, 3)


def test_password_and_config_manifest_sets_both(kube, in_default_namespace):
    apply_manifest(kube, EXAMPLES / "04-password-config.yaml", "default")
    view = wait_healthy(kube, "default", "test", password="asdfsdf")
    assert_prints_healthy(kube, "default", 3)
    for member in view.redis:
        with closing(view.node(member)) as node:
            assert node.config_get("hz")["hz"] == "10"
            assert node.config_get("loglevel")["loglevel"] == "verbose"
            assert node.config_get("maxclients")["maxclients"] == "10000"
    anonymous = redis.Redis(host=view.redis[0].ip, port=6379, socket_connect_timeout=2, socket_timeout=3)
    with closing(anonymous), pytest.raises(redis.AuthenticationError):
        anonymous.ping()


def test_persistence_manifest_keeps_data_in_claims(kube, in_default_namespace):
    kube.kubectl(
        "apply",
        "-f",
        "-",
        stdin="apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: sc-rbd-x5}\n"
        "provisioner: sandbox.local/hostpath\nvolumeBindingMode: Immediate\n",
    )
    apply_manifest(kube, EXAMPLES / "06-persistence.yaml", "default")
    wait_healthy(kube, "default", "test")
    assert_prints_healthy(kube, "default", 3)
    claims = kube.claims("default", INSTANCE)
    assert sorted(claim.metadata.name for claim in claims) == [f"test-redis-cluster-test-{n}" for n in range(3)]
    assert all(claim.spec.storage_class_name == "sc-rbd-x5" for claim in claims)
    assert all(not claim.metadata.owner_references for claim in claims)  # keepAfterDeletion: true
