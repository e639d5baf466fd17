# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs shared by the Redis modules, and their conversion to the types the module_utils work with.

Their documentation is written once too, in doc_fragments/redis_connection.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ansible_collections.kun.redis.plugins.module_utils.redis.client import ConnectionSettings
from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint

REDIS_PORT = 6379
SENTINEL_PORT = 26379


def endpoint_list_spec(default_port: int, required: bool = True) -> dict:
    return {
        "type": "list",
        "elements": "dict",
        "required": required,
        "options": {
            "address": {"type": "str", "required": True},
            "port": {"type": "int", "default": default_port},
            "hostname": {"type": "str"},
        },
    }


def connection_argument_spec() -> dict:
    return {
        "nodes": endpoint_list_spec(REDIS_PORT),
        "password": {"type": "str", "no_log": True},
        "connect_timeout": {"type": "float", "default": 0.5},
        "socket_timeout": {"type": "float", "default": 1.0},
    }


def endpoints(items: Iterable[Mapping]) -> tuple[Endpoint, ...]:
    return tuple(Endpoint(item["address"], item["port"], item.get("hostname") or None) for item in items)


def connection_settings(params: Mapping) -> ConnectionSettings:
    return ConnectionSettings(
        password=params["password"] or None,
        connect_timeout=params["connect_timeout"],
        socket_timeout=params["socket_timeout"],
    )
