"""One task of a kun.redis module run by `ansible`, or a playbook of the role's tasks run by `ansible-playbook`,
against the sandbox, as the role would run them: this repository's ansible.cfg, a local connection (so an action of
the same name runs the work in Ansible's process), the results read from the json callback."""

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


def run_playbook(playbook: Path, variables: dict, kubeconfig: Path, *, check: bool = False) -> tuple[list[dict], str]:
    """The json callback's tasks of `playbook` run with `variables` (from a file beside it), and the run's whole
    output; the role's Kubernetes tasks reach the sandbox through `kubeconfig`, as ansible-operator's runs do."""
    variables_file = playbook.with_suffix(".vars.json")
    variables_file.write_text(json.dumps({"ansible_python_interpreter": sys.executable, **variables}))
    command = [
        str(Path(sys.executable).with_name("ansible-playbook")),
        "--inventory=localhost,",
        "--connection=local",
        *(["--check"] if check else []),
        f"--extra-vars=@{variables_file}",
        str(playbook),
    ]
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
        "ANSIBLE_STDOUT_CALLBACK": "json",
        "K8S_AUTH_KUBECONFIG": str(kubeconfig),
    }
    ran = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120, check=False)
    try:
        tasks = json.loads(ran.stdout)["plays"][0]["tasks"]
    except (ValueError, KeyError, IndexError) as error:
        output = f"{ran.stdout[-3000:]}\n{ran.stderr}"
        raise AssertionError(f"ansible-playbook gave no result ({error}):\n{output}") from error
    return tasks, ran.stdout + ran.stderr
