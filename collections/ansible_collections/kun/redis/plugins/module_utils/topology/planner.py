# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Sentinel topology planner: a pure function from an observed Snapshot to the actions that restore the invariants.

Invariants (why each matters: docs/architecture.md, "Invariants the operator restores, and why"):
- exactly one master, and every other reachable node replicates from it;
- every reachable Sentinel monitors that master under the group name, with the desired settings and auth-pass;
- no Sentinel lists replicas or Sentinels that are gone (SENTINEL RESET, one Sentinel at a time);
- the master is chosen by data, never by age or ordinal: the master a Sentinel quorum names; else the reachable node
  with the most data (see data_rank); an empty node never wins over one with data;
- nothing is done while a Sentinel fails the group over, and nothing overrides a master Sentinel is about to replace;
  the masters a Sentinel quorum names that are not kept: one restarted empty beside replicas that hold data, and a
  guess of Sentinels restarted with the nodes (see named_without_agreement);
- no master is chosen by data until more than half of the group answers with its data loaded (a fresh group, with
  no data anywhere, excepted). A write acknowledged with WAIT 1 is on the master and at least one replica: in a group
  of three, any two nodes hold it, and the one with the most data among them has it; choosing from fewer could make
  the others resync from a stale node (every pod restarted at once: the one still starting may hold the newest
  writes). Waiting costs no availability: without a reachable replica a master refuses writes
  (min-replicas-to-write). Larger groups need clients that wait for more replicas for the same guarantee.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import (
    NO_REPLID,
    KnownPeer,
    RedisNodeView,
    SentinelSettings,
    SentinelView,
    Snapshot,
)

# Sentinel gained resolve-hostnames / announce-hostnames and SENTINEL CONFIG in Redis 6.2.
HOSTNAME_SUPPORT = (6, 2)


class Kind:
    """The kinds of action a plan holds, each carried out by the executor: named here only, used as Kind.<NAME>."""

    PROMOTE = "promote"  # REPLICAOF NO ONE
    REPLICATE = "replicate"  # REPLICAOF host port
    SET_MASTERAUTH = "set_masterauth"  # CONFIG SET masterauth <password>
    ANNOUNCE = "announce"  # CONFIG SET replica-announce-ip
    SENTINEL_CONFIG = "sentinel_config"  # SENTINEL CONFIG SET resolve-hostnames / announce-hostnames / announce-ip
    SENTINEL_MONITOR = "sentinel_monitor"  # SENTINEL REMOVE (when present) + MONITOR + SET settings and auth-pass
    SENTINEL_SET = "sentinel_set"  # SENTINEL SET <group> <option> <value> for the options that differ
    SENTINEL_RESET = "sentinel_reset"  # SENTINEL RESET <group>, then wait until it sees the topology again


@dataclass(frozen=True)
class Desired:
    group: str
    settings: SentinelSettings
    size: int = 0  # the nodes the group should have, listed or not yet (a pod without an address); 0: those listed


@dataclass(frozen=True)
class Action:
    kind: str  # a Kind
    target: str  # a node or Sentinel name, "address:port"
    reason: str
    args: dict = field(default_factory=dict)  # never holds a secret: the executor adds the password itself


@dataclass(frozen=True)
class Event:
    reason: str
    message: str
    type: str = "Normal"  # or "Warning"


@dataclass(frozen=True)
class Plan:
    master: RedisNodeView | None
    master_source: str  # how the master was chosen, for the report
    actions: tuple[Action, ...] = ()
    events: tuple[Event, ...] = ()  # facts worth a Kubernetes Event once the actions have run
    blocked: str | None = None  # why nothing may be done now, when that is the case


