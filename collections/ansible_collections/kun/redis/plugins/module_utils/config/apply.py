# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""I/O for redis_config_set: read the live values of the desired keys on each node, then CONFIG SET what differs.

Reading every node comes first so that a key one node does not know stops the run before anything is changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ansible_collections.kun.redis.plugins.module_utils.redis.client import (
    ConnectionSettings,
    connect,
    describe_error,
    parse_info,
    reply_dict,
)
from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint

# Redis 7 sets several keys in one atomic CONFIG SET; older versions take one key per call.
ATOMIC_CONFIG_SET = 7


@dataclass(frozen=True)
class LiveConfig:
    endpoint: Endpoint
    reachable: bool
    error: str | None = None
    major_version: int = 0
    config_file: str = ""
    values: dict[str, str] = field(default_factory=dict)


def read_live(nodes: Sequence[Endpoint], keys: Sequence[str], connection: ConnectionSettings) -> list[LiveConfig]:
    with ThreadPoolExecutor(max_workers=max(1, len(nodes))) as pool:
        return list(pool.map(lambda endpoint: _read_one(endpoint, keys, connection), nodes))


def _read_one(endpoint: Endpoint, keys: Sequence[str], connection: ConnectionSettings) -> LiveConfig:
    try:
        with connect(endpoint, connection) as client:
            # One key per CONFIG GET: several patterns in one call need Redis 7.
            server, *replies = client.pipeline([("INFO", "server"), *(("CONFIG", "GET", key) for key in keys)])
    except Exception as error:  # reported per node as unreachable, with the cause
        return LiveConfig(endpoint, reachable=False, error=describe_error(error))
    info = parse_info(server)
    found = {key: reply_dict(reply) for key, reply in zip(keys, replies, strict=True)}
    values = {key: reply[key] for key, reply in found.items() if key in reply}
    return LiveConfig(
        endpoint,
        reachable=True,
        major_version=int(info.get("redis_version", "0").split(".")[0] or 0),
        config_file=info.get("config_file", ""),
        values=values,
    )


def apply_changes(live: LiveConfig, changes: Mapping[str, str], connection: ConnectionSettings) -> bool:
    """CONFIG SET the changed keys; CONFIG REWRITE when the node runs from a file. True when the file was rewritten."""
    with connect(live.endpoint, connection) as client:
        if live.major_version >= ATOMIC_CONFIG_SET:
            client.execute_command("CONFIG", "SET", *[item for pair in changes.items() for item in pair])
        else:
            for key, value in changes.items():
                client.execute_command("CONFIG", "SET", key, value)
        if live.config_file:
            client.execute_command("CONFIG", "REWRITE")
            return True
    return False
