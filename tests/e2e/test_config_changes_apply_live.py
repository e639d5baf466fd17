"""A configuration change reaches every node live, without restarting any.

Scenario: the reference 04 manifest (password, hz 10, loglevel verbose) becomes Healthy; the reference 05 manifest
(hz 12, loglevel debug) is applied over it; every node then runs hz 12 and loglevel debug, with the same run_id as
before and no container restart, and the change is recorded as an Updating Event.
"""

from __future__ import annotations

from contextlib import closing

import pytest

from tests.e2e.kube import EXAMPLES, wait_for
from tests.e2e.rediscluster import apply_manifest, delete_cluster, wait_healthy

pytestmark = pytest.mark.e2e

PASSWORD = "asdfsdf"  # the reference manifests' own


def run_ids(view) -> dict[str, str]:
    ids = {}
    for member in view.redis:
        with closing(view.node(member)) as node:
            ids[member.name] = node.info("server")["run_id"]
    return ids


def live_config(view, *keys: str) -> dict[str, dict[str, str]]:
    config = {}
    for member in view.redis:
        with closing(view.node(member)) as node:
            config[member.name] = {key: node.config_get(key)[key] for key in keys}
    return config


@pytest.fixture
def default_namespace(kube, cluster_operator):
    yield "default"
    delete_cluster(kube, "default", "test")


def test_config_change_is_applied_without_restart(kube, default_namespace):
    apply_manifest(kube, EXAMPLES / "04-password-config.yaml", default_namespace)
    before = wait_healthy(kube, default_namespace, "test", password=PASSWORD)
    ids_before = run_ids(before)
    restarts_before = {member.name: member.restarts for member in before.redis}

    apply_manifest(kube, EXAMPLES / "05-config-change.yaml", default_namespace)
    after = wait_healthy(kube, default_namespace, "test", password=PASSWORD)
    wanted = {"hz": "12", "loglevel": "debug", "maxclients": "10000"}
    wait_for(
        lambda: all(values == wanted for values in live_config(after, *wanted).values()),
        60,
        "every node to run the new configuration",
    )
    assert run_ids(after) == ids_before
    assert {member.name: member.restarts for member in after.redis} == restarts_before
    events = kube.get_json("events", "-n", default_namespace, "--field-selector", "involvedObject.name=test")
    assert any(event["reason"] == "Updating" and "hz" in event["message"] for event in events["items"])
