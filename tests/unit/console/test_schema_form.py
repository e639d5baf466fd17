"""The console's edit form of a spec, made from the CRD's structural schema (console/schema_form.py).

Each conversion rule has its table. The property tests draw CRD-style schemas and values valid against them, and check
what the console relies on: the form's data of a valid spec is valid in the browser (draft 7, as @cfworker/json-schema
checks it) and turns back into the same spec, secrets included; the real RedisCluster CRD is one of those schemas.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as conjecture_utils
from hypothesis_jsonschema import _from_schema, from_schema
from jsonschema import Draft7Validator

from console.schema_form import (
    JSON_HELP,
    KEPT_FORMATS,
    Form,
    FormError,
    drop_secrets,
    form_for,
    from_form,
    keep_secrets,
    redact,
    to_form,
    without_nulls,
)

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[3]
CRD = REPO_ROOT / "config" / "crd" / "bases" / "redis.kun_redisclusters.yaml"
(_VERSION,) = yaml.safe_load(CRD.read_text())["spec"]["versions"]
REAL_SPEC = _VERSION["schema"]["openAPIV3Schema"]["properties"]["spec"]

JSON_UI = {"ui:widget": "textarea", "ui:options": {"rows": 6}}


def field(node: dict) -> tuple[dict, dict]:
    """The form schema and uiSchema of `node` as the field `f` of an object (where a spec's fields are)."""
    form = form_for({"type": "object", "properties": {"f": node}})
    return form.schema["properties"]["f"], form.ui_schema.get("f", {})


# Conversion rules, one table each.


@pytest.mark.parametrize(
    "node",
    [
        pytest.param(
            {
                "type": "string",
                "minLength": 1,
                "maxLength": 63,
                "pattern": "^[a-z]+$",
                "description": "d",
                "title": "T",
            },
            id="string-bounds",
        ),
        pytest.param({"type": "string", "enum": ["Always", "IfNotPresent", "Never"]}, id="enum"),
        pytest.param({"type": "integer", "minimum": 0, "maximum": 10, "multipleOf": 2}, id="integer-bounds"),
        pytest.param({"type": "number", "minimum": 0.5}, id="number"),
        pytest.param({"type": "boolean", "description": "flag"}, id="boolean"),
        pytest.param(
            {"type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": True, "items": {"type": "string"}},
            id="array-bounds",
        ),
        pytest.param(
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 4,
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "key": {"type": "string"}},
            },
            id="object-bounds-and-required",
        ),
        pytest.param(
            {"type": "object", "maxProperties": 256, "additionalProperties": {"type": "string"}}, id="map-of-strings"
        ),
        pytest.param({"type": "object", "additionalProperties": True}, id="additional-properties-true"),
        pytest.param(
            {
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
                "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
                "allOf": [{"properties": {"a": {"minLength": 1}}}],
                "not": {"required": ["c"]},
            },
            id="anyOf-oneOf-allOf-not",
        ),
    ],
)
def test_draft7_keywords_are_kept_as_they_are(node):
    assert field(node) == (node, {})


