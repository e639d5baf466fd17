# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How soon a RedisCluster that is not Healthy is reconciled again: at once while it moves, less often while it is
stuck. A pure function of (the status the reconcile started from, whether this reconcile moved it, now).

A converging cluster moves one step per reconcile (a master chosen, a Sentinel reset, a pod rolled), so the next
step is taken `shortest` seconds after the last. A cluster that stays where it is (the same condition, the same
counts, no Event) waits for something outside the operator: a pod to start, a node to load its data, a network to
come back. Each of those that Kubernetes or Sentinel announces reaches a reconcile through the event relay
(docs/architecture.md, "Event flow") at once, whatever this delay, so polling it every 2 s only spends the CPU the
starting pods need; when 30 clusters start at once on two cores, that spending is what kept them from ever starting
(docs/benchmarks.md). So the delay grows with the time the cluster has stood still: a quarter of it, from
`shortest` to `longest`. The share of the operator's time a stuck cluster takes then falls as it stays stuck, and
what no event announces is still seen within `longest` seconds.

The time the cluster has stood still is read from its status, which the operator writes whenever what it reports
changes: the newest condition's lastUpdateTime (conditions.py refreshes it every REFRESH_SECONDS even when nothing
changes, which at worst brings one quick reconcile that often). No counter is kept anywhere: the operator keeps no
state between reconciles, and a restarted operator begins with quick steps, which is the safe side.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

# The delay is this share of the time the cluster has stood still.
STALL_SHARE = 0.25


def stalled_seconds(status: Mapping, progressed: bool, now: datetime) -> float:
    """Seconds since the status last changed, 0 when this reconcile changed it (`progressed`) or when no time can
    be read from it."""
    if progressed:
        return 0.0
    try:
        written = datetime.fromisoformat(status["conditions"][0]["lastUpdateTime"])
    except (KeyError, IndexError, TypeError, ValueError):
        return 0.0
    return max(0.0, (now - written).total_seconds())


def requeue_seconds(stalled: float, shortest: float, longest: float) -> float:
    """The delay until the next reconcile of a cluster that is not Healthy and has stood still for `stalled`
    seconds: STALL_SHARE of that, never under `shortest` nor over `longest`."""
    if not 0 < shortest <= longest:
        raise ValueError(f"requeue bounds {shortest}..{longest}: give 0 < shortest <= longest")
    return min(longest, max(shortest, stalled * STALL_SHARE))
