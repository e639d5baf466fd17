# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: whether a live Kubernetes object already holds what a rendering or a patch sets. Shared by the role's
filter that picks the objects to apply (plugins/filter/rediscluster_objects.py) and kube_merge_patch, which sends
only the patches that change something."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _is_empty(value: Any) -> bool:
    # The server stores an applied null, {} or [] as an absent field.
    return value is None or value in ({}, [])


def contains(live: Any, rendered: Any) -> bool:
    """Whether everything `rendered` sets is in `live`: maps by key, lists element by element (same length),
    anything else by equality."""
    if isinstance(rendered, Mapping):
        if not isinstance(live, Mapping):
            return False
        return all(contains(live[key], value) if key in live else _is_empty(value) for key, value in rendered.items())
    if isinstance(rendered, list):
        return (
            isinstance(live, list)
            and len(live) == len(rendered)
            and all(contains(live_item, item) for live_item, item in zip(live, rendered, strict=True))
        )
    return live == rendered and isinstance(live, bool) == isinstance(rendered, bool)  # True is not 1
