# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the Redis modules reach the nodes: documented once, used by every module that talks to Redis."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  nodes:
    description:
      - The Redis nodes of one group, in a stable order (for pods, by ordinal).
      - When every node and Sentinel has a I(hostname) and runs Redis 6.2 or newer, nodes are announced and
        replicated to by hostname; otherwise by address.
    type: list
    elements: dict
    required: true
    suboptions:
      address:
        description: The IP address (or resolvable name) to connect to.
        type: str
        required: true
      port:
        description: The Redis port.
        type: int
        default: 6379
      hostname:
        description: A stable hostname that designates this node across restarts (for a pod, its FQDN).
        type: str
  password:
    description:
      - The password of the default user (C(requirepass)); also used as C(masterauth) and Sentinel C(auth-pass).
      - Never returned, logged or shown in a diff.
    type: str
  connect_timeout:
    description: Seconds to wait for a TCP connection to one node before calling it unreachable.
    type: float
    default: 0.5
  socket_timeout:
    description: Seconds to wait for one reply before calling the node unreachable.
    type: float
    default: 1.0
"""
