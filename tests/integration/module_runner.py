"""Runs an Ansible module's main() in this process with the given arguments and returns its JSON result.

The module reads its arguments from ansible.module_utils.basic's globals, as AnsiballZ would hand them over, and
prints its result before exiting; both exit_json and fail_json end in SystemExit, which is caught here.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path

import ansible.module_utils
from ansible.module_utils import basic

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
MODULES = PLUGINS / "modules"

# Modules import their shared code as ansible.module_utils.<name> (Ansible's convention for the module_utils folder
# named in ansible.cfg); the same imports must work here, under pytest or not (the benchmark).
if str(PLUGINS / "module_utils") not in ansible.module_utils.__path__:
    ansible.module_utils.__path__.append(str(PLUGINS / "module_utils"))


def run_module(name: str, args: dict, *, check_mode: bool = False) -> dict:
    """The module's result dict; `failed` is true when it called fail_json."""
    spec = importlib.util.spec_from_file_location(f"_module_{name}", MODULES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    payload = {"ANSIBLE_MODULE_ARGS": {**args, "_ansible_check_mode": check_mode}}
    basic._ANSIBLE_ARGS = json.dumps(payload).encode()
    basic._ANSIBLE_PROFILE = "legacy"
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            module.main()
    finally:
        basic._ANSIBLE_ARGS = None
    return json.loads(out.getvalue().strip().splitlines()[-1])