@pytest.mark.parametrize(
    ("node", "schema"),
    [
        pytest.param(
            {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
            {"type": "integer", "exclusiveMinimum": 0},
            id="exclusive-minimum",
        ),
        pytest.param(
            {"type": "number", "maximum": 1.5, "exclusiveMaximum": True},
            {"type": "number", "exclusiveMaximum": 1.5},
            id="exclusive-maximum",
        ),
        pytest.param(
            {"type": "integer", "minimum": 0, "exclusiveMinimum": False, "maximum": 9, "exclusiveMaximum": False},
            {"type": "integer", "minimum": 0, "maximum": 9},
            id="not-exclusive",
        ),
        pytest.param({"type": "integer", "exclusiveMinimum": True}, {"type": "integer"}, id="exclusive-without-bound"),
        pytest.param(
            {"type": "integer", "exclusiveMinimum": 3}, {"type": "integer", "exclusiveMinimum": 3}, id="already-draft7"
        ),
    ],
)
def test_openapi_exclusive_bounds_become_draft7_numbers(node, schema):
    assert field(node) == (schema, {})


@pytest.mark.parametrize(
    ("node", "ui"),
    [
        pytest.param(
            {"type": "string", "default": "redis:5.0.4-alpine"},
            {"ui:help": 'Default: "redis:5.0.4-alpine"', "ui:placeholder": "redis:5.0.4-alpine"},
            id="string",
        ),
        pytest.param({"type": "integer", "default": 3}, {"ui:help": "Default: 3", "ui:placeholder": "3"}, id="integer"),
        pytest.param(
            {"type": "boolean", "default": False}, {"ui:help": "Default: false", "ui:placeholder": "false"}, id="false"
        ),
        pytest.param({"type": "string", "default": ""}, {"ui:help": 'Default: ""', "ui:placeholder": ""}, id="empty"),
        pytest.param(
            {"type": "object", "default": {"b": 1, "a": 2}, "properties": {"a": {"type": "integer"}}},
            {"ui:help": 'Default: {"a": 2, "b": 1}'},
            id="object-no-placeholder",
        ),
        pytest.param(
            {"type": "array", "default": ["x"], "items": {"type": "string"}},
            {"ui:help": 'Default: ["x"]'},
            id="array-no-placeholder",
        ),
        pytest.param(
            {"x-kubernetes-int-or-string": True, "default": "1Gi"},
            {"ui:help": 'Default: "1Gi"', "ui:placeholder": "1Gi"},
            id="int-or-string",
        ),
        pytest.param({"type": "string", "default": None}, {}, id="null-default-says-nothing"),
    ],
)
def test_a_default_is_shown_not_filled_in(node, ui):
    schema, field_ui = field(node)
    assert "default" not in schema
    assert field_ui == ui


@pytest.mark.parametrize("kept", sorted(KEPT_FORMATS))
def test_draft7_formats_are_kept(kept):
    assert field({"type": "string", "format": kept}) == ({"type": "string", "format": kept}, {})


@pytest.mark.parametrize(
    "node",
    [
        pytest.param({"type": "integer", "format": "int32"}, id="int32"),
        pytest.param({"type": "integer", "format": "int64"}, id="int64"),
        pytest.param({"type": "number", "format": "double"}, id="double"),
        pytest.param({"type": "number", "format": "float"}, id="float"),
        pytest.param({"type": "string", "format": "byte"}, id="byte"),
        pytest.param({"type": "string", "format": "duration"}, id="duration"),
        pytest.param({"type": "string", "format": "cidr"}, id="cidr"),
        pytest.param({"type": "string", "format": "datetime"}, id="kubernetes-datetime"),
    ],
)
def test_kubernetes_formats_are_dropped(node):
    schema, ui = field(node)
    assert schema == {"type": node["type"]}
    assert ui == {}


def test_a_password_is_a_secret_field_with_a_password_widget():
    form = form_for({"type": "object", "properties": {"password": {"type": "string", "format": "password"}}})
    assert form == Form(
        schema={"type": "object", "properties": {"password": {"type": "string"}}},
        ui_schema={"password": {"ui:widget": "password"}},
        secret_fields=["password"],
    )


@pytest.mark.parametrize(
    ("openapi", "secret_fields", "ui_schema"),
    [
        pytest.param(
            {"properties": {"auth": {"properties": {"pass": {"type": "string", "format": "password"}}}}},
            ["auth.pass"],
            {"auth": {"pass": {"ui:widget": "password"}}},
            id="nested",
        ),
        pytest.param(
            {"properties": {"users": {"items": {"properties": {"pw": {"type": "string", "format": "password"}}}}}},
            ["users[*].pw"],
            {"users": {"items": {"pw": {"ui:widget": "password"}}}},
            id="in-list-items",
        ),
        pytest.param(
            {"properties": {"tokens": {"additionalProperties": {"type": "string", "format": "password"}}}},
            ["tokens[*]"],
            {"tokens": {"additionalProperties": {"ui:widget": "password"}}},
            id="map-values",
        ),
        pytest.param(
            {"properties": {"a.b": {"type": "string", "format": "password"}}},
            ['["a.b"]'],
            {"a.b": {"ui:widget": "password"}},
            id="a-name-with-a-dot",
        ),
        pytest.param(
            {
                "properties": {
                    "raw": {
                        "type": "object",
                        "x-kubernetes-preserve-unknown-fields": True,
                        "properties": {"token": {"type": "string", "format": "password"}},
                    }
                }
            },
            ["raw.token"],
            {"raw": {**JSON_UI, "ui:help": f"{JSON_HELP} object"}},
            id="declared-inside-json-text",
        ),
        pytest.param({"properties": {"p": {"type": "string"}}}, [], {}, id="none"),
    ],
)
def test_secret_fields_are_named_by_their_path_in_the_spec(openapi, secret_fields, ui_schema):
    form = form_for({"type": "object", **openapi})
    assert (form.secret_fields, form.ui_schema) == (secret_fields, ui_schema)


def test_the_real_crd_has_one_secret_the_password():
    form = form_for(REAL_SPEC)
    assert form.secret_fields == ["password"]
    assert form.ui_schema["password"] == {"ui:widget": "password"}


@pytest.mark.parametrize(
    ("node", "schema"),
    [
        pytest.param({"type": "string", "nullable": True}, {"type": "string"}, id="scalar"),
        pytest.param(
            {"type": "object", "nullable": True, "properties": {"a": {"type": "integer", "nullable": True}}},
            {"type": "object", "properties": {"a": {"type": "integer"}}},
            id="nested",
        ),
        pytest.param(
            {"type": "string", "nullable": True, "enum": ["a", None]}, {"type": "string", "enum": ["a"]}, id="enum"
        ),
        pytest.param(
            {
                "type": "object",
                "required": ["a", "b"],
                "properties": {"a": {"type": "string", "nullable": True}, "b": {"type": "string"}},
            },
            {"type": "object", "required": ["b"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
            id="required-but-nullable-is-not-required",
        ),
        pytest.param(
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "nullable": True}}},
            {"type": "object", "properties": {"a": {"type": "string"}}},
            id="required-empties",
        ),
        pytest.param(
            {"type": "array", "items": {"type": "string", "nullable": True, "enum": ["a"]}},
            {"type": "array", "items": {"type": ["string", "null"], "enum": ["a", None]}},
            id="list-items-keep-their-nulls",
        ),
        pytest.param(
            {"type": "array", "items": {"x-kubernetes-int-or-string": True, "nullable": True}},
            {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]}},
            id="list-items-int-or-string",
        ),
    ],
)
def test_nullable_is_dropped(node, schema):
    assert field(node) == (schema, {})


