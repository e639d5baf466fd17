"""The console's configuration: the kinds it serves (kinds.yaml) and where it listens. Parsed once at start, with an
error that names the key and says what to write when the file is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_KINDS_FILE = Path(__file__).with_name("kinds.yaml")
FIELD_MANAGER = "redis-kun-console"  # the console's own field manager in server-side apply
_CRD_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$")


class SettingsError(ValueError):
    """kinds.yaml is wrong; the message says where and how to fix it."""


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    description: str
    options: tuple[dict, ...]


@dataclass(frozen=True)
class ConnectLine:
    line: str
    when: str | None = None


@dataclass(frozen=True)
class SecretName:
    path: str
    name: str


@dataclass(frozen=True)
class Deletion:
    keep_path: str | None = None
    when_kept: str = "What it keeps after deletion stays."
    when_deleted: str = "The objects it owns are deleted with it."


@dataclass(frozen=True)
class KindSettings:
    crd: str  # <plural>.<group>
    related_selector: str | None = None
    pod_role_labels: tuple[str, ...] = ()
    pods_note: str | None = None
    list_columns: tuple[str, ...] = ()  # the printer columns of the list page; () is the priority-0 ones
    annotation_choices: tuple[Choice, ...] = ()
    connect: tuple[ConnectLine, ...] = ()
    secret_name: tuple[SecretName, ...] = ()
    deletion: Deletion = field(default_factory=Deletion)

    @property
    def plural(self) -> str:
        return self.crd.split(".", 1)[0]

    @property
    def group(self) -> str:
        return self.crd.split(".", 1)[1]


# The keys whose value is a list: the type of an item, and what to write.
_LISTS = {
    "listColumns": (str, "a list of printer column names, e.g. [Size, Status, Master]"),
    "podRoleLabels": (str, "a list of pod label keys, e.g. [redis.kun/role]"),
    "annotationChoices": (
        dict,
        "a list of entries such as `- {key: redis.kun/scope, options: [{value: '', label: ...}]}`",
    ),
    "connect": (dict, "a list of entries such as `- {line: 'redis-cli -h {name}.{namespace}', when: .spec.password}`"),
    "secretName": (dict, "a list of entries such as `- {path: .spec.password, name: 'redis-cluster-{name}-auth'}`"),
}


def load_kinds(path: Path = DEFAULT_KINDS_FILE) -> tuple[KindSettings, ...]:
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise SettingsError(f"{path}: cannot read it as YAML: {error}") from error
    return parse_kinds(document, str(path))


def parse_kinds(document: object, origin: str = "kinds") -> tuple[KindSettings, ...]:
    if not isinstance(document, dict) or not isinstance(document.get("kinds"), list) or not document["kinds"]:
        raise SettingsError(f"{origin}: write `kinds:` with a list of entries such as `- crd: redisclusters.redis.kun`")
    kinds = tuple(_kind(entry, f"{origin}: kinds[{index}]") for index, entry in enumerate(document["kinds"]))
    first: dict[str, int] = {}
    for index, kind in enumerate(kinds):
        if kind.crd in first:
            where = f"{origin}: kinds[{index}]"
            raise SettingsError(
                f"{where}: {kind.crd} is listed already as kinds[{first[kind.crd]}]; list each CRD once"
            )
        first[kind.crd] = index
    return kinds


def _kind(entry: object, where: str) -> KindSettings:
    if not isinstance(entry, dict) or not isinstance(entry.get("crd"), str) or not _CRD_NAME.match(entry["crd"]):
        raise SettingsError(f"{where}: `crd` must be a CRD's name, <plural>.<group>, e.g. redisclusters.redis.kun")
    known = {
        "crd",
        "relatedSelector",
        "listColumns",
        "podRoleLabels",
        "podsNote",
        "annotationChoices",
        "connect",
        "secretName",
        "deletion",
    }
    if unknown := sorted(set(entry) - known):
        raise SettingsError(f"{where}: unknown keys {unknown}; the keys are {sorted(known)}")
    for key, (item, shape) in _LISTS.items():
        value = entry.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, item) for v in value)):
            raise SettingsError(f"{where}: `{key}` must be {shape}")
    for index, choice in enumerate(entry.get("annotationChoices") or ()):
        options = choice.get("options")
        if not isinstance(choice.get("key"), str) or not (
            isinstance(options, list) and all(isinstance(o, dict) for o in options)
        ):
            raise SettingsError(
                f"{where}: annotationChoices[{index}] needs a `key` (the annotation) and `options`, a list such as "
                "[{value: '', label: ...}, {value: cluster-scoped, label: ...}]"
            )
    if not isinstance(entry.get("deletion") or {}, dict):
        raise SettingsError(
            f"{where}: `deletion` must be a mapping such as "
            "`{keepPath: .spec.storage.keepAfterDeletion, whenKept: ..., whenDeleted: ...}`"
        )
    try:
        deletion = entry.get("deletion") or {}
        return KindSettings(
            crd=entry["crd"],
            related_selector=entry.get("relatedSelector"),
            pod_role_labels=tuple(entry.get("podRoleLabels") or ()),
            pods_note=entry.get("podsNote"),
            list_columns=tuple(entry.get("listColumns") or ()),
            annotation_choices=tuple(
                Choice(c["key"], c.get("label", c["key"]), c.get("description", ""), tuple(c["options"]))
                for c in entry.get("annotationChoices") or ()
            ),
            connect=tuple(ConnectLine(c["line"], c.get("when")) for c in entry.get("connect") or ()),
            secret_name=tuple(SecretName(s["path"], s["name"]) for s in entry.get("secretName") or ()),
            deletion=Deletion(
                deletion.get("keepPath"),
                deletion.get("whenKept", Deletion.when_kept),
                deletion.get("whenDeleted", Deletion.when_deleted),
            ),
        )
    except (KeyError, TypeError) as error:
        raise SettingsError(
            f"{where}: missing or malformed {error}; see console/kinds.yaml for each key's shape"
        ) from error
