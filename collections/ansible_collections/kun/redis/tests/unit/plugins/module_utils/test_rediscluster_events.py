"""Event naming and aggregation data of rediscluster_status."""

from __future__ import annotations

import re

import pytest
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.events import (
    COMPONENT,
    MAX_MESSAGE,
    event_name,
    new_event,
    repeat_patch,
)

OWNER = {"apiVersion": "redis.kun/v1beta1", "kind": "RedisCluster", "name": "test", "namespace": "default", "uid": "u1"}
EVENT = {"type": "Normal", "reason": "CheckAndHeal", "message": "Cluster ok"}
# A DNS subdomain, what Kubernetes requires of an Event's name.
OBJECT_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def test_the_same_event_gets_the_same_name():
    assert event_name(OWNER, EVENT) == event_name(dict(OWNER), dict(EVENT))


@pytest.mark.parametrize(
    "other",
    [
        pytest.param({"owner": {**OWNER, "uid": "u2"}}, id="another-object-of-the-same-name"),
        pytest.param({"event": {**EVENT, "type": "Warning"}}, id="type"),
        pytest.param({"event": {**EVENT, "reason": "Failover"}}, id="reason"),
        pytest.param({"event": {**EVENT, "message": "Cluster ok!"}}, id="message"),
    ],
)
def test_a_different_event_gets_another_name(other):
    assert event_name(other.get("owner", OWNER), other.get("event", EVENT)) != event_name(OWNER, EVENT)


def test_names_are_valid_for_the_longest_cluster_name():
    name = event_name({**OWNER, "name": "a" * 48}, EVENT)
    assert OBJECT_NAME.match(name)
    assert len(name) <= 253


def test_a_new_event_involves_the_cluster_once():
    body = new_event(OWNER, EVENT, "2026-01-01T10:00:00Z", "operator-pod")
    assert body["metadata"] == {"name": event_name(OWNER, EVENT), "namespace": "default"}
    assert body["involvedObject"] == OWNER
    assert (body["count"], body["firstTimestamp"], body["lastTimestamp"]) == (1, *["2026-01-01T10:00:00Z"] * 2)
    assert (body["source"], body["reportingComponent"]) == ({"component": COMPONENT}, COMPONENT)
    assert body["reportingInstance"] == "operator-pod"


def test_long_messages_are_cut_and_named_by_what_is_kept():
    event = {**EVENT, "message": "x" * (MAX_MESSAGE + 10)}
    assert len(new_event(OWNER, event, "2026-01-01T10:00:00Z", "i")["message"]) == MAX_MESSAGE
    assert event_name(OWNER, event) == event_name(OWNER, {**EVENT, "message": "x" * MAX_MESSAGE})


@pytest.mark.parametrize(("count", "expected"), [(None, 2), (1, 2), (7, 8)])
def test_a_repeat_counts_one_more(count, expected):
    assert repeat_patch(count, "2026-01-01T10:05:00Z") == {"count": expected, "lastTimestamp": "2026-01-01T10:05:00Z"}
