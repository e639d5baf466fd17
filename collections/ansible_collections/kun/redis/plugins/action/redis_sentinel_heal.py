# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""redis_sentinel_heal (documented in plugins/modules/redis_sentinel_heal.py): its work runs in the controller's
process when the task's connection is local, and the module runs elsewhere (plugins/plugin_utils/in_process.py)."""

from __future__ import annotations

from ansible_collections.kun.redis.plugins.module_utils.topology.heal import argument_spec, heal
from ansible_collections.kun.redis.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    ARGUMENT_SPEC = argument_spec()
    work = staticmethod(heal)
