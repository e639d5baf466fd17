# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure configuration planning: the desired map (user config + the reference's presets), the keys the operator
refuses, and the comparison with what CONFIG GET returns (canonical forms: bytes for memory units, lowercase enums).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# disablePersistence: false (the reference's default) adds these, only where the user's config does not set them.
PERSISTENCE_PRESETS = {
    "appendonly": "yes",
    "auto-aof-rewrite-min-size": "536870912",
    "auto-aof-rewrite-percentage": "100",
    "repl-backlog-size": "62914560",
    "repl-diskless-sync": "yes",
    "aof-load-truncated": "yes",
    "stop-writes-on-bgsave-error": "no",
    "save": "900 1 300 10",
}
# disablePersistence: true forces these over the user's config, as the reference does.
NO_PERSISTENCE = {"appendonly": "no", "save": ""}
# The reference always sets slave-priority "1" (so any replica may be promoted); replica-priority is its name now.
ALWAYS = {"replica-priority": "1"}
# Where the user's config does not say otherwise. Redis 7 holds a full sync back 5 s by default (hoping more replicas
# join the same diskless transfer); a master restarted from its AOF needs one for every replica, and until one is
# done no write can be acknowledged (WAIT 1): the chaos suite measured a 6.3 s write gap, 5 s of it this delay.
DEFAULTS = {"repl-diskless-sync-delay": "0"}

_TOPOLOGY = "the master and its replicas are managed by redis_sentinel_heal"
_SECRET = "passwords come from the Secret and are set by the operator"
_LAYOUT = "the operator lays out the process, its files and its ports"
_STARTUP_ONLY = "Redis cannot change it while running"
REFUSED_KEYS = {
    **dict.fromkeys(("replicaof", "replica-announce-ip", "replica-announce-port"), _TOPOLOGY),
    **dict.fromkeys(("requirepass", "masterauth", "masteruser", "aclfile", "user"), _SECRET),
    **dict.fromkeys(
        (
            "dir",
            "dbfilename",
            "appendfilename",
            "appenddirname",
            "logfile",
            "pidfile",
            "port",
            "tls-port",
            "bind",
            "unixsocket",
            "unixsocketperm",
            "include",
            "rename-command",
        ),
        _LAYOUT,
    ),
    **dict.fromkeys(
        (
            "daemonize",
            "supervised",
            "databases",
            "io-threads",
            "cluster-enabled",
            "cluster-config-file",
            "syslog-enabled",
            "syslog-ident",
            "syslog-facility",
            "always-show-logo",
            "enable-protected-configs",
            "enable-debug-command",
            "enable-module-command",
        ),
        _STARTUP_ONLY,
    ),
}

# Redis' memtoull: k/m/g are powers of 1000, kb/mb/gb powers of 1024, b is bytes.
_MEMORY_UNITS = {"b": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3, "gb": 1024**3}
_MEMORY = re.compile(r"^(-?\d+)(b|k|kb|m|mb|g|gb)$", re.IGNORECASE)


def canonical_key(key: str) -> str:
    """Redis' old names (slaveof, slave-priority, min-slaves-to-write...) as the names Redis 5+ uses."""
    key = key.strip().lower()
    if key == "slaveof":
        return "replicaof"
    return key.replace("slave-", "replica-").replace("slaves-", "replicas-")


def config_text(value) -> str:
    """A config value as Redis takes it: Ansible may hand us booleans (YAML yes/no) and numbers."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def desired_config(
    user_config: Mapping[str, object],
    disable_persistence: bool = False,
    min_replicas_to_write: int | None = None,
    min_replicas_max_lag: int | None = None,
) -> dict[str, str]:
    """The final map a node should run with, computed as the reference operator computes it, plus DEFAULTS."""
    user = {canonical_key(key): config_text(value) for key, value in user_config.items()}
    desired = (
        {**DEFAULTS, **user, **NO_PERSISTENCE} if disable_persistence else {**DEFAULTS, **PERSISTENCE_PRESETS, **user}
    )
    desired.update(ALWAYS)
    if min_replicas_to_write is not None:
        desired["min-replicas-to-write"] = str(min_replicas_to_write)
    if min_replicas_max_lag is not None:
        desired["min-replicas-max-lag"] = str(min_replicas_max_lag)
    return dict(sorted(desired.items()))


def refusals(config: Mapping[str, object]) -> list[str]:
    """One message per key the operator will not set at runtime, naming the key and why."""
    return [
        f"{key}: {REFUSED_KEYS[canonical_key(key)]}" for key in sorted(config) if canonical_key(key) in REFUSED_KEYS
    ]


def config_changes(desired: Mapping[str, str], live: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """{key: {before, after}} for each desired key whose live value differs once both are in canonical form.

    Keys missing from `live` (CONFIG GET did not know them) are left to `unknown_keys`.
    """
    return {
        key: {"before": live[key], "after": value}
        for key, value in desired.items()
        if key in live and not same_value(key, value, live[key])
    }


def unknown_keys(desired: Mapping[str, str], live: Mapping[str, str]) -> list[str]:
    return sorted(key for key in desired if key not in live)


def same_value(key: str, desired: str, live: str) -> bool:
    if key == "client-output-buffer-limit":
        # CONFIG GET returns every class; the user may set only some of them.
        wanted, current = _buffer_limits(desired), _buffer_limits(live)
        return all(current.get(klass) == limits for klass, limits in wanted.items())
    return normalise(desired) == normalise(live)


def normalise(value: str) -> str:
    """Token by token: memory units as bytes, lowercase (Redis' enums and yes/no are case-insensitive)."""
    return " ".join(_token(token) for token in value.split())


def _token(token: str) -> str:
    match = _MEMORY.match(token)
    if match:
        return str(int(match.group(1)) * _MEMORY_UNITS[match.group(2).lower()])
    return token.lower()


def _buffer_limits(value: str) -> dict[str, tuple[str, ...]]:
    tokens = normalise(value).split()
    return {
        ("replica" if tokens[i] == "slave" else tokens[i]): tuple(tokens[i + 1 : i + 4])
        for i in range(0, len(tokens) - 3, 4)
    }
