"""Reading watches.yaml: the list of custom resources to watch and what to run for each."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_DEFAULT_RECONCILE_PERIOD = "10h"  # ansible-operator's default


class WatchesError(ValueError):
    """watches.yaml says something this runner cannot honour; the message says what and how to fix it."""


def parse_duration(text: str, what: str = "reconcilePeriod") -> float:
    """Seconds in a Go duration such as `15s`, `1m30s` or `500ms`; `what` names the value in the error."""
    text = str(text).strip()
    parts = _DURATION.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise WatchesError(f"{what} {text!r} is not a duration; write it like 15s, 1m or 1m30s")
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


@dataclass(frozen=True)
class Finalizer:
    name: str
    role: str | None = None
    playbook: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Watch:
    group: str
    version: str
    kind: str
    role: str | None = None
    playbook: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    reconcile_period: float = parse_duration(_DEFAULT_RECONCILE_PERIOD)
    watch_dependent_resources: bool = True
    max_runner_artifacts: int = 20
    finalizer: Finalizer | None = None
    watch_annotations_changes: bool = False

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"

    @property
    def variable_prefix(self) -> str:
        """ansible-operator's name for the whole-object variable: `_<group with _>_<kind lower>`."""
        return "_" + re.sub(r"[.\-]", "_", self.group) + "_" + self.kind.lower()


def _check_target(where: str, role: str | None, playbook: str | None) -> None:
    if bool(role) == bool(playbook):
        raise WatchesError(f"{where}: give exactly one of role or playbook")


def _watch(entry: dict[str, Any], base: Path) -> Watch:
    where = f"watch {entry.get('group')}/{entry.get('version')} {entry.get('kind')}"
    for key in ("group", "version", "kind"):
        if not entry.get(key):
            raise WatchesError(f"{where}: {key} is required")
    if entry.get("snakeCaseParameters", True):
        raise WatchesError(
            f"{where}: set snakeCaseParameters: false; this runner hands the spec to the role unchanged "
            "(the operator's spec embeds Redis config keys and a PVC template that must not be renamed)"
        )
    if entry.get("manageStatus", True):
        raise WatchesError(f"{where}: set manageStatus: false; the role writes the status itself")
    _check_target(where, entry.get("role"), entry.get("playbook"))
    finalizer = None
    if entry.get("finalizer"):
        spec = entry["finalizer"]
        if not spec.get("name"):
            raise WatchesError(f"{where}: finalizer.name is required")
        if spec.get("role") or spec.get("playbook"):
            _check_target(f"{where} finalizer", spec.get("role"), spec.get("playbook"))
        finalizer = Finalizer(
            name=spec["name"],
            role=spec.get("role") or (None if spec.get("playbook") else entry.get("role")),
            playbook=_resolve(base, spec.get("playbook")) or (None if spec.get("role") else entry.get("playbook")),
            vars=dict(spec.get("vars") or {}),
        )
    return Watch(
        group=entry["group"],
        version=entry["version"],
        kind=entry["kind"],
        role=entry.get("role"),
        playbook=_resolve(base, entry.get("playbook")),
        vars=dict(entry.get("vars") or {}),
        reconcile_period=parse_duration(entry.get("reconcilePeriod", _DEFAULT_RECONCILE_PERIOD)),
        watch_dependent_resources=bool(entry.get("watchDependentResources", True)),
        max_runner_artifacts=int(entry.get("maxRunnerArtifacts", 20)),
        finalizer=finalizer,
        watch_annotations_changes=bool(entry.get("watchAnnotationsChanges", False)),
    )


def _resolve(base: Path, playbook: str | None) -> str | None:
    return None if not playbook else str((base / playbook).resolve())


def load(path: str | Path) -> list[Watch]:
    """The watches of a watches.yaml, checked; relative playbook paths are taken from the file's folder."""
    path = Path(path)
    try:
        entries = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise WatchesError(f"cannot read {path}: {error}") from error
    if not isinstance(entries, list) or not entries:
        raise WatchesError(f"{path}: expected a list of watches")
    return [_watch(entry, path.parent) for entry in entries]
