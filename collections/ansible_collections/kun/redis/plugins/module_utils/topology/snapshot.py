# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the operator observed of one Redis group: every node and every Sentinel, as plain immutable data.

The observer builds a Snapshot with I/O; the planner and the report read it without any. Nodes and Sentinels are
named "address:port" exactly as the caller listed them, and keep the caller's order (the tie-break of last resort).
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint

# A replication id of all zeros means "no previous history" (INFO replication master_replid2).
NO_REPLID = "0" * 40


@dataclass(frozen=True)
class ReplicaLink:
    """One connected replica as its master reports it (INFO replication slaveN)."""

    host: str
    port: int
    state: str
    offset: int
    lag: int  # seconds since the replica's last acknowledgement


@dataclass(frozen=True)
class RedisNodeView:
    endpoint: Endpoint
    reachable: bool
    error: str | None = None
    version: str = ""
    run_id: str = ""
    role: str = ""  # "master" or "slave", as INFO replication says
    master_host: str | None = None
    master_port: int | None = None
    master_link_up: bool = False
    replid: str = ""
    replid2: str = NO_REPLID
    offset: int = 0
    dbsize: int = 0
    loading: bool = False  # still reading its AOF or RDB (INFO persistence): its keys are not all counted yet
    replica_announce_ip: str = ""
    masterauth_matches: bool = True  # CONFIG GET masterauth equals the password the caller gave (never stored)
    replica_links: tuple[ReplicaLink, ...] = ()  # on a master: its connected replicas, from INFO replication

    @property
    def name(self) -> str:
        return self.endpoint.name

    @property
    def is_master(self) -> bool:
        return self.reachable and self.role == "master"

    @property
    def has_data(self) -> bool:
        """Keys, not replication history: a replica of an empty master has an offset but nothing worth keeping."""
        return self.dbsize > 0

    def replicates_from(self, master: Endpoint) -> bool:
        return (
            self.role == "slave"
            and self.master_host is not None
            and self.master_port is not None
            and master.answers_to(self.master_host, self.master_port)
        )


@dataclass(frozen=True)
class KnownPeer:
    """A replica or a Sentinel as one Sentinel lists it (SENTINEL REPLICAS / SENTINEL SENTINELS)."""

    host: str
    port: int
    down: bool = False  # flagged s_down by that Sentinel


@dataclass(frozen=True)
class SentinelSettings:
    quorum: int
    down_after_milliseconds: int
    failover_timeout: int
    parallel_syncs: int

    def as_sentinel_options(self) -> dict[str, int]:
        """The SENTINEL SET option names and values, in a stable order."""
        return {
            "down-after-milliseconds": self.down_after_milliseconds,
            "failover-timeout": self.failover_timeout,
            "parallel-syncs": self.parallel_syncs,
            "quorum": self.quorum,
        }


@dataclass(frozen=True)
class SentinelView:
    endpoint: Endpoint
    reachable: bool
    error: str | None = None
    version: str = ""
    monitors_group: bool = False
    master_host: str | None = None
    master_port: int | None = None
    master_down: bool = False  # this Sentinel flags its master s_down / o_down
    failover_in_progress: bool = False
    settings: SentinelSettings | None = None
    replicas: tuple[KnownPeer, ...] = ()
    sentinels: tuple[KnownPeer, ...] = ()
    resolve_hostnames: bool = False
    announce_hostnames: bool = False
    announce_ip: str = ""

    @property
    def name(self) -> str:
        return self.endpoint.name


@dataclass(frozen=True)
class Snapshot:
    nodes: tuple[RedisNodeView, ...]
    sentinels: tuple[SentinelView, ...] = ()

    def node_at(self, host: str | None, port: int | None) -> RedisNodeView | None:
        if host is None or port is None:
            return None
        return next((node for node in self.nodes if node.endpoint.answers_to(host, port)), None)

    def sentinel_at(self, host: str, port: int) -> SentinelView | None:
        return next((sentinel for sentinel in self.sentinels if sentinel.endpoint.answers_to(host, port)), None)

    @property
    def reachable_nodes(self) -> tuple[RedisNodeView, ...]:
        return tuple(node for node in self.nodes if node.reachable)

    @property
    def reachable_sentinels(self) -> tuple[SentinelView, ...]:
        return tuple(sentinel for sentinel in self.sentinels if sentinel.reachable)