def plan(snapshot: Snapshot, desired: Desired) -> Plan:
    failing_over = [s.name for s in snapshot.reachable_sentinels if s.monitors_group and s.failover_in_progress]
    if failing_over:
        return Plan(None, "none", blocked=f"Sentinel {failing_over[0]} is failing over {desired.group}; waiting")
    choice = _choose_master(snapshot, desired)
    if choice.master is None:
        return Plan(None, choice.source, blocked=choice.blocked)
    return _TopologyPlanner(snapshot, desired, choice.master, choice.source).plan()


def uses_hostnames(snapshot: Snapshot) -> bool:
    """Announce by hostname only when every process has one and every reachable one runs a Redis that supports it."""
    processes = (*snapshot.nodes, *snapshot.sentinels)
    return bool(processes) and all(
        p.endpoint.hostname and (not p.reachable or _version(p.version) >= HOSTNAME_SUPPORT) for p in processes
    )


def data_rank(node: RedisNodeView, heads: frozenset[str]) -> tuple[bool, bool, int]:
    """How much a node's data is worth keeping: any data over none, the newest history, then the highest offset.

    Replicas apply their master's stream in order, so within one history the highest replication offset holds every
    write any other node holds, every acknowledged one included. What Redis 7.0 tells of a node restarted from disk:
    - from an RDB (no AOF), a master restores the saved history and offset (master_replid2 and master_repl_offset),
      so the nodes of a group restarted together still compare by offset;
    - from an AOF, it restores neither: a new history at offset 0. Nodes restarted together then tie on everything
      above and the tie-break, the number of keys (see _choose_master), decides. That measure is exact for writes that
      add keys; a node lacking only overwrites or deletions cannot be told apart by what Redis exposes.
    rdb_last_save_time is no help: Redis sets it to the start time on every start.
    """
    return (node.has_data, node.replid in heads, node.offset)


def newest_histories(snapshot: Snapshot) -> frozenset[str]:
    """Replication ids no reachable node has moved on from (a promoted replica keeps the old id as replid2)."""
    reachable = snapshot.reachable_nodes
    superseded = {node.replid2 for node in reachable if node.replid2 != NO_REPLID}
    return frozenset(node.replid for node in reachable) - superseded


def restarted_empty(master: RedisNodeView, snapshot: Snapshot) -> bool:
    """A master with no key and a history of its own, while another reachable node holds data from another history.

    That is a node restarted empty before Sentinel noticed it was gone: following Sentinel would let its replicas
    resync from it and drop their data, so the data wins (the only case where the Sentinel quorum is overridden).
    A master that carried on from the other node's history (replid2) is newer, and its emptiness is the truth.
    """
    return not master.has_data and any(
        node.has_data and node.replid not in (master.replid, master.replid2) for node in snapshot.reachable_nodes
    )


def named_without_agreement(master: RedisNodeView, snapshot: Snapshot) -> bool:
    """A master the Sentinels name without having seen the group around it: it stands alone beside another master
    with data (or still loading it) that no Sentinel lists as a replica.

    That is what Sentinels restarted together with the nodes do: their start script monitors the first node that
    reports itself master, ordinal 0 most often, whatever its data, and they learn replicas only from it. Keeping it
    would make the others resync from it. A master that merely lost its replicas (they restarted at once) is still
    trusted: the Sentinels list them, so their data is a part of its history.
    """
    known = [(peer.host, peer.port) for s in snapshot.reachable_sentinels if s.monitors_group for peer in s.replicas]
    return _stands_alone(master, snapshot) and any(
        node is not master
        and node.is_master
        and (node.has_data or node.loading)
        and not any(node.endpoint.answers_to(host, port) for host, port in known)
        for node in snapshot.reachable_nodes
    )


def _stands_alone(master: RedisNodeView, snapshot: Snapshot) -> bool:
    """A master without a replica: none connected (its INFO) and no reachable node following it."""
    return (
        master.is_master
        and not master.replica_links
        and not any(node.replicates_from(master.endpoint) for node in snapshot.reachable_nodes)
    )


@dataclass(frozen=True)
class _MasterChoice:
    master: RedisNodeView | None
    source: str
    blocked: str | None = None


