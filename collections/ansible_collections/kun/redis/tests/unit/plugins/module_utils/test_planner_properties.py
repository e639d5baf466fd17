"""Properties of the planner over generated snapshots, and a state machine that breaks a group the way production
does (nodes die, restart empty, come back at new addresses, Sentinel fails over) and heals it after every step.
"""

from __future__ import annotations

from dataclasses import replace

from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint
from ansible_collections.kun.redis.plugins.module_utils.topology.planner import (
    Desired,
    Kind,
    Plan,
    data_rank,
    newest_histories,
    plan,
)
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import (
    NO_REPLID,
    KnownPeer,
    RedisNodeView,
    SentinelSettings,
    SentinelView,
    Snapshot,
)
from ansible_collections.kun.redis.tests.unit.plugins.module_utils.snapshot_builders import (
    DESIRED,
    SETTINGS,
    node_endpoint,
    sentinel_endpoint,
)
from ansible_collections.kun.redis.tests.unit.plugins.module_utils.topology_model import (
    apply,
    promoted,
    rediscovered,
    synced_replica,
)
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HISTORIES = ("A", "B", "C")
GONE = ("10.9.9.9", 6379)


@st.composite
def node_views(draw, index: int, count: int, hostnames: bool) -> RedisNodeView:
    endpoint = node_endpoint(index, hostnames)
    if not draw(st.integers(0, 4)):
        return RedisNodeView(endpoint, reachable=False, error="refused")
    role = draw(st.sampled_from(["master", "slave"]))
    master = node_endpoint(draw(st.integers(0, count - 1))) if draw(st.integers(0, 5)) else Endpoint(*GONE)
    replid = draw(st.sampled_from(HISTORIES))
    return RedisNodeView(
        endpoint,
        reachable=True,
        version=draw(st.sampled_from(["7.0.15", "7.0.15", "6.0.9"])),
        role=role,
        master_host=master.address if role == "slave" else None,
        master_port=master.port if role == "slave" else None,
        master_link_up=draw(st.booleans()),
        replid=replid,
        replid2=draw(st.sampled_from([NO_REPLID, *(h for h in HISTORIES if h != replid)])),
        offset=draw(st.integers(0, 3)) * 100,
        dbsize=draw(st.integers(0, 2)),
        replica_announce_ip=draw(st.sampled_from(["", endpoint.hostname or ""])),
        masterauth_matches=draw(st.integers(0, 5)) > 0,
    )


@st.composite
def peers(draw, addresses: list[tuple[str, int]]) -> tuple[KnownPeer, ...]:
    chosen = draw(st.lists(st.sampled_from([*addresses, GONE]), unique=True, max_size=len(addresses) + 1))
    return tuple(KnownPeer(host, port, down=draw(st.integers(0, 5)) == 0) for host, port in chosen)


@st.composite
def sentinel_views(draw, index: int, nodes: tuple[RedisNodeView, ...], count: int, hostnames: bool) -> SentinelView:
    endpoint = sentinel_endpoint(index, hostnames)
    if not draw(st.integers(0, 5)):
        return SentinelView(endpoint, reachable=False, error="refused")
    if not draw(st.integers(0, 4)):
        return SentinelView(endpoint, reachable=True, version="7.0.15")
    node_addresses = [(n.endpoint.address, n.endpoint.port) for n in nodes]
    master = draw(st.sampled_from([*node_addresses, GONE]))
    others = [(sentinel_endpoint(i).address, 26379) for i in range(count) if i != index]
    return SentinelView(
        endpoint,
        reachable=True,
        version="7.0.15",
        monitors_group=True,
        master_host=master[0],
        master_port=master[1],
        master_down=draw(st.integers(0, 5)) == 0,
        failover_in_progress=draw(st.integers(0, 8)) == 0,
        settings=draw(st.sampled_from([SETTINGS, SentinelSettings(2, 30000, 180000, 1)])),
        replicas=draw(peers(node_addresses)),
        sentinels=draw(peers(others)),
    )


@st.composite
def snapshots(draw) -> Snapshot:
    count = draw(st.integers(1, 5))
    hostnames = draw(st.booleans())
    nodes = tuple(draw(node_views(i, count, hostnames)) for i in range(count))
    sentinel_count = draw(st.integers(0, 3))
    return Snapshot(
        nodes, tuple(draw(sentinel_views(i, nodes, sentinel_count, hostnames)) for i in range(sentinel_count))
    )


