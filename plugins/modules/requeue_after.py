#!/usr/bin/python
"""Ansible module: ask the operator to reconcile the custom resource again after a given time."""
# Ansible's module layout puts DOCUMENTATION, EXAMPLES and RETURN before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
module: requeue_after
short_description: Ask the operator to reconcile the resource again after a given time
description:
  - ansible-operator reconciles a resource again after its watch's C(reconcilePeriod), unless a task whose action
    is C(requeue_after) returned a C(period) (a Go duration), in which case after that period. It reads the period
    from the task's result, so this module only has to return it; the name of the module is what the operator looks
    for.
  - The operator_sdk.util collection, which has a module of this name, is not available from the package registries;
    this one returns the same C(period), from a number of seconds instead of a duration string, so that a bad value
    is refused here rather than by the operator.
  - A skipped task requests nothing, so C(when) decides whether the period applies to this reconcile.
  - Changes nothing; check mode returns the period as well.
version_added: "0.1.0"
options:
  seconds:
    description: Seconds until the next reconcile, at least 0.001 (the period is kept to the millisecond).
    type: float
    required: true
attributes:
  check_mode:
    support: full
    description: Returns the period, as outside check mode.
author:
  - redis-kun-operator maintainers
"""

EXAMPLES = r"""
- name: Reconcile again in 2 seconds while the cluster is not Healthy
  requeue_after:
    seconds: 2
  when: condition.type != 'Healthy'
"""

RETURN = r"""
period:
  description: The time until the next reconcile, as a Go duration (what ansible-operator parses).
  returned: always
  type: str
  sample: 2s
"""

from ansible.module_utils.basic import AnsibleModule


def argument_spec() -> dict:
    return {"seconds": {"type": "float", "required": True}}


def go_duration(seconds: float) -> str:
    """`2s`, `2.5s`, `0.001s`: fixed-point to the millisecond, since Go's ParseDuration takes no exponent."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    seconds = module.params["seconds"]
    if not seconds >= 0.001:
        module.fail_json(msg=f"seconds is {seconds}: give the time until the next reconcile, at least 0.001")
    module.exit_json(changed=False, period=go_duration(seconds))


if __name__ == "__main__":
    main()
