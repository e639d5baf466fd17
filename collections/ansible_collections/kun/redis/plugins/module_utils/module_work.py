# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module's work as a function of its validated parameters and check mode, so that one code path serves both the
module (AnsibleModule, in a Python process of its own) and its action (in the controller's process, see
plugins/plugin_utils/in_process.py).

A work returns the module's result, with its warnings as a list under `warnings`, or raises TaskFailed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:  # only the module side has an AnsibleModule; the action side never imports it
    from ansible.module_utils.basic import AnsibleModule

Work = Callable[[Mapping[str, Any], bool], dict]


class TaskFailed(Exception):
    """The work failed: `msg` says why, `result` holds what it found or did before (fail_json's other keys)."""

    def __init__(self, msg: str, **result: Any):
        super().__init__(msg)
        self.msg, self.result = msg, result


def finish(module: AnsibleModule, work: Work) -> NoReturn:
    """Run `work` on the module's parameters and end the module with its result: exit_json, or fail_json."""
    try:
        result, failure = work(module.params, module.check_mode), None
    except TaskFailed as failed:
        result, failure = failed.result, failed.msg
    # AnsibleModule takes warnings through warn(); passing them to exit_json is deprecated.
    for warning in result.pop("warnings", []):
        module.warn(warning)
    if failure is not None:
        module.fail_json(msg=failure, **result)
    module.exit_json(**result)
