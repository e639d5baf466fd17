"""The chart cannot drift from config/: with the values of a scope it installs the operator config/'s install of that
scope installs (the same pod: arguments, environment, probes, ports, security contexts, resources and image; the same
rules, bound the same way; the same metrics ports), and what it ships under crds/ and files/ is config/'s, also once
`helm package` has resolved the links."""

from __future__ import annotations

import copy
import json
import tarfile

import pytest
import yaml

from olm_bundle.rbac import grants
from olm_bundle.sources import render
from tests.helm import CHART, REPO_ROOT, helm, template

pytestmark = pytest.mark.unit

# Each install of config/ and the chart values that make the same operator.
SCOPES = {"default": {"scope": "namespace"}, "cluster-scoped": {"scope": "cluster"}}
RELEASE, NAMESPACE = "kun", "kun-system"
SERVICE_MONITOR_API = ("--api-versions", "monitoring.coreos.com/v1/ServiceMonitor")


def the(objects: list[dict], kind: str) -> dict:
    [item] = [item for item in objects if item["kind"] == kind]
    return item


def comparable_pod(deployment: dict) -> dict:
    """The pod spec without what each install names after itself (its service account) and what the chart sets that
    config/ leaves to Kubernetes' default (the pull policy, a value of the chart)."""
    pod = copy.deepcopy(deployment["spec"]["template"]["spec"])
    pod.pop("serviceAccountName")
    for container in pod["containers"]:
        container.pop("imagePullPolicy", None)
    return pod


def canonical(rules: list[dict]) -> list[str]:
    return sorted(json.dumps(rule, sort_keys=True) for rule in rules)


def granted(objects: list[dict]) -> tuple[list[str], list[str]]:
    """The rules an install's bindings give its operator: in the namespaces it serves, and cluster-wide."""
    account = the(objects, "ServiceAccount")["metadata"]
    given = grants(objects, account["name"], account["namespace"])
    return canonical(given.namespaced), canonical(given.cluster)


@pytest.fixture(scope="module", params=sorted(SCOPES))
def installs(request) -> tuple[str, list[dict], list[dict]]:
    """(install, what config/<install> applies, what the chart applies with that scope's values)."""
    install = request.param
    return install, render(install), template(SCOPES[install], release=RELEASE, namespace=NAMESPACE)


def test_the_operator_pod_is_config_s(installs):
    install, config, chart = installs
    config_deployment, chart_deployment = the(config, "Deployment"), the(chart, "Deployment")
    assert comparable_pod(chart_deployment) == comparable_pod(config_deployment), install
    config_template, chart_template = config_deployment["spec"]["template"], chart_deployment["spec"]["template"]
    assert chart_template["metadata"]["annotations"] == config_template["metadata"]["annotations"]
    # The chart's selector is config/'s narrowed to the release, so two releases never select each other's pods.
    assert chart_template["metadata"]["labels"].items() >= config_template["metadata"]["labels"].items()
    assert chart_template["metadata"]["labels"]["app.kubernetes.io/instance"] == RELEASE


def test_the_pod_runs_as_the_service_account_the_rules_are_granted_to(installs):
    _, _, chart = installs
    account = the(chart, "ServiceAccount")["metadata"]
    assert the(chart, "Deployment")["spec"]["template"]["spec"]["serviceAccountName"] == account["name"]
    assert account["namespace"] == NAMESPACE


def test_the_rules_are_config_s_and_bound_the_same_way(installs):
    install, config, chart = installs
    assert granted(chart) == granted(config), install
    bindings = {item["kind"] for item in chart if item["kind"].endswith("RoleBinding")}
    assert bindings == {item["kind"] for item in config if item["kind"].endswith("RoleBinding")}
    assert {item["metadata"].get("namespace") for item in chart if item["kind"] == "RoleBinding"} == {NAMESPACE}


def test_the_metrics_service_has_config_s_ports_and_selects_the_operator_pod(installs):
    _, config, chart = installs
    service = the(chart, "Service")
    assert service["spec"]["ports"] == the(config, "Service")["spec"]["ports"]
    pod_labels = the(chart, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()


def test_the_service_monitor_is_config_prometheus_s_for_the_release_s_service(installs):
    install, _, _ = installs
    values = {**SCOPES[install], "metrics": {"serviceMonitor": {"enabled": True}}}
    objects = template(values, *SERVICE_MONITOR_API, release=RELEASE, namespace=NAMESPACE)
    monitor, service = the(objects, "ServiceMonitor"), the(objects, "Service")
    assert monitor["spec"]["endpoints"] == the(render("prometheus"), "ServiceMonitor")["spec"]["endpoints"]
    assert {endpoint["port"] for endpoint in monitor["spec"]["endpoints"]} <= {
        p["name"] for p in service["spec"]["ports"]
    }
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert monitor["metadata"]["namespace"] == service["metadata"]["namespace"] == NAMESPACE


def test_the_image_is_config_s_and_its_tag_the_chart_s_app_version(installs):
    _, config, chart = installs
    app_version = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
    for objects in (config, chart):
        pod = the(objects, "Deployment")["spec"]["template"]["spec"]
        assert {container["image"] for container in pod["containers"]} == {f"redis-kun-operator:{app_version}"}


def test_the_packaged_chart_carries_config_s_files_in_place_of_its_links(tmp_path):
    result = helm("package", str(CHART), "--destination", str(tmp_path))
    assert result.returncode == 0, result.stderr
    [package] = tmp_path.glob("redis-kun-operator-*.tgz")
    links = [path for path in CHART.rglob("*") if path.is_symlink()]
    assert {link.relative_to(CHART).parts[0] for link in links} == {"crds", "files"}
    with tarfile.open(package) as archive:
        for link in links:
            member = archive.getmember(f"redis-kun-operator/{link.relative_to(CHART)}")
            assert member.isfile(), f"{member.name} is packaged as a link"
            assert archive.extractfile(member).read() == link.resolve().read_bytes()
            assert link.resolve().is_relative_to(REPO_ROOT / "config"), link


def test_the_crd_helm_installs_is_config_s():
    result = helm("show", "crds", str(CHART))
    assert result.returncode == 0, result.stderr
    config_crd = yaml.safe_load((REPO_ROOT / "config" / "crd" / "bases" / "redis.kun_redisclusters.yaml").read_text())
    assert [item for item in yaml.safe_load_all(result.stdout) if item] == [config_crd]
