"""The edit form of a custom resource's spec, made from its CRD's structural openAPIV3Schema.

The page renders the form with react-jsonschema-form (RJSF 6), which validates in the browser with
@cfworker/json-schema (draft 7). A CRD's schema is OpenAPI 3.0 with Kubernetes extensions, not draft 7, and some of its
nodes (Kubernetes objects kept as written, `x-kubernetes-preserve-unknown-fields`) have no shape a form can edit. So:

- `form_for` turns the schema into a draft-7 JSON Schema and RJSF's uiSchema, and names the secret fields;
- `to_form` and `from_form` convert the spec into the form's data and back (a node kept as written is JSON text in
  the form), so that `from_form(s, to_form(s, v)) == without_nulls(v)` for every spec `v` valid against `s`;
- `redact` and `drop_secrets` keep passwords out of what the page shows and of the form's current values;
- `field_errors` and `error_tree` put the API server's verdicts (a 422 Status' causes) next to the fields.

The API server stays the judge: what the form leaves out (CEL rules, list types, Kubernetes' own formats) it reports
on the server-side dry run, and the page shows those reports with `error_tree`. Pure functions, no I/O: the console's
server (console/API.md, `GET /api/kinds/{kind}/form`) calls them.

Paths: `secret_fields` are relative to the spec ("password", "sentinel.auth"); `[*]` stands for every item of a list
or every value of a map ("users[*].password"). `FormError.path` is relative to the spec too ("affinity",
"config[hz]", "tolerations[0]"), unless from_form is given a prefix; the keys of `field_errors` are the API server's,
from the object ("spec.sentinel.quorum", "spec.config[hz]", "spec.tolerations[0].key"), and error_tree reads both
spellings of a map key and "spec.[key]" (a relative path that starts with a key, put under "spec.").
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "JSON_HELP",
    "KEPT_FORMATS",
    "Form",
    "FormError",
    "drop_secrets",
    "error_tree",
    "field_errors",
    "form_for",
    "from_form",
    "redact",
    "to_form",
    "without_nulls",
]

# Formats draft 7 defines and the browser's validator checks. Kubernetes' own (int32, int64, byte, password, ...) are
# not draft 7: a draft-7 validator ignores or misreads them, and the API server checks them on the dry run anyway.
KEPT_FORMATS = frozenset({"date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6", "hostname"})

# Keywords that mean the same in OpenAPI 3.0 and draft 7, copied as they are. (multipleOf is one of them: Kubernetes
# accepts it, and the browser can check it as well as the API server.)
_KEPT_KEYWORDS = frozenset(
    {
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
        "description",
        "title",
    }
)
# Keywords that an int-or-string node's bounds move into: draft 7 applies them to one type only, and RJSF renders each
# branch of the anyOf on its own, so they are shown with the branch they apply to.
_STRING_KEYWORDS = ("pattern", "minLength", "maxLength", "format")
_INTEGER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")

# The start of the help of a field edited as JSON text: the page knows such a field by it (it shows the text in a
# monospace font and parses it before sending it).
JSON_HELP = "JSON"
_JSON_UI_OPTIONS = {"rows": 6}

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*")
_DROP = object()  # a secret drop_secrets removes, or a blank JSON text: the parent leaves the entry out


@dataclass(frozen=True)
class Form:
    """What the page needs to render the form: `schema` (draft 7), `ui_schema` (RJSF) and the secret fields."""

    schema: dict
    ui_schema: dict
    secret_fields: list[str]


class FormError(ValueError):
    """Form data that cannot become a spec (text that is not JSON): `path` is the field, as fieldErrors keys it."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


# Schema.


def form_for(openapi: dict) -> Form:
    """The form of values valid against `openapi` (a CRD's structural schema of the spec)."""
    schema, ui_schema = _form_node(openapi)
    return Form(schema=schema, ui_schema=ui_schema, secret_fields=_secret_paths(openapi, ""))


