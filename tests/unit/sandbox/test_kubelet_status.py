"""Pod phase, conditions and status comparison (sandbox/kubelet/status.py)."""

import pytest

from sandbox.kubelet.status import PodView, is_subset, phase, pod_status

pytestmark = pytest.mark.unit


def running(name, ready=True):
    return {"name": name, "ready": ready, "state": {"running": {"startedAt": "t"}}, "lastState": {}}


def terminated(name, code):
    return {"name": name, "ready": False, "state": {"terminated": {"exitCode": code}}, "lastState": {}}


def backing_off(name):
    return {
        "name": name,
        "ready": False,
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastState": {"terminated": {"exitCode": 1}},
    }


@pytest.mark.parametrize(
    ("policy", "init_done", "init_failed", "statuses", "expected"),
    [
        ("Always", False, False, [], "Pending"),
        ("Never", False, True, [], "Failed"),
        ("Always", True, False, [running("a")], "Running"),
        ("Always", True, False, [backing_off("a")], "Running"),
        ("Never", True, False, [terminated("a", 0), terminated("b", 0)], "Succeeded"),
        ("OnFailure", True, False, [terminated("a", 0)], "Succeeded"),
        ("Never", True, False, [terminated("a", 0), terminated("b", 3)], "Failed"),
        ("Always", True, False, [{"name": "a", "ready": False, "state": {"waiting": {}}, "lastState": {}}], "Pending"),
    ],
)
def test_phase(policy, init_done, init_failed, statuses, expected):
    assert phase(policy, init_done, init_failed, statuses) == expected


def view(statuses, **overrides):
    fields = {
        "sandbox_ready": True,
        "pod_ip": "10.244.1.2",
        "host_ip": "10.244.0.11",
        "start_time": "2026-01-01T00:00:00Z",
        "container_statuses": statuses,
        "init_done": True,
        "phase": "Running",
    }
    return PodView(**{**fields, **overrides})


def conditions_by_type(status):
    return {c["type"]: c for c in status["conditions"]}


def test_ready_pod_conditions_and_addresses():
    status = pod_status(view([running("a")]), {"conditions": [{"type": "PodScheduled", "status": "True"}]})
    conditions = conditions_by_type(status)
    assert conditions["PodScheduled"]["status"] == "True"  # the scheduler's condition is kept
    for kind in ("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready"):
        assert conditions[kind]["status"] == "True"
    assert status["podIPs"] == [{"ip": "10.244.1.2"}]
    assert status["hostIPs"] == [{"ip": "10.244.0.11"}]


def test_unready_container_makes_the_pod_unready_and_names_it():
    conditions = conditions_by_type(pod_status(view([running("a"), running("b", ready=False)]), {}))
    assert conditions["Ready"]["status"] == "False"
    assert "b" in conditions["Ready"]["message"]


def test_transition_time_moves_only_on_change():
    previous = [{"type": "Ready", "status": "True", "lastTransitionTime": "2020-01-01T00:00:00Z"}]
    same = conditions_by_type(pod_status(view([running("a")]), {"conditions": previous}))
    changed = conditions_by_type(pod_status(view([running("a", ready=False)]), {"conditions": previous}))
    assert same["Ready"]["lastTransitionTime"] == "2020-01-01T00:00:00Z"
    assert changed["Ready"]["lastTransitionTime"] != "2020-01-01T00:00:00Z"


def test_a_status_the_api_already_shows_is_not_patched_again():
    desired = pod_status(view([running("a")]), {})
    from_api = {**desired, "extra": 1, "conditions": [{**c, "lastProbeTime": None} for c in desired["conditions"]]}
    from_api.pop("initContainerStatuses")  # the API server omits empty lists
    assert is_subset(desired, from_api)
    assert not is_subset(pod_status(view([running("a", ready=False)]), {}), from_api)