def _choose_master(snapshot: Snapshot, desired: Desired) -> _MasterChoice:
    named = _sentinel_quorum_master(snapshot, desired)
    if named is not None:
        host, port = named
        node = snapshot.node_at(host, port)
        if node is not None and node.reachable and node.loading:
            # Neither kept nor replaced on the keys it has read so far (a master restarted from its AOF).
            return _MasterChoice(None, "sentinel quorum", f"waiting for the master {node.name} to load its data")
        if (
            node is not None
            and node.is_master
            and not restarted_empty(node, snapshot)
            and not named_without_agreement(node, snapshot)
        ):
            return _MasterChoice(node, "sentinel quorum")
        if (node is None or not node.is_master) and _sentinel_can_fail_over(snapshot):
            # Never fight Sentinel: it is about to replace the master it names (OT #513).
            return _MasterChoice(None, "sentinel quorum", f"waiting for Sentinel to replace the master {host}:{port}")
    # A node still loading its data answers INFO with only the keys read so far: it cannot be judged, nor chosen.
    candidates = tuple(node for node in snapshot.reachable_nodes if not node.loading)
    if not candidates:
        return _MasterChoice(None, "none", "no Redis node is reachable with its data loaded")
    data = any(node.has_data for node in snapshot.reachable_nodes)
    if data and len(candidates) <= max(desired.size, len(snapshot.nodes)) // 2:
        pending = [node.name for node in snapshot.nodes if not node.reachable or node.loading]
        return _MasterChoice(None, "data", f"not choosing by data from half the group or less; waiting for {pending}")
    fresh = not any(s.monitors_group for s in snapshot.reachable_sentinels) and not data
    order = {node.name: index for index, node in enumerate(snapshot.nodes)}
    heads = newest_histories(snapshot)
    # Equal data: keep the current master (no churn), then the most keys, then the caller's order (pod ordinal).
    best = max(candidates, key=lambda n: (*data_rank(n, heads), n.is_master, n.dbsize, -order[n.name]))
    return _MasterChoice(best, "bootstrap" if fresh else "data")


def _sentinel_quorum_master(snapshot: Snapshot, desired: Desired) -> tuple[str, int] | None:
    """The master address at least `quorum` reachable Sentinels name, counted per node whatever name they use."""
    votes: Counter[tuple[str, int]] = Counter()
    for sentinel in snapshot.reachable_sentinels:
        if sentinel.monitors_group and sentinel.master_host is not None and sentinel.master_port is not None:
            node = snapshot.node_at(sentinel.master_host, sentinel.master_port)
            named = (sentinel.master_host, sentinel.master_port)
            votes[(node.endpoint.address, node.endpoint.port) if node else named] += 1
    ranked = votes.most_common(2)
    if not ranked or ranked[0][1] < desired.settings.quorum or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def _sentinel_can_fail_over(snapshot: Snapshot) -> bool:
    """Sentinel can promote only a replica it knows of, that is up and still a replica."""
    for sentinel in snapshot.reachable_sentinels:
        for peer in sentinel.replicas if sentinel.monitors_group else ():
            node = snapshot.node_at(peer.host, peer.port)
            if node is not None and node.reachable and node.role == "slave" and not peer.down:
                return True
    return False


