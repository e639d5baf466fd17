"""The console's configuration, kinds.yaml (console/settings.py).

The real file parses, and its paths are ones views.at reads. Each mistake has a row: the error names the place
(`kinds[1]`, the second entry, after a good first one) and says what to write. The property: whatever a YAML file
holds, the console stops with a SettingsError (which __main__ prints), never with another exception.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console import views
from console.settings import (
    DEFAULT_KINDS_FILE,
    Choice,
    ConnectLine,
    Deletion,
    KindSettings,
    SecretName,
    SettingsError,
    load_kinds,
    parse_kinds,
)

pytestmark = pytest.mark.unit

GOOD = {"crd": "redisclusters.redis.kun"}
KNOWN_KEYS = [
    "crd",
    "relatedSelector",
    "listColumns",
    "podRoleLabels",
    "podsNote",
    "annotationChoices",
    "connect",
    "secretName",
    "deletion",
]


def second(entry: object) -> dict:
    """A document whose second entry (kinds[1]) is `entry`."""
    return {"kinds": [GOOD, entry]}


# The real file.


def test_the_real_file_parses():
    (kind,) = load_kinds()
    assert load_kinds(DEFAULT_KINDS_FILE) == (kind,)
    assert (kind.crd, kind.plural, kind.group) == ("redisclusters.redis.kun", "redisclusters", "redis.kun")
    assert kind.related_selector == "app.kubernetes.io/instance={name},app.kubernetes.io/part-of=rediscluster"
    assert kind.pod_role_labels == ("redis.kun/role", "app.kubernetes.io/component")
    assert kind.pods_note
    (choice,) = kind.annotation_choices
    assert choice.key == "redis.kun/scope"
    assert [option["value"] for option in choice.options] == ["", "cluster-scoped"]
    assert [line.when for line in kind.connect] == [None, None, ".spec.passwordSecret.name", ".spec.password"]
    assert [s.path for s in kind.secret_name] == [".spec.passwordSecret.name", ".spec.password"]
    assert kind.deletion.keep_path == ".spec.storage.keepAfterDeletion"
    assert kind.deletion.when_kept != kind.deletion.when_deleted


def test_the_real_files_paths_and_templates_are_readable():
    (kind,) = load_kinds()
    obj = {"metadata": {"name": "r1", "namespace": "ns"}, "spec": {}}
    paths = [c.when for c in kind.connect if c.when] + [s.path for s in kind.secret_name] + [kind.deletion.keep_path]
    for path in paths:
        assert views.at(path, obj) is None
    for template in [c.line for c in kind.connect] + [s.name for s in kind.secret_name]:
        assert "{" not in views.render(template, obj).replace("{.data.password}", "")


# What each key becomes.


def test_a_kind_needs_only_its_crd():
    (kind,) = parse_kinds({"kinds": [{"crd": "widgets.example.com"}]})
    assert kind == KindSettings("widgets.example.com")
    assert (kind.plural, kind.group) == ("widgets", "example.com")
    assert kind.deletion == Deletion(None, Deletion.when_kept, Deletion.when_deleted)


@pytest.mark.parametrize(
    ("key", "value", "attribute", "parsed"),
    [
        pytest.param("relatedSelector", "app={name}", "related_selector", "app={name}", id="relatedSelector"),
        pytest.param("podRoleLabels", ["a/role", "b"], "pod_role_labels", ("a/role", "b"), id="podRoleLabels"),
        pytest.param("podsNote", "note", "pods_note", "note", id="podsNote"),
        pytest.param(
            "annotationChoices",
            [{"key": "a/b", "options": [{"value": "", "label": "none"}]}],
            "annotation_choices",
            (Choice("a/b", "a/b", "", ({"value": "", "label": "none"},)),),
            id="annotationChoices-label-defaults-to-key",
        ),
        pytest.param(
            "annotationChoices",
            [{"key": "a/b", "label": "L", "description": "D", "options": []}],
            "annotation_choices",
            (Choice("a/b", "L", "D", ()),),
            id="annotationChoices",
        ),
        pytest.param(
            "connect",
            [{"line": "redis-cli -h {name}"}, {"line": "x", "when": ".spec.p"}],
            "connect",
            (ConnectLine("redis-cli -h {name}"), ConnectLine("x", ".spec.p")),
            id="connect",
        ),
        pytest.param(
            "secretName",
            [{"path": ".spec.p", "name": "{name}-auth"}],
            "secret_name",
            (SecretName(".spec.p", "{name}-auth"),),
            id="secretName",
        ),
        pytest.param(
            "deletion",
            {"keepPath": ".spec.keep"},
            "deletion",
            Deletion(".spec.keep", Deletion.when_kept, Deletion.when_deleted),
            id="deletion-defaults",
        ),
        pytest.param(
            "deletion",
            {"keepPath": ".spec.keep", "whenKept": "kept", "whenDeleted": "gone"},
            "deletion",
            Deletion(".spec.keep", "kept", "gone"),
            id="deletion",
        ),
        pytest.param("podRoleLabels", None, "pod_role_labels", (), id="empty-key-is-absent"),
    ],
)
def test_each_key(key, value, attribute, parsed):
    (kind,) = parse_kinds({"kinds": [{"crd": "widgets.example.com", key: value}]})
    assert getattr(kind, attribute) == parsed


def test_kinds_keep_their_order():
    kinds = parse_kinds({"kinds": [{"crd": "b.example.com"}, {"crd": "a.example.com"}]})
    assert [kind.crd for kind in kinds] == ["b.example.com", "a.example.com"]


@pytest.mark.parametrize(
    "name",
    ["redisclusters.redis.kun", "a.b", "my-things.example-1.com", "x1.y2.z3"],
)
def test_crd_names_accepted(name):
    (kind,) = parse_kinds({"kinds": [{"crd": name}]})
    assert kind.crd == name


# Mistakes: where, and what to write.


@pytest.mark.parametrize(
    ("document", "says"),
    [
        pytest.param(
            None, ["kinds: ", "write `kinds:` with a list", "- crd: redisclusters.redis.kun"], id="empty-file"
        ),
        pytest.param(["a.b"], ["kinds: ", "write `kinds:` with a list"], id="not-a-mapping"),
        pytest.param({}, ["kinds: ", "write `kinds:` with a list"], id="no-kinds"),
        pytest.param({"kinds": []}, ["kinds: ", "write `kinds:` with a list"], id="empty-kinds"),
        pytest.param({"kinds": GOOD}, ["kinds: ", "write `kinds:` with a list"], id="kinds-a-mapping"),
        pytest.param({"crd": "a.b"}, ["kinds: ", "write `kinds:` with a list"], id="entry-without-kinds"),
    ],
)
def test_a_document_without_kinds(document, says):
    with pytest.raises(SettingsError) as raised:
        parse_kinds(document)
    for words in says:
        assert words in str(raised.value)


CRD_NAME = ["kinds[1]: `crd` must be a CRD's name, <plural>.<group>", "e.g. redisclusters.redis.kun"]


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        pytest.param("redisclusters.redis.kun", CRD_NAME, id="entry-not-a-mapping"),
        pytest.param(["redisclusters.redis.kun"], CRD_NAME, id="entry-a-list"),
        pytest.param({}, CRD_NAME, id="no-crd"),
        pytest.param({"crd": None}, CRD_NAME, id="null-crd"),
        pytest.param({"crd": 3}, CRD_NAME, id="crd-not-a-string"),
        pytest.param({"crd": "RedisCluster"}, CRD_NAME, id="crd-a-kind"),
        pytest.param({"crd": "redisclusters"}, CRD_NAME, id="crd-without-group"),
        pytest.param({"crd": "RedisClusters.redis.kun"}, CRD_NAME, id="crd-uppercase"),
        pytest.param({"crd": "-a.b"}, CRD_NAME, id="crd-leading-dash"),
        pytest.param({"crd": "a..b"}, CRD_NAME, id="crd-empty-label"),
        pytest.param({"crd": "a.b."}, CRD_NAME, id="crd-trailing-dot"),
        pytest.param({"crd": "redisclusters.redis.kun/v1beta1"}, CRD_NAME, id="crd-with-version"),
        pytest.param(
            {"crd": "a.b", "colour": "red", "Connect": []},
            ["kinds[1]: unknown keys ['Connect', 'colour']", f"the keys are {sorted(KNOWN_KEYS)}"],
            id="unknown-keys",
        ),
        pytest.param(
            {"crd": "redisclusters.redis.kun"},
            ["kinds[1]: redisclusters.redis.kun is listed already as kinds[0]", "list each CRD once"],
            id="duplicate-crd",
        ),
        pytest.param(
            {"crd": "a.b", "annotationChoices": [{"label": "L", "options": []}]},
            ["kinds[1]: annotationChoices[0]", "`key`", "`options`"],
            id="choice-without-key",
        ),
        pytest.param(
            {"crd": "a.b", "annotationChoices": [{"key": "a/b"}]},
            ["kinds[1]: annotationChoices[0]", "`options`, a list such as"],
            id="choice-without-options",
        ),
        pytest.param(
            {"crd": "a.b", "annotationChoices": [{"key": "a/b", "options": "cluster-scoped"}]},
            ["kinds[1]: annotationChoices[0]", "`options`, a list such as"],
            id="choice-options-a-string",
        ),
        pytest.param(
            {"crd": "a.b", "annotationChoices": [{"key": "a/b", "options": ["", "cluster-scoped"]}]},
            ["kinds[1]: annotationChoices[0]", "[{value: '', label: ...}"],
            id="choice-options-not-mappings",
        ),
        pytest.param(
            {"crd": "a.b", "annotationChoices": ["redis.kun/scope"]},
            ["kinds[1]: `annotationChoices` must be a list of entries such as `- {key: redis.kun/scope"],
            id="choice-a-string",
        ),
        pytest.param(
            {"crd": "a.b", "annotationChoices": {"key": "a/b", "options": []}},
            ["kinds[1]: `annotationChoices` must be a list of entries"],
            id="choices-a-mapping",
        ),
        pytest.param(
            {"crd": "a.b", "podRoleLabels": "redis.kun/role"},
            ["kinds[1]: `podRoleLabels` must be a list of pod label keys, e.g. [redis.kun/role]"],
            id="role-labels-a-string",
        ),
        pytest.param(
            {"crd": "a.b", "connect": ["redis-cli -h {name}"]},
            ["kinds[1]: `connect` must be a list of entries such as `- {line: "],
            id="connect-strings",
        ),
        pytest.param(
            {"crd": "a.b", "connect": [{"when": ".spec.p"}]},
            ["kinds[1]: missing or malformed 'line'", "see console/kinds.yaml"],
            id="connect-without-line",
        ),
        pytest.param(
            {"crd": "a.b", "secretName": {"path": ".spec.p", "name": "n"}},
            ["kinds[1]: `secretName` must be a list of entries such as `- {path: "],
            id="secret-name-a-mapping",
        ),
        pytest.param(
            {"crd": "a.b", "secretName": [{"path": ".spec.p"}]},
            ["kinds[1]: missing or malformed 'name'", "see console/kinds.yaml"],
            id="secret-name-without-name",
        ),
        pytest.param(
            {"crd": "a.b", "deletion": ".spec.storage.keepAfterDeletion"},
            ["kinds[1]: `deletion` must be a mapping such as `{keepPath: .spec.storage.keepAfterDeletion"],
            id="deletion-a-string",
        ),
        pytest.param(
            {"crd": "a.b", "deletion": [{"keepPath": ".spec.k"}]},
            ["kinds[1]: `deletion` must be a mapping"],
            id="deletion-a-list",
        ),
    ],
)
def test_a_wrong_entry_is_named_and_explained(entry, says):
    with pytest.raises(SettingsError) as raised:
        parse_kinds(second(entry), "console/kinds.yaml")
    message = str(raised.value)
    assert message.startswith("console/kinds.yaml: ")
    for words in says:
        assert words in message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param("kinds: [crd: a.b", "cannot read it as YAML", id="not-yaml"),
        pytest.param("kinds:\n  - crd: RedisCluster\n", "kinds[0]: `crd` must be a CRD's name", id="bad-entry"),
        pytest.param("", "write `kinds:`", id="empty"),
    ],
)
def test_load_kinds_names_the_file(tmp_path, text, says):
    path = tmp_path / "kinds.yaml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=f"^{path}: ") as raised:
        load_kinds(path)
    assert says in str(raised.value)


def test_a_missing_file(tmp_path):
    with pytest.raises(SettingsError, match=f"^{tmp_path / 'none.yaml'}: cannot read it"):
        load_kinds(tmp_path / "none.yaml")


# Whatever the file holds: parsed, or a SettingsError.

SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=6)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
KEYS_VALUES = st.dictionaries(
    st.sampled_from([*KNOWN_KEYS[1:], "line", "key", "options", "other"]), VALUES | st.just([{}]), max_size=4
)
ENTRIES = st.builds(
    lambda crd, rest: {"crd": crd, **rest}, st.sampled_from(["a.b", "b.c", "Bad"]) | VALUES, KEYS_VALUES
)


@settings(max_examples=300, deadline=None)
@given(document=VALUES | st.fixed_dictionaries({"kinds": st.lists(ENTRIES | VALUES, max_size=3)}))
def test_any_document_parses_or_raises_a_settings_error(document):
    try:
        kinds = parse_kinds(document)
    except SettingsError as error:
        assert str(error).startswith("kinds: ")
    else:
        assert kinds
        assert all(isinstance(kind, KindSettings) for kind in kinds)
