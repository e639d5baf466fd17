"""The filters that choose which rendered objects to apply: an object as rendered and untouched is left alone; a new
rendering, a missing object or drift on a rendered field brings it back."""

from __future__ import annotations

import copy
import json

from ansible_collections.kun.redis.plugins.filter.rediscluster_objects import (
    RENDERED_HASH,
    FilterModule,
    contains,
    current,
    outdated,
    stamped,
)
from hypothesis import given
from hypothesis import strategies as st

KEYS = st.text(alphabet="abcdefgh", min_size=1, max_size=4)
SCALARS = st.one_of(st.integers(-5, 5), st.text(alphabet="xyz019", min_size=1, max_size=4), st.booleans())
# Rendered specs as from_yaml gives them: nested maps and lists of scalars.
SPECS = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, min_size=1, max_size=3), st.dictionaries(KEYS, children, max_size=3)),
    max_leaves=12,
)


def definition(name: str = "redis-cluster-test", kind: str = "StatefulSet", spec=None) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": "ns", "labels": {"app.kubernetes.io/instance": "test"}},
        "spec": {"replicas": 3} if spec is None else spec,
    }


def with_server_additions(obj):
    """The object as the API server stores it: defaults and status added in maps, nothing taken away."""
    if isinstance(obj, dict):
        added = {key: with_server_additions(value) for key, value in obj.items()}
        added.setdefault("zzDefaulted", "server")
        return added
    if isinstance(obj, list):
        return [with_server_additions(item) for item in obj]
    return obj


def test_the_filters_are_registered_under_their_names():
    assert set(FilterModule().filters()) == {"rediscluster_stamped", "rediscluster_outdated", "rediscluster_current"}


@given(SPECS)
def test_an_object_as_rendered_and_stored_is_not_applied_again(spec):
    (rendered,) = stamped([definition(spec=spec)])
    assert outdated([rendered], [with_server_additions(rendered)]) == []


@given(SPECS, SPECS)
def test_a_different_rendering_is_applied(spec, other):
    (before,) = stamped([definition(spec=spec)])
    (after,) = stamped([definition(spec=other)])
    different = json.dumps(spec, sort_keys=True) != json.dumps(other, sort_keys=True)
    assert outdated([after], [with_server_additions(before)]) == ([after] if different else [])


def test_a_field_removed_from_the_rendering_is_applied_although_the_live_object_still_has_it():
    (before,) = stamped([definition(spec={"replicas": 3, "podManagementPolicy": "Parallel"})])
    (after,) = stamped([definition(spec={"replicas": 3})])
    assert contains(before["spec"], after["spec"])  # the live object alone cannot tell
    assert outdated([after], [before]) == [after]


def test_drift_on_a_rendered_field_is_applied_and_fields_of_others_are_not_drift():
    (rendered,) = stamped([definition(spec={"replicas": 3, "template": {"spec": {"containers": [{"name": "redis"}]}}})])
    scaled = copy.deepcopy(rendered)
    scaled["spec"]["replicas"] = 5
    relabelled = copy.deepcopy(rendered)
    del relabelled["metadata"]["labels"]["app.kubernetes.io/instance"]
    sidecar = copy.deepcopy(rendered)
    sidecar["spec"]["template"]["spec"]["containers"].append({"name": "sidecar"})
    annotated = copy.deepcopy(rendered)
    annotated["metadata"]["annotations"]["someone.else/note"] = "kept"
    for drifted in (scaled, relabelled, sidecar):
        assert outdated([rendered], [drifted]) == [rendered]
    assert outdated([rendered], [annotated]) == []


def test_a_missing_object_or_one_without_the_hash_is_applied():
    rendered = stamped([definition(), definition("redis-cluster-test", kind="ConfigMap", spec={})])
    unstamped = definition()
    assert outdated(rendered, []) == rendered
    assert outdated(rendered, [unstamped, with_server_additions(rendered[1])]) == [rendered[0]]


def test_empty_rendered_values_stand_for_absent_fields_and_true_is_not_one():
    assert contains({"a": 1}, {"a": 1, "b": None, "c": {}, "d": []})
    assert contains({"a": 1, "c": {"x": 1}}, {"c": {}})
    assert not contains({"a": 1}, {"a": True})
    assert not contains({"a": [1, 2]}, {"a": [1]})
    assert not contains({"a": "1"}, {"a": 1})


@given(SPECS)
def test_stamping_is_stable_and_ignores_an_earlier_stamp(spec):
    (once,) = stamped([definition(spec=spec)])
    (twice,) = stamped([once])
    assert once == twice
    assert len(once["metadata"]["annotations"][RENDERED_HASH]) == 32


def test_user_annotations_are_kept_by_the_stamp():
    obj = definition()
    obj["metadata"]["annotations"] = {"prometheus.io/scrape": "true"}
    (rendered,) = stamped([obj])
    assert rendered["metadata"]["annotations"]["prometheus.io/scrape"] == "true"
    assert obj["metadata"]["annotations"] == {"prometheus.io/scrape": "true"}  # the input is not changed


def test_current_objects_are_the_applied_ones_then_the_live_ones_not_applied():
    live = [definition(), definition("redis-cluster-test", kind="Service", spec={"clusterIP": "None"})]
    applied_set = definition(spec={"replicas": 5}) | {"status": {"updateRevision": "r2"}}
    objects = current(live, [{"changed": True, "method": "apply", "result": applied_set}])
    assert objects == [applied_set, live[1]]
    assert current(live, []) == live
