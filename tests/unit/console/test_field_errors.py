"""The API server's verdicts on a spec go next to the fields of the form (console/schema_form.py).

A 422 Status' details.causes become fieldErrors keyed by path (console/API.md), and the page gives RJSF the
errorSchema of those under `spec`; the others (metadata.name) it shows above the form.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.schema_form import FormError, error_tree, field_errors, from_form

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("causes", "expected"),
    [
        pytest.param(
            [{"field": "spec.sentinel.quorum", "message": "should be at least 1", "reason": "FieldValueInvalid"}],
            {"spec.sentinel.quorum": ["should be at least 1"]},
            id="one-field",
        ),
        pytest.param(
            [
                {"field": "spec.size", "message": "b"},
                {"field": "metadata.name", "message": "too long"},
                {"field": "spec.size", "message": "a"},
            ],
            {"spec.size": ["b", "a"], "metadata.name": ["too long"]},
            id="order-kept-per-field",
        ),
        pytest.param(
            [{"message": "set either password or passwordSecret, not both"}, {"field": "", "message": "x"}],
            {"": ["set either password or passwordSecret, not both", "x"]},
            id="no-field-goes-under-empty",
        ),
        pytest.param(
            [{"field": "spec.size", "message": "", "reason": "FieldValueRequired"}],
            {"spec.size": ["FieldValueRequired"]},
            id="reason-when-message-empty",
        ),
        pytest.param(
            [{"field": "spec.size", "message": "must be 1 or at least 3", "reason": "FieldValueInvalid"}],
            {"spec.size": ["must be 1 or at least 3"]},
            id="reason-not-joined-to-a-message",
        ),
        pytest.param([{"field": "spec.size"}], {"spec.size": ["invalid"]}, id="neither-message-nor-reason"),
        pytest.param(
            [{"field": "spec.size", "message": "m"}, {"field": "spec.size", "message": "m"}],
            {"spec.size": ["m"]},
            id="duplicate-said-once",
        ),
        pytest.param(
            [{"field": "<nil>", "message": "metadata.name must be at most 48 characters"}],
            {"": ["metadata.name must be at most 48 characters"]},
            id="rule-on-the-root-spelled-nil",
        ),
        pytest.param(
            [{"field": ".spec.config[hz]", "message": "m"}], {"spec.config[hz]": ["m"]}, id="leading-dot-of-fieldPath"
        ),
        pytest.param([], {}, id="no-causes"),
        pytest.param(None, {}, id="causes-absent"),
    ],
)
def test_causes_become_messages_by_field(causes, expected):
    assert field_errors(causes) == expected
    assert list(field_errors(causes)) == list(expected), "fields in the order of their first cause"


@pytest.mark.parametrize(
    ("errors", "tree", "rest"),
    [
        pytest.param(
            {"spec.sentinel.quorum": ["a", "b"]}, {"sentinel": {"quorum": {"__errors": ["a", "b"]}}}, {}, id="nested"
        ),
        pytest.param({"spec.config[hz]": ["m"]}, {"config": {"hz": {"__errors": ["m"]}}}, {}, id="map-key-bare"),
        pytest.param({'spec.config["hz"]': ["m"]}, {"config": {"hz": {"__errors": ["m"]}}}, {}, id="map-key-quoted"),
        pytest.param({"spec.config['hz']": ["m"]}, {"config": {"hz": {"__errors": ["m"]}}}, {}, id="map-key-single"),
        pytest.param(
            {"spec.nodeSelector[kubernetes.io/hostname]": ["m"]},
            {"nodeSelector": {"kubernetes.io/hostname": {"__errors": ["m"]}}},
            {},
            id="map-key-with-dots",
        ),
        pytest.param(
            {'spec.annotations["a]b\\"c"]': ["m"]},
            {"annotations": {'a]b"c': {"__errors": ["m"]}}},
            {},
            id="map-key-quoted-with-bracket-and-quote",
        ),
        pytest.param(
            {"spec.items[0].x": ["m"]}, {"items": {"0": {"x": {"__errors": ["m"]}}}}, {}, id="list-index-then-field"
        ),
        pytest.param(
            {"spec.tolerations[2]": ["m"]}, {"tolerations": {"2": {"__errors": ["m"]}}}, {}, id="list-index-last"
        ),
        pytest.param({"spec.m[a][b]": ["m"]}, {"m": {"a": {"b": {"__errors": ["m"]}}}}, {}, id="brackets-in-a-row"),
        pytest.param({"spec": ["m"]}, {"__errors": ["m"]}, {}, id="the-prefix-itself"),
        pytest.param({"": ["m"]}, {"__errors": ["m"]}, {}, id="the-whole-object"),
        pytest.param({"spec": ["a"], "": ["b"]}, {"__errors": ["a", "b"]}, {}, id="both-on-the-form"),
        pytest.param(
            {"spec.sentinel": ["a"], "spec.sentinel.quorum": ["b"]},
            {"sentinel": {"__errors": ["a"], "quorum": {"__errors": ["b"]}}},
            {},
            id="a-field-and-its-child",
        ),
        pytest.param({"metadata.name": ["m"]}, {}, {"metadata.name": ["m"]}, id="outside-the-prefix"),
        pytest.param({"specification.x": ["m"]}, {}, {"specification.x": ["m"]}, id="prefix-of-a-name-is-not-prefix"),
        pytest.param({"status": ["m"], "spec.size": ["n"]}, {"size": {"__errors": ["n"]}}, {"status": ["m"]}, id="mix"),
        pytest.param({"spec.config[hz": ["m"]}, {}, {"spec.config[hz": ["m"]}, id="unparseable-kept-aside"),
        pytest.param({"spec..x": ["m"]}, {}, {"spec..x": ["m"]}, id="empty-level-kept-aside"),
        pytest.param({".spec.size": ["m"]}, {"size": {"__errors": ["m"]}}, {}, id="leading-dot"),
        pytest.param({'spec.["a.b"]': ["m"]}, {"a.b": {"__errors": ["m"]}}, {}, id="prefix-before-a-key"),
        pytest.param({"spec.[0]": ["m"]}, {"0": {"__errors": ["m"]}}, {}, id="prefix-before-an-index"),
    ],
)
def test_error_tree_places_paths_under_the_prefix(errors, tree, rest):
    assert error_tree(errors) == (tree, rest)


def test_error_tree_under_another_prefix_and_none():
    errors = {"metadata.name": ["n"], "spec.size": ["s"]}
    assert error_tree(errors, prefix="metadata") == ({"name": {"__errors": ["n"]}}, {"spec.size": ["s"]})
    assert error_tree(errors, prefix="") == (
        {"metadata": {"name": {"__errors": ["n"]}}, "spec": {"size": {"__errors": ["s"]}}},
        {},
    )


def test_error_tree_does_not_share_the_callers_lists():
    messages = ["m"]
    tree, _rest = error_tree({"spec.size": messages, "spec.size[0]": ["n"]})
    tree["size"]["__errors"].append("added")
    assert messages == ["m"]


def test_causes_of_a_status_reach_their_fields():
    status_causes = [
        {"reason": "FieldValueInvalid", "message": "Invalid value: 0: should be >= 1", "field": "spec.sentinel.quorum"},
        {"reason": "FieldValueInvalid", "message": "Invalid value: 'x': not a quantity", "field": "spec.config[hz]"},
        {"reason": "FieldValueTooLong", "message": "too long", "field": "metadata.name"},
        {"reason": "FieldValueInvalid", "message": "set either password or passwordSecret, not both", "field": "spec"},
    ]
    tree, rest = error_tree(field_errors(status_causes))
    assert tree == {
        "sentinel": {"quorum": {"__errors": ["Invalid value: 0: should be >= 1"]}},
        "config": {"hz": {"__errors": ["Invalid value: 'x': not a quantity"]}},
        "__errors": ["set either password or passwordSecret, not both"],
    }
    assert rest == {"metadata.name": ["too long"]}


MAP_OF_JSON = {
    "type": "object",
    "properties": {
        "extra": {
            "type": "object",
            "additionalProperties": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
        "list": {"type": "array", "items": {"type": "object", "x-kubernetes-embedded-resource": True}},
        "odd.name": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    },
}


@settings(max_examples=150, deadline=None)
@given(key=st.text(max_size=8))
def test_the_path_of_a_form_error_leads_error_tree_back_to_its_field(key):
    """A FormError's path, whatever the map key, is one error_tree puts at that key: the page shows it there."""
    with pytest.raises(FormError) as raised:
        from_form(MAP_OF_JSON, {"extra": {key: "{not json"}})
    # As the server answers it: the path is relative to the spec, like secretFields, and fieldErrors' keys are not.
    tree, rest = error_tree({f"spec.{raised.value.path}": [raised.value.message]})
    assert (tree, rest) == ({"extra": {key: {"__errors": [raised.value.message]}}}, {})


@pytest.mark.parametrize(
    ("data", "path", "tree"),
    [
        pytest.param({"list": ["{}", "[1, 2"]}, "list[1]", {"list": {"1": {"__errors": ["m"]}}}, id="list-item"),
        pytest.param({"odd.name": "nope"}, '["odd.name"]', {"odd.name": {"__errors": ["m"]}}, id="dotted-name"),
    ],
)
def test_form_error_paths_of_list_items_and_odd_names(data, path, tree):
    with pytest.raises(FormError) as raised:
        from_form(MAP_OF_JSON, data)
    assert raised.value.path == path
    assert error_tree({f"spec.{raised.value.path}": ["m"]}) == (tree, {})
