"""The bundle cannot drift from config/: its Deployment is config/default's with WATCH_NAMESPACE taken from the
OperatorGroup, its permissions are what config/default's bindings grant (and, lifted cluster-wide as OLM does under
AllNamespaces, what config/cluster-scoped grants), its version is the image's tag, and its CRD is config/crd's."""

from __future__ import annotations

import json

import pytest
import yaml
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.scope import (
    CLUSTER_SCOPED,
    NAMESPACE_SCOPED,
    operator_scope,
)

from olm_bundle.sources import REPO_ROOT, render

pytestmark = pytest.mark.unit

OLM_WATCH_NAMESPACE = {
    "name": "WATCH_NAMESPACE",
    "valueFrom": {"fieldRef": {"fieldPath": "metadata.annotations['olm.targetNamespaces']"}},
}


def of_kind(objects: list[dict], kind: str) -> list[dict]:
    return [item for item in objects if item["kind"] == kind]


def canonical(rules: list[dict]) -> list[str]:
    return sorted(json.dumps(rule, sort_keys=True) for rule in rules)


@pytest.fixture(scope="module")
def namespaced() -> list[dict]:
    return render("default")


@pytest.fixture(scope="module")
def cluster_scoped() -> list[dict]:
    return render("cluster-scoped")


def test_the_deployment_is_config_defaults_with_watch_namespace_from_the_operator_group(csv, namespaced):
    [deployment] = of_kind(namespaced, "Deployment")
    [installed] = csv["spec"]["install"]["spec"]["deployments"]
    expected = json.loads(json.dumps(deployment["spec"]))
    readers = []
    for container in expected["template"]["spec"]["containers"]:
        for index, variable in enumerate(container.get("env", [])):
            if variable["name"] == "WATCH_NAMESPACE":
                container["env"][index] = OLM_WATCH_NAMESPACE
                readers.append(container["name"])
    assert installed["name"] == deployment["metadata"]["name"]
    assert installed["spec"] == expected
    assert sorted(readers) == ["event-relay", "manager"]  # both containers serve the same namespaces


def test_the_permissions_are_what_config_default_grants_its_service_account(csv, namespaced):
    [account] = of_kind(namespaced, "ServiceAccount")
    roles = {
        (role["kind"], role["metadata"]["name"]): role for role in namespaced if role["kind"] in ("Role", "ClusterRole")
    }
    [*bindings] = of_kind(namespaced, "RoleBinding")
    assert not of_kind(namespaced, "ClusterRoleBinding")
    granted = [
        rule for binding in bindings for rule in roles[binding["roleRef"]["kind"], binding["roleRef"]["name"]]["rules"]
    ]
    strategy = csv["spec"]["install"]["spec"]
    assert strategy["permissions"] == [{"serviceAccountName": account["metadata"]["name"], "rules": granted}]
    assert "clusterPermissions" not in strategy  # a namespaced install never reaches beyond its namespaces
    [deployment] = strategy["deployments"]
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == account["metadata"]["name"]


def test_under_all_namespaces_the_operator_holds_what_config_cluster_scoped_grants(csv, cluster_scoped):
    rules = [rule for role in cluster_scoped if role["kind"] in ("Role", "ClusterRole") for rule in role["rules"]]
    [permissions] = csv["spec"]["install"]["spec"]["permissions"]
    assert canonical(permissions["rules"]) == canonical(rules)


def test_the_version_is_the_operator_images_tag(csv, namespaced):
    [deployment] = of_kind(namespaced, "Deployment")
    images = {container["image"] for container in deployment["spec"]["template"]["spec"]["containers"]}
    assert images == {f"redis-kun-operator:{csv['spec']['version']}"}
    assert csv["metadata"]["name"] == f"redis-kun-operator.v{csv['spec']['version']}"
    assert csv["metadata"]["annotations"]["containerImage"] in images


def test_the_crd_and_the_metrics_service_are_config_s(bundle_dir, namespaced):
    crd = yaml.safe_load((REPO_ROOT / "config" / "crd" / "bases" / "redis.kun_redisclusters.yaml").read_text())
    assert yaml.safe_load((bundle_dir / "manifests" / "redis.kun_redisclusters.yaml").read_text()) == crd
    for service in of_kind(namespaced, "Service"):
        name = service["metadata"].pop("namespace") and service["metadata"]["name"]
        assert yaml.safe_load((bundle_dir / "manifests" / f"{name}_v1_service.yaml").read_text()) == service
    assert sorted(path.name for path in (bundle_dir / "manifests").iterdir()) == sorted(
        ["redis-kun-operator.clusterserviceversion.yaml", "redis.kun_redisclusters.yaml"]
        + [f"{service['metadata']['name']}_v1_service.yaml" for service in of_kind(namespaced, "Service")]
    )


# What OLM writes to olm.targetNamespaces for each install mode, and the scope the operator then has.
@pytest.mark.parametrize(
    ("mode", "target_namespaces", "scope"),
    [
        ("OwnNamespace", "redis-kun-operator", NAMESPACE_SCOPED),
        ("SingleNamespace", "team-a", NAMESPACE_SCOPED),
        ("MultiNamespace", "team-a,team-b", NAMESPACE_SCOPED),
        ("AllNamespaces", "", CLUSTER_SCOPED),
    ],
)
def test_every_install_mode_is_supported_with_the_scope_its_target_namespaces_give(csv, mode, target_namespaces, scope):
    assert {"type": mode, "supported": True} in csv["spec"]["installModes"]
    assert operator_scope(target_namespaces) == scope
    assert f"**{mode}**" in csv["spec"]["description"]  # and the description says what it means