QUANTITY = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)
INT_OR_STRING = [{"type": "integer"}, {"type": "string"}]


@pytest.mark.parametrize(
    ("node", "schema"),
    [
        pytest.param({"x-kubernetes-int-or-string": True}, {"anyOf": INT_OR_STRING}, id="bare"),
        pytest.param(
            {"x-kubernetes-int-or-string": True, "anyOf": copy.deepcopy(INT_OR_STRING)},
            {"anyOf": INT_OR_STRING},
            id="anyOf-not-doubled",
        ),
        pytest.param(
            {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "string"}, {"type": "integer"}]},
            {"anyOf": INT_OR_STRING},
            id="anyOf-other-order",
        ),
        pytest.param(
            {"x-kubernetes-int-or-string": True, "anyOf": INT_OR_STRING, "pattern": QUANTITY, "description": "d"},
            {"description": "d", "anyOf": [{"type": "integer"}, {"type": "string", "pattern": QUANTITY}]},
            id="pattern-under-the-string-branch",
        ),
        pytest.param(
            {"x-kubernetes-int-or-string": True, "maxLength": 5, "minimum": 1, "format": "int-or-string"},
            {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "maxLength": 5}]},
            id="bounds-by-branch",
        ),
        pytest.param(
            {"x-kubernetes-int-or-string": True, "anyOf": [{"minimum": 1}, {"pattern": "^a"}]},
            {"allOf": [{"anyOf": [{"minimum": 1}, {"pattern": "^a"}]}], "anyOf": INT_OR_STRING},
            id="another-anyOf-is-kept-beside",
        ),
        pytest.param(
            {"x-kubernetes-int-or-string": True, "enum": [1, "a"]},
            {"enum": [1, "a"], "anyOf": INT_OR_STRING},
            id="enum",
        ),
    ],
)
def test_int_or_string_is_an_integer_or_a_string(node, schema):
    assert field(node) == (schema, {})


@pytest.mark.parametrize(
    ("node", "schema", "ui"),
    [
        pytest.param(
            {"type": "object", "description": "Affinity.", "x-kubernetes-preserve-unknown-fields": True},
            {"type": "string", "description": "Affinity."},
            {**JSON_UI, "ui:help": "JSON object"},
            id="preserve-unknown",
        ),
        pytest.param(
            {
                "type": "object",
                "title": "T",
                "x-kubernetes-preserve-unknown-fields": True,
                "required": ["a"],
                "properties": {"a": {"type": "integer", "default": 1}, "b": {"x-kubernetes-int-or-string": True}},
            },
            {"type": "string", "title": "T"},
            {**JSON_UI, "ui:help": "JSON object"},
            id="with-properties",
        ),
        pytest.param(
            {"type": "object", "x-kubernetes-embedded-resource": True, "x-kubernetes-preserve-unknown-fields": True},
            {"type": "string"},
            {**JSON_UI, "ui:help": "JSON object"},
            id="embedded-resource",
        ),
        pytest.param(
            {"type": "object", "x-kubernetes-embedded-resource": True, "properties": {"kind": {"type": "string"}}},
            {"type": "string"},
            {**JSON_UI, "ui:help": "JSON object"},
            id="embedded-resource-with-properties",
        ),
        pytest.param(
            {"x-kubernetes-preserve-unknown-fields": True},
            {"type": "string"},
            {**JSON_UI, "ui:help": "JSON value"},
            id="any-value",
        ),
        pytest.param(
            {"type": "array", "x-kubernetes-preserve-unknown-fields": True, "items": {"type": "object"}},
            {"type": "string"},
            {**JSON_UI, "ui:help": "JSON array"},
            id="array",
        ),
        pytest.param(
            {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "default": {"a": [1]}},
            {"type": "string"},
            {**JSON_UI, "ui:help": 'JSON object. Default: {"a": [1]}', "ui:placeholder": '{\n  "a": [\n    1\n  ]\n}'},
            id="with-default",
        ),
    ],
)
def test_a_node_kept_as_written_is_json_text(node, schema, ui):
    assert field(node) == (schema, ui)
    assert ui["ui:help"].startswith(JSON_HELP), "the page knows JSON text by its help"


