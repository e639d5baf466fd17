"""Probe thresholds and restart back-off (sandbox/kubelet/probes.py, containers.py)."""

import pytest

from sandbox.kubelet.containers import backoff_delay, exit_code
from sandbox.kubelet.pods import should_restart
from sandbox.kubelet.probes import ProbeState, named_port

pytestmark = pytest.mark.unit


def outcomes(state, results):
    """Feed results; return the result after each step."""
    seen = []
    for ok in results:
        state.record(ok)
        seen.append(state.result)
    return seen


def test_readiness_starts_false_and_needs_success_threshold_in_a_row():
    state = ProbeState.for_probe("readiness", {"successThreshold": 2, "failureThreshold": 2})
    assert state.result is False
    assert outcomes(state, [True, False, True, True, False, True, False, False]) == [
        False, False, False, True, True, True, True, False,
    ]  # fmt: skip


def test_liveness_starts_alive_and_dies_after_failure_threshold():
    state = ProbeState.for_probe("liveness", {"failureThreshold": 3})
    assert state.result is True
    assert outcomes(state, [False, False, True, False, False, False]) == [True, True, True, True, True, False]


def test_record_reports_only_changes():
    state = ProbeState.for_probe("readiness", {})
    assert [state.record(ok) for ok in (False, True, True, False, False, False)] == [
        False, True, False, False, False, True,
    ]  # fmt: skip


def test_a_startup_probe_fails_out_after_failure_threshold():
    state = ProbeState.for_probe("startup", {"failureThreshold": 2})
    state.record(False)
    assert not state.failed_out
    state.record(False)
    assert state.failed_out
    state.record(True)
    assert state.result is True
    assert not state.failed_out


def test_named_ports():
    container = {"ports": [{"name": "redis", "containerPort": 6379}]}
    assert named_port("redis", container) == 6379
    assert named_port(26379, container) == 26379
    assert named_port("8080", container) == 8080
    with pytest.raises(ValueError):
        named_port("http", container)


def test_backoff_first_restart_is_immediate_then_doubles_to_a_cap():
    assert [backoff_delay(n) for n in range(8)] == [0, 10, 20, 40, 80, 160, 300, 300]


@pytest.mark.parametrize(("returncode", "code"), [(0, 0), (1, 1), (-9, 137), (-15, 143)])
def test_exit_codes_of_signalled_processes(returncode, code):
    assert exit_code(returncode) == code


@pytest.mark.parametrize(
    ("policy", "code", "restart"),
    [("Always", 0, True), ("Always", 1, True), ("OnFailure", 0, False), ("OnFailure", 2, True), ("Never", 1, False)],
)
def test_restart_policy(policy, code, restart):
    assert should_restart(policy, code) is restart
