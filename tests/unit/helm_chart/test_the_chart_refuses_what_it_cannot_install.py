"""Bad input to the chart is refused before anything is applied, with a message that names the value and what to do:
a value of the wrong type (values.schema.json), a ServiceMonitor without its CRD in the cluster, and combinations of
values that would install an operator other than the one asked for. helm lint passes for both scopes."""

from __future__ import annotations

import pytest

from tests.helm import CHART, helm, refusal

pytestmark = pytest.mark.unit

SCHEMA_REFUSAL = "values don't meet the specifications of the schema(s)"


@pytest.mark.parametrize("scope", ["namespace", "cluster"])
def test_helm_lint_finds_nothing(scope):
    result = helm("lint", "--strict", str(CHART), "--set", f"scope={scope}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 chart(s) failed" in result.stdout


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("replicas=abc", "at '/replicas': got string, want integer"),
        ("replicas=0", "at '/replicas': minimum: got 0, want 1"),
        ("scope=both", "at '/scope': value must be one of 'namespace', 'cluster'"),
        (
            "image.pullPolicy=Sometimes",
            "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'",
        ),
        ("image.pullSecrets=regcred", "at '/image/pullSecrets': got string, want array"),
        ("watchNamespaces[0]=Team_A", "at '/watchNamespaces/0': 'Team_A' does not match pattern"),
        ("manager.resources.limits.cpu=lots", "at '/manager/resources/limits/cpu': 'lots' does not match pattern"),
        ("eventRelay.extraEnv[0].value=1", "at '/eventRelay/extraEnv/0': missing property 'name'"),
        ("metrics.service.enabled=yes", "at '/metrics/service/enabled': got string, want boolean"),
        ("metrics.serviceMonitor.interval=often", "at '/metrics/serviceMonitor/interval': 'often' does not match"),
        ("nodeSelector.disk=1", "at '/nodeSelector/disk': got number, want string"),
        ("replica=2", "at '': additional properties 'replica' not allowed"),  # a misspelt value is not ignored
    ],
)
def test_a_value_of_the_wrong_type_is_refused_by_the_schema(setting, message):
    said = refusal(None, "--set", setting)
    assert SCHEMA_REFUSAL in said
    assert message in said


def test_a_service_monitor_without_its_crd_is_refused_saying_what_to_install_or_turn_off():
    said = refusal({"metrics": {"serviceMonitor": {"enabled": True}}})
    assert "the cluster does not serve monitoring.coreos.com/v1 ServiceMonitor" in said
    assert "install the Prometheus Operator (or its CRD servicemonitors.monitoring.coreos.com) first" in said
    assert "or set metrics.serviceMonitor.enabled=false" in said


def test_a_service_monitor_without_the_metrics_service_is_refused():
    values = {"metrics": {"service": {"enabled": False}, "serviceMonitor": {"enabled": True}}}
    said = refusal(values, "--api-versions", "monitoring.coreos.com/v1/ServiceMonitor")
    assert "metrics.serviceMonitor.enabled needs metrics.service.enabled=true" in said


def test_served_namespaces_are_refused_for_a_cluster_scoped_release():
    said = refusal({"scope": "cluster", "watchNamespaces": ["team-a"]})
    assert "watchNamespaces is for scope=namespace: a cluster-scoped release serves every namespace" in said


@pytest.mark.parametrize("container", ["manager", "eventRelay"])
def test_extra_env_cannot_change_the_served_namespaces(container):
    said = refusal({container: {"extraEnv": [{"name": "WATCH_NAMESPACE", "value": "other"}]}})
    assert "extraEnv may not set WATCH_NAMESPACE: choose the served namespaces with scope and watchNamespaces" in said