def test_a_required_json_field_stays_required():
    openapi = {
        "type": "object",
        "required": ["raw"],
        "properties": {"raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
    }
    assert form_for(openapi).schema["required"] == ["raw"]


@pytest.mark.parametrize(
    ("node", "schema"),
    [
        pytest.param(
            {"type": "string", "x-kubernetes-validations": [{"rule": "self != ''", "message": "m"}]},
            {"type": "string"},
            id="validations",
        ),
        pytest.param(
            {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["type"],
                "items": {"type": "object", "x-kubernetes-map-type": "atomic", "properties": {}},
            },
            {"type": "array", "items": {"type": "object", "properties": {}}},
            id="list-and-map-types",
        ),
        pytest.param({"type": "string", "example": "e", "externalDocs": {}}, {"type": "string"}, id="openapi-only"),
    ],
)
def test_other_kubernetes_extensions_are_left_to_the_api_server(node, schema):
    assert field(node) == (schema, {})


def test_the_ui_schema_nests_as_rjsf_reads_it():
    password = {"type": "string", "format": "password"}
    openapi = {
        "type": "object",
        "properties": {
            "list": {"type": "array", "items": {"type": "object", "properties": {"pw": password}}},
            "map": {"type": "object", "additionalProperties": {"type": "object", "properties": {"pw": password}}},
            "plain": {"type": "object", "properties": {"a": {"type": "string"}}},
            "raws": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
        },
    }
    assert form_for(openapi).ui_schema == {
        "list": {"items": {"pw": {"ui:widget": "password"}}},
        "map": {"additionalProperties": {"pw": {"ui:widget": "password"}}},
        "raws": {"items": {**JSON_UI, "ui:help": "JSON object"}},
    }


def test_form_for_leaves_the_crd_as_it_was():
    before = copy.deepcopy(REAL_SPEC)
    form = form_for(REAL_SPEC)
    form.schema["properties"]["size"]["type"] = "changed"
    assert before == REAL_SPEC


def test_the_real_crd_form():
    form = form_for(REAL_SPEC)
    properties = form.schema["properties"]
    assert properties["size"] == {"type": "integer", "description": REAL_SPEC["properties"]["size"]["description"]}
    assert properties["resources"]["properties"]["limits"]["additionalProperties"] == {
        "anyOf": [{"type": "integer"}, {"type": "string", "pattern": QUANTITY}]
    }
    assert properties["config"]["additionalProperties"] == {"type": "string"}
    assert properties["config"]["maxProperties"] == 256
    for json_text in ("affinity", "securityContext"):
        assert properties[json_text]["type"] == "string"
        assert form.ui_schema[json_text]["ui:help"].startswith(JSON_HELP)
    claim = properties["storage"]["properties"]["persistentVolumeClaim"]["properties"]
    assert claim["spec"]["type"] == "string"
    assert form.ui_schema["size"] == {"ui:help": "Default: 3", "ui:placeholder": "3"}
    assert properties["passwordSecret"]["required"] == ["name"]
    assert_a_clean_draft7_schema(form.schema)
    assert_the_ui_schema_mirrors(form.ui_schema, form.schema)


# Values.


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param({"a": None, "b": 1}, {"b": 1}, id="map-entry"),
        pytest.param({"a": {"b": None, "c": {"d": None}}}, {"a": {"c": {}}}, id="nested"),
        pytest.param([None, {"a": None}, 1], [None, {}, 1], id="list-items-stay"),
        pytest.param(None, None, id="null"),
        pytest.param("s", "s", id="scalar"),
    ],
)
def test_without_nulls(value, expected):
    assert without_nulls(value) == expected


RAW = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
OPENAPI = {
    "type": "object",
    "properties": {
        "size": {"type": "integer"},
        "raw": RAW,
        "raws": {"type": "array", "items": RAW},
        "rawMap": {"type": "object", "additionalProperties": RAW},
        "anything": {"x-kubernetes-preserve-unknown-fields": True},
        "password": {"type": "string", "format": "password"},
        "limits": {"type": "object", "additionalProperties": {"x-kubernetes-int-or-string": True}},
    },
}


@pytest.mark.parametrize(
    ("value", "data"),
    [
        pytest.param({"size": 3}, {"size": 3}, id="plain"),
        pytest.param(
            {"raw": {"b": 1, "a": {"c": [1, None]}}},
            {"raw": '{\n  "a": {\n    "c": [\n      1,\n      null\n    ]\n  },\n  "b": 1\n}'},
            id="json-text-sorted-and-indented",
        ),
        pytest.param({"raw": {"a": None}}, {"raw": "{}"}, id="json-text-without-nulls"),
        pytest.param({"raws": [{}, {"a": 1}]}, {"raws": ["{}", '{\n  "a": 1\n}']}, id="list-of-json-text"),
        pytest.param({"rawMap": {"k": {}}}, {"rawMap": {"k": "{}"}}, id="map-of-json-text"),
        pytest.param({"anything": "text"}, {"anything": '"text"'}, id="any-value"),
        pytest.param({"size": None, "raw": None}, {}, id="nulls-dropped"),
        pytest.param({"password": "p"}, {"password": "p"}, id="password-as-it-is"),
        pytest.param({"limits": {"cpu": "100m", "memory": 5}}, {"limits": {"cpu": "100m", "memory": 5}}, id="ios"),
    ],
)
def test_to_form_and_back(value, data):
    assert to_form(OPENAPI, value) == data
    assert from_form(OPENAPI, data) == without_nulls(value)


