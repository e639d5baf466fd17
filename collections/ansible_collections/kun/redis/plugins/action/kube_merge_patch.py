# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kube_merge_patch (documented in plugins/modules/kube_merge_patch.py): its work runs in the controller's process
when the task's connection is local, and the module runs elsewhere (plugins/plugin_utils/in_process.py)."""

from __future__ import annotations

from ansible_collections.kun.redis.plugins.module_utils.kube.merge_patch import argument_spec, merge_patch_objects
from ansible_collections.kun.redis.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    ARGUMENT_SPEC = argument_spec()
    work = staticmethod(merge_patch_objects)
