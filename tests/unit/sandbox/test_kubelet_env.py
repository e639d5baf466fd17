"""Container environment resolution (sandbox/kubelet/env.py)."""

import base64

import pytest

from sandbox.kubelet.env import ConfigError, container_env, expand, field_value, resource_value

pytestmark = pytest.mark.unit

POD = {
    "metadata": {"name": "redis-0", "namespace": "shop", "uid": "u-1", "labels": {"app": "redis", "b": "2"}},
    "spec": {"nodeName": "sandbox-node-2", "serviceAccountName": "redis"},
    "status": {"podIP": "10.244.2.5", "hostIP": "10.244.0.12", "podIPs": [{"ip": "10.244.2.5"}]},
}
CONFIGMAPS = {("shop", "settings"): {"data": {"MODE": "fast", "LEVEL": "3"}}}
SECRETS = {("shop", "auth"): {"data": {"password": base64.b64encode(b"s3cret").decode()}}}


def env_of(container):
    return container_env(
        POD, container, lambda ns, name: CONFIGMAPS.get((ns, name)), lambda ns, name: SECRETS.get((ns, name))
    )


def test_every_value_source_resolves():
    env = env_of(
        {
            "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "CFG_"}],
            "env": [
                {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                {"name": "PASS", "valueFrom": {"secretKeyRef": {"name": "auth", "key": "password"}}},
                {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "MODE"}}},
                {"name": "URL", "value": "redis://$(IP):6379/$(UNDEFINED)"},
                {"name": "CPUS", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
            ],
        }
    )
    assert env["CFG_MODE"] == "fast"
    assert env["IP"] == "10.244.2.5"
    assert env["NODE"] == "sandbox-node-2"
    assert env["PASS"] == "s3cret"
    assert env["MODE"] == "fast"
    assert env["URL"] == "redis://10.244.2.5:6379/$(UNDEFINED)"
    assert env["CPUS"] == "4"
    assert env["HOSTNAME"] == "redis-0"
    assert "PATH" in env


def test_later_env_entries_win_over_env_from():
    env = env_of({"envFrom": [{"configMapRef": {"name": "settings"}}], "env": [{"name": "MODE", "value": "slow"}]})
    assert env["MODE"] == "slow"


def test_missing_secret_key_names_the_key_but_not_values():
    with pytest.raises(ConfigError) as raised:
        env_of({"env": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "auth", "key": "nope"}}}]})
    assert "nope" in str(raised.value)
    assert "s3cret" not in str(raised.value)


def test_optional_references_may_be_missing():
    env = env_of(
        {
            "envFrom": [{"secretRef": {"name": "absent", "optional": True}}],
            "env": [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "absent", "key": "k", "optional": True}}}],
        }
    )
    assert "X" not in env


def test_missing_configmap_is_a_config_error():
    with pytest.raises(ConfigError):
        env_of({"envFrom": [{"configMapRef": {"name": "absent"}}]})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("$(A)-$(B)", "1-$(B)"), ("$$(A)", "$(A)"), ("plain", "plain"), ("$(A)$(A)", "11")],
)
def test_expansion(text, expected):
    assert expand(text, {"A": "1"}) == expected


def test_field_values():
    assert field_value(POD, "metadata.labels['app']") == "redis"
    assert field_value(POD, "metadata.labels") == 'app="redis"\nb="2"'
    assert field_value(POD, "status.podIPs") == "10.244.2.5"
    with pytest.raises(ConfigError):
        field_value(POD, "spec.nonsense")


def test_resource_values_use_container_then_node_values():
    container = {"resources": {"limits": {"memory": "1Gi"}, "requests": {"cpu": "250m"}}}
    assert resource_value(container, "limits.memory", "1Mi") == "1024"
    assert resource_value(container, "requests.cpu", "1m") == "250"
    assert resource_value({}, "limits.cpu") == "4"