@pytest.mark.parametrize(
    ("data", "value"),
    [
        pytest.param({"raw": ""}, {}, id="empty-text-is-absent"),
        pytest.param({"raw": " \n\t "}, {}, id="blank-text-is-absent"),
        pytest.param({"raw": "null"}, {}, id="null-text-is-absent"),
        pytest.param({"raw": '{"a": null, "b": [null]}'}, {"raw": {"b": [None]}}, id="nulls-in-text-dropped"),
        pytest.param({"raws": ["{}", "  ", "{}"]}, {"raws": [{}, {}]}, id="blank-list-item-left-out"),
        pytest.param({"raws": [None]}, {"raws": [None]}, id="null-list-item-stays"),
        pytest.param({"rawMap": {"k": ""}}, {"rawMap": {}}, id="blank-map-value-is-absent"),
        pytest.param({"size": None, "limits": {"cpu": None}}, {"limits": {}}, id="nulls-of-rjsf-dropped"),
        pytest.param({"unknown": {"x": None}}, {"unknown": {}}, id="unknown-field-kept"),
    ],
)
def test_from_form_reads_what_the_page_sends(data, value):
    assert from_form(OPENAPI, data) == value


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        pytest.param({"raw": "{"}, "raw", "is not valid JSON", id="invalid"),
        pytest.param({"raw": "[1, 2]"}, "raw", "must be a JSON object", id="not-an-object"),
        pytest.param({"raw": "true"}, "raw", "must be a JSON object", id="boolean-is-not-an-object"),
        pytest.param({"raw": '{"a": NaN}'}, "raw", "NaN is not a JSON number", id="nan"),
        pytest.param({"raw": '{"a": -Infinity}'}, "raw", "is not valid JSON", id="infinity"),
        pytest.param({"raw": '{"a": 1, "a": 2}'}, "raw", "appears twice", id="duplicate-key"),
        pytest.param({"raw": {"a": 1}}, "raw", "must be JSON text", id="not-text"),
        pytest.param({"raws": ["{}", "x"]}, "raws[1]", "is not valid JSON", id="list-item"),
        pytest.param({"rawMap": {"k.1": "x"}}, "rawMap[k.1]", "is not valid JSON", id="map-value"),
    ],
)
def test_text_that_is_not_json_is_a_field_error(data, path, message):
    with pytest.raises(FormError) as raised:
        from_form(OPENAPI, data)
    assert isinstance(raised.value, ValueError)
    assert raised.value.path == path
    assert message in raised.value.message
    assert str(raised.value).startswith(f"{path}: ")


def test_form_error_paths_follow_the_prefix():
    with pytest.raises(FormError) as raised:
        from_form(OPENAPI, {"rawMap": {"k": "{"}}, prefix="spec")
    assert raised.value.path == "spec.rawMap[k]"


@pytest.mark.parametrize(
    ("value", "redacted", "dropped"),
    [
        pytest.param({"password": "p", "size": 3}, {"password": "(set)", "size": 3}, {"size": 3}, id="set"),
        pytest.param({"password": ""}, {"password": ""}, {}, id="empty-means-no-auth"),
        pytest.param({"password": None}, {"password": None}, {"password": None}, id="null"),
        pytest.param({"size": 3}, {"size": 3}, {"size": 3}, id="absent"),
    ],
)
def test_secrets_are_redacted_and_dropped(value, redacted, dropped):
    assert redact(OPENAPI, value) == redacted
    assert drop_secrets(OPENAPI, value) == dropped


def test_secrets_at_every_depth():
    password = {"type": "string", "format": "password"}
    openapi = {
        "type": "object",
        "properties": {
            "users": {"type": "array", "items": {"type": "object", "properties": {"pw": password, "n": {}}}},
            "tokens": {"type": "object", "additionalProperties": password},
            "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {"pw": password}},
            "pins": {"type": "array", "items": password},
        },
    }
    value = {
        "users": [{"pw": "a", "n": 1}, {"n": 2}],
        "tokens": {"x": "t", "y": ""},
        "raw": {"pw": "r", "other": 1},
        "pins": ["1", "2"],
    }
    before = copy.deepcopy(value)
    assert redact(openapi, value, mark="***") == {
        "users": [{"pw": "***", "n": 1}, {"n": 2}],
        "tokens": {"x": "***", "y": ""},
        "raw": {"pw": "***", "other": 1},
        "pins": ["***", "***"],
    }
    assert drop_secrets(openapi, value) == {
        "users": [{"n": 1}, {"n": 2}],
        "tokens": {},
        "raw": {"other": 1},
        "pins": [],
    }
    assert value == before, "the caller's value is left as it was"


