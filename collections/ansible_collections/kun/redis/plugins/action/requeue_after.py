# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The requeue_after action (documented in plugins/modules/requeue_after.py): return the period until the next
reconcile, in the Go duration form ansible-operator parses from the task's result."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = {"seconds": {"type": "float", "required": True}}


def go_duration(seconds: float) -> str:
    """`2s`, `2.5s`, `0.001s`: fixed-point to the millisecond, since Go's ParseDuration takes no exponent."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, arguments = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        seconds = arguments["seconds"]
        if not seconds >= 0.001:
            return {
                **result,
                "failed": True,
                "msg": f"seconds is {seconds}: give the time until the next reconcile, at least 0.001",
            }
        return {**result, "changed": False, "period": go_duration(seconds)}
