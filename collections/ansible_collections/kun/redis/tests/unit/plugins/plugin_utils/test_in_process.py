"""plugin_utils/in_process.py: what AnsibleModule does around a work, done in the controller's process (arguments
validated, defaults and fallbacks applied, check mode passed on, no_log values stripped), and the module run
instead wherever its process would not be the controller's like."""

from __future__ import annotations

import re

import pytest
from ansible.module_utils.basic import env_fallback
from ansible_collections.kun.redis.plugins.module_utils.module_work import TaskFailed
from ansible_collections.kun.redis.plugins.plugin_utils.in_process import InProcessAction
from ansible_collections.kun.redis.tests.unit.plugins.runners import make_action

SPEC = {
    "name": {"type": "str", "required": True},
    "size": {"type": "int", "default": 3},
    "password": {"type": "str", "no_log": True},
    "region": {"type": "str", "fallback": (env_fallback, ["KUN_REDIS_TEST_REGION"])},
}
PASSWORD = "s3cret-Pa55word"


def echo(params, check_mode):
    """What it was given, the password in a message too; a failure with all of it for the name `broken`."""
    seen = {"params": dict(params), "check_mode": check_mode, "said": f"logged in with {params['password']}"}
    if params["name"] == "broken":
        raise TaskFailed(f"broken, password {params['password']}", **seen)
    return {"changed": not check_mode, **seen}


class EchoAction(InProcessAction):
    ARGUMENT_SPEC = SPEC
    work = staticmethod(echo)


class ModuleRecordingAction(EchoAction):
    """Records the module run instead of sending a module anywhere."""

    module_runs: list[dict]

    def _execute_module(self, **kwargs):
        self.module_runs.append(kwargs)
        return {"changed": True, "ran": "module"}


def run(args: dict, **task) -> dict:
    return make_action(EchoAction, "kun.redis.echo", args, **task).run(task_vars={})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({}, "missing required arguments: name"),
        ({"name": "a", "size": "many"}, r"argument 'size' is of type .*str.* and we were unable to convert to int"),
        ({"name": "a", "colour": "red"}, r"Unsupported parameters for \(kun\.redis\.echo\) module: colour\."),
    ],
)
def test_arguments_the_spec_refuses_fail_the_task_without_running_the_work(args, message):
    result = run(args)
    assert result["failed"] is True
    assert re.match(message, result["msg"]), result["msg"]
    assert "params" not in result


def test_defaults_and_environment_fallbacks_are_applied(monkeypatch):
    monkeypatch.setenv("KUN_REDIS_TEST_REGION", "eu-1")
    assert run({"name": "a"})["params"] == {"name": "a", "size": 3, "password": None, "region": "eu-1"}


@pytest.mark.parametrize("check_mode", [True, False])
def test_check_mode_reaches_the_work(check_mode):
    result = run({"name": "a"}, check_mode=check_mode)
    assert (result["check_mode"], result["changed"]) == (check_mode, not check_mode)


@pytest.mark.parametrize("name", ["a", "broken"])
def test_no_log_values_never_leave_the_result(name):
    result = run({"name": name, "password": PASSWORD})
    assert PASSWORD not in repr(result)
    assert result["said"] == "logged in with ********"
    assert result["params"]["password"] == result["invocation"]["module_args"]["password"]
    assert result["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_booleans_stay_booleans_whatever_the_no_log_values():
    assert run({"name": "a", "password": "True"})["changed"] is True


def test_a_failure_carries_its_message_and_what_the_work_found_before():
    result = run({"name": "broken", "password": PASSWORD})
    assert (result["failed"], result["msg"]) == (True, "broken, password ********")
    assert result["params"]["name"] == "broken"


@pytest.mark.parametrize(
    ("task", "wrap_async"),
    [
        ({"transport": "ssh"}, False),
        ({"become": True}, False),
        ({"environment": {"K8S_AUTH_KUBECONFIG": "/elsewhere"}}, False),
        ({"async_seconds": 60}, True),  # the local connection has no async of its own: Ansible's wrapper runs it
    ],
    ids=["another-host", "become", "task-environment", "async"],
)
def test_the_module_runs_where_its_process_would_not_be_like_the_controllers(task, wrap_async):
    action = make_action(ModuleRecordingAction, "kun.redis.echo", {"name": "a"}, **task)
    action.module_runs = []
    assert action.run(task_vars={"x": 1}) == {"changed": True, "ran": "module"}
    assert [(run["task_vars"], bool(run["wrap_async"])) for run in action.module_runs] == [({"x": 1}, wrap_async)]


def test_on_the_controller_the_work_runs_and_no_module_does():
    action = make_action(ModuleRecordingAction, "kun.redis.echo", {"name": "a"})
    action.module_runs = []
    assert action.run(task_vars={})["params"]["name"] == "a"
    assert action.module_runs == []