def _is_json_text(node: Any) -> bool:
    """Whether the node holds Kubernetes objects kept as written: the form edits them as JSON text.

    Their fields are open (preserve-unknown) or another kind's (embedded resource), so a form of the declared fields
    only would drop what the user wrote; text keeps all of it, and the API server checks it on the dry run.
    """
    return isinstance(node, dict) and (
        node.get("x-kubernetes-preserve-unknown-fields") is True or node.get("x-kubernetes-embedded-resource") is True
    )


def _is_secret(node: Any) -> bool:
    return isinstance(node, dict) and node.get("format") == "password" and not _is_json_text(node)


def _form_node(node: Any) -> tuple[Any, dict]:
    """One node's draft-7 schema and uiSchema (recursively)."""
    if not isinstance(node, dict):
        return copy.deepcopy(node), {}
    if _is_json_text(node):
        return _json_text_node(node)
    schema: dict = {}
    ui: dict = {}
    properties = node.get("properties")
    for key, value in node.items():
        if key in _KEPT_KEYWORDS:
            schema[key] = copy.deepcopy(value)
        elif key == "format" and value in KEPT_FORMATS:
            schema[key] = value
        elif key == "properties" and isinstance(value, dict):
            schema[key] = {}
            for name, child in value.items():
                schema[key][name], child_ui = _form_node(child)
                if child_ui:
                    ui[name] = child_ui
        elif key == "required" and isinstance(value, list):
            # A nullable field may be null where the CRD requires it, and the form cannot hold a null (to_form drops
            # nulls: for server-side apply a null is no value): requiring it would refuse the form of a valid spec.
            required = [name for name in value if not (properties or {}).get(name, {}).get("nullable")]
            if required:
                schema[key] = list(required)
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            schema[key], child_ui = _form_node(value)
            if key == "items" and value.get("nullable") is True:
                _admit_null(schema[key])
            if child_ui and key != "not":
                ui[key] = child_ui
        elif key == "additionalProperties" and isinstance(value, bool):
            schema[key] = value
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            # Branches are value validations only in a structural schema: no defaults, secrets or JSON text in them,
            # so the uiSchema has nothing to say about them.
            schema[key] = [_form_node(branch)[0] for branch in value]
    if "enum" in schema:
        # A nullable field's enum may list null; the form never holds a null (see above).
        schema["enum"] = [choice for choice in schema["enum"] if choice is not None] or schema["enum"]
    _exclusive_bounds(node, schema)
    if node.get("x-kubernetes-int-or-string") is True:
        _int_or_string(schema)
    if _is_secret(node):
        ui["ui:widget"] = "password"
    # An empty object or list as the default says nothing a user could act on ({} only makes the API server fill in
    # the defaults inside): no help for it.
    if node.get("default") not in (None, {}, []):
        default = node["default"]
        ui["ui:help"] = f"Default: {json.dumps(default, sort_keys=True)}"
        if not isinstance(default, dict | list):
            ui["ui:placeholder"] = default if isinstance(default, str) else json.dumps(default)
    return schema, ui


def _admit_null(schema: dict) -> None:
    """A nullable list item may be null in the form too: without_nulls keeps list items (their places are content).

    Only list items: a null map entry or field is dropped, so nowhere else does the form meet a null. The other
    keywords of draft 7 apply to their own type only, so the type (or the int-or-string anyOf) and enum say it all.
    """
    if isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
    elif isinstance(schema.get("anyOf"), list):
        schema["anyOf"].append({"type": "null"})
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"].append(None)


def _exclusive_bounds(node: dict, schema: dict) -> None:
    """OpenAPI 3.0's `exclusiveMinimum: true` next to `minimum: m` is draft 7's `exclusiveMinimum: m`."""
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = node.get(exclusive)
        if flag is True and bound in node:
            schema[exclusive] = schema.pop(bound)
        elif isinstance(flag, int | float) and not isinstance(flag, bool):
            schema[exclusive] = flag  # already draft 7's spelling


