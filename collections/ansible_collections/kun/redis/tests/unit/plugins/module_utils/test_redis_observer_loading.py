"""The observer tells a node still loading its data from one that has it all (INFO persistence `loading`)."""

from __future__ import annotations

import pytest
from ansible_collections.kun.redis.plugins.module_utils.redis.client import parse_info
from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint
from ansible_collections.kun.redis.plugins.module_utils.topology.observer import node_view

REPLICATION = "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_repl_offset:0\r\n"
# As Redis 7.0.15 answers while reading an AOF of 3,000,000 keys: only the keys read so far are counted.
KEYSPACE_WHILE_LOADING = "# Keyspace\r\ndb0:keys=878511,expires=0,avg_ttl=0\r\n"


@pytest.mark.parametrize(("loading", "expected"), [("1", True), ("0", False)])
def test_the_loading_flag_is_read_from_info_persistence(loading: str, expected: bool) -> None:
    view = node_view(
        Endpoint("10.0.0.1", 6379),
        parse_info(REPLICATION),
        {},
        parse_info(KEYSPACE_WHILE_LOADING),
        announce_ip="",
        masterauth_matches=True,
        persistence=parse_info(f"# Persistence\r\nloading:{loading}\r\naof_enabled:1\r\n"),
    )
    assert (view.loading, view.dbsize) == (expected, 878511)
