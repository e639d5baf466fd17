"""Which pod changes and Sentinel messages the event relay turns into a reconcile (event_relay/rules.py), as tables."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from event_relay.rules import POD_LABELS, SENTINEL_CHANNELS, ClusterKey, PodState, pod_change, sentinel_message, served

pytestmark = pytest.mark.unit

NAME = "redis-cluster-a-0"
ROLE_VARS = Path(__file__).resolve().parents[3] / "roles" / "rediscluster" / "vars" / "main.yml"


def pod(name=NAME, component="redis", *, ready=True, restarts=0, ip="10.0.0.5", deleting=False, **labels):
    ports = [{"name": "sentinel", "containerPort": 26379}] if component == "sentinel" else []
    container = {"name": component, "ports": ports}
    labels = {**POD_LABELS, "app.kubernetes.io/instance": "a", "app.kubernetes.io/component": component, **labels}
    return {
        "metadata": {
            "name": name,
            "namespace": "ns",
            "labels": labels,
            **({"deletionTimestamp": "2026-12-02T00:00:00Z"} if deleting else {}),
        },
        "spec": {"containers": [container]},
        "status": {
            "podIP": ip,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "containerStatuses": [{"name": component, "restartCount": restarts}],
        },
    }


def test_the_labels_the_relay_selects_on_are_the_ones_the_role_puts_on_every_pod():
    role_labels = yaml.safe_load(ROLE_VARS.read_text())["rediscluster_cluster_labels"]
    assert {key: role_labels[key] for key in POD_LABELS} == POD_LABELS


def test_a_pod_of_a_rediscluster_is_read_with_its_cluster_and_sentinel_port():
    state = PodState.of(pod("redis-sentinel-a-1", component="sentinel"))
    assert state == PodState(ClusterKey("ns", "a"), "redis-sentinel-a-1", True, "10.0.0.5", True, 0, False, 26379)
    assert state.subscribable


@pytest.mark.parametrize(
    "labels",
    [{"app.kubernetes.io/managed-by": "someone-else"}, {"app.kubernetes.io/instance": ""}],
    ids=["another manager", "no instance"],
)
def test_a_pod_of_no_rediscluster_is_ignored(labels):
    assert PodState.of(pod(**labels)) is None


@pytest.mark.parametrize(
    ("changes", "subscribable"),
    [({}, True), ({"ip": None}, False), ({"deleting": True}, False), ({"component": "redis"}, False)],
    ids=["running", "no address yet", "being deleted", "a Redis pod"],
)
def test_only_a_running_sentinel_with_an_address_is_subscribed_to(changes, subscribable):
    assert PodState.of(pod("redis-sentinel-a-0", **{"component": "sentinel", **changes})).subscribable is subscribable


BEFORE = PodState.of(pod())


@pytest.mark.parametrize(
    ("before", "after", "reason"),
    [
        (BEFORE, None, "pod redis-cluster-a-0 is gone"),
        (replace(BEFORE, deleting=True), None, "pod redis-cluster-a-0 is gone"),  # its name is free now
        (BEFORE, replace(BEFORE, deleting=True), "pod redis-cluster-a-0 is being deleted"),
        (BEFORE, replace(BEFORE, restarts=1), "pod redis-cluster-a-0 restarted a container"),
        (BEFORE, replace(BEFORE, ready=False), "pod redis-cluster-a-0 is not ready"),
        (replace(BEFORE, ready=False), BEFORE, "pod redis-cluster-a-0 is ready"),
        (BEFORE, replace(BEFORE, address="10.0.0.9"), "pod redis-cluster-a-0 moved to 10.0.0.9"),
        (BEFORE, BEFORE, None),  # a relabelling by the operator, an annotation: nothing the status depends on
        (None, replace(BEFORE, ready=False, address=None), None),  # a new pod, not started yet
        (None, BEFORE, "pod redis-cluster-a-0 is ready"),
        (None, None, None),
    ],
)
def test_pod_changes_that_call_for_a_reconcile(before, after, reason):
    assert pod_change(before, after) == reason


REPLICA_DOWN = "slave 10.0.0.6:6379 10.0.0.6 6379 @ g 10.0.0.5 6379"


@pytest.mark.parametrize("channel", SENTINEL_CHANNELS)
def test_every_relayed_sentinel_channel_names_the_event_and_the_sentinel(channel):
    assert sentinel_message("redis-sentinel-a-0", channel, REPLICA_DOWN) == (
        f"{channel} {REPLICA_DOWN} (seen by redis-sentinel-a-0)"
    )


def test_a_master_down_is_left_to_sentinel_and_its_return_is_relayed():
    assert sentinel_message("redis-sentinel-a-0", "+sdown", "master g 10.0.0.5 6379") is None
    assert sentinel_message("redis-sentinel-a-0", "-sdown", "master g 10.0.0.5 6379") is not None


@pytest.mark.parametrize("channel", ["+odown", "+try-failover", "+elected-leader", "__sentinel__:hello"])
def test_sentinel_channels_a_reconcile_could_not_act_on_are_not_relayed(channel):
    assert sentinel_message("redis-sentinel-a-0", channel, "anything") is None


def cluster(namespace="ns", scope=None):
    annotations = {"redis.kun/scope": scope} if scope else {}
    return {"metadata": {"name": "a", "namespace": namespace, "annotations": annotations}}


@pytest.mark.parametrize(
    ("item", "watch_namespace", "expected"),
    [
        (cluster(), "ns", True),
        (cluster(), "other", False),  # outside the namespaced operator's namespace
        (cluster(scope="cluster-scoped"), "ns", False),  # the cluster-wide operator's
        (cluster(scope="cluster-scoped"), "", True),
        (cluster(), "", False),  # a namespaced operator's
        (cluster(), "a,ns", True),  # one of the namespaces a multi-namespace operator watches
        (cluster(), " ns , b ", True),  # names trimmed, as ansible-operator trims them
        (cluster(namespace="c"), "a,ns", False),
        (cluster(scope="cluster-scoped"), "a,ns", False),
        (cluster(scope="cluster-scoped"), " , ", True),  # names no namespace: ansible-operator watches every one
    ],
)
def test_each_operator_relays_the_clusters_it_serves_only(item, watch_namespace, expected):
    assert served(item, watch_namespace) is expected