def desired_for(snapshot: Snapshot) -> Desired:
    return replace(DESIRED, settings=replace(SETTINGS, quorum=len(snapshot.sentinels) // 2 + 1))


def assert_promotes_only_the_most_data(snapshot: Snapshot, result: Plan) -> None:
    """A promoted node, and any master not named by a Sentinel quorum, has the most data of all reachable nodes."""
    heads = newest_histories(snapshot)
    best = max((data_rank(node, heads) for node in snapshot.reachable_nodes), default=None)
    for action in result.actions:
        if action.kind == Kind.PROMOTE:
            promoted_node = next(node for node in snapshot.nodes if node.name == action.target)
            assert data_rank(promoted_node, heads) == best, f"{action.target} promoted with less data than another"
    if result.master is not None and result.master_source != "sentinel quorum":
        assert data_rank(result.master, heads) == best, f"{result.master.name} kept with less data than another"


@FAST
@given(snapshots())
def test_never_acts_while_a_failover_is_in_progress(snapshot: Snapshot) -> None:
    result = plan(snapshot, desired_for(snapshot))
    if any(s.reachable and s.monitors_group and s.failover_in_progress for s in snapshot.sentinels):
        assert result.actions == ()
        assert result.blocked


@FAST
@given(snapshots())
def test_never_promotes_a_node_with_less_data_than_another_reachable_one(snapshot: Snapshot) -> None:
    assert_promotes_only_the_most_data(snapshot, plan(snapshot, desired_for(snapshot)))


@FAST
@given(snapshots())
def test_applying_the_plan_leaves_nothing_to_do(snapshot: Snapshot) -> None:
    desired = desired_for(snapshot)
    first = plan(snapshot, desired)
    healed = apply(snapshot, first, desired)
    second = plan(healed, desired)
    note(f"first plan: {first.actions}")
    assert second.actions == ()
    if first.master is not None:
        assert second.master is not None and second.master.name == first.master.name
        assert [node.name for node in healed.reachable_nodes if node.role == "master"] == [first.master.name]


class BrokenGroup(RuleBasedStateMachine):
    """Three nodes and three Sentinels; after every heal there is one master and a second plan is empty."""

    def __init__(self) -> None:
        super().__init__()
        nodes = tuple(
            RedisNodeView(node_endpoint(i), reachable=True, version="7.0.15", role="master", replid=f"fresh{i}")
            for i in range(3)
        )
        sentinels = tuple(SentinelView(sentinel_endpoint(i), reachable=True, version="7.0.15") for i in range(3))
        self.world = Snapshot(nodes, sentinels)
        self.desired = DESIRED
        self.healed = False
        self.restarts = 0

    def _set_node(self, index: int, node: RedisNodeView) -> None:
        nodes = list(self.world.nodes)
        nodes[index] = node
        self.world = replace(self.world, nodes=tuple(nodes))
        self.healed = False

    @rule()
    def heal(self) -> None:
        result = plan(self.world, self.desired)
        note(f"heal: {[(a.kind, a.target) for a in result.actions]} blocked={result.blocked}")
        assert_promotes_only_the_most_data(self.world, result)
        self.world = apply(self.world, result, self.desired)
        self.healed = result.blocked is None
        assert plan(self.world, self.desired).actions == ()

    @rule(keys=st.integers(1, 3))
    def write(self, keys: int) -> None:
        masters = [node for node in self.world.reachable_nodes if node.role == "master"]
        if len(masters) != 1:
            return
        master = replace(masters[0], offset=masters[0].offset + 100 * keys, dbsize=masters[0].dbsize + keys)
        nodes = tuple(
            master
            if node.name == master.name
            else synced_replica(node, master, node.master_host or "")
            if node.reachable and node.replicates_from(master.endpoint)
            else node
            for node in self.world.nodes
        )
        self.world = replace(self.world, nodes=nodes)

    @rule(index=st.integers(0, 2))
    def kill_node(self, index: int) -> None:
        node = self.world.nodes[index]
        note(f"kill {node.name}")
        self._set_node(index, RedisNodeView(node.endpoint, reachable=False, error="killed"))

    @rule(index=st.integers(0, 2), new_address=st.booleans())
    def restart_empty(self, index: int, new_address: bool) -> None:
        """A pod restarted on an empty volume without replicaof; with new_address, its IP changed too."""
        node = self.world.nodes[index]
        if node.reachable:
            return
        self.restarts += 1
        endpoint = Endpoint(f"10.0.2.{self.restarts}", 6379) if new_address else node.endpoint
        note(f"restart {node.name} empty at {endpoint.name}")
        fresh = RedisNodeView(endpoint, reachable=True, version="7.0.15", role="master", replid=f"r{self.restarts}")
        self._set_node(index, fresh)

    @precondition(lambda self: any(s.monitors_group for s in self.world.sentinels))
    @rule()
    def sentinel_fails_over(self) -> None:
        """What Sentinel does when its master is down: promote the best replica it knows, repoint the others."""
        watcher = next(s for s in self.world.sentinels if s.monitors_group)
        old = self.world.node_at(watcher.master_host, watcher.master_port)
        if old is not None and old.reachable:
            return
        known = [self.world.node_at(peer.host, peer.port) for s in self.world.sentinels for peer in s.replicas]
        candidates = [n for n in known if n is not None and n.reachable and n.role == "slave"]
        if not candidates:
            return
        chosen = promoted(max(candidates, key=lambda n: n.offset))
        note(f"Sentinel fails over to {chosen.name}")
        nodes = tuple(
            chosen
            if node.name == chosen.name
            else synced_replica(node, chosen, chosen.endpoint.address)
            if any(node is c for c in candidates)
            else node
            for node in self.world.nodes
        )
        world = replace(self.world, nodes=nodes)
        sentinels = tuple(
            rediscovered(replace(s, master_host=chosen.endpoint.address, master_port=6379), world, world.sentinels)
            if s.monitors_group
            else s
            for s in world.sentinels
        )
        self.world = replace(world, sentinels=sentinels)
        self.healed = False

    @invariant()
    def one_master_after_a_heal(self) -> None:
        if self.healed and self.world.reachable_nodes:
            masters = [node.name for node in self.world.reachable_nodes if node.role == "master"]
            assert len(masters) == 1, masters

    @invariant()
    def nothing_to_do_after_a_heal(self) -> None:
        if self.healed:
            assert plan(self.world, self.desired).actions == ()


TestBrokenGroup = BrokenGroup.TestCase
TestBrokenGroup.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
