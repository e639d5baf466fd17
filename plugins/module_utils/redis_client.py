"""The one place that opens redis-py connections: timeouts, password, no hidden retries, raw INFO text.

Modules call `missing_redis_library()` first so a host without redis-py gets Ansible's usual message, not a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible.module_utils.redis_snapshot import Endpoint

try:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    REDIS_IMPORT_ERROR: ImportError | None = None
except ImportError as error:  # reported by the module through missing_required_lib
    REDIS_IMPORT_ERROR = error


@dataclass(frozen=True)
class ConnectionSettings:
    password: str | None = None
    connect_timeout: float = 0.5
    socket_timeout: float = 1.0


def missing_redis_library() -> ImportError | None:
    return REDIS_IMPORT_ERROR


def connect(endpoint: Endpoint, settings: ConnectionSettings, *, authenticate: bool = True) -> redis.Redis:
    """A client for one Redis node (authenticate=True) or one Sentinel (which has no password of its own here).

    redis-py retries failed commands three times by default; an observer with short timeouts must see an unreachable
    node at once instead, so retries are off. INFO is returned as text and parsed by `parse_info`, because redis-py
    turns values such as replication ids made of digits into numbers.
    """
    client = redis.Redis(
        host=endpoint.address,
        port=endpoint.port,
        password=settings.password if authenticate else None,
        socket_connect_timeout=settings.connect_timeout,
        socket_timeout=settings.socket_timeout,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
    )
    client.set_response_callback("INFO", lambda response, **_options: response)
    return client


def parse_info(text: str) -> dict[str, str]:
    """INFO text -> {field: value}, every value kept as the string Redis sent."""
    fields = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value
    return fields


def reply_dict(reply) -> dict[str, str]:
    """A Sentinel reply as {field: text}, whether redis-py already paired it or left a flat list."""
    if isinstance(reply, dict):
        return {str(key): str(value) for key, value in reply.items()}
    items = list(reply or [])
    return {str(key): str(value) for key, value in zip(items[::2], items[1::2], strict=False)}


def describe_error(error: Exception) -> str:
    """A one-line cause for a failed call, without the password (redis-py never puts it in messages)."""
    return f"{type(error).__name__}: {error}".strip()