def test_the_real_crd_password_never_reaches_the_form():
    spec = {"size": 3, "password": "hunter2", "sentinel": {"quorum": 2}}
    assert redact(REAL_SPEC, spec) == {**spec, "password": "(set)"}
    assert "hunter2" not in json.dumps(to_form(REAL_SPEC, drop_secrets(REAL_SPEC, spec)))


# Property tests.


def _many_by_the_old_protocol(data: Any, **sizes: Any) -> Any:
    """hypothesis-jsonschema 0.23.1 (the newest) draws an object's keys with Hypothesis' private `many` by its old
    protocol, `while elements.more(): ... elements.reject()`; Hypothesis 6.170 (requirements-dev.txt) replaced it
    with `with many(...) as elements: for _ in elements:`, so every object schema fails there ("'many' object has no
    attribute 'more'"). This speaks the old protocol over the new one, for this module's tests only."""
    elements = conjecture_utils.many(data, **sizes)
    iterator = iter(elements.__enter__())
    stop = object()

    class OldMany:
        @staticmethod
        def more() -> bool:
            if next(iterator, stop) is stop:
                elements.__exit__(None, None, None)
                return False
            return True

        @staticmethod
        def reject(why: str | None = None) -> None:
            elements.reject(why)

    return OldMany()


@pytest.fixture(scope="module", autouse=True)
def _hypothesis_jsonschema_on_this_hypothesis():
    if hasattr(conjecture_utils.many, "more"):  # the old protocol: nothing to adapt
        yield
        return

    class Utils:
        many = staticmethod(_many_by_the_old_protocol)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_from_schema, "cu", Utils)
        yield


def valid_values(node: Any) -> Any:
    """The JSON Schema of the values the API server takes for `node`, written apart from the module under test.

    Unknown fields are pruned by the API server, so an object with properties has no others; a node kept as written
    is any object; int-or-string is an integer or a string (the pattern for strings); nullable admits null; the
    formats of draft 7 stay, int32 and int64 are bounds, the others (byte, password, ...) any string.
    """
    if not isinstance(node, dict):
        return node
    if node.get("x-kubernetes-preserve-unknown-fields") or node.get("x-kubernetes-embedded-resource"):
        out: dict = {"type": "object"} if node.get("type", "object") == "object" else {}
    elif node.get("x-kubernetes-int-or-string"):
        string = {"type": "string", **{key: node[key] for key in ("pattern", "minLength", "maxLength") if key in node}}
        out = {"anyOf": [{"type": "integer"}, string]}
    else:
        out = {
            key: node[key]
            for key in (
                "type",
                "enum",
                "minimum",
                "maximum",
                "multipleOf",
                "minLength",
                "maxLength",
                "pattern",
                "minItems",
                "maxItems",
                "uniqueItems",
                "minProperties",
                "maxProperties",
                "required",
            )
            if key in node
        }
        for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if node.get(exclusive) is True and bound in node:
                out[exclusive] = out.pop(bound)
        if node.get("format") in KEPT_FORMATS:
            out["format"] = node["format"]
        elif node.get("format") in ("int32", "int64"):
            bits = 31 if node["format"] == "int32" else 63
            out["allOf"] = [{"minimum": -(2**bits), "maximum": 2**bits - 1}]
        if "properties" in node:
            out["properties"] = {name: valid_values(child) for name, child in node["properties"].items()}
            out.setdefault("additionalProperties", False)
        if "additionalProperties" in node:
            out["additionalProperties"] = valid_values(node["additionalProperties"])
        if "items" in node:
            out["items"] = valid_values(node["items"])
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


