"""rediscluster_metrics: gauge names after their RedisCluster, and the API requests that reach each target value,
0 included (ansible-operator's API treats `set: 0` as no value)."""

import json
import re
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from ansible_collections.kun.redis.plugins.action.rediscluster_metrics import (
    ARGUMENT_SPEC,
    HELP,
    held_values,
    metric_name,
    updates,
)
from ansible_collections.kun.redis.tests.unit.plugins.action import action_docs
from ansible_collections.kun.redis.tests.unit.plugins.loopback_api import JsonHandler, serving
from ansible_collections.kun.redis.tests.unit.plugins.runners import run_action
from hypothesis import given
from hypothesis import strategies as st

NAME = "rediscluster_healthy_ns_a"
TEXTS = {NAME: "help"}


def test_names_carry_the_namespace_and_name_in_characters_metric_names_allow():
    assert metric_name("rediscluster_healthy", "team-a", "cache.v2") == "rediscluster_healthy_team_a_cache_v2"


@given(
    st.from_regex(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", fullmatch=True),
    st.from_regex(r"[a-z0-9][-.a-z0-9]*", fullmatch=True),
)
def test_every_kubernetes_name_gives_a_valid_metric_name(namespace, name):
    assert re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", metric_name("rediscluster_healthy", namespace, name))


@pytest.mark.parametrize(
    ("target", "held", "change"),
    [
        (1.0, {}, {"set": 1.0}),
        (3.0, {NAME: 1.0}, {"set": 3.0}),
        (0.0, {NAME: 1.0}, {"subtract": 1.0}),
        (0.0, {NAME: -2.0}, {"subtract": -2.0}),
        (0.0, {}, {"add": 0}),
        (0.0, {NAME: 0.0}, None),
    ],
)
def test_each_target_is_reached_from_what_the_gauge_holds(target, held, change):
    expected = [{"name": NAME, "description": "help", "gauge": change}] if change else []
    assert updates({NAME: target}, held, TEXTS) == expected


@given(st.floats(-1e6, 1e6), st.one_of(st.none(), st.floats(-1e6, 1e6)))
def test_the_gauge_ends_at_its_target(target, held):
    """Replays ansible-operator's handling of each request (internal/ansible/metrics/metrics.go)."""
    value = held or 0.0
    for request in updates({NAME: target}, {} if held is None else {NAME: held}, TEXTS):
        gauge = request["gauge"]
        if gauge.get("add"):
            value += gauge["add"]
        elif gauge.get("subtract"):
            value -= gauge["subtract"]
        elif gauge.get("set"):
            value = gauge["set"]
    assert value == target


def test_held_values_are_the_unlabelled_samples():
    exposition = f'# HELP {NAME} help\n# TYPE {NAME} gauge\n{NAME} 1\nother{{GVK="x"}} 5\nreplicas_ns_a 2e+00\n'
    assert held_values(exposition) == {NAME: 1.0, "replicas_ns_a": 2.0}


def test_every_gauge_has_help():
    assert set(HELP) == {
        "rediscluster_healthy",
        "rediscluster_master_count",
        "rediscluster_replica_count",
        "rediscluster_sentinel_count",
    }


def test_documentation_and_argument_spec_agree():
    documented = action_docs.documented_options("rediscluster_metrics")
    assert action_docs.shape(documented) == action_docs.shape(ARGUMENT_SPEC)


class _MetricsApi(JsonHandler):
    """ansible-operator's two endpoints on loopback: POST /metrics records the metric (400 for a name with `bad`),
    GET /exposition holds rediscluster_healthy_ns_a at 1."""

    posted: ClassVar[list[dict]] = []

    def do_POST(self):
        metric = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.posted.append(metric)
        if "bad" in metric["name"]:
            self.answer(400, {"error": "no such metric"})
        else:
            self.answer(200, {})

    def do_GET(self):
        text = f"# TYPE {NAME} gauge\n{NAME} 1\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)


@pytest.fixture
def metrics_api(tmp_path):
    _MetricsApi.posted = []
    with serving(_MetricsApi, tmp_path) as kubeconfig:
        server = yaml.safe_load(Path(kubeconfig).read_text())["clusters"][0]["cluster"]["server"]
        yield {"api_url": f"{server}/metrics", "metrics_url": f"{server}/exposition"}


def test_the_gauges_are_posted_and_a_zero_is_reached_from_what_the_endpoint_holds(metrics_api):
    gauges = {"rediscluster_healthy": 0, "rediscluster_replica_count": 2, "rediscluster_master_count": None}
    result = run_action("rediscluster_metrics", {"namespace": "ns", "name": "a", "gauges": gauges, **metrics_api})
    assert result["metrics"] == {NAME: 0.0, "rediscluster_replica_count_ns_a": 2.0}
    assert [(metric["name"], metric["gauge"]) for metric in _MetricsApi.posted] == [
        (NAME, {"subtract": 1.0}),
        ("rediscluster_replica_count_ns_a", {"set": 2.0}),
    ]


def test_a_refused_metric_is_a_warning_that_names_it_and_the_answer(metrics_api):
    result = run_action(
        "rediscluster_metrics", {"namespace": "bad", "name": "a", "gauges": {"rediscluster_healthy": 1}, **metrics_api}
    )
    assert not result.get("failed")
    assert result["warnings"] == [
        'the operator\'s metrics API did not answer: rediscluster_healthy_bad_a: 400 {"error": "no such metric"}'
    ]


def test_no_api_is_a_warning_not_a_failure():
    args = {
        "namespace": "ns",
        "name": "a",
        "gauges": {"rediscluster_healthy": 1},
        "api_url": "http://127.0.0.1:9/metrics",
    }
    result = run_action("rediscluster_metrics", args)
    assert not result.get("failed")
    assert result["warnings"][0].startswith("the operator's metrics API did not answer: ")
