"""What the console's pages show, computed from Kubernetes objects (console/views.py).

Tables per function; the instance page is checked with the real RedisCluster CRD and the real kinds.yaml. The
properties: a Kubernetes JSONPath with escaped dots reaches any key, doubled braces render as themselves, the
newest-first orders are orders, and no password ever reaches the `object` event (console/API.md).
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from console import settings as console_settings
from console import views
from console.settings import ConnectLine, Deletion, KindSettings, SecretName
from console.views import LAST_APPLIED, SECRET_MARK, Column, CrdError

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[3]
CRD_FILE = REPO_ROOT / "config" / "crd" / "bases" / "redis.kun_redisclusters.yaml"
REAL_CRD = yaml.safe_load(CRD_FILE.read_text())
REAL = views.served(REAL_CRD)
(REAL_SETTINGS,) = [kind for kind in console_settings.load_kinds() if kind.crd == "redisclusters.redis.kun"]

SPEC = {"type": "object", "properties": {"size": {"type": "integer"}}}
AGE = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}


def crd(*versions: dict, scope: str | None = "Namespaced") -> dict:
    spec = {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"}, "versions": list(versions)}
    if scope is not None:
        spec["scope"] = scope
    return {"metadata": {"name": "widgets.example.com"}, "spec": spec}


def version(name: str, *, served: bool = True, storage: bool = False, schema: object = SPEC, columns=()) -> dict:
    entry = {"name": name, "served": served, "storage": storage, "additionalPrinterColumns": list(columns)}
    if schema is not None:
        entry["schema"] = {"openAPIV3Schema": {"type": "object", "properties": {"spec": schema}}}
    return entry


def cluster(spec: dict | None = None, *, status: dict | None = None, **metadata) -> dict:
    """A RedisCluster r1 in ns, as the API server returns it."""
    obj = {
        "apiVersion": "redis.kun/v1beta1",
        "kind": "RedisCluster",
        "metadata": {"name": "r1", "namespace": "ns", "resourceVersion": "42", **metadata},
        "spec": {"size": 3} if spec is None else spec,
    }
    if status is not None:
        obj["status"] = status
    return obj


# views.served: the version, its spec's schema and its columns.


@pytest.mark.parametrize(
    ("versions", "chosen"),
    [
        pytest.param([version("v1", storage=True)], "v1", id="one"),
        pytest.param([version("v1alpha1"), version("v1", storage=True)], "v1", id="storage-among-served"),
        pytest.param([version("v1"), version("v2")], "v1", id="no-storage-first-served"),
        pytest.param([version("v1", served=False, storage=True), version("v2")], "v2", id="storage-not-served"),
        pytest.param([version("v1", served=False), version("v2", storage=True)], "v2", id="unserved-first-skipped"),
    ],
)
def test_served_version_is_the_storage_one_among_served(versions, chosen):
    kind = views.served(crd(*versions))
    assert (kind.group, kind.version, kind.kind, kind.plural) == ("example.com", chosen, "Widget", "widgets")
    assert kind.spec_schema == SPEC


@pytest.mark.parametrize(
    ("document", "says"),
    [
        pytest.param(crd(version("v1", storage=True), scope="Cluster"), "cluster-scoped", id="cluster-scoped"),
        pytest.param(crd(version("v1", storage=True), scope=None), "cluster-scoped", id="no-scope"),
        pytest.param(crd(), "serves no version", id="no-versions"),
        pytest.param(crd(version("v1", served=False, storage=True)), "serves no version", id="none-served"),
        pytest.param(crd(version("v1", storage=True, schema=None)), "v1 has no openAPIV3Schema", id="no-schema"),
        pytest.param(crd(version("v1", storage=True, schema={})), "v1 has no openAPIV3Schema", id="empty-spec"),
        pytest.param(
            crd({**version("v1", storage=True), "schema": {"openAPIV3Schema": {"type": "object"}}}),
            "v1 has no openAPIV3Schema",
            id="schema-without-spec",
        ),
    ],
)
def test_a_crd_that_cannot_be_served_raises_naming_it(document, says):
    with pytest.raises(CrdError, match=r"^widgets\.example\.com ") as raised:
        views.served(document)
    assert says in str(raised.value)


def test_served_columns_leave_out_age_and_keep_the_rest_in_order():
    columns = [
        {"name": "Size", "type": "integer", "jsonPath": ".spec.size", "description": "nodes"},
        AGE,
        {"name": "IP", "jsonPath": ".status.ip", "priority": 1},
    ]
    kind = views.served(crd(version("v1", storage=True, columns=columns)))
    assert kind.columns == (
        Column("Size", "integer", "nodes", ".spec.size", 0),
        Column("IP", "string", "", ".status.ip", 1),
    )


def test_the_real_crd_is_served():
    assert (REAL.group, REAL.version, REAL.kind, REAL.plural) == (
        "redis.kun",
        "v1beta1",
        "RedisCluster",
        "redisclusters",
    )
    assert [c.name for c in REAL.columns] == [
        "Size",
        "Status",
        "Master",
        "Replicas",
        "Sentinels",
        "Scope",
        "Master IP",
        "Sentinel IP",
    ]
    assert [c.name for c in REAL.columns if c.priority] == [
        "Replicas",
        "Sentinels",
        "Scope",
        "Master IP",
        "Sentinel IP",
    ]
    (real_version,) = REAL_CRD["spec"]["versions"]
    assert REAL.spec_schema == real_version["schema"]["openAPIV3Schema"]["properties"]["spec"]
    assert REAL.spec_schema["properties"]["password"]["format"] == "password"


# views.at: Kubernetes' JSONPath of printer columns and kinds.yaml.

OBJ = {
    "metadata": {
        "name": "r1",
        "annotations": {"redis.kun/scope": "cluster-scoped", "a.b/c.d": "dotted", "it's": "quoted", 'say"': "dq"},
    },
    "spec": {"size": 3, "exporter": {"enabled": False}, "zero": 0, "empty": ""},
    "status": {"conditions": [{"type": "Healthy"}, {"type": "Scaling"}]},
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(".spec.size", 3, id="plain"),
        pytest.param("spec.size", 3, id="no-leading-dot"),
        pytest.param(".metadata.name", "r1", id="metadata"),
        pytest.param(".spec.exporter", {"enabled": False}, id="a-mapping"),
        pytest.param(".spec.exporter.enabled", False, id="false-is-a-value"),
        pytest.param(".spec.zero", 0, id="zero-is-a-value"),
        pytest.param(".spec.empty", "", id="empty-string-is-a-value"),
        pytest.param(".spec.missing", None, id="missing"),
        pytest.param(".spec.size.deeper", None, id="below-a-scalar"),
        pytest.param(".nothing.at.all", None, id="missing-parent"),
        pytest.param(".status.conditions[0].type", "Healthy", id="index-0"),
        pytest.param(".status.conditions[1].type", "Scaling", id="index-1"),
        pytest.param(".status.conditions[5].type", None, id="index-out-of-range"),
        pytest.param(r".metadata.annotations.redis\.kun/scope", "cluster-scoped", id="escaped-dot"),
        pytest.param(r".metadata.annotations.a\.b/c\.d", "dotted", id="two-escaped-dots"),
        pytest.param(".metadata.annotations.redis.kun/scope", None, id="unescaped-dot-is-a-separator"),
        pytest.param(".metadata.annotations.it's", "quoted", id="single-quote"),
        pytest.param('.metadata.annotations.say"', "dq", id="double-quote"),
    ],
)
def test_at(path, expected):
    assert views.at(path, OBJ) == expected


def test_a_path_jsonpath_cannot_read_raises_naming_it():
    with pytest.raises(CrdError, match=r"cannot read the JSONPath '\.spec\.a\\\\'"):
        views.at(".spec.a\\", OBJ)


# The characters of Kubernetes label and annotation keys, and a quote.
KEYS = st.text(alphabet="azAZ09-_./'", min_size=1, max_size=10)


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(KEYS, min_size=1, max_size=4), value=st.integers() | st.text(max_size=5))
def test_an_escaped_path_reaches_any_key(keys, value):
    obj = value
    for key in reversed(keys):
        obj = {key: obj, "other": None}
    path = "".join("." + key.replace(".", "\\.") for key in keys)
    assert views.at(path, obj) == value


# views.row and views.list_columns: the list page.

COLUMNS = (
    Column("Size", "integer", "nodes", ".spec.size"),
    Column("Master IP", "string", "wide only", ".status.masterIP", 1),
    Column("Status", "string", "state", ".status.status"),
    Column("Scope", "string", "", r".metadata.annotations.redis\.kun/scope"),
)


@pytest.mark.parametrize(
    ("obj", "cells"),
    [
        pytest.param(cluster(status={"status": "Healthy", "masterIP": "10.0.0.1"}), [3, "Healthy", None], id="some"),
        pytest.param(cluster({}), [None, None, None], id="none-set"),
        pytest.param(
            cluster(annotations={"redis.kun/scope": "cluster-scoped"}, status={"status": "Failed"}),
            [3, "Failed", "cluster-scoped"],
            id="annotation",
        ),
    ],
)
def test_row_has_the_priority_0_cells_in_order(obj, cells):
    obj["metadata"]["creationTimestamp"] = "2024-05-01T10:00:00Z"
    assert views.row(COLUMNS, obj) == {
        "key": "ns/r1",
        "namespace": "ns",
        "name": "r1",
        "created": "2024-05-01T10:00:00Z",
        "cells": cells,
    }


def test_row_without_creation_time():
    assert views.row((), cluster())["created"] is None


def test_list_columns_are_the_priority_0_ones_in_order():
    assert views.list_columns(COLUMNS) == [
        {"name": "Size", "type": "integer", "description": "nodes"},
        {"name": "Status", "type": "string", "description": "state"},
        {"name": "Scope", "type": "string", "description": ""},
    ]
    assert [c["name"] for c in views.list_columns(REAL.columns)] == ["Size", "Status", "Master"]


def test_a_row_has_one_cell_per_listed_column():
    assert len(views.row(REAL.columns, cluster())["cells"]) == len(views.list_columns(REAL.columns))


# Newest first: conditions and events.

T1, T2, T3 = "2024-05-01T10:00:00Z", "2024-05-01T10:00:01Z", "2024-05-02T09:00:00Z"


@pytest.mark.parametrize(
    ("status", "order"),
    [
        pytest.param(None, [], id="no-status"),
        pytest.param({}, [], id="no-conditions"),
        pytest.param({"conditions": None}, [], id="null-conditions"),
        pytest.param({"conditions": [{"type": "a", "lastTransitionTime": T1}]}, ["a"], id="one"),
        pytest.param(
            {
                "conditions": [
                    {"type": "a", "lastTransitionTime": T1},
                    {"type": "c", "lastTransitionTime": T3},
                    {"type": "b", "lastTransitionTime": T2},
                ]
            },
            ["c", "b", "a"],
            id="by-time",
        ),
        pytest.param(
            {
                "conditions": [
                    {"type": "none"},
                    {"type": "a", "lastTransitionTime": T1},
                    {"type": "null", "lastTransitionTime": None},
                    {"type": "c", "lastTransitionTime": T3},
                ]
            },
            ["c", "a", "none", "null"],
            id="missing-times-last",
        ),
    ],
)
def test_conditions_newest_first(status, order):
    obj = {} if status is None else {"status": status}
    assert [c["type"] for c in views.conditions_newest_first(obj)] == order


@pytest.mark.parametrize(
    ("times", "order"),
    [
        pytest.param([], [], id="none"),
        pytest.param([T1, T3, T2], [1, 2, 0], id="by-time"),
        pytest.param([None, T1, T3], [2, 1, 0], id="missing-last"),
        pytest.param([T2, None, T2], [0, 2, 1], id="ties-keep-their-order"),
    ],
)
def test_events_newest_first(times, order):
    events = [{"uid": index, "time": time} for index, time in enumerate(times)]
    assert [e["uid"] for e in views.events_newest_first(events)] == order


# RFC 3339 as Kubernetes writes lastTimestamp and lastTransitionTime: UTC, whole seconds.
STAMPS = st.datetimes(min_value=datetime(2000, 1, 1)).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


@settings(max_examples=150, deadline=None)
@given(times=st.lists(STAMPS | st.none(), max_size=8))
def test_newest_first_is_an_order_by_time_with_missing_times_last(times):
    events = views.events_newest_first([{"uid": index, "time": time} for index, time in enumerate(times)])
    conditions = views.conditions_newest_first(
        {"status": {"conditions": [{"type": index, "lastTransitionTime": time} for index, time in enumerate(times)]}}
    )
    for ordered in ([e["time"] for e in events], [c["lastTransitionTime"] for c in conditions]):
        present = [t for t in ordered if t is not None]
        assert ordered == sorted(present, reverse=True) + [None] * (len(ordered) - len(present))
    assert sorted(e["uid"] for e in events) == list(range(len(times)))


# views.render: connect lines and secret names.

RENDERED = {"metadata": {"name": "r1", "namespace": "ns"}, "spec": {"size": 3, "passwordSecret": {"name": "mine"}}}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param("plain text", "plain text", id="no-placeholder"),
        pytest.param("{name}.{namespace}", "r1.ns", id="name-namespace"),
        pytest.param("redis-cluster-{name}-auth", "redis-cluster-r1-auth", id="inside-a-word"),
        pytest.param("{.spec.passwordSecret.name}", "mine", id="json-path"),
        pytest.param("size {.spec.size}", "size 3", id="a-number"),
        pytest.param("[{.spec.missing}]", "[]", id="missing-is-empty"),
        pytest.param("-o jsonpath='{{.data.password}}'", "-o jsonpath='{.data.password}'", id="doubled-braces"),
        pytest.param("{{name}}", "{name}", id="doubled-braces-around-a-placeholder-name"),
        pytest.param("}}{{", "}{", id="closing-then-opening"),
        pytest.param("{{{name}}}", "{r1}", id="braces-around-a-placeholder"),
    ],
)
def test_render(template, expected):
    assert views.render(template, RENDERED) == expected


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=30))
def test_doubled_braces_render_as_the_text(text):
    assert views.render(text.replace("{", "{{").replace("}", "}}"), RENDERED) == text


# views.instance: the instance page's `object` event, with the real RedisCluster settings and CRD.


def instance(obj: dict, kind_settings: KindSettings = REAL_SETTINGS) -> dict:
    before = copy.deepcopy(obj)
    shown = views.instance(kind_settings, REAL, obj)
    assert obj == before, "instance() changed the object it was given"
    return shown


def test_instance_of_a_plain_cluster():
    obj = cluster(
        {"size": 3, "sentinel": {"replicas": 3}},
        managedFields=[{"manager": "kubectl", "fieldsV1": {"f:spec": {}}}],
        labels={"team": "a"},
        annotations={"redis.kun/scope": "cluster-scoped"},
        status={
            "status": "Healthy",
            "master": "redis-cluster-r1-0",
            "masterIP": "10.0.0.1",
            "conditions": [
                {"type": "Creating", "lastTransitionTime": T1},
                {"type": "Healthy", "lastTransitionTime": T2},
            ],
        },
    )
    shown = instance(obj)
    expected_object = copy.deepcopy(obj)
    del expected_object["metadata"]["managedFields"]
    assert shown == {
        "object": expected_object,
        "formData": {"size": 3, "sentinel": {"replicas": 3}},
        "conditions": [{"type": "Healthy", "lastTransitionTime": T2}, {"type": "Creating", "lastTransitionTime": T1}],
        "summary": [
            ["Size", 3],
            ["Status", "Healthy"],
            ["Master", "redis-cluster-r1-0"],
            ["Replicas", None],
            ["Sentinels", None],
            ["Scope", "cluster-scoped"],
            ["Master IP", "10.0.0.1"],
            ["Sentinel IP", None],
        ],
        "connect": [
            "redis-cli -h redis-sentinel-r1.ns -p 26379 SENTINEL get-master-addr-by-name ns-r1",
            "redis-cli -h redis-cluster-r1-master.ns -p 6379",
        ],
        "secretName": None,
        "deleteNotice": "Its data volumes are deleted with it; the data is lost.",
        "resourceVersion": "42",
        "observedCurrent": None,  # no status.observedGeneration: nothing to compare
    }


def test_instance_without_spec_or_annotations():
    obj = cluster()
    del obj["spec"]
    shown = instance(obj)
    assert "spec" not in shown["object"]
    assert "annotations" not in shown["object"]["metadata"]
    assert shown["formData"] == {}


@pytest.mark.parametrize(
    ("password", "shown"),
    [
        pytest.param("s3cret-pw", SECRET_MARK, id="set"),
        pytest.param("", "", id="empty-means-no-auth"),
        pytest.param(None, None, id="null"),
    ],
)
def test_the_password_is_masked_and_never_in_form_data(password, shown):
    result = instance(cluster({"size": 3, "password": password}))
    assert result["object"]["spec"]["password"] == shown
    assert result["formData"] == {"size": 3}


@pytest.mark.parametrize(
    "annotations",
    [
        pytest.param({LAST_APPLIED: '{"spec":{"password":"s3cret-pw"}}'}, id="alone"),
        pytest.param({LAST_APPLIED: "{}", "redis.kun/scope": "cluster-scoped"}, id="with-others"),
    ],
)
def test_the_last_applied_annotation_is_masked(annotations):
    shown = instance(cluster(annotations=annotations))["object"]["metadata"]["annotations"]
    assert shown == {**annotations, LAST_APPLIED: SECRET_MARK}


AUTH_LINE = (
    "REDISCLI_AUTH=\"$(kubectl get secret -n ns {} -o jsonpath='{{.data.password}}' | base64 -d)\" "
    "redis-cli -h redis-cluster-r1-master.ns -p 6379"
)


@pytest.mark.parametrize(
    ("spec", "auth_lines", "secret"),
    [
        pytest.param({"size": 3}, [], None, id="no-auth"),
        pytest.param({"password": ""}, [], None, id="empty-password"),
        pytest.param({"password": "s3cret-pw"}, ["redis-cluster-r1-auth"], "redis-cluster-r1-auth", id="password"),
        pytest.param({"passwordSecret": {"name": "mine"}}, ["mine"], "mine", id="password-secret"),
        pytest.param({"passwordSecret": {"name": ""}}, [], None, id="password-secret-without-name"),
        pytest.param(
            {"passwordSecret": {"name": "mine"}, "password": "s3cret-pw"},
            ["mine", "redis-cluster-r1-auth"],
            "mine",
            id="both-first-entry-wins",
        ),
    ],
)
def test_connect_lines_and_secret_name_follow_what_is_set(spec, auth_lines, secret):
    shown = instance(cluster(spec))
    assert shown["connect"] == [
        "redis-cli -h redis-sentinel-r1.ns -p 26379 SENTINEL get-master-addr-by-name ns-r1",
        "redis-cli -h redis-cluster-r1-master.ns -p 6379",
        *(AUTH_LINE.format(name) for name in auth_lines),
    ]
    assert shown["secretName"] == secret
    assert "s3cret-pw" not in json.dumps(shown)


KEPT = REAL_SETTINGS.deletion.when_kept
DELETED = REAL_SETTINGS.deletion.when_deleted


@pytest.mark.parametrize(
    ("spec", "kind_settings", "notice"),
    [
        pytest.param({"storage": {"keepAfterDeletion": True}}, REAL_SETTINGS, KEPT, id="kept"),
        pytest.param({"storage": {"keepAfterDeletion": False}}, REAL_SETTINGS, DELETED, id="not-kept"),
        pytest.param({"storage": {}}, REAL_SETTINGS, DELETED, id="storage-without-keep"),
        pytest.param({}, REAL_SETTINGS, DELETED, id="no-storage"),
        pytest.param(
            {"storage": {"keepAfterDeletion": True}},
            KindSettings("widgets.example.com"),
            Deletion.when_deleted,
            id="kind-without-keep-path",
        ),
    ],
)
def test_delete_notice_follows_keep_after_deletion(spec, kind_settings, notice):
    assert instance(cluster(spec), kind_settings)["deleteNotice"] == notice


def test_the_real_notices_differ():
    assert "stay" in KEPT
    assert "lost" in DELETED


def test_instance_with_settings_of_its_own():
    kind_settings = KindSettings(
        "widgets.example.com",
        connect=(ConnectLine("size {.spec.size}"), ConnectLine("master {.status.master}", when=".status.master")),
        secret_name=(SecretName(".spec.size", "{name}-size"),),
        deletion=Deletion(".spec.size", "kept", "deleted"),
    )
    shown = instance(cluster(), kind_settings)
    assert (shown["connect"], shown["secretName"], shown["deleteNotice"]) == (["size 3"], "r1-size", "kept")


# Characters json.dumps writes as they are, none of them a letter: the rest of the event (names, commands, notices,
# timestamps, resourceVersion "42") has no run of 8 of them, so a password of 8 or more found in the JSON is a leak,
# never a chance match with ordinary text (a lowercase password could be "deletion", an uppercase one "REDISCLI").
PASSWORDS = st.text(alphabet="0123456789#%+=@^~!", min_size=8, max_size=24)


@settings(max_examples=150, deadline=None)
@given(
    password=PASSWORDS,
    spec=st.fixed_dictionaries(
        {"size": st.integers(1, 9)},
        optional={"storage": st.fixed_dictionaries({"keepAfterDeletion": st.booleans()})},
    ),
    last_applied=st.booleans(),
)
def test_no_password_reaches_the_object_event(password, spec, last_applied):
    obj = cluster(dict(spec, password=password), status={"status": "Healthy"})
    if last_applied:
        obj["metadata"]["annotations"] = {LAST_APPLIED: json.dumps({"spec": obj["spec"]})}
    assert password in json.dumps(obj)
    assert password not in json.dumps(views.instance(REAL_SETTINGS, REAL, obj))


# views.pod, views.service, views.claim: the `resources` event.

ROLES = REAL_SETTINGS.pod_role_labels  # redis.kun/role, then app.kubernetes.io/component


def a_pod(labels=None, conditions=None, containers=None, **metadata) -> dict:
    return {
        "metadata": {"name": "redis-cluster-r1-0", **({"labels": labels} if labels is not None else {}), **metadata},
        "spec": {"nodeName": "node-1"},
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.7",
            "conditions": conditions,
            "containerStatuses": containers,
        },
    }


@pytest.mark.parametrize(
    ("conditions", "ready"),
    [
        pytest.param([{"type": "Ready", "status": "True"}], True, id="ready"),
        pytest.param([{"type": "Ready", "status": "False"}], False, id="not-ready"),
        pytest.param(
            [{"type": "ContainersReady", "status": "True"}, {"type": "Ready", "status": "False"}],
            False,
            id="other-true",
        ),
        pytest.param(
            [{"type": "PodScheduled", "status": "True"}, {"type": "Ready", "status": "True"}], True, id="among-others"
        ),
        pytest.param([], False, id="no-conditions"),
        pytest.param(None, False, id="null-conditions"),
    ],
)
def test_pod_ready_is_its_ready_condition(conditions, ready):
    assert views.pod(a_pod(conditions=conditions), ROLES)["ready"] is ready


@pytest.mark.parametrize(
    ("containers", "restarts"),
    [
        pytest.param(None, 0, id="no-statuses"),
        pytest.param([{"name": "redis", "restartCount": 2}], 2, id="one"),
        pytest.param(
            [{"name": "redis", "restartCount": 2}, {"name": "exporter", "restartCount": 5}, {"name": "x"}],
            7,
            id="summed",
        ),
    ],
)
def test_pod_restarts_are_summed_over_containers(containers, restarts):
    assert views.pod(a_pod(containers=containers), ROLES)["restarts"] == restarts


@pytest.mark.parametrize(
    ("labels", "role_labels", "role"),
    [
        pytest.param({"redis.kun/role": "master"}, ROLES, "master", id="first-label"),
        pytest.param({"app.kubernetes.io/component": "sentinel"}, ROLES, "sentinel", id="second-label"),
        pytest.param(
            {"app.kubernetes.io/component": "redis", "redis.kun/role": "replica"}, ROLES, "replica", id="first-wins"
        ),
        pytest.param({"app": "redis"}, ROLES, None, id="neither"),
        pytest.param(None, ROLES, None, id="no-labels"),
        pytest.param({"redis.kun/role": "master"}, (), None, id="kind-without-role-labels"),
    ],
)
def test_pod_role_is_the_first_role_label_it_has(labels, role_labels, role):
    assert views.pod(a_pod(labels=labels), role_labels)["role"] == role


def test_pod():
    obj = a_pod(
        {"redis.kun/role": "master"},
        [{"type": "Ready", "status": "True"}],
        [{"restartCount": 1}],
        deletionTimestamp=T3,
    )
    assert views.pod(obj, ROLES) == {
        "name": "redis-cluster-r1-0",
        "phase": "Running",
        "ready": True,
        "role": "master",
        "ip": "10.0.0.7",
        "node": "node-1",
        "restarts": 1,
        "deleting": True,
    }


def test_a_pod_just_created():
    assert views.pod({"metadata": {"name": "p"}}, ROLES) == {
        "name": "p",
        "phase": None,
        "ready": False,
        "role": None,
        "ip": None,
        "node": None,
        "restarts": 0,
        "deleting": False,
    }


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param({}, {"type": "ClusterIP", "clusterIP": None, "ports": []}, id="bare"),
        pytest.param(
            {"type": "ClusterIP", "clusterIP": "None", "ports": [{"name": "redis", "port": 6379}]},
            {"type": "ClusterIP", "clusterIP": "None", "ports": ["redis:6379"]},
            id="headless",
        ),
        pytest.param(
            {"type": "NodePort", "clusterIP": "10.96.0.9", "ports": [{"port": 26379}, {"name": "m", "port": 9121}]},
            {"type": "NodePort", "clusterIP": "10.96.0.9", "ports": [":26379", "m:9121"]},
            id="unnamed-port",
        ),
    ],
)
def test_service(spec, expected):
    assert views.service({"metadata": {"name": "s"}, "spec": spec}) == {"name": "s", **expected}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param(None, {"phase": None, "capacity": None}, id="no-status"),
        pytest.param({"phase": "Pending"}, {"phase": "Pending", "capacity": None}, id="pending"),
        pytest.param(
            {"phase": "Bound", "capacity": {"storage": "1Gi"}}, {"phase": "Bound", "capacity": "1Gi"}, id="bound"
        ),
    ],
)
def test_claim(status, expected):
    obj = {"metadata": {"name": "data-redis-cluster-r1-0"}, **({"status": status} if status else {})}
    assert views.claim(obj) == {"name": "data-redis-cluster-r1-0", **expected}


# views.event: core/v1 Events, as the operator writes them (count, lastTimestamp) and as events.k8s.io does
# (series, note, eventTime).


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"count": 4, "series": {"count": 9}, "message": "m", "note": "n"},
            {"count": 4, "message": "m"},
            id="count-and-message",
        ),
        pytest.param({"series": {"count": 9}, "note": "n"}, {"count": 9, "message": "n"}, id="series-and-note"),
        pytest.param({"count": None, "series": None}, {"count": 1, "message": None}, id="neither"),
        pytest.param({"message": "", "note": "n"}, {"count": 1, "message": "n"}, id="empty-message"),
    ],
)
def test_event_count_and_message(fields, expected):
    shown = views.event({"metadata": {"uid": "u"}, **fields})
    assert (shown["count"], shown["message"]) == (expected["count"], expected["message"])


@pytest.mark.parametrize(
    ("fields", "created", "time"),
    [
        pytest.param({"lastTimestamp": T3, "eventTime": T2}, T1, T3, id="last-timestamp"),
        pytest.param({"lastTimestamp": None, "eventTime": T2}, T1, T2, id="event-time"),
        pytest.param({}, T1, T1, id="creation"),
        pytest.param({}, None, None, id="none"),
    ],
)
def test_event_time_falls_back(fields, created, time):
    metadata = {"uid": "u", **({"creationTimestamp": created} if created else {})}
    assert views.event({"metadata": metadata, **fields})["time"] == time


@pytest.mark.parametrize(
    ("fields", "source"),
    [
        pytest.param({"reportingController": "redis-kun", "source": {"component": "kubelet"}}, "redis-kun", id="rc"),
        pytest.param({"source": {"component": "kubelet"}}, "kubelet", id="component"),
        pytest.param({"source": {}}, None, id="empty-source"),
        pytest.param({}, None, id="none"),
    ],
)
def test_event_source(fields, source):
    assert views.event({"metadata": {}, **fields})["source"] == source


def test_event_as_the_operator_writes_it():
    obj = {
        "metadata": {"uid": "u1", "creationTimestamp": T1},
        "type": "Warning",
        "reason": "FailedFailover",
        "message": "no quorum",
        "count": 3,
        "lastTimestamp": T2,
        "source": {"component": "redis-kun-operator"},
    }
    assert views.event(obj) == {
        "uid": "u1",
        "type": "Warning",
        "reason": "FailedFailover",
        "message": "no quorum",
        "count": 3,
        "time": T2,
        "source": "redis-kun-operator",
    }


@pytest.mark.parametrize(
    ("status", "generation", "current"),
    [
        ({}, 2, None),
        ({"observedGeneration": 1}, 2, False),
        ({"observedGeneration": 2}, 2, True),
        ({"observedGeneration": 3}, 2, True),
    ],
)
def test_the_status_is_current_once_it_observed_the_spec_as_it_is(status, generation, current):
    obj = {"metadata": {"name": "r", "namespace": "n", "generation": generation}, "status": status}
    assert views.observed_current(obj) is current


def test_list_columns_named_by_the_kind_come_in_their_order():
    names = ("Scope", "Size", "Nonexistent")
    assert [c["name"] for c in views.list_columns(REAL.columns, names)] == ["Scope", "Size"]
    annotated = cluster()
    annotated["metadata"]["annotations"] = {"redis.kun/scope": "cluster-scoped"}
    assert views.row(REAL.columns, annotated, names)["cells"] == ["cluster-scoped", annotated["spec"].get("size")]