NAMES = st.sampled_from(["a", "b", "size", "name", "items", "x-y", "d.e", "__proto"])
PATTERNS = ["^[a-z]+$", "^[0-9]{1,3}$", "^(yes|no)$", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", QUANTITY]
STRING_FORMATS = ["password", "byte", "duration", "cidr", *sorted(KEPT_FORMATS)]
# hypothesis-jsonschema has no uuid format (it would draw any string); jsonschema's draft-7 checker does not check it,
# but the browser's does.
CUSTOM_FORMATS = {"uuid": st.uuids().map(str)}


@st.composite
def strings(draw: Any) -> dict:
    node: dict = {"type": "string"}
    kind = draw(st.sampled_from(["plain", "enum", "pattern", "format"]))
    if kind == "enum":
        node["enum"] = draw(st.lists(st.text("abXY-", max_size=4), min_size=1, max_size=3, unique=True))
    elif kind == "pattern":
        node["pattern"] = draw(st.sampled_from(PATTERNS))
    elif kind == "format":
        node["format"] = draw(st.sampled_from(STRING_FORMATS))
    else:
        low = draw(st.integers(0, 3))
        node.update(draw(st.sampled_from([{}, {"minLength": low}, {"maxLength": low + 4}])))
    return node


@st.composite
def numbers(draw: Any) -> dict:
    node: dict = {"type": draw(st.sampled_from(["integer", "integer", "number"]))}
    if node["type"] == "integer" and draw(st.booleans()):
        node["format"] = draw(st.sampled_from(["int32", "int64"]))
    elif node["type"] == "number" and draw(st.booleans()):
        node["format"] = "double"
    low, span = draw(st.integers(-100, 100)), draw(st.integers(2, 100))
    if draw(st.booleans()):
        node["minimum"] = low
        if draw(st.booleans()):
            node["exclusiveMinimum"] = draw(st.booleans())
    if draw(st.booleans()):
        node["maximum"] = low + span
        if draw(st.booleans()):
            node["exclusiveMaximum"] = draw(st.booleans())
    return node


def int_or_string() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(
        {"x-kubernetes-int-or-string": st.just(True)},
        optional={
            "anyOf": st.just([{"type": "integer"}, {"type": "string"}]),
            "pattern": st.sampled_from([QUANTITY, "^[0-9]+%$"]),
        },
    )


SECRETS = st.just({"type": "string", "format": "password"})  # drawn on its own too: among formats it is rare
LEAVES = st.one_of(strings(), numbers(), st.just({"type": "boolean"}), int_or_string(), SECRETS)


def objects(children: st.SearchStrategy[dict]) -> st.SearchStrategy[dict]:
    @st.composite
    def build(draw: Any) -> dict:
        properties = draw(st.dictionaries(NAMES, children, min_size=1, max_size=4))
        node = {"type": "object", "properties": properties}
        required = draw(st.lists(st.sampled_from(sorted(properties)), unique=True))
        if required:
            node["required"] = required
        return node

    return build()


def containers(children: st.SearchStrategy[dict]) -> st.SearchStrategy[dict]:
    kept_as_written = st.fixed_dictionaries(
        {"type": st.just("object")},
        optional={
            "properties": st.dictionaries(NAMES, children, max_size=2),
            "x-kubernetes-embedded-resource": st.just(True),
        },
    ).map(lambda node: {**node, "x-kubernetes-preserve-unknown-fields": True})
    arrays = st.fixed_dictionaries(
        {"type": st.just("array"), "items": children, "maxItems": st.integers(1, 3)},
        optional={
            "minItems": st.just(1),
            "x-kubernetes-list-type": st.just("atomic"),
            "uniqueItems": st.just(False),
        },
    )
    maps = st.fixed_dictionaries(
        {"type": st.just("object"), "additionalProperties": children, "maxProperties": st.integers(1, 3)},
        optional={"x-kubernetes-map-type": st.just("granular")},
    )
    return st.one_of(objects(children), arrays, maps, kept_as_written)


def decorated(node: dict) -> st.SearchStrategy[dict]:
    """A node with what Kubernetes adds and the form must not keep: nullable, a default, CEL rules; and docs."""
    default = {"object": st.just({}), "array": st.just([]), "boolean": st.booleans(), "integer": st.integers(0, 9)}
    return st.fixed_dictionaries(
        {},
        optional={
            "nullable": st.booleans(),
            "description": st.text("abc .", max_size=8),
            "default": default.get(node.get("type"), st.text("abc", max_size=3)),
            "x-kubernetes-validations": st.just([{"rule": "true", "message": "never"}]),
        },
    ).map(lambda extra: {**node, **extra})


SCHEMAS = st.recursive(
    LEAVES.flatmap(decorated), lambda children: containers(children).flatmap(decorated), max_leaves=8
)
SPECS = objects(SCHEMAS)  # a spec is an object, never null


def assert_a_clean_draft7_schema(schema: Any, path: str = "") -> None:
    """What the browser's validator reads: draft 7 only, nothing of Kubernetes', no default RJSF would fill in."""
    if path == "":
        Draft7Validator.check_schema(schema)
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            assert_a_clean_draft7_schema(item, f"{path}[{index}]")
    if not isinstance(schema, dict):
        return
    for key, child in schema.items():
        assert not key.startswith("x-kubernetes"), f"{path}.{key}"
        assert key not in ("default", "nullable"), f"{path}.{key}"
        if key == "format":
            assert child in KEPT_FORMATS, f"{path}: format {child}"
        if key in ("properties",):
            for name, grandchild in child.items():
                assert_a_clean_draft7_schema(grandchild, f"{path}.{name}")
        elif key not in ("enum", "required"):
            assert_a_clean_draft7_schema(child, f"{path}.{key}")


def assert_the_ui_schema_mirrors(ui: dict, schema: dict, path: str = "") -> None:
    """Each level of the uiSchema is one of the form schema: a field, `items` or `additionalProperties`."""
    for key, child in ui.items():
        assert key != "ui:order", path
        if key.startswith("ui:"):
            continue
        if key in ("items", "additionalProperties") and isinstance(schema.get(key), dict):
            assert_the_ui_schema_mirrors(child, schema[key], f"{path}.{key}")
        else:
            assert key in schema.get("properties", {}), f"{path}.{key} is not a field of the form"
            assert_the_ui_schema_mirrors(child, schema["properties"][key], f"{path}.{key}")


def assert_the_form_round_trips(openapi: dict, value: Any) -> None:
    before = copy.deepcopy(openapi)
    form = form_for(openapi)
    assert_a_clean_draft7_schema(form.schema)
    assert_the_ui_schema_mirrors(form.ui_schema, form.schema)

    data = to_form(openapi, value)
    assert json.loads(json.dumps(data)) == data, "the form data is JSON"
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in Draft7Validator(form.schema, format_checker=Draft7Validator.FORMAT_CHECKER).iter_errors(data)
    ]
    assert errors == [], f"the browser would refuse {data!r}"
    assert from_form(openapi, data) == without_nulls(value)

    mark = "\x00redacted\x00"
    dropped = drop_secrets(openapi, value)
    assert drop_secrets(openapi, redact(openapi, value, mark=mark)) == dropped, "redact and drop touch the same fields"
    assert mark not in json.dumps(redact(openapi, dropped, mark=mark)), "nothing secret is left to redact"
    assert bool(form.secret_fields) == ('"format": "password"' in json.dumps(_structural(openapi)))
    assert openapi == before, "form_for, to_form and from_form leave the schema as it was"


