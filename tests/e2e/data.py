"""Test data written through the master and checked on every node."""

from __future__ import annotations

from contextlib import closing

from tests.e2e.redis_view import ClusterView

KEYS = 200


def write_keys(view: ClusterView, prefix: str) -> None:
    """Write KEYS keys through the master the Sentinels name, acknowledged by at least one replica."""
    with closing(view.master_node()) as master:
        pipe = master.pipeline(transaction=False)
        for n in range(KEYS):
            pipe.set(f"{prefix}:{n}", n)
        pipe.execute()
        assert master.wait(1, 5000) >= 1, "no replica acknowledged the writes"


def missing_keys(view: ClusterView, prefix: str) -> dict[str, int]:
    """Per node, how many of the keys it lacks; only nodes that lack some are listed."""
    missing = {}
    for member in view.redis:
        with closing(view.node(member)) as node:
            values = node.mget([f"{prefix}:{n}" for n in range(KEYS)])
        lacking = sum(value != str(n) for n, value in enumerate(values))
        if lacking:
            missing[member.name] = lacking
    return missing
