"""The observer's parsing of INFO and Sentinel replies into views: no I/O, replies as Redis 7.0 sends them."""

from __future__ import annotations

from ansible_collections.kun.redis.plugins.module_utils.redis.client import parse_info
from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint
from ansible_collections.kun.redis.plugins.module_utils.topology.observer import node_view, sentinel_view
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import ReplicaLink

MASTER_REPLICATION = """# Replication\r
role:master\r
connected_slaves:1\r
slave0:ip=10.0.0.2,port=6379,state=online,offset=1404,lag=1\r
master_failover_state:no-failover\r
master_replid:1234567890123456789012345678901234567890\r
master_replid2:0000000000000000000000000000000000000000\r
master_repl_offset:1418\r
"""
REPLICA_REPLICATION = """# Replication\r
role:slave\r
master_host:redis-0.redis.ns.svc\r
master_port:6379\r
master_link_status:up\r
master_replid:1234567890123456789012345678901234567890\r
master_repl_offset:1404\r
"""


def test_a_master_with_a_replication_id_made_of_digits() -> None:
    view = node_view(
        Endpoint("10.0.0.1", 6379),
        parse_info(MASTER_REPLICATION),
        parse_info("# Server\r\nredis_version:7.0.15\r\nrun_id:abc\r\n"),
        parse_info("# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\ndb2:keys=4,expires=1,avg_ttl=9\r\n"),
        announce_ip="",
        masterauth_matches=True,
    )
    assert (view.role, view.replid, view.offset, view.dbsize, view.version) == (
        "master",
        "1234567890123456789012345678901234567890",
        1418,
        7,
        "7.0.15",
    )
    assert view.replica_links == (ReplicaLink("10.0.0.2", 6379, "online", 1404, 1),)


def test_a_replica_of_a_hostname() -> None:
    view = node_view(
        Endpoint("10.0.0.2", 6379),
        parse_info(REPLICA_REPLICATION),
        {},
        {},
        announce_ip="redis-1.redis.ns.svc",
        masterauth_matches=False,
    )
    assert view.replicates_from(Endpoint("10.0.0.1", 6379, "redis-0.redis.ns.svc"))
    assert not view.replicates_from(Endpoint("10.0.0.1", 6379))
    assert (view.master_link_up, view.dbsize, view.masterauth_matches) == (True, 0, False)


def test_a_sentinel_in_the_middle_of_a_failover() -> None:
    master = {
        "name": "ns-redis",
        "ip": "10.0.0.1",
        "port": "6379",
        "flags": "master,s_down,o_down,failover_in_progress",
        "quorum": "2",
        "down-after-milliseconds": "5000",
        "failover-timeout": "10000",
        "parallel-syncs": "1",
    }
    replicas = [  # as Redis sends them: flat [field, value, ...] lists
        ["ip", "10.0.0.2", "port", "6379", "flags", "slave"],
        ["ip", "10.0.0.9", "port", "6379", "flags", "slave,s_down"],
    ]
    view = sentinel_view(
        Endpoint("10.0.1.0", 26379),
        version="7.0.15",
        master=master,
        replicas=replicas,
        sentinels=[["ip", "10.0.1.1", "port", "26379", "flags", "sentinel,disconnected"]],
        announce={"resolve_hostnames": True, "announce_hostnames": False, "announce_ip": ""},
    )
    assert (view.master_host, view.master_port, view.master_down, view.failover_in_progress) == (
        "10.0.0.1",
        6379,
        True,
        True,
    )
    assert [(peer.host, peer.down) for peer in view.replicas] == [("10.0.0.2", False), ("10.0.0.9", True)]
    assert [(peer.host, peer.down) for peer in view.sentinels] == [("10.0.1.1", False)]
    assert view.settings.quorum == 2
    assert view.resolve_hostnames is True