def _structural(node: Any) -> Any:
    """The schema without what is neither a field nor a list's items nor a map's values (for finding secrets)."""
    if not isinstance(node, dict):
        return node
    kept = {key: node[key] for key in ("format",) if key in node}
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            kept[key] = _structural(node[key])
    if "properties" in node:
        kept["properties"] = {name: _structural(child) for name, child in node["properties"].items()}
    return kept


# The number of examples keeps the file well under 20 s (hypothesis-jsonschema canonicalises each drawn schema).
@settings(max_examples=100, deadline=None)
@given(openapi=SPECS, data=st.data())
def test_every_valid_spec_round_trips_through_a_valid_form(openapi, data):
    value = data.draw(from_schema(valid_values(openapi), custom_formats=CUSTOM_FORMATS), label="value")
    assert_the_form_round_trips(openapi, value)


def real_spec_for_drawing() -> dict:
    """The real spec's schema, except what hypothesis-jsonschema draws too slowly to be useful.

    (Nothing is left out today: the resource quantity pattern is drawn by Python's regex strategy. Keep this the one
    place to restrict the real schema, with the reason next to each restriction.)
    """
    return copy.deepcopy(REAL_SPEC)


REAL_VALUES = from_schema(valid_values(real_spec_for_drawing()), custom_formats=CUSTOM_FORMATS)


@settings(max_examples=60, deadline=None)
@given(value=REAL_VALUES)
def test_every_valid_redis_cluster_spec_round_trips(value):
    assert_the_form_round_trips(REAL_SPEC, value)


def test_a_full_redis_cluster_spec_round_trips():
    spec = {
        "size": 3,
        "image": "redis:7",
        "resources": {"limits": {"cpu": "400m", "memory": "300Mi"}, "requests": {"cpu": 1}},
        "storage": {
            "persistentVolumeClaim": {
                "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
            }
        },
        "password": "secret",
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": []}},
        "securityContext": {"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]},
        "config": {"hz": "10", "maxmemory-policy": "allkeys-lru"},
        "sentinel": {"replicas": 3, "quorum": 2, "customConfig": ["down-after-milliseconds 5000"]},
        "toleRations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
    }
    assert_the_form_round_trips(REAL_SPEC, spec)
    data = to_form(REAL_SPEC, spec)
    assert (
        json.loads(data["storage"]["persistentVolumeClaim"]["spec"]) == spec["storage"]["persistentVolumeClaim"]["spec"]
    )


SECRET_SPEC = {
    "type": "object",
    "properties": {
        "size": {"type": "integer"},
        "password": {"type": "string", "format": "password"},
        "auth": {"type": "object", "properties": {"token": {"type": "string", "format": "password"}}},
    },
}


@pytest.mark.parametrize(
    ("submitted", "current", "kept"),
    [
        ({"size": 4}, {"size": 3, "password": "p"}, {"size": 4, "password": "p"}),
        ({"size": 4, "password": "new"}, {"size": 3, "password": "p"}, {"size": 4, "password": "new"}),
        ({"size": 4}, {"size": 3}, {"size": 4}),
        ({"auth": {}}, {"auth": {"token": "t"}}, {"auth": {"token": "t"}}),
        ({}, {"auth": {"token": "t"}}, {}),  # the user removed the whole object: so is its secret
    ],
)
def test_an_edit_keeps_the_secrets_the_form_never_held(submitted, current, kept):
    assert keep_secrets(SECRET_SPEC, submitted, current) == kept
