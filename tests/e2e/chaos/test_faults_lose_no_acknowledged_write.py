"""Chaos: a Healthy RedisCluster under a writer that finds the master through Sentinel and confirms every write with
WAIT 1 is faulted (master killed, deleted, isolated; the operator away during a failover). Afterwards there is
exactly one master, every replica follows it, all Sentinels agree, the RedisCluster is Healthy again, every
acknowledged write is still there, and nothing an isolated master accepted wins.

The figures (write gap, time to Healthy) are printed by bench/failover.py; here they only appear in the test report.
"""

from __future__ import annotations

import pytest

from tests.e2e.chaos import harness

pytestmark = pytest.mark.chaos


@pytest.mark.parametrize("scenario", harness.QUICK, ids=lambda scenario: scenario.__name__)
def test_no_acknowledged_write_is_lost(kube, chaos_namespace, chaos_operator, chaos_cluster, scenario):
    outcome = harness.run(kube, chaos_namespace, chaos_operator, scenario)
    print(f"\n{outcome}")
    assert outcome.acknowledged > harness.WARM_WRITES
    assert not outcome.lost, f"{len(outcome.lost)} acknowledged writes lost, first {outcome.lost[:10]}"
    assert not outcome.divergent_write_won, "a write taken by the isolated old master survived its return"


@pytest.mark.soak
@pytest.mark.parametrize("scenario", harness.ALL, ids=lambda scenario: scenario.__name__)
def test_every_scenario_loses_nothing(kube, chaos_namespace, chaos_operator, chaos_cluster, scenario):
    outcome = harness.run(kube, chaos_namespace, chaos_operator, scenario)
    print(f"\n{outcome}")
    assert not outcome.lost, f"{len(outcome.lost)} acknowledged writes lost, first {outcome.lost[:10]}"
    assert not outcome.divergent_write_won