class _TopologyPlanner:
    """Collects the actions (and the events they are worth) that bring nodes and Sentinels to the chosen master."""

    def __init__(self, snapshot: Snapshot, desired: Desired, master: RedisNodeView, source: str):
        self.snapshot = snapshot
        self.desired = desired
        self.master = master
        self.source = source
        self.hostnames = uses_hostnames(snapshot)
        endpoint = self.master.endpoint
        self.master_host = endpoint.hostname if self.hostnames and endpoint.hostname else endpoint.address
        self.actions: list[Action] = []
        self.events: list[Event] = []

    def plan(self) -> Plan:
        if self.source == "bootstrap":
            self.event("Bootstrapped", f"new group {self.desired.group}: {self.master.name} is the first master")
        self.plan_nodes()
        self.plan_sentinels()
        return Plan(self.master, self.source, tuple(self.actions), tuple(self.events) if self.actions else ())

    def event(self, reason: str, message: str, kind: str = "Normal") -> None:
        self.events.append(Event(reason, message, kind))

    def plan_nodes(self) -> None:
        master, source = self.master, self.source
        for node in self.snapshot.reachable_nodes:
            if not node.masterauth_matches:
                self.actions.append(
                    Action(Kind.SET_MASTERAUTH, node.name, "masterauth differs from the group's password")
                )
            announce = (node.endpoint.hostname or "") if self.hostnames else ""
            if node.replica_announce_ip != announce:
                reason = f"replica-announce-ip is {node.replica_announce_ip!r}, wanted {announce!r}"
                self.actions.append(Action(Kind.ANNOUNCE, node.name, reason, {"replica_announce_ip": announce}))
        if master.role != "master":
            reason = f"chosen by {source} (offset {master.offset}, {master.dbsize} keys) but it is a replica"
            self.actions.append(Action(Kind.PROMOTE, master.name, reason))
            self.event("MasterPromoted", f"{master.name} promoted to master: {reason}", "Warning")
        for node in self.snapshot.reachable_nodes:
            if node is master or node.replicates_from(master.endpoint):
                continue
            if node.role == "master":
                what = f"a second master ({node.dbsize} keys, offset {node.offset})"
            else:
                what = f"a replica of {node.master_host}:{node.master_port}"
            reason = f"{node.name} is {what}; the master is {master.name} ({source})"
            args = {"host": self.master_host, "port": master.endpoint.port}
            self.actions.append(Action(Kind.REPLICATE, node.name, reason, args))
            if source == "bootstrap":
                continue
            if node.role == "master":
                self.event("SplitBrainResolved", f"{reason}: made it a replica", "Warning")
            else:
                self.event("ReplicaRepointed", f"{reason}: repointed")

    def plan_sentinels(self) -> None:
        master, desired = self.master, self.desired
        monitor_args = {
            "host": self.master_host,
            "port": master.endpoint.port,
            **desired.settings.as_sentinel_options(),
        }
        expected = {
            "master_host": self.master_host,
            "master_port": master.endpoint.port,
            "replicas": len(self.snapshot.reachable_nodes) - 1,
            "sentinels": len(self.snapshot.reachable_sentinels) - 1,
        }
        resets: list[Action] = []
        for sentinel in self.snapshot.reachable_sentinels:
            config_change = _sentinel_config_change(sentinel, self.hostnames)
            if config_change:
                reason = f"announce settings differ: {config_change}"
                self.actions.append(Action(Kind.SENTINEL_CONFIG, sentinel.name, reason, config_change))
            remonitor = _remonitor_reason(sentinel, desired, master)
            if remonitor:
                self.actions.append(Action(Kind.SENTINEL_MONITOR, sentinel.name, remonitor, monitor_args))
                self.event("SentinelMonitorSet", f"Sentinel {sentinel.name} {remonitor}; now monitors {master.name}")
                continue
            options = _differing_options(sentinel, desired)
            if options:
                self.actions.append(
                    Action(Kind.SENTINEL_SET, sentinel.name, f"settings differ: {sorted(options)}", options)
                )
            stale = [_peer_name(p) for p in sentinel.replicas if _stale_replica(self.snapshot, desired, master, p)]
            stale += [_peer_name(p) for p in sentinel.sentinels if _stale_sentinel(self.snapshot, sentinel, p)]
            stale += _listed_twice(self.snapshot, sentinel)
            if stale:
                reason = f"lists gone or stale entries {stale}"
                resets.append(Action(Kind.SENTINEL_RESET, sentinel.name, reason, expected))
                self.event("SentinelReset", f"Sentinel {sentinel.name} reset: it {reason}")
        # Resets last, once the topology they will rediscover is right; the executor runs them one at a time.
        self.actions.extend(resets)


