# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module with an action of the same name (plugins/plugin_utils/in_process.py) says about where it runs."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
attributes:
  action:
    support: full
    description: An action plugin of the same name runs the module's work on the controller for a local connection.
notes:
  - With a local connection (ansible-operator's, a playbook's on localhost) the action of the same name does the
    module's work in Ansible's own process, without starting a Python process for it; elsewhere the module runs on
    the target host.
"""
