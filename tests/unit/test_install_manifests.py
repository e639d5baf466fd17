"""The kustomize installs: both render, both can coexist, and `make undeploy`'s label never selects the CRD."""

import subprocess
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[2]
LABEL = ("redis.kun/operator-install", "true")


def render(install: str) -> list[dict]:
    output = subprocess.run(
        [str(REPO_ROOT / "bin" / "kubectl"), "kustomize", str(REPO_ROOT / "config" / install)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(output) if doc]


@pytest.mark.parametrize("install", ["default", "cluster-scoped"])
def test_undeploy_selects_every_operator_object_and_never_the_crd_or_the_namespace(install):
    """The namespace stays: the namespace-scoped install's RedisClusters and their claims live in it."""
    for obj in render(install):
        labelled = (obj["metadata"].get("labels") or {}).get(LABEL[0]) == LABEL[1]
        kept = obj["kind"] in ("CustomResourceDefinition", "Namespace")
        assert labelled != kept, f"{obj['kind']} {obj['metadata']['name']}"


def test_the_two_installs_share_only_the_crd():
    def identities(install):
        return {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in render(install)}

    shared = identities("default") & identities("cluster-scoped")
    assert {kind for kind, _, _ in shared} == {"CustomResourceDefinition"}


@pytest.mark.parametrize("install", ["default", "cluster-scoped"])
def test_the_event_relay_runs_beside_the_manager_and_serves_the_same_clusters(install):
    [deployment] = [obj for obj in render(install) if obj["kind"] == "Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    containers = {container["name"]: container for container in pod["containers"]}
    manager, relay = containers["manager"], containers["event-relay"]

    def watch_namespace(container: dict) -> dict:
        [variable] = [variable for variable in container["env"] if variable["name"] == "WATCH_NAMESPACE"]
        return variable

    assert relay["image"] == manager["image"]
    assert relay["command"] == ["ansible-python", "-m", "event_relay"]  # the image's interpreter (Dockerfile)
    assert watch_namespace(relay) == watch_namespace(manager)
    assert (watch_namespace(relay).get("value") == "") == (install == "cluster-scoped")
    assert "--max-concurrent-reconciles=2" in manager["args"]


def test_the_console_install_acts_with_no_identity_of_its_own():
    """config/console: the console pod mounts no service account token, and its RBAC only lets users read the
    RedisCluster CRD and use RedisClusters through Kubernetes' own view/edit/admin roles."""
    objects = {(o["kind"], o["metadata"]["name"]): o for o in render("console")}
    deployment = objects["Deployment", "redis-kun-console"]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert deployment["spec"]["selector"]["matchLabels"] == deployment["spec"]["template"]["metadata"]["labels"]
    reader = objects["ClusterRole", "redis-kun-console-crd-reader"]
    assert reader["rules"] == [
        {
            "apiGroups": ["apiextensions.k8s.io"],
            "resources": ["customresourcedefinitions"],
            "resourceNames": ["redisclusters.redis.kun"],
            "verbs": ["get"],
        }
    ]
    binding = objects["ClusterRoleBinding", "redis-kun-console-crd-reader"]
    assert binding["roleRef"]["name"] == "redis-kun-console-crd-reader"
    aggregated = {
        label
        for kind, _ in objects
        if kind == "ClusterRole"
        for label in objects[kind, _]["metadata"].get("labels", {})
        if label.startswith("rbac.authorization.k8s.io/aggregate-to-")
    }
    assert aggregated == {f"rbac.authorization.k8s.io/aggregate-to-{role}" for role in ("view", "edit", "admin")}
    assert not [key for key in objects if key[0] in ("Role", "RoleBinding")]  # nothing granted to the console itself
