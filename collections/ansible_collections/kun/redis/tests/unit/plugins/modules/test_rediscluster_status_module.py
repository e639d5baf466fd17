"""rediscluster_status: its documentation matches its options, and its decisions around the Kubernetes API."""

from __future__ import annotations

import copy
import json

import yaml
from ansible_collections.kun.redis.plugins.module_utils.kube.client import KubeApiError
from ansible_collections.kun.redis.plugins.module_utils.module_work import TaskFailed
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.status import StatusWriter, argument_spec
from ansible_collections.kun.redis.plugins.modules import rediscluster_status


def test_examples_and_return_are_valid_yaml():
    module = rediscluster_status
    assert all(task["kun.redis.rediscluster_status"]["condition"]["type"] for task in yaml.safe_load(module.EXAMPLES))
    assert set(yaml.safe_load(module.RETURN)) == {"status", "written", "events"}


# The work's decisions around the API: conflicts, Events created meanwhile or refused, a missing cluster. The API
# is replaced here by small fakes; tests/e2e/test_status_module.py runs the module against a real API server.


class Outcome:
    """How the work ended: its result, or its failure with the message and the partial result."""

    def __init__(self, failed: bool, result: dict):
        self.failed, self.result = failed, result


def api_error(status: int, message: str = "") -> KubeApiError:
    return KubeApiError(status, "from the fake API server", json.dumps({"message": message}) if message else "")


CLUSTER_PATH = "/apis/redis.kun/v1beta1/namespaces/ns/redisclusters/test"
EVENTS_PATH = "/api/v1/namespaces/ns/events"


class FakeClusters:
    """One RedisCluster; the first `conflicts` status writes lose against another writer, as a 409 says."""

    def __init__(self, conflicts: int = 0, missing: bool = False):
        self.conflicts, self.missing = conflicts, missing
        self.object = {
            "apiVersion": "redis.kun/v1beta1",
            "kind": "RedisCluster",
            "metadata": {"name": "test", "namespace": "ns", "uid": "u1", "resourceVersion": "1"},
        }
        self.writes: list[dict] = []

    def get(self) -> dict:
        if self.missing:
            raise api_error(404, 'redisclusters.redis.kun "test" not found')
        return copy.deepcopy(self.object)

    def patch_status(self, body: dict) -> dict:
        if self.conflicts or body["metadata"]["resourceVersion"] != self.object["metadata"]["resourceVersion"]:
            self.conflicts = max(self.conflicts - 1, 0)
            self.object["metadata"]["resourceVersion"] += "1"  # the other writer's change
            raise api_error(409, "the object has been modified")
        self.object["status"] = body["status"]
        self.writes.append(body)
        return copy.deepcopy(self.object)


class FakeEvents:
    """Events by name; `refuse` answers every create with that status, `race` lets another writer create first."""

    def __init__(self, refuse: int | None = None, race: bool = False):
        self.refuse, self.race = refuse, race
        self.events: dict[str, dict] = {}

    def get(self, name: str) -> dict:
        if name not in self.events:
            raise api_error(404)
        return copy.deepcopy(self.events[name])

    def create(self, body: dict) -> dict:
        if self.refuse:
            raise api_error(self.refuse, "events is forbidden")
        self.events[body["metadata"]["name"]] = body
        if self.race:
            self.race = False
            raise api_error(409, "already exists")
        return body

    def patch(self, name: str, patch: dict) -> dict:
        self.events[name].update(patch)
        return self.events[name]


class FakeApi:
    """kube_client.KubeApi's requests, routed by path to the RedisCluster and the Events of namespace ns."""

    def __init__(self, clusters: FakeClusters, events: FakeEvents):
        self.clusters, self.events = clusters, events

    def get(self, path: str) -> dict:
        return self.clusters.get() if path == CLUSTER_PATH else self.events.get(self._event_name(path))

    def create(self, path: str, body: dict, owned: bool = True) -> dict:
        assert path == EVENTS_PATH
        assert not owned, "an Event owned by the RedisCluster would make ansible-operator reconcile on each one"
        return self.events.create(body)

    def merge_patch(self, path: str, body: dict) -> dict:
        if path == f"{CLUSTER_PATH}/status":
            return self.clusters.patch_status(body)
        return self.events.patch(self._event_name(path), body)

    @staticmethod
    def _event_name(path: str) -> str:
        collection, name = path.rsplit("/", 1)
        assert collection == EVENTS_PATH, path
        return name


HEALTHY = {"type": "Healthy", "status": "True", "reason": None, "message": "Cluster ok"}
EVENT = {"type": "Normal", "reason": "CheckAndHeal", "message": "Cluster ok"}


def run(clusters: FakeClusters, event_api: FakeEvents, check_mode: bool = False, **params) -> Outcome:
    spec = argument_spec()
    params = {name: option.get("default") for name, option in spec.items()} | {
        "name": "test",
        "namespace": "ns",
        "condition": HEALTHY,
        **params,
    }
    try:
        return Outcome(False, StatusWriter(params, check_mode, FakeApi(clusters, event_api)).run())
    except TaskFailed as failure:
        return Outcome(True, {**failure.result, "msg": failure.msg})


def test_a_conflict_is_resolved_by_reading_and_merging_again():
    clusters = FakeClusters(conflicts=2)
    outcome = run(clusters, FakeEvents())
    assert not outcome.failed
    assert outcome.result["written"]
    (write,) = clusters.writes
    assert write["metadata"]["resourceVersion"] == "111"
    assert clusters.object["status"]["status"] == "Healthy"


def test_endless_conflicts_fail_naming_the_cluster():
    outcome = run(FakeClusters(conflicts=99), FakeEvents())
    assert outcome.failed
    assert outcome.result["msg"] == "RedisCluster ns/test: status not written: it changed under us 5 times in a row"


def test_a_missing_cluster_fails_with_the_api_servers_message():
    outcome = run(FakeClusters(missing=True), FakeEvents())
    assert outcome.failed
    assert outcome.result["msg"] == 'RedisCluster ns/test: cannot read it: redisclusters.redis.kun "test" not found'


def test_an_event_created_meanwhile_is_counted_on_that_event():
    events = FakeEvents(race=True)
    outcome = run(FakeClusters(), events, events=[EVENT])
    [(name, event)] = list(events.events.items())
    assert event["count"] == 2
    assert [recorded["name"] for recorded in outcome.result["events"]] == [name]


def test_an_event_the_api_refuses_is_a_warning_and_the_status_is_still_written():
    clusters = FakeClusters()
    outcome = run(clusters, FakeEvents(refuse=403), events=[EVENT])
    assert not outcome.failed
    assert (outcome.result["changed"], outcome.result["written"], outcome.result["events"]) == (True, True, [])
    assert outcome.result["warnings"] == [
        "Event CheckAndHeal on RedisCluster ns/test not recorded: events is forbidden"
    ]
    assert clusters.writes


def test_check_mode_touches_neither_status_nor_events():
    clusters, events = FakeClusters(), FakeEvents()
    outcome = run(clusters, events, check_mode=True, events=[EVENT])
    assert (outcome.result["changed"], outcome.result["written"]) == (True, True)
    assert (clusters.writes, events.events) == ([], {})
