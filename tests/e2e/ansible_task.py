"""One task of a kun.redis module run by `ansible` against the sandbox, as a task of the role would run it: this
repository's ansible.cfg, a local connection (so an action of the same name runs the work in Ansible's process),
the result read from the json callback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.kube import REPO_ROOT


def run_task(module: str, args: dict, *, check: bool = False) -> dict:
    """The result of `module` (its FQCN) with `args`; `check` runs it in check mode."""
    command = [
        str(Path(sys.executable).with_name("ansible")),
        "localhost",
        "--inventory=localhost,",
        "--connection=local",
        f"--extra-vars=ansible_python_interpreter={sys.executable}",
        f"--module-name={module}",
        f"--args={json.dumps(args)}",
        "--diff",
        *(["--check"] if check else []),
    ]
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
        "ANSIBLE_STDOUT_CALLBACK": "json",
    }
    ran = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    try:
        (task,) = json.loads(ran.stdout)["plays"][0]["tasks"]
    except (ValueError, KeyError, IndexError) as error:
        raise AssertionError(f"ansible gave no result ({error}):\n{ran.stdout}\n{ran.stderr}") from error
    return task["hosts"]["localhost"]