def _int_or_string(schema: dict) -> None:
    """`x-kubernetes-int-or-string` as draft 7 says it: an integer or a string (such as a quantity, "1Gi")."""
    schema.pop("type", None)
    branches = schema.pop("anyOf", None)
    integer: dict = {"type": "integer"}
    string: dict = {"type": "string"}
    if isinstance(branches, list) and sorted(str(branch.get("type")) for branch in branches) == ["integer", "string"]:
        # controller-gen writes the anyOf next to the extension: reuse its branches rather than doubling them.
        integer, string = sorted((dict(branch) for branch in branches), key=lambda branch: branch["type"])
    elif branches:
        schema.setdefault("allOf", []).append({"anyOf": branches})
    for keyword in _STRING_KEYWORDS:
        if keyword in schema:
            string[keyword] = schema.pop(keyword)
    for keyword in _INTEGER_KEYWORDS:
        if keyword in schema:
            integer[keyword] = schema.pop(keyword)
    schema["anyOf"] = [integer, string]


def _json_text_node(node: dict) -> tuple[dict, dict]:
    schema = {"type": "string"}
    for keyword in ("title", "description"):
        if keyword in node:
            schema[keyword] = node[keyword]
    kind = {"object": "object", "array": "array"}.get(node.get("type"), "value")
    help_text = f"{JSON_HELP} {kind}"
    ui: dict = {"ui:widget": "textarea", "ui:options": dict(_JSON_UI_OPTIONS)}
    if node.get("default") is not None:
        help_text += f". Default: {json.dumps(node['default'], sort_keys=True)}"
        ui["ui:placeholder"] = _json_text(node["default"])
    ui["ui:help"] = help_text
    return schema, ui


# Values.


def without_nulls(value: Any) -> Any:
    """`value` without its null map entries, at every depth: for server-side apply a null is no value.

    List items stay (a list's length is its content).
    """
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def to_form(openapi: dict, value: Any) -> Any:
    """The form data of a spec valid against `openapi`: the same, with the nodes kept as written as JSON text."""
    return _to_form(openapi, without_nulls(value))


def _to_form(node: Any, value: Any) -> Any:
    if value is None or not isinstance(node, dict):
        return copy.deepcopy(value)
    if _is_json_text(node):
        return _json_text(value)
    if isinstance(value, dict):
        return {key: _to_form(_child_schema(node, key), item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_form(node.get("items"), item) for item in value]
    return value


def _json_text(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True)


def from_form(openapi: dict, data: Any, prefix: str = "") -> Any:
    """The spec the form data stands for; the inverse of to_form.

    JSON text is parsed (blank text: the field is absent); text that is not JSON raises FormError with the field's
    path, relative to the spec as secret_fields are (or under `prefix`, e.g. "spec"), so that the server answers 422
    with it as a field error. Nulls are dropped, as to_form drops them.
    """
    value = _from_form(openapi, data, prefix)
    return None if value is _DROP else value


def _from_form(node: Any, data: Any, path: str) -> Any:
    """The value of one node's form data: None for a null, _DROP for a blank JSON text (the user left it empty)."""
    if data is None:
        return None
    if not isinstance(node, dict):
        return without_nulls(copy.deepcopy(data))
    if _is_json_text(node):
        return _parse_json_text(node, data, path)
    if isinstance(data, dict):
        value = {}
        for key, item in data.items():
            converted = _from_form(_child_schema(node, key), item, _key_path(path, key, node))
            if converted is not None and converted is not _DROP:
                value[key] = converted
        return value
    if isinstance(data, list):
        # A null item stays, as without_nulls keeps list items; a blank JSON text is an item the user left empty.
        items = [_from_form(node.get("items"), item, f"{path}[{index}]") for index, item in enumerate(data)]
        return [item for item in items if item is not _DROP]
    return data


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def _parse_json_text(node: dict, data: Any, path: str) -> Any:
    if not isinstance(data, str):
        raise FormError(path, "must be JSON text")
    if not data.strip():
        return _DROP
    try:
        value = json.loads(data, parse_constant=_not_json, object_pairs_hook=_unique_keys)
    except (json.JSONDecodeError, _NotJSONError) as error:
        raise FormError(path, f"is not valid JSON: {error}") from None
    if value is None:
        return None
    expected = node.get("type")
    kinds = _JSON_TYPES.get(expected) if isinstance(expected, str) else None
    if kinds and (not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)):
        raise FormError(path, f"must be a JSON {expected}")
    return without_nulls(value)


