"""Runs a playbook with ansible-playbook against localhost, with this repository's ansible.cfg or another one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_playbook(
    playbook: Path, variables: dict, *, verbosity: int = 1, config: Path | None = None
) -> subprocess.CompletedProcess:
    """Variables go in a file (never on the command line); modules run under this virtualenv's Python. With `config`
    the run uses that ansible.cfg from its folder, and nothing of this repository's is on Python's path."""
    vars_file = playbook.with_suffix(".vars.json")
    vars_file.write_text(json.dumps({"ansible_python_interpreter": sys.executable, **variables}))
    vars_file.chmod(0o600)
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(config or REPO_ROOT / "ansible.cfg"),
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
    }
    if config:
        env.pop("PYTHONPATH", None)
    command = [f"{bin_dir}/ansible-playbook", "-i", "localhost,", "-c", "local", "-e", f"@{vars_file}", str(playbook)]
    if verbosity:
        command.append("-" + "v" * verbosity)
    cwd = config.parent if config else REPO_ROOT
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
