"""One chaos run: a Healthy RedisCluster, a writer through Sentinel, one fault, and what it cost.

Shared by the chaos tests (which check the invariants) and bench/failover.py (which prints the figures).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sandbox import faults
from sandbox.kubelet.control import ControlError
from tests.e2e.chaos.rollout import watch_rollout
from tests.e2e.chaos.workload import PodAddresses, Writer, lost_writes
from tests.e2e.conftest import Operator
from tests.e2e.kube import Kube, wait_for
from tests.e2e.manifests import RECONCILE_PERIOD
from tests.e2e.redis_view import ClusterView
from tests.e2e.rediscluster import wait_healthy, wait_quiet

NAME = "chaos"
PASSWORD = "chaos-password"
DOWN_AFTER_MS = 5000
HEALTHY_TIMEOUT = 240  # seconds from the fault until the RedisCluster must be Healthy again
# A rolling change replaces one pod per reconcile, and a reconcile takes up to 90 s on a loaded 2-core machine.
ROLLOUT_TIMEOUT = 600
WARM_WRITES = 50  # acknowledged writes before the fault, so the gap is measured from a steady state
OPERATOR_KILLS = 20  # kill_operator_mid_reconcile: reconciles interrupted in one run
SIZE = 3
# The period relay_down_during_failover gives its cluster so that the safety net shows within the scenario.
SAFETY_NET_SECONDS = 20
SAFETY_NET_PERIOD = f"{SAFETY_NET_SECONDS}s"


def manifest(size: int = SIZE, name: str = NAME) -> str:
    """A namespaced RedisCluster (served by the test's own operator) with the peers' common Sentinel timing, its data
    in claims as in production (with emptyDir, deleting every pod would rightly lose everything)."""
    return f"""
apiVersion: redis.kun/v1beta1
kind: RedisCluster
metadata:
  name: {name}
spec:
  size: {size}
  password: {PASSWORD}
  storage:
    persistentVolumeClaim:
      metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 1Gi
  sentinel:
    downAfterMilliseconds: {DOWN_AFTER_MS}
    failoverTimeout: 10000
"""


class RestartableOperator:
    """The chaos cluster's own operator, which scenarios may kill and start again."""

    def __init__(self, kube: Kube, workdir: Path, namespace: str):
        self._kube, self._workdir, self._namespace = kube, workdir, namespace
        self._generation = 0
        self.current: Operator | None = None
        self.start()

    def start(self) -> None:
        self._generation += 1
        workdir = self._workdir / f"run-{self._generation}"
        workdir.mkdir(parents=True, exist_ok=True)
        self.current = Operator(self._kube, workdir, watch_namespace=self._namespace)

    def kill(self) -> None:
        """SIGKILL, wherever the reconcile is: no cleanup, as when a node dies under the operator."""
        operator, self.current = self.current, None
        operator.kill()

    def stop(self) -> None:
        if self.current is not None:
            self.current.stop()
            self.current = None


@dataclass
class Context:
    kube: Kube
    namespace: str
    operator: RestartableOperator
    view: ClusterView  # the Healthy cluster just before the fault
    name: str = NAME  # the faulted RedisCluster's
    violations: list[str] = field(default_factory=list)  # what the fault showed wrong besides the common checks

    @property
    def master(self) -> str:
        """The master's pod name before the fault, as the Sentinels named it."""
        return self.view.master_by_sentinels().split(".", 1)[0]

    def master_by_sentinels(self) -> str:
        """The master's pod name as the Sentinels name it now."""
        return ClusterView(self.kube, self.namespace, self.name, PASSWORD).master_by_sentinels().split(".", 1)[0]

    def patch(self, spec: dict) -> None:
        self.kube.patch_rediscluster(self.namespace, self.name, {"spec": spec})

    def node_of(self, pod: str) -> str:
        return self._pod(pod).spec.node_name

    def _pod(self, pod: str):
        return self.kube.core.read_namespaced_pod(pod, self.namespace)

    def sentinels_name_another_master(self, old: str, timeout: float = 60) -> str:
        def moved() -> str | None:
            view = ClusterView(self.kube, self.namespace, self.name, PASSWORD)
            answers = set()
            for member in view.sentinels:
                try:
                    answer = view.sentinel(member).execute_command("SENTINEL", "get-master-addr-by-name", view.group)
                    answers.add(answer[0].split(".", 1)[0] if answer else None)
                except Exception:  # a Sentinel that does not answer has no say
                    continue
            return next(iter(answers)) if len(answers) == 1 and old not in answers and None not in answers else None

        return wait_for(moved, timeout, f"the Sentinels to name a master other than {old}", interval=0.2)


@dataclass(frozen=True)
class Outcome:
    scenario: str
    unavailable_seconds: float  # the writer that discovers like redis-py (SENTINEL MASTERS)
    unavailable_seconds_by_address: float  # the writer that asks SENTINEL GET-MASTER-ADDR-BY-NAME
    healthy_after_seconds: float
    acknowledged: int
    lost: list[int]
    failures: int
    divergent_write_won: bool  # a write the isolated old master took survived its return
    violations: list[str]


@dataclass(frozen=True)
class Scenario:
    fault: Callable[[Context], None]
    # Brings the Healthy cluster into the state the fault needs, before the writer starts (not measured).
    prepare: Callable[[Context], None] | None = None

    @property
    def name(self) -> str:
        return self.fault.__name__


def kill_master_process(ctx: Context) -> None:
    """SIGKILL redis-server on the master: the kubelet restarts it at once, usually before Sentinel's
    down-after-milliseconds, so it comes back as the master with its data (from the AOF) rather than failing over."""
    faults.crash(ctx.namespace, ctx.master, "redis")


def delete_master_pod(ctx: Context) -> None:
    ctx.kube.core.delete_namespaced_pod(ctx.master, ctx.namespace)


def freeze_master(ctx: Context) -> None:
    """SIGSTOP past down-after-milliseconds, then SIGCONT: the old master wakes up as a stale master."""
    master = ctx.master
    faults.freeze(ctx.namespace, master, "redis")
    try:
        ctx.sentinels_name_another_master(master)
        time.sleep(1)  # let the promotion settle, so the old master wakes into a cluster that has moved on
    finally:
        # Frozen long enough, the liveness probe has the kubelet kill it: nothing is left to thaw then.
        with suppress(ControlError):
            faults.thaw(ctx.namespace, master, "redis")


def isolate_master(ctx: Context) -> None:
    """Cut the master off; clients on its side must be refused (min-replicas-to-write), and whatever it accepted
    before refusing must never win once it is back."""
    master = ctx.master
    faults.cut_network(ctx.namespace, master)
    try:
        ctx.sentinels_name_another_master(master)

        def refused() -> bool:
            answer = faults.exec_in(
                ctx.namespace, master, ["redis-cli", "--no-auth-warning", "-a", PASSWORD, "SET", "chaos:divergent", "1"]
            )
            return "NOREPLICAS" in answer.stdout + answer.stderr

        wait_for(refused, 60, "the isolated master to refuse writes", interval=0.5)
    finally:
        faults.heal_network(ctx.namespace, master)


def stop_master_node(ctx: Context) -> None:
    master = ctx.master
    node = ctx.node_of(master)
    faults.stop_node(node)
    try:
        ctx.sentinels_name_another_master(master)
    finally:
        faults.start_node(node)


def delete_all_sentinel_pods(ctx: Context) -> None:
    ctx.kube.core.delete_collection_namespaced_pod(
        ctx.namespace, label_selector=f"app.kubernetes.io/instance={ctx.name},app.kubernetes.io/component=sentinel"
    )


def delete_every_pod(ctx: Context) -> None:
    selector = f"app.kubernetes.io/instance={ctx.name}"
    ctx.kube.core.delete_collection_namespaced_pod(ctx.namespace, label_selector=selector)


def operator_down_during_failover(ctx: Context) -> None:
    """OT #513: the operator is away while Sentinel fails over (the master frozen past down-after-milliseconds, then
    woken as a stale master), and once back it must not point the replicas at the old master."""
    ctx.operator.kill()
    try:
        freeze_master(ctx)
    finally:
        ctx.operator.start()


def shorten_the_safety_net(ctx: Context) -> None:
    """The periodic reconcile of this RedisCluster every SAFETY_NET_PERIOD instead of watches.yaml's minutes."""
    annotations = {RECONCILE_PERIOD: SAFETY_NET_PERIOD}
    ctx.kube.patch_rediscluster(ctx.namespace, ctx.name, {"metadata": {"annotations": annotations}})


def relay_down_during_failover(ctx: Context) -> None:
    """The event relay is killed, then the master frozen until Sentinel fails over: no event reaches the operator,
    and the periodic reconcile alone (shortened by shorten_the_safety_net) must bring the role labels and the status
    to the new master. Then the relay and watches.yaml's period come back."""
    operator = ctx.operator.current
    operator.kill_relay()
    try:
        # Reconciles asked for before (by the annotation, by the relay) must be over, the last one Healthy with no
        # requeue pending, or one of them (not the period) would be what notices the failover.
        wait_quiet(ctx.kube, ctx.namespace, ctx.name, password=PASSWORD, timeout=HEALTHY_TIMEOUT)
        freeze_master(ctx)
        new_master = wait_for(ctx.master_by_sentinels, 30, "the Sentinels to agree on the new master", interval=0.2)

        def status_names_it() -> bool:
            return (
                (ctx.kube.rediscluster(ctx.namespace, ctx.name).get("status") or {})
                .get("master", "")
                .startswith(new_master)
            )

        try:
            wait_for(status_names_it, 3 * SAFETY_NET_SECONDS, f"the safety net to report master {new_master}")
        except AssertionError as timed_out:
            ctx.violations.append(str(timed_out))
    finally:
        operator.start_relay()
        ctx.kube.patch_rediscluster(ctx.namespace, ctx.name, {"metadata": {"annotations": {RECONCILE_PERIOD: None}}})


def kill_operator_mid_reconcile(ctx: Context) -> None:
    """Kill the operator at a random moment of a reconcile that changes live config, then let a new one finish."""
    for attempt in range(OPERATOR_KILLS):
        ctx.patch({"config": {"hz": str(11 + attempt % 2)}})
        time.sleep(random.uniform(0.2, 4.0))
        ctx.operator.kill()
        ctx.operator.start()


def rolling_change(ctx: Context) -> None:
    """A change that restarts every Redis pod must go one pod at a time: replicas first, then a planned failover,
    then the old master."""
    master, statefulset = ctx.master, f"redis-cluster-{ctx.name}"
    before = ctx.kube.apps.read_namespaced_stateful_set(statefulset, ctx.namespace).status.update_revision
    limits = (ctx.kube.rediscluster(ctx.namespace, ctx.name)["spec"].get("resources") or {}).get("limits") or {}
    millicores = int(limits.get("cpu", "400m").rstrip("m"))  # 401..404 in turn: every run is a real change
    ctx.patch({"resources": {"limits": {"cpu": f"{400 + millicores % 4 + 1}m", "memory": "300Mi"}}})
    rollout = watch_rollout(ctx.kube, ctx.namespace, statefulset, before, ROLLOUT_TIMEOUT)
    if rollout.most_down > 1:
        ctx.violations.append(f"{rollout.most_down} Redis pods down at once during the rollout")
    if rollout.replaced[-1:] != [master]:
        ctx.violations.append(f"pods replaced in the order {rollout.replaced}; the master {master} must be last")


def master_at_the_last_ordinal(ctx: Context) -> None:
    """Grow to SIZE + 1 and fail over until the new last ordinal is the master (Sentinel promotes the replica with
    the lowest replica-priority: every other replica is given a higher one; the operator sets them back to 1)."""
    ctx.patch({"size": SIZE + 1})
    wait_healthy(ctx.kube, ctx.namespace, ctx.name, size=SIZE + 1, password=PASSWORD, timeout=HEALTHY_TIMEOUT)
    target = f"redis-cluster-{ctx.name}-{SIZE}"

    def target_is_master() -> bool:
        view = ClusterView(ctx.kube, ctx.namespace, ctx.name, PASSWORD)
        master = view.master_by_sentinels().split(".", 1)[0]
        if master == target:
            return True
        for member in view.redis:
            if member.name not in (master, target):
                with closing(view.node(member)) as node:
                    node.config_set("replica-priority", 100)
        with closing(view.sentinel(view.sentinels[0])) as sentinel:
            sentinel.execute_command("SENTINEL", "FAILOVER", view.group)
        ctx.sentinels_name_another_master(master)
        return False

    wait_for(target_is_master, HEALTHY_TIMEOUT, f"{target} to be the master", interval=1)
    wait_healthy(ctx.kube, ctx.namespace, ctx.name, size=SIZE + 1, password=PASSWORD, timeout=HEALTHY_TIMEOUT)


def scale_down_removes_the_master(ctx: Context) -> None:
    """The master's ordinal is the one a scale-down removes: its preStop hands over before the pod goes."""
    ctx.patch({"size": SIZE})


ALL = [
    Scenario(kill_master_process),
    Scenario(delete_master_pod),
    Scenario(stop_master_node),
    Scenario(freeze_master),
    Scenario(isolate_master),
    Scenario(delete_all_sentinel_pods),
    Scenario(delete_every_pod),
    Scenario(scale_down_removes_the_master, prepare=master_at_the_last_ordinal),
    Scenario(kill_operator_mid_reconcile),
    Scenario(operator_down_during_failover),
    Scenario(relay_down_during_failover, prepare=shorten_the_safety_net),
    Scenario(rolling_change),
]
# The quick cases of `make test` (CI on 2 cores, about 5 minutes): a planned failover (preStop), an unplanned one
# with a split brain (min-replicas-to-write, divergent writes), and a rolling change (one pod down, the master last).
QUICK_NAMES = ("delete_master_pod", "isolate_master", "rolling_change", "relay_down_during_failover")
QUICK = [scenario for scenario in ALL if scenario.name in QUICK_NAMES]


def run(
    kube: Kube,
    namespace: str,
    operator: RestartableOperator,
    scenario: Scenario,
    *,
    name: str = NAME,
    before_fault: Callable[[], object] | None = None,
) -> Outcome:
    """Fault the Healthy RedisCluster `name` under a Sentinel-discovering writer; wait for Healthy; count what was
    lost. `before_fault` runs once the writers are warm, right before the fault: runs of several clusters in threads
    meet there (a threading.Barrier's wait) to fault them at the same moment."""
    view = wait_healthy(kube, namespace, name, password=PASSWORD, timeout=HEALTHY_TIMEOUT)
    if scenario.prepare:
        scenario.prepare(Context(kube, namespace, operator, view, name))
        view = ClusterView(kube, namespace, name, PASSWORD)
    context = Context(kube, namespace, operator, view, name)
    addresses = PodAddresses(kube, namespace, name)
    writer, by_address = (Writer(addresses, view.group, PASSWORD, discovery) for discovery in ("masters", "address"))
    writers = (writer, by_address)
    for each in writers:
        each.start()

    def every_writer_has(count: int) -> bool:
        return all(len(each.log.acknowledged) >= count for each in writers)

    try:
        wait_for(lambda: every_writer_has(WARM_WRITES), 60, "the writers to warm up", interval=0.2)
        if before_fault:
            before_fault()
        fault = time.monotonic()
        scenario.fault(context)
        view = wait_healthy(kube, namespace, name, password=PASSWORD, timeout=HEALTHY_TIMEOUT)
        healthy_after = time.monotonic() - fault
        settled = max(len(each.log.acknowledged) for each in writers) + WARM_WRITES
        wait_for(lambda: every_writer_has(settled), 60, "writes to flow again", interval=0.2)
    finally:
        log, log_by_address = (each.stop() for each in writers)
    with closing(view.master_node()) as master:
        divergent_write_won = bool(master.exists("chaos:divergent"))
    return Outcome(
        scenario=scenario.name,
        divergent_write_won=divergent_write_won,
        unavailable_seconds=log.longest_gap_after(fault),
        unavailable_seconds_by_address=log_by_address.longest_gap_after(fault),
        healthy_after_seconds=healthy_after,
        acknowledged=len(log.acknowledged) + len(log_by_address.acknowledged),
        lost=lost_writes(log, view.master_node, writer.prefix)
        + lost_writes(log_by_address, view.master_node, by_address.prefix),
        failures=log.failures + log_by_address.failures,
        violations=context.violations,
    )


def check(outcome: Outcome) -> None:
    """The chaos suite's verdict on one run: writes flowed again, none acknowledged was lost, nothing the isolated
    old master took won, and the scenario's own checks held."""
    print(f"\n{outcome}")
    assert outcome.acknowledged > WARM_WRITES, "the writer never got going again after the fault"
    assert not outcome.lost, f"{len(outcome.lost)} acknowledged writes lost, first {outcome.lost[:10]}"
    assert not outcome.divergent_write_won, "a write taken by the isolated old master survived its return"
    assert not outcome.violations, "; ".join(outcome.violations)
