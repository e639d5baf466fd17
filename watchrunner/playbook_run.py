"""One run of a watch's role or playbook for one custom resource, through ansible-runner.

The variables hold the whole custom resource, which may carry a password; they are written to a private file that
exists only while the run lasts, never to the command line, to ansible-runner's env/ files or to the kept artifacts.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ansible_runner
import yaml

from .watches import parse_duration

# ansible-operator takes the next reconcile's delay from the result of a task with one of these actions.
_REQUEUE_ACTIONS = ("requeue_after", "operator_sdk.util.requeue_after")

_ROLE_PLAYBOOK = [{"hosts": "localhost", "gather_facts": False, "roles": [{"role": None}]}]


@dataclass(frozen=True)
class RunResult:
    ok: bool
    seconds: float
    message: str  # the failed task and its message, or "" on success
    requeue_after: float | None = None  # seconds a requeue_after task asked for, else None (the watch's period)


def _playbook(private_dir: Path, role: str | None, playbook: str | None) -> str:
    if playbook:
        return playbook
    path = private_dir / "project" / f"role-{role}.yml"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        play = json.loads(json.dumps(_ROLE_PLAYBOOK))
        play[0]["roles"][0]["role"] = role
        path.write_text(yaml.safe_dump(play, sort_keys=False))
    return str(path)


def _failure(runner: Any) -> str:
    """The first failed task's name and message, as the role reported them (no_log results stay censored)."""
    for event in runner.events:
        if event.get("event") in ("runner_on_failed", "runner_on_unreachable") and not event.get("event_data", {}).get(
            "ignore_errors"
        ):
            data = event["event_data"]
            result = data.get("res", {})
            message = result.get("msg") or result.get("message") or "failed"
            return f"{data.get('task', 'task')}: {message}"
    output = runner.stdout.read().strip().splitlines() if runner.stdout else []
    return (
        f"ansible-playbook ended with status {runner.status} (rc {runner.rc}): {output[-1] if output else 'no output'}"
    )


def requeue_after(events: Iterable[dict[str, Any]]) -> float | None:
    """The period the first requeue_after task that ran returned, in seconds, as ansible-operator reads it; a
    skipped task returns none."""
    for event in events:
        data = event.get("event_data", {})
        result = data.get("res")
        period = result.get("period") if isinstance(result, dict) else None
        if event.get("event") == "runner_on_ok" and data.get("task_action") in _REQUEUE_ACTIONS and period:
            return parse_duration(period, "the period of a requeue_after task")
    return None


def run(
    *,
    private_dir: Path,
    ident: str,
    role: str | None,
    playbook: str | None,
    variables: dict[str, Any],
    keep_artifacts: int,
    verbosity: int = 0,
) -> RunResult:
    private_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="watchrunner-vars-") as secret_dir:
        vars_file = Path(secret_dir) / "extravars.json"
        fd = os.open(vars_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(variables, handle)
        runner = ansible_runner.run(
            private_data_dir=str(private_dir),
            playbook=_playbook(private_dir, role, playbook),
            extravars=str(vars_file),
            suppress_env_files=True,  # else ansible-runner copies the variables into env/ of the private dir
            ident=ident,
            rotate_artifacts=max(keep_artifacts, 1),
            quiet=True,
            verbosity=verbosity,
            envvars={"ANSIBLE_NOCOLOR": "1"},
        )
    seconds = time.monotonic() - started
    ok = runner.status == "successful"
    return RunResult(
        ok=ok, seconds=seconds, message="" if ok else _failure(runner), requeue_after=requeue_after(runner.events)
    )
