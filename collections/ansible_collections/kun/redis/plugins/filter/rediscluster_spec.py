# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter that merges a RedisCluster's raw spec over the full default spec (roles/rediscluster/defaults/main.yml),
once per reconcile, in Python: the same merge written in Jinja cost most of a second of every reconcile.

Precedence, lowest first: the defaults, the settings of the reference's `sentinel.customConfig` lines, the user's
explicit fields. The reference's "0 means the default" rules are resolved here too: size 0 is the default size,
sentinel.replicas 0 the default count, and a cluster of size 1 has no Sentinels. The inline password is left out of
the merged spec, which is logged with the fact; the password reaches the pods only through a Secret. Malformed
values are not refused here: tasks/validate.yml reports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The customConfig settings that tune a Sentinel, and the spec fields they set.
CUSTOM_SETTINGS = {
    "down-after-milliseconds": "downAfterMilliseconds",
    "failover-timeout": "failoverTimeout",
    "parallel-syncs": "parallelSyncs",
}


def _combined(base: Any, override: Any) -> Any:
    """Ansible's `combine(recursive=True)`: maps merge key by key, anything else (lists included) is replaced."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _combined(base[key], value) if key in base else value
        return merged
    return override


def _integer(value: Any) -> int:
    """Jinja's `int` filter: a number or its text, anything else 0 (validation reports it)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return 0


def custom_settings(lines: list[str]) -> dict[str, str]:
    """`<setting> <value>` lines as a map; a line of any other shape sets nothing."""
    pairs = (line.split() for line in lines if isinstance(line, str))
    return {fields[0]: fields[1] for fields in pairs if len(fields) == 2}


def merged_spec(raw: Mapping | None, defaults: Mapping) -> dict:
    """The full spec a reconcile works from: `raw` (the RedisCluster's spec) over `defaults`."""
    raw = raw or {}
    sentinel_defaults = defaults["sentinel"]
    custom = custom_settings((raw.get("sentinel") or {}).get("customConfig") or sentinel_defaults["customConfig"])
    tuning = {
        field: _integer(custom.get(setting, sentinel_defaults[field])) for setting, field in CUSTOM_SETTINGS.items()
    }
    tuning["quorum"] = custom.get("quorum", sentinel_defaults["quorum"])
    merged = _combined(_combined(defaults, {"sentinel": tuning}), raw)

    size = _integer(merged["size"]) or defaults["size"]
    sentinels = 0 if size == 1 else (_integer(merged["sentinel"]["replicas"]) or sentinel_defaults["replicas"])
    quorum = merged["sentinel"]["quorum"]
    resolved = {
        "size": size,
        "passwordSecret": merged.get("passwordSecret") or {},
        "config": merged.get("config") or {},
        "minReplicasToWrite": (
            merged["minReplicasToWrite"] if merged.get("minReplicasToWrite") is not None else (1 if size > 1 else 0)
        ),
        "sentinel": {
            "replicas": sentinels,
            "quorum": _integer(quorum) if quorum is not None else sentinels // 2 + 1,
        },
    }
    return _combined({key: value for key, value in merged.items() if key != "password"}, resolved)


class FilterModule:
    """rediscluster_merged_spec (see merged_spec)."""

    def filters(self) -> dict:
        return {"rediscluster_merged_spec": merged_spec}
