"""Pod status as the kubelet reports it, computed from the runtime's view: pure functions, no I/O."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# Conditions the kubelet owns; others (PodScheduled, DisruptionTarget, ...) belong to other writers and are kept.
KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")


def timestamp(epoch: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if epoch is None else epoch))


@dataclass
class PodView:
    """What the pod worker knows about a pod at one instant."""

    sandbox_ready: bool
    pod_ip: str | None
    host_ip: str
    start_time: str | None
    init_statuses: list[dict] = field(default_factory=list)
    container_statuses: list[dict] = field(default_factory=list)
    init_done: bool = False
    phase: str = "Pending"
    message: str | None = None


def phase(restart_policy: str, init_done: bool, init_failed: bool, statuses: list[dict]) -> str:
    """The pod phase from its containers' states (Kubernetes' getPhase, without the unknown cases)."""
    if init_failed and restart_policy == "Never":
        return "Failed"
    if not init_done:
        return "Pending"
    running = sum(1 for s in statuses if "running" in s["state"])
    terminated = [s["state"]["terminated"] for s in statuses if "terminated" in s["state"]]
    waiting_after_run = sum(1 for s in statuses if "waiting" in s["state"] and s.get("lastState", {}).get("terminated"))
    if running or waiting_after_run:
        return "Running"
    if statuses and len(terminated) == len(statuses):
        if all(t["exitCode"] == 0 for t in terminated):
            return "Succeeded" if restart_policy != "Always" else "Running"
        return "Failed" if restart_policy == "Never" else "Running"
    return "Pending"


def conditions(view: PodView, previous: list[dict]) -> list[dict]:
    """All pod conditions: the kubelet's four, recomputed, plus any other writer's, unchanged.
    lastTransitionTime moves only when a condition's status changes."""
    containers_ready = bool(view.container_statuses) and all(s["ready"] for s in view.container_statuses)
    terminal = view.phase in ("Succeeded", "Failed")
    desired = {
        "PodReadyToStartContainers": view.sandbox_ready,
        "Initialized": view.init_done,
        "ContainersReady": containers_ready and not terminal,
        "Ready": containers_ready and not terminal,
    }
    by_type = {c["type"]: c for c in previous}
    result = [c for c in previous if c["type"] not in KUBELET_CONDITIONS]
    now = timestamp()
    for kind in KUBELET_CONDITIONS:
        status = "True" if desired[kind] else "False"
        old = by_type.get(kind)
        condition = {"type": kind, "status": status, "lastTransitionTime": now, "lastProbeTime": None}
        if old and old.get("status") == status:
            condition["lastTransitionTime"] = old.get("lastTransitionTime", now)
        if status == "False" and kind in ("ContainersReady", "Ready"):
            not_ready = [s["name"] for s in view.container_statuses if not s["ready"]]
            condition["reason"] = "ContainersNotReady" if not terminal else "PodCompleted"
            condition["message"] = f"containers with unready status: [{' '.join(not_ready)}]"
        elif status == "False" and kind == "Initialized":
            pending = [s["name"] for s in view.init_statuses if "terminated" not in s["state"]]
            condition["reason"] = "ContainersNotInitialized"
            condition["message"] = f"containers with incomplete status: [{' '.join(pending)}]"
        result.append(condition)
    return result


def pod_status(view: PodView, previous: dict) -> dict:
    """The status to report; fields the kubelet does not own are left to their writers."""
    status = {
        "phase": view.phase,
        "hostIP": view.host_ip,
        "hostIPs": [{"ip": view.host_ip}],
        "conditions": conditions(view, previous.get("conditions") or []),
        "initContainerStatuses": view.init_statuses,
        "containerStatuses": view.container_statuses,
        "qosClass": previous.get("qosClass", "BestEffort"),
    }
    if view.start_time:
        status["startTime"] = view.start_time
    if view.pod_ip:
        status["podIP"] = view.pod_ip
        status["podIPs"] = [{"ip": view.pod_ip}]
    if view.message:
        status["message"] = view.message
    return status


def is_subset(wanted, actual) -> bool:
    """True when `actual` already shows everything in `wanted` (the API server may add fields of its own; a None in
    `wanted` matches an absent field, and an empty list or map matches an omitted one)."""
    empty = (None, [], {})
    if wanted in empty and actual in empty:
        return True
    if isinstance(wanted, dict):
        if not isinstance(actual, dict):
            return False
        return all(is_subset(value, actual.get(key)) for key, value in wanted.items())
    if isinstance(wanted, list):
        if not isinstance(actual, list) or len(wanted) != len(actual):
            return False
        return all(is_subset(w, a) for w, a in zip(wanted, actual, strict=True))
    return wanted == actual