def _sentinel_config_change(sentinel: SentinelView, hostnames: bool) -> dict[str, str]:
    if _version(sentinel.version) < HOSTNAME_SUPPORT:
        return {}
    wanted = {
        "resolve-hostnames": "yes" if hostnames else "no",
        "announce-hostnames": "yes" if hostnames else "no",
        "announce-ip": (sentinel.endpoint.hostname or "") if hostnames else "",
    }
    current = {
        "resolve-hostnames": "yes" if sentinel.resolve_hostnames else "no",
        "announce-hostnames": "yes" if sentinel.announce_hostnames else "no",
        "announce-ip": sentinel.announce_ip,
    }
    return {key: value for key, value in wanted.items() if current[key] != value}


def _remonitor_reason(sentinel: SentinelView, desired: Desired, master: RedisNodeView) -> str | None:
    if not sentinel.monitors_group:
        return f"does not monitor {desired.group}"
    if sentinel.master_host is None or sentinel.master_port is None:
        return f"names no master for {desired.group}"
    if not master.endpoint.answers_to(sentinel.master_host, sentinel.master_port):
        return f"monitors {sentinel.master_host}:{sentinel.master_port} instead of {master.name}"
    if sentinel.master_down and master.is_master:
        return f"sees {master.name} down while it answers (stale address or wrong auth-pass)"
    return None


def _differing_options(sentinel: SentinelView, desired: Desired) -> dict[str, int]:
    wanted = desired.settings.as_sentinel_options()
    current = sentinel.settings.as_sentinel_options() if sentinel.settings else {}
    return {key: value for key, value in wanted.items() if current.get(key) != value}


def _stale_replica(snapshot: Snapshot, desired: Desired, master: RedisNodeView, peer: KnownPeer) -> bool:
    node = snapshot.node_at(peer.host, peer.port)
    if node is None:
        # Gone from the group; but while the group is short of a member, the entry may be that member's pod being
        # replaced, which comes back under the same name: a reset now would only make the Sentinel wait for the
        # master's next INFO (10 s) to list the replicas again. Once the group is whole, an unknown entry is stale.
        return len(snapshot.nodes) >= desired.size
    # The master itself listed as a replica, or up for us while this Sentinel still probes an old address (Sentinel
    # resolves a hostname once).
    return node is master or (node.reachable and peer.down)


def _stale_sentinel(snapshot: Snapshot, lister: SentinelView, peer: KnownPeer) -> bool:
    """Gone, flagged down while it answers, or the listing Sentinel itself. A Sentinel never meets itself through
    its own hellos; it lists itself only when a peer's announced name resolved to its own address (a pod that came
    back with another pod's old IP, before DNS caught up), and nothing ever removes such an entry."""
    sentinel = snapshot.sentinel_at(peer.host, peer.port)
    return sentinel is None or sentinel is lister or (sentinel.reachable and peer.down)


def _listed_twice(snapshot: Snapshot, lister: SentinelView) -> list[str]:
    """Sentinels `lister` lists more than once (under two run ids: the same mix-up of names). The phantom counts
    towards the majority a failover needs, so one real Sentinel down could already block every failover."""
    listed = Counter(
        known.name if (known := snapshot.sentinel_at(p.host, p.port)) else _peer_name(p) for p in lister.sentinels
    )
    return [name for name, count in listed.items() if count > 1]


def _peer_name(peer: KnownPeer) -> str:
    return f"{peer.host}:{peer.port}"


def _version(text: str) -> tuple[int, int]:
    parts = [*text.split("."), "0", "0"][:2]
    try:
        return int(parts[0]), int(parts[1])
    except ValueError:
        return (0, 0)
