"""requeue_after's period, in the Go duration form ansible-operator parses, and its documentation."""

import re

import pytest
from ansible_collections.kun.redis.plugins.action.requeue_after import ARGUMENT_SPEC, go_duration
from ansible_collections.kun.redis.tests.unit.plugins.action import action_docs
from hypothesis import given
from hypothesis import strategies as st


def parse_duration(period: str) -> float:
    """Go's time.ParseDuration for the one form go_duration writes: a decimal number of seconds, `s` after it."""
    assert re.fullmatch(r"\d+(\.\d+)?s", period), period
    return float(period[:-1])


@pytest.mark.parametrize(("seconds", "period"), [(2, "2s"), (2.5, "2.5s"), (0.001, "0.001s"), (90, "90s")])
def test_periods_read_like_go_durations(seconds, period):
    assert go_duration(seconds) == period


@given(st.floats(min_value=0.001, max_value=1e6))
def test_every_allowed_period_parses_back_to_the_seconds_within_a_millisecond(seconds):
    assert abs(parse_duration(go_duration(seconds)) - seconds) <= 0.0005 + 1e-9


def test_documentation_and_argument_spec_agree():
    documented = action_docs.documented_options("requeue_after")
    assert action_docs.shape(documented) == action_docs.shape(ARGUMENT_SPEC)
