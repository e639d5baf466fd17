"""Run a kun.redis module, or its action, in this process with the given arguments, and return its result.

The module reads its arguments from ansible.module_utils.basic's globals, as AnsiballZ would hand them over, and
prints its result before exiting; both exit_json and fail_json end in SystemExit, which is caught here. The action
is built from the objects Ansible's task executor builds it from: a task, a connection plugin, a play context.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json

from ansible.module_utils import basic
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import connection_loader
from ansible.template import Templar

COLLECTION = "ansible_collections.kun.redis.plugins"


def run_module(name: str, args: dict, *, check_mode: bool = False) -> dict:
    """The result dict of the module kun.redis.<name>; `failed` is true when it called fail_json."""
    module = importlib.import_module(f"{COLLECTION}.modules.{name}")
    # What Ansible adds to a module's arguments (ActionBase._update_module_args) that the results depend on.
    internal = {"_ansible_check_mode": check_mode, "_ansible_module_name": f"kun.redis.{name}"}
    payload = {"ANSIBLE_MODULE_ARGS": {**args, **internal}}
    basic._ANSIBLE_ARGS = json.dumps(payload).encode()
    basic._ANSIBLE_PROFILE = "legacy"
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            module.main()
    finally:
        basic._ANSIBLE_ARGS = None
    return json.loads(out.getvalue().strip().splitlines()[-1])


def make_action(
    action_class: type[ActionBase],
    action: str,
    args: dict,
    *,
    check_mode: bool = False,
    transport: str = "local",
    become: bool = False,
    environment: dict | None = None,
    async_seconds: int = 0,
) -> ActionBase:
    """An action of `action_class` for one task `action: args`, over a connection plugin of `transport`."""
    task = Task()
    task.action = action
    task.args = args
    task.check_mode = check_mode
    task.environment = [environment] if environment else []
    task.async_val = async_seconds
    play_context = PlayContext()
    play_context.become = become
    loader = DataLoader()
    connection = connection_loader.get(transport, play_context)
    return action_class(task, connection, play_context, loader, Templar(loader=loader), shared_loader_obj=None)


def run_action(name: str, args: dict, *, check_mode: bool = False) -> dict:
    """The result of the action kun.redis.<name> on a local connection, as the modules' JSON would carry it."""
    action_class = importlib.import_module(f"{COLLECTION}.action.{name}").ActionModule
    result = make_action(action_class, f"kun.redis.{name}", args, check_mode=check_mode).run(task_vars={})
    return json.loads(json.dumps(result))
