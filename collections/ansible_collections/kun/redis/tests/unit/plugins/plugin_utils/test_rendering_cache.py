"""plugin_utils/rendering_cache.py: keys that change with every input and no order, and a store on disk that keeps
the most recently used renderings and never fails a rendering."""

from __future__ import annotations

import os

import pytest
from ansible_collections.kun.redis.plugins.plugin_utils.rendering_cache import (
    NotSerialisable,
    RenderingCache,
    rendering_key,
)
from hypothesis import given
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(st.text(max_size=4), json_values, min_size=1, max_size=5))
def test_a_key_ignores_the_order_of_mappings(inputs):
    assert rendering_key(dict(reversed(list(inputs.items())))) == rendering_key(inputs)


@given(st.dictionaries(st.text(max_size=4), json_values, min_size=1, max_size=5), st.data())
def test_a_key_changes_with_any_value(inputs, data):
    name = data.draw(st.sampled_from(sorted(inputs)))
    changed = data.draw(json_values.filter(lambda value: value != inputs[name]))
    assert rendering_key({**inputs, name: changed}) != rendering_key(inputs)


def test_a_value_without_a_json_form_is_refused():
    with pytest.raises(NotSerialisable, match="object has no JSON form"):
        rendering_key({"variables": {"a": object()}})


def test_a_rendering_put_is_got_back(tmp_path):
    cache = RenderingCache(tmp_path / "cache", max_entries=10)
    assert cache.get("k") is None
    cache.put("k", "kind: Service\n")
    assert cache.get("k") == "kind: Service\n"
    assert [path.name for path in (tmp_path / "cache").iterdir()] == ["k.rendering"]  # no temporary file left


def test_the_least_recently_used_go_first(tmp_path):
    cache = RenderingCache(tmp_path, max_entries=2)
    for age, key in enumerate(["old", "used", "new"]):
        cache.put(key, key)
        os.utime(tmp_path / f"{key}.rendering", (1000 + age, 1000 + age))
        if key == "used":
            cache.get("old")  # makes old the most recently used
    assert sorted(path.stem for path in tmp_path.iterdir()) == ["new", "old"]


def test_a_folder_that_cannot_be_written_is_a_miss_not_an_error(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    cache = RenderingCache(blocked / "cache", max_entries=2)
    cache.put("k", "text")
    assert cache.get("k") is None
