"""Chaos: a Healthy RedisCluster under a writer that finds the master through Sentinel and confirms every write with
WAIT 1 is faulted (master killed, deleted, frozen, isolated, its node stopped; Sentinels or every pod deleted; the
master's ordinal scaled away; the operator killed mid-reconcile or away during a failover; a rolling change).
Afterwards there is exactly one master, every replica follows it, all Sentinels agree, the RedisCluster is Healthy
again (harness.run waits for all of that), every acknowledged write is still there, nothing an isolated master
accepted wins, and the scenario's own checks hold (a rollout goes one pod at a time, the master last).

The figures (write gap, time to Healthy) are printed by bench/failover.py; here they only appear in the test report.
"""

from __future__ import annotations

import pytest

from tests.e2e.chaos import harness

# A scenario may wait for Healthy twice and for a whole rolling change: more than the suite's default 600 s.
pytestmark = [pytest.mark.chaos, pytest.mark.timeout(1500)]


@pytest.mark.parametrize("scenario", harness.QUICK, ids=lambda scenario: scenario.name)
def test_no_acknowledged_write_is_lost(kube, chaos_namespace, chaos_operator, chaos_cluster, scenario):
    harness.check(harness.run(kube, chaos_namespace, chaos_operator, scenario))


@pytest.mark.soak
@pytest.mark.parametrize("scenario", harness.ALL, ids=lambda scenario: scenario.name)
def test_every_scenario_loses_nothing(kube, chaos_namespace, chaos_operator, chaos_cluster, scenario):
    harness.check(harness.run(kube, chaos_namespace, chaos_operator, scenario))
