"""The event relay: what Kubernetes' watches do not show ansible-operator, turned into reconciles within a second.

ansible-operator reconciles a RedisCluster when the RedisCluster itself changes (its generation, or with
`watchAnnotationsChanges` its annotations), when an object it owns is deleted or changed outside its status (the
DependentPredicate of its dependent watches), and once per `reconcilePeriod`. Pods are not among those: they are
owned by the StatefulSets, not by the RedisCluster, and a pod's readiness or restarts are status. Nor is anything
inside Redis: a crashed process, a Sentinel failover.

The relay, a second container of the operator's pod (config/manager/manager.yaml), fills that gap:
- it watches the RedisClusters its operator serves (the same scope rule as the role) and their pods;
- it subscribes to every Sentinel of those clusters (`+switch-master`, `+sdown`, `-sdown`, ...);
- each event that calls for a reconcile (rules.py) becomes, after a short coalescing window, one merge patch of the
  RedisCluster's `redis.kun/relayed-event` annotation (triggers.py), which ansible-operator's annotation predicate
  turns into a reconcile. A burst coalesces twice: here, and in controller-runtime's work queue, which holds a key
  once however often it is added.

It holds no state the operator needs: killed, the periodic reconcile still heals every cluster, only later.
docs/architecture.md ("Event flow") has the whole picture.
"""

import sys
from pathlib import Path

# The collection's module_utils (the Redis client, the scope rule) import as a package from collections/ beside this
# folder: in the repository and in the operator image alike (Dockerfile).
_COLLECTIONS = str(Path(__file__).resolve().parent.parent / "collections")
if _COLLECTIONS not in sys.path:
    sys.path.append(_COLLECTIONS)
