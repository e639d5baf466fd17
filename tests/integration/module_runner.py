"""Runs an Ansible module's main() in this process with the given arguments and returns its JSON result.

The module reads its arguments from ansible.module_utils.basic's globals, as AnsiballZ would hand them over, and
prints its result before exiting; both exit_json and fail_json end in SystemExit, which is caught here.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json

from ansible.module_utils import basic


def run_module(name: str, args: dict, *, check_mode: bool = False) -> dict:
    """The result dict of kun.redis.<name>; `failed` is true when it called fail_json."""
    module = importlib.import_module(f"ansible_collections.kun.redis.plugins.modules.{name}")
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