class _NotJSONError(ValueError):
    pass


def _not_json(constant: str) -> Any:
    """json.loads takes NaN and Infinity, which are not JSON: the API server would refuse the request whole."""
    raise _NotJSONError(f"{constant} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    """A key twice in one object is a mistake (a paste of two versions), not a choice of the last one."""
    value: dict = {}
    for key, item in pairs:
        if key in value:
            raise _NotJSONError(f"the key {json.dumps(key)} appears twice")
        value[key] = item
    return value


def _child_schema(node: dict, key: str) -> Any:
    properties = node.get("properties")
    if isinstance(properties, dict) and key in properties:
        return properties[key]
    extra = node.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def _key_path(path: str, key: str, node: dict) -> str:
    """The path of a map entry or field as the API server spells it: "spec.config[hz]", "spec.sentinel.quorum"."""
    properties = node.get("properties")
    if isinstance(properties, dict) and key in properties:
        return _property_path(path, key)
    return f"{path}[{key}]" if re.fullmatch(r"[^\[\]\"']+", key) else f"{path}[{json.dumps(key)}]"


def _property_path(path: str, name: str) -> str:
    if _IDENTIFIER.fullmatch(name):
        return f"{path}.{name}" if path else name
    return f"{path}[{json.dumps(name)}]"


# Secrets.


def _secret_paths(node: Any, path: str) -> list[str]:
    """The paths of the fields with `format: password`, including those declared inside a node kept as written."""
    if not isinstance(node, dict):
        return []
    if _is_secret(node):
        return [path]
    paths = []
    properties = node.get("properties")
    if isinstance(properties, dict):
        for name, child in properties.items():
            paths += _secret_paths(child, _property_path(path, name))
    for key in ("items", "additionalProperties"):
        paths += _secret_paths(node.get(key), f"{path}[*]")
    return paths


def redact(openapi: dict, value: Any, mark: str = "(set)") -> Any:
    """A copy of `value` for display: every secret field that is set (not null, not "") reads `mark` instead.

    "" stays: for a password it means "no authentication", which the page may show.
    """
    return _map_secrets(openapi, value, lambda secret: mark if secret not in (None, "") else secret)


def drop_secrets(openapi: dict, value: Any) -> Any:
    """A copy of `value` without its secret fields: the edit form's current values never carry a password."""
    result = _map_secrets(openapi, value, lambda _secret: _DROP)
    return None if result is _DROP else result


def keep_secrets(openapi: dict, submitted: Any, current: Any) -> Any:
    """`submitted` with each secret field it leaves out taken from `current`: the edit form never holds the
    password, and in server-side apply a field the console owned and no longer sends is removed. Secrets inside
    list items are not matched up (an item has no identity here); only those reached through properties."""
    if not isinstance(openapi, dict) or not isinstance(submitted, dict) or not isinstance(current, dict):
        return submitted
    kept = dict(submitted)
    for name, node in (openapi.get("properties") or {}).items():
        if name not in current:
            continue
        if _is_secret(node) and name not in kept:
            kept[name] = copy.deepcopy(current[name])
        elif name in kept:
            kept[name] = keep_secrets(node, kept[name], current[name])
    return kept


def _map_secrets(node: Any, value: Any, change: Any) -> Any:
    if not isinstance(node, dict) or value is None:
        return copy.deepcopy(value)
    if _is_secret(node):
        return change(value)
    if isinstance(value, dict):
        changed = {key: _map_secrets(_child_schema(node, key), item, change) for key, item in value.items()}
        return {key: item for key, item in changed.items() if item is not _DROP}
    if isinstance(value, list):
        changed = [_map_secrets(node.get("items"), item, change) for item in value]
        return [item for item in changed if item is not _DROP]
    return copy.deepcopy(value)


# Errors.


def field_errors(causes: list[dict]) -> dict[str, list[str]]:
    """The messages of a Kubernetes Status' details.causes by field, in the order the API server gave them.

    A cause without a field (a rule on the whole object) goes under "". Kubernetes spells a rule on the object's root
    "<nil>", and CEL's fieldPath may start with "."; both are normalised so that error_tree places them. The keys
    stay the API server's full paths, as fieldErrors carries them.
    """
    errors: dict[str, list[str]] = {}
    for cause in causes or []:
        field = str(cause.get("field") or "").strip()
        field = "" if field == "<nil>" else field.removeprefix(".")
        message = str(cause.get("message") or "").strip() or str(cause.get("reason") or "").strip() or "invalid"
        messages = errors.setdefault(field, [])
        if message not in messages:
            messages.append(message)
    return errors


def error_tree(field_errors: dict[str, list[str]], prefix: str = "spec") -> tuple[dict, dict[str, list[str]]]:
    """RJSF's errorSchema of the errors under `prefix`, and the others (e.g. "metadata.name") by their path.

    "spec.sentinel.quorum" -> {"sentinel": {"quorum": {"__errors": [...]}}}; a map key ("spec.config[hz]",
    'spec.config["hz"]') and a list index ("spec.tolerations[0].key" -> {"tolerations": {"0": ...}}) are levels too;
    "spec" itself and "" (the whole object) are the form's own errors.
    """
    prefix_segments = _segments(prefix) or []
    tree: dict = {}
    rest: dict[str, list[str]] = {}
    for path, messages in field_errors.items():
        segments = _segments(path)
        if segments is None or (segments and segments[: len(prefix_segments)] != prefix_segments):
            rest.setdefault(path, []).extend(messages)
            continue
        node = tree
        for segment in segments[len(prefix_segments) :]:
            node = node.setdefault(segment, {})
        node.setdefault("__errors", []).extend(messages)
    return tree, rest


_NAME = re.compile(r"[^.\[\]]+")
_QUOTED = {'"': re.compile(r'"(?:[^"\\]|\\.)*"'), "'": re.compile(r"'(?:[^'\\]|\\.)*'")}


def _segments(path: str) -> list[str] | None:
    """The levels of a field path ("spec.config[hz]" -> ["spec", "config", "hz"]); None when it is not one."""
    path = path.strip().removeprefix(".")
    segments: list[str] = []
    index = 0
    while index < len(path):
        if path[index] == "[":
            quote = path[index + 1 : index + 2]
            if quote in _QUOTED:
                match = _QUOTED[quote].match(path, index + 1)
                if not match or path[match.end() : match.end() + 1] != "]":
                    return None
                segments.append(_unquote(match.group()))
                index = match.end() + 1
            else:
                end = path.find("]", index)
                if end < 0:
                    return None
                segments.append(path[index + 1 : end])
                index = end + 1
            continue
        if index > 0:
            if path[index] != ".":
                return None
            index += 1
            if path[index : index + 1] == "[":  # "spec.[key]": a prefix put before a path that starts with a key
                continue
        match = _NAME.match(path, index)
        if not match:
            return None
        segments.append(match.group())
        index = match.end()
    return segments


def _unquote(quoted: str) -> str:
    if quoted[0] == '"':
        try:
            return json.loads(quoted)
        except json.JSONDecodeError:
            pass
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])
