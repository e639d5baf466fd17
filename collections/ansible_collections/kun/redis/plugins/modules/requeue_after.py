# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the requeue_after action. It runs on the controller (plugins/action/requeue_after.py): it only
returns a value for ansible-operator to read, so shipping it as a module to a Python process of its own would cost
a second of every converging reconcile for nothing. Ansible's own set_fact and debug are documented the same way.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: requeue_after
short_description: Ask the operator to reconcile the resource again after a given time
description:
  - ansible-operator reconciles a resource again after its watch's C(reconcilePeriod), unless a task whose action
    is written C(requeue_after) returned a C(period) (a Go duration), in which case after that period. It reads the
    period from the task's result, so this action only has to return it; the name of the action as the task writes
    it is what the operator looks for, so write C(requeue_after), not its FQCN, and let the play's or the role's
    C(collections) keyword (C(kun.redis)) resolve it.
  - The operator_sdk.util collection, which has a module of this name, is not available from the package registries;
    this one returns the same C(period), from a number of seconds instead of a duration string, so that a bad value
    is refused here rather than by the operator.
  - A skipped task requests nothing, so C(when) decides whether the period applies to this reconcile.
  - Changes nothing; check mode returns the period as well.
  - An action that runs on the controller; no Python process is started for it.
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
  - redis-kun operator developers (@redis-kun)
"""

EXAMPLES = r"""
# In a role's meta/main.yml (or a play): `collections: [kun.redis]`, so that the short name resolves to this action;
# ansible-operator recognises the task by the short name alone.
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
