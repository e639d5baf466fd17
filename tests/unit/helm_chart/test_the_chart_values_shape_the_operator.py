"""What each value of the chart changes, and nothing else: the served namespaces (RBAC and WATCH_NAMESPACE together),
names that keep releases apart, each container's resources and extra environment, the image, where the pods run,
the metrics Service and the ServiceMonitor, and the notes that say how to make a first RedisCluster."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helm import CHART, helm, template

pytestmark = pytest.mark.unit

NAMESPACE = "kun-system"
SERVICE_MONITOR_API = ("--api-versions", "monitoring.coreos.com/v1/ServiceMonitor")
names = st.from_regex(r"[a-z]([-a-z0-9]{0,14}[a-z0-9])?", fullmatch=True)


def of_kind(objects: list[dict], kind: str) -> list[dict]:
    return [item for item in objects if item["kind"] == kind]


def containers(objects: list[dict]) -> dict[str, dict]:
    [deployment] = of_kind(objects, "Deployment")
    return {container["name"]: container for container in deployment["spec"]["template"]["spec"]["containers"]}


def env(container: dict) -> dict[str, dict]:
    return {variable["name"]: variable for variable in container["env"]}


@settings(max_examples=25, deadline=None)
@given(served=st.lists(names, min_size=1, max_size=4, unique=True))
def test_a_namespaced_release_is_granted_and_watches_exactly_the_namespaces_it_serves(served):
    objects = template({"watchNamespaces": served}, namespace=NAMESPACE)
    [manager_role] = of_kind(objects, "ClusterRole")
    bindings = [item for item in of_kind(objects, "RoleBinding") if item["roleRef"]["kind"] == "ClusterRole"]
    assert sorted(binding["metadata"]["namespace"] for binding in bindings) == sorted(served)
    assert {binding["roleRef"]["name"] for binding in bindings} == {manager_role["metadata"]["name"]}
    assert not of_kind(objects, "ClusterRoleBinding")
    for container in containers(objects).values():  # the manager and the event relay serve the same namespaces
        assert env(container)["WATCH_NAMESPACE"] == {"name": "WATCH_NAMESPACE", "value": ",".join(served)}
    leader_election = of_kind(objects, "Role") + [b for b in of_kind(objects, "RoleBinding") if b not in bindings]
    assert {item["metadata"]["namespace"] for item in leader_election} == {NAMESPACE}  # where the operator runs


def test_a_namespaced_release_serves_its_own_namespace_by_default():
    objects = template({}, namespace=NAMESPACE)
    assert {binding["metadata"]["namespace"] for binding in of_kind(objects, "RoleBinding")} == {NAMESPACE}
    for container in containers(objects).values():
        assert env(container)["WATCH_NAMESPACE"]["valueFrom"] == {"fieldRef": {"fieldPath": "metadata.namespace"}}


def test_a_cluster_scoped_release_is_granted_and_watches_every_namespace():
    objects = template({"scope": "cluster"}, namespace=NAMESPACE)
    [binding] = of_kind(objects, "ClusterRoleBinding")
    [manager_role] = of_kind(objects, "ClusterRole")
    assert binding["roleRef"]["name"] == manager_role["metadata"]["name"]
    assert [item["roleRef"]["kind"] for item in of_kind(objects, "RoleBinding")] == ["Role"]  # leader election only
    for container in containers(objects).values():
        assert env(container)["WATCH_NAMESPACE"] == {"name": "WATCH_NAMESPACE", "value": ""}


@settings(max_examples=15, deadline=None)
@given(releases=st.lists(names, min_size=2, max_size=2, unique=True))
def test_two_releases_never_share_a_cluster_wide_object(releases):
    def cluster_wide(release: str) -> set[tuple[str, str]]:
        objects = template({"scope": "cluster"}, release=release, namespace=f"{release}-ns")
        found = {(item["kind"], item["metadata"]["name"]) for item in objects if "namespace" not in item["metadata"]}
        assert {kind for kind, _ in found} == {"ClusterRole", "ClusterRoleBinding"}
        assert all(release in name for _, name in found)
        return found

    first, second = releases
    assert not cluster_wide(first) & cluster_wide(second)


def test_extra_env_adds_variables_and_replaces_the_manifests_own_in_that_container_only():
    default = containers(template({}))
    extra = [{"name": "ANSIBLE_VERBOSITY", "value": "2"}, {"name": "ANSIBLE_GATHERING", "value": "smart"}]
    changed = containers(template({"manager": {"extraEnv": extra}}))
    manager = env(changed["manager"])
    assert manager["ANSIBLE_VERBOSITY"] == extra[0]
    assert manager["ANSIBLE_GATHERING"] == extra[1]
    assert [v["name"] for v in changed["manager"]["env"]].count("ANSIBLE_GATHERING") == 1
    assert {name: v for name, v in manager.items() if name not in ("ANSIBLE_VERBOSITY", "ANSIBLE_GATHERING")} == {
        name: v for name, v in env(default["manager"]).items() if name != "ANSIBLE_GATHERING"
    }
    assert changed["event-relay"] == default["event-relay"]


def test_resources_are_set_per_container_and_a_null_removes_a_default():
    default = containers(template({}))
    values = {"eventRelay": {"resources": {"limits": {"memory": "512Mi", "cpu": None}}}}
    changed = containers(template(values))
    assert changed["event-relay"]["resources"]["limits"] == {"memory": "512Mi"}
    assert changed["event-relay"]["resources"]["requests"] == default["event-relay"]["resources"]["requests"]
    assert changed["manager"] == default["manager"]


def test_the_image_and_its_pull_secrets():
    image = {"repository": "registry.example/team/redis-kun-operator", "tag": "0.2.0", "pullPolicy": "Always"}
    values = {"image": {**image, "pullSecrets": ["regcred"]}}
    objects = template(values)
    for container in containers(objects).values():
        assert container["image"] == "registry.example/team/redis-kun-operator:0.2.0"
        assert container["imagePullPolicy"] == "Always"
    [deployment] = of_kind(objects, "Deployment")
    assert deployment["spec"]["template"]["spec"]["imagePullSecrets"] == [{"name": "regcred"}]


def test_replicas_and_where_the_pods_run():
    scheduling = {
        "nodeSelector": {"disk": "ssd"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "redis", "effect": "NoSchedule"}],
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": []}},
    }
    [deployment] = of_kind(template({"replicas": 2, **scheduling}), "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    assert deployment["spec"]["replicas"] == 2
    assert {key: pod[key] for key in scheduling} == scheduling


def test_the_metrics_service_can_be_turned_off():
    assert not of_kind(template({"metrics": {"service": {"enabled": False}}}), "Service")


def test_the_service_monitor_is_made_only_when_asked_for_with_its_labels_and_interval():
    assert not of_kind(template({}, *SERVICE_MONITOR_API), "ServiceMonitor")
    values = {"metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}, "interval": "15s"}}}
    [monitor] = of_kind(template(values, *SERVICE_MONITOR_API), "ServiceMonitor")
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    assert {endpoint["interval"] for endpoint in monitor["spec"]["endpoints"]} == {"15s"}


@pytest.mark.parametrize(
    ("values", "served", "sample"),
    [
        ({}, "in kun-system", "redis_v1beta1_rediscluster.yaml"),
        ({"watchNamespaces": ["team-a", "team-b"]}, "in team-a, team-b", "redis_v1beta1_rediscluster.yaml"),
        ({"scope": "cluster"}, "in every namespace", "redis_v1beta1_rediscluster_cluster_scoped.yaml"),
    ],
)
def test_the_notes_say_what_is_served_and_how_to_make_a_first_rediscluster(values, served, sample):
    result = helm("install", "kun", str(CHART), "--namespace", NAMESPACE, "--dry-run=client", values=values)
    assert result.returncode == 0, result.stderr
    notes = result.stdout.split("NOTES:\n", 1)[1]
    assert served in notes.split("\n\n", 1)[0]
    manifest = notes.split("apply -f - <<'YAML'\n", 1)[1].split("\nYAML\n", 1)[0]
    assert yaml.safe_load(manifest) == yaml.safe_load((CHART.parents[1] / "config" / "samples" / sample).read_text())
    assert "get rediscluster test" in notes
