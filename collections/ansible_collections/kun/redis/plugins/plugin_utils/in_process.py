# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the actions that do their module's work in the controller's process instead of the module's own.

A module run starts a Python process, unpacks AnsiballZ and imports again: about 0.4 s of CPU, in each of these
tasks of every reconcile. When the module would run on the controller anyway (a local connection: ansible-operator,
a playbook on localhost), the action calls the module's work (module_utils/module_work.py) here, doing what
AnsibleModule does around it: validate the arguments against the module's argument_spec, apply defaults and
fallbacks, honour check mode, and strip no_log values from the result. Otherwise the module runs as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash
from ansible_collections.kun.redis.plugins.module_utils.module_work import TaskFailed, Work

display = Display()


def run_in_process(
    module_name: str, argument_spec: dict, work: Work, args: Mapping[str, Any], check_mode: bool
) -> dict:
    """The result that AnsibleModule(argument_spec, supports_check_mode=True) running `work` returns for `args`."""
    validation = ArgumentSpecValidator(argument_spec).validate(args)
    params = validation.validated_parameters
    if validation.error_messages:
        msg = validation.errors.msg  # the first error, as AnsibleModule reports it
        if isinstance(validation.errors[0], UnsupportedError):
            msg = f"Unsupported parameters for ({module_name}) module: {msg}"
        result = {"failed": True, "msg": msg}
    else:
        try:
            result = work(params, check_mode)
        except TaskFailed as failure:
            result = {**failure.result, "failed": True, "msg": failure.msg}
    if not result.get("warnings"):
        result.pop("warnings", None)  # as AnsibleModule: a `warnings` key only with warnings in it
    result["invocation"] = {"module_args": params}
    # As AnsibleModule: booleans and None are kept as they are (older ansible-core's remove_values turns `True` into
    # a placeholder when a no_log value is "True"), every other value is searched for no_log values.
    kept = {key: value for key, value in result.items() if value is None or isinstance(value, bool)}
    return {**remove_values(result, validation._no_log_values), **kept}


class InProcessAction(ActionBase):
    """An action named after its module: ARGUMENT_SPEC is the module's argument_spec, `work` its work."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True  # an async task runs the module (_runs_in_process)

    ARGUMENT_SPEC: ClassVar[dict]
    work: ClassVar[Work]  # set with staticmethod(): a function of the parameters, not a method of the action

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        if self._runs_in_process():
            # The module's name as the task writes it, which is what Ansible tells a module its name is.
            module_name = self._task.action
            display.vvv(f"{module_name}: the module's work runs in the controller's process")
            in_process = run_in_process(
                module_name, self.ARGUMENT_SPEC, self.work, self._task.args, self._task.check_mode
            )
            return {**result, **in_process}
        # Elsewhere the module runs, as the action Ansible gives any module (ansible.builtin.normal) runs it.
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _runs_in_process(self) -> bool:
        """Whether the module's process would be like this one: on this machine, as this user, in this environment.

        become would make it another user's, a task's `environment` would change what it reads (the kubeconfig,
        POD_NAME), and async would leave it running after the task.
        """
        environment: dict = {}
        self._compute_environment_string(environment)
        return (
            self._connection.transport == "local"
            and not self._play_context.become
            and not environment
            and not self._task.async_val
        )
