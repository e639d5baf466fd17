"""The pod worker: one thread per pod that brings the pod's processes to what its spec asks and reports status.

Each sync (on any event: pod update, container exit, probe result, source change, or a periodic tick) does, in order:
sandbox (network namespace, address, hosts file) -> volumes -> init containers one at a time -> containers (start,
restart with back-off, kill on failed liveness or startup probe) -> status patch when it differs from the API's.
Deletion runs preStop hooks and stops containers within the grace period, then deletes the pod for good with
gracePeriodSeconds=0 and a UID precondition. A stopped node kills its pods' processes and reports nothing.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from pathlib import Path

import urllib3

from . import hooks, netns
from .api import ApiError
from .containers import Container, LaunchSpec, Run
from .env import ConfigError, container_env, expand
from .hostsfile import resolv_conf
from .images import REDIS_IMAGE, NotRunnable, container_argv, image_of, resolve_executable
from .probes import Prober, run_probe
from .status import PodView, is_subset, phase, pod_status, timestamp
from .volumes import PodVolumes, VolumeNotReady

log = logging.getLogger(__name__)

PERIODIC_SYNC = 5.0  # seconds; also how soon configMap/secret/token volume contents are refreshed at the latest
PROBE_KINDS = ("startup", "readiness", "liveness")


def should_restart(restart_policy: str, exit_code: int) -> bool:
    return restart_policy == "Always" or (restart_policy == "OnFailure" and exit_code != 0)


class PodWorker(threading.Thread):
    def __init__(self, kubelet, node, pod: dict):
        meta = pod["metadata"]
        super().__init__(name=f"pod-{meta['namespace']}/{meta['name']}", daemon=True)
        self.kubelet = kubelet
        self.node = node
        self.pod = pod
        self.uid, self.namespace, self.pod_name = meta["uid"], meta["namespace"], meta["name"]
        self.dir: Path = kubelet.paths.pods / self.uid
        log_root = kubelet.paths.logs / "pods" / f"{self.namespace}_{self.pod_name}_{self.uid}"
        spec = pod["spec"]
        self.init_containers = [
            Container(c, True, log_root / c["name"], self.notify) for c in spec.get("initContainers", [])
        ]
        self.containers = [Container(c, False, log_root / c["name"], self.notify) for c in spec["containers"]]
        if not self.init_containers:
            for container in self.containers:
                container.set_waiting("ContainerCreating")
        self._continue_restart_counts(pod)
        self.volumes = PodVolumes(
            pod,
            self.dir / "volumes",
            configmaps=kubelet.configmap,
            secrets=kubelet.secret,
            claim_path=kubelet.claim_path,
            request_token=kubelet.request_token,
        )
        self.ip: str | None = None
        self.start_time: str | None = None
        self.message: str | None = None
        self.init_done = not self.init_containers
        self.init_failed = False
        self.finished = threading.Event()
        self._wake = threading.Condition()
        self._dirty = True
        self._removed = False
        self._was_stopped = False

    def _continue_restart_counts(self, pod: dict) -> None:
        """A pod that already ran (before a kubelet restart) counts its next start as a restart, as kubelets do."""
        status = pod.get("status", {})
        reported = {
            s["name"]: s for s in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or [])
        }
        for container in self.init_containers + self.containers:
            previous = reported.get(container.name, {})
            if "waiting" not in previous.get("state", {"waiting": {}}) or previous.get("lastState"):
                container.starts = 1
                container.restart_count = previous.get("restartCount", 0)

    # --- events from the kubelet ---------------------------------------------------------------------------------

    def notify(self) -> None:
        with self._wake:
            self._dirty = True
            self._wake.notify()

    def update(self, pod: dict) -> None:
        self.pod = pod
        self.notify()

    def removed(self) -> None:
        """The pod is gone from the API (deleted with no grace, or its namespace went): stop it and clean up."""
        self._removed = True
        self.notify()

    def container(self, name: str | None) -> Container | None:
        everything = self.containers + self.init_containers
        return next((c for c in everything if name in (None, c.name) and (name or c.run)), None)

    # --- the loop --------------------------------------------------------------------------------------------------

    def run(self) -> None:
        while True:
            with self._wake:
                if not self._dirty:
                    self._wake.wait(timeout=self._seconds_to_next_sync())
                self._dirty = False
            try:
                if self._sync():
                    break
            except urllib3.exceptions.HTTPError as error:  # the API server is away: try again, quietly
                log.debug("pod %s/%s: API unreachable: %s", self.namespace, self.pod_name, error)
                time.sleep(1)
            except Exception:
                log.exception("pod %s/%s: sync failed", self.namespace, self.pod_name)
                time.sleep(1)
        self.finished.set()

    def _seconds_to_next_sync(self) -> float:
        now = time.monotonic()
        waits = [c.not_before - now for c in self.init_containers + self.containers if c.not_before > now]
        return max(min([PERIODIC_SYNC, *waits]), 0.05)

    def _sync(self) -> bool:
        """One pass; True when the worker is done (the pod is gone, or the kubelet is exiting)."""
        pod = self.pod
        if self.kubelet.stopping.is_set():
            return True
        if self._removed:
            self._stop_all(self._grace(pod))
            self._cleanup()
            return True
        if self.node.stopped:
            self._stop_all(0)
            self._was_stopped = True
            return False
        if self._was_stopped:  # a node that comes back restarts its pods at once, like a rebooted machine
            self._was_stopped = False
            for container in self.init_containers + self.containers:
                container.failures_in_a_row, container.not_before = 0, 0.0
        if pod["metadata"].get("deletionTimestamp"):
            self._stop_all(self._grace(pod))
            self._delete_from_api()
            self._cleanup()
            return True
        self._ensure_sandbox()
        try:
            self.volumes.sync(self._pod_with_addresses())
            self.message = None
            self._sync_containers()
        except VolumeNotReady as error:
            if self.message != str(error):
                self._event("FailedMount", str(error), "Warning")
            self.message = str(error)
            for container in self.init_containers + self.containers:
                if container.run is None and not container.exits:
                    container.set_waiting("ContainerCreating", str(error))
        self._publish_status()
        return False

    # --- sandbox ---------------------------------------------------------------------------------------------------

    def _ensure_sandbox(self) -> None:
        if self.ip is not None:
            return
        ip = self.node.addresses.allocate(self.uid)
        sysctls = {s["name"]: str(s["value"]) for s in self.pod["spec"].get("securityContext", {}).get("sysctls", [])}
        netns.setup(self.uid, ip, sysctls)
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "resolv.conf").write_text(resolv_conf(self.namespace))
        self.kubelet.hosts.register(self.uid, self.dir / "hosts", self.pod, ip)
        self.ip = ip
        self.start_time = self.start_time or self.pod.get("status", {}).get("startTime") or timestamp()
        log.info("pod %s/%s: sandbox ready on %s with address %s", self.namespace, self.pod_name, self.node.name, ip)

    def _pod_with_addresses(self) -> dict:
        """The pod as the downward API sees it: with this pod's address and node address filled in."""
        status = dict(self.pod.get("status", {}))
        status.update(podIP=self.ip, podIPs=[{"ip": self.ip}], hostIP=self.node.ip, hostIPs=[{"ip": self.node.ip}])
        return {**self.pod, "status": status}

    # --- containers ------------------------------------------------------------------------------------------------

    def _sync_containers(self) -> None:
        policy = self.pod["spec"].get("restartPolicy", "Always")
        if not self.init_done and not self._sync_init_containers(policy):
            return
        for container in self.containers:
            if container.run is not None:
                self._enforce_probes(container)
            elif self._may_start(container, policy):
                self._start(container)

    def _sync_init_containers(self, policy: str) -> bool:
        """Run init containers one at a time; True once all have completed."""
        for container in self.init_containers:
            if container.succeeded:
                continue
            if container.run is not None:
                return False
            if container.exits and policy == "Never":
                self.init_failed = True
                return False
            if self._may_start(container, "OnFailure"):
                self._start(container)
            return False
        self.init_done = True
        return True

    def _event(self, reason: str, message: str, kind: str = "Normal") -> None:
        self.kubelet.events.record(self.pod, self.node.name, reason, message, kind)

    def _wait(self, container: Container, reason: str, message: str) -> None:
        """Set a waiting reason; a new reason is also recorded as a Warning event (once, not at every sync)."""
        if container.waiting[0] != reason:
            self._event("Failed", message, "Warning")
        container.set_waiting(reason, message)

    def _may_start(self, container: Container, policy: str) -> bool:
        if not container.exits:
            return True
        last = container.exits[-1]
        if not should_restart(policy, last["exitCode"]):
            container.set_waiting("", None)  # stays terminated
            return False
        remaining = container.not_before - time.monotonic()
        if remaining > 0:
            message = f"back-off {remaining:.0f}s restarting failed container={container.name} pod={self.pod_name}"
            if container.waiting[0] != "CrashLoopBackOff":
                self._event("BackOff", f"Back-off restarting failed container {container.name}", "Warning")
            container.set_waiting("CrashLoopBackOff", message)
            return False
        return True

    def _start(self, container: Container) -> None:
        try:
            launch = self._launch_spec(container)
        except (NotRunnable, ConfigError, VolumeNotReady) as error:
            reason = getattr(error, "reason", "CreateContainerConfigError")
            self._wait(container, reason, str(error))
            return
        container.start(launch)
        self._event("Started", f"Started container {container.name}")
        if not hooks.post_start_succeeds(container, self.ip):
            why = f"PostStartHook of container {container.name} failed"
            self._event("FailedPostStartHook", why, "Warning")
            container.stop(self._grace(self.pod, container), self._pre_stop(container), why)
            return
        self._attach_probes(container)

    def _launch_spec(self, container: Container) -> LaunchSpec:
        spec = container.spec
        image = image_of(spec.get("image", ""))
        pod_security = self.pod["spec"].get("securityContext", {})
        security = {**pod_security, **spec.get("securityContext", {})}
        user = security.get("runAsUser", image.user)
        if security.get("runAsNonRoot") and not user:
            raise ConfigError(
                f"container has runAsNonRoot and image will run as root "
                f'(pod: "{self.pod_name}_{self.namespace}({self.uid})", container: {container.name})'
            )
        group = security.get("runAsGroup")
        scratch, tmp = self._scratch(container, user, group)
        home = {"HOME": str(scratch)} if user else {}  # a non-root user has no home in the host's /etc/passwd
        env = container_env(
            self._pod_with_addresses(),
            spec,
            self.kubelet.configmap,
            self.kubelet.secret,
            {**image.env, **home, **self.kubelet.api_server_env},
        )
        argv = [
            expand(arg, env) for arg in container_argv(spec.get("image", ""), spec.get("command"), spec.get("args"))
        ]
        argv[0] = resolve_executable(argv[0], env["PATH"], image.programs)
        mounts = [(m.source, m.target, m.read_only) for m in self.volumes.mounts(spec)]
        if not any(target.rstrip("/") == "/tmp" for _, target, _ in mounts):
            mounts.insert(0, (str(tmp), "/tmp", False))  # the image's own /tmp: never shared with the host's
        mounts += [
            (str(self.dir / "hosts"), "/etc/hosts", True),
            (str(self.dir / "resolv.conf"), "/etc/resolv.conf", True),
        ]
        fs_group = [pod_security["fsGroup"]] if pod_security.get("fsGroup") is not None else []
        return LaunchSpec(
            netns=netns.netns_path(self.uid),
            hostname=self.pod["spec"].get("hostname") or self.pod_name,
            argv=argv,
            env=env,
            workdir=spec.get("workingDir") or image.workdir or self._default_workdir(container, mounts, scratch),
            mounts=mounts,
            user=user,
            group=group,
            supplementary_groups=[*fs_group, *pod_security.get("supplementalGroups", [])],
            files=list(image.files) if user else [],
            no_new_privileges=spec.get("securityContext", {}).get("allowPrivilegeEscalation") is False,
            pod_dir=str(self.dir),
        )

    def _scratch(self, container: Container, user: int | None, group: int | None) -> tuple[Path, Path]:
        """The container's own writable directories, owned by its user: a scratch directory (the working directory
        of an image without one, and a non-root user's HOME) and its /tmp (mode 1777, as an image's)."""
        scratch, tmp = self.dir / "scratch" / container.name, self.dir / "tmp" / container.name
        for directory in (scratch, tmp):
            directory.mkdir(parents=True, exist_ok=True)
        tmp.chmod(0o1777)
        os.chown(scratch, user or 0, group or 0)
        return scratch, tmp

    def _default_workdir(self, container: Container, mounts: list[tuple[str, str, bool]], scratch: Path) -> str:
        """The image's WORKDIR stand-in: /data for redis images when a volume is mounted there (the redis image's
        WORKDIR), else the container's scratch directory, so relative writes never land in the host's /."""
        if REDIS_IMAGE.match(container.spec.get("image", "")) and any(target == "/data" for _, target, _ in mounts):
            return "/data"
        return str(scratch)

    def _attach_probes(self, container: Container) -> None:
        run = container.run
        if run is None or container.is_init:
            return
        for kind in PROBE_KINDS:
            probe = container.spec.get(f"{kind}Probe")
            if probe is None:
                continue

            def attempt(probe: dict, run: Run = run) -> bool:
                return run_probe(probe, container.spec, self.ip, run.process.pid, run.env)

            def may_run(kind: str = kind) -> bool:
                return kind == "startup" or container.probe_result("startup")

            prober = Prober(kind, probe, attempt, may_run, self._on_probe_result)
            run.probers[kind] = prober
            prober.start()
            if container.run is not run:  # exited before its probes were attached
                prober.stop()

    def _on_probe_result(self, kind: str, healthy: bool) -> None:
        if not healthy:
            self._event("Unhealthy", f"{kind.capitalize()} probe failed", "Warning")
        self.notify()

    def _enforce_probes(self, container: Container) -> None:
        run = container.run
        liveness, startup = run.probers.get("liveness"), run.probers.get("startup")
        if liveness and not liveness.result:
            why = f"Container {container.name} failed liveness probe, will be restarted"
        elif startup and startup.state.failed_out:
            why = f"Container {container.name} failed startup probe, will be restarted"
        else:
            return
        log.info("pod %s/%s: %s", self.namespace, self.pod_name, why)
        self._event("Killing", why)
        container.stop(self._grace(self.pod, container), self._pre_stop(container), why)

    # --- stopping --------------------------------------------------------------------------------------------------

    def _grace(self, pod: dict, container: Container | None = None) -> float:
        seconds = pod["metadata"].get("deletionGracePeriodSeconds")
        if seconds is None or container is not None:
            seconds = pod["spec"].get("terminationGracePeriodSeconds", 30)
        return float(seconds)

    def _pre_stop(self, container: Container):
        return hooks.pre_stop(container, self.ip)

    def _stop_all(self, grace: float, pre_stop: bool = True) -> None:
        """Stop every running container in parallel; grace 0 is a kill (no preStop), as for a stopped node."""
        running = [c for c in self.containers + self.init_containers if c.run is not None]
        threads = [
            threading.Thread(target=c.stop, args=(grace, self._pre_stop(c) if pre_stop else None), daemon=True)
            for c in running
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def stop_for_shutdown(self, grace: float) -> None:
        """The kubelet is exiting: stop the processes (SIGTERM, SIGKILL after `grace`) but leave the pod in the API."""
        self.join(timeout=2)  # the kubelet's stopping flag ends the loop at its next pass
        self._stop_all(min(grace, self._grace(self.pod)), pre_stop=False)
        self.kubelet.hosts.unregister(self.uid)
        netns.teardown(self.uid)

    def _delete_from_api(self) -> None:
        path = f"/api/v1/namespaces/{self.namespace}/pods/{self.pod_name}"
        try:
            self.kubelet.api.delete(path, {"gracePeriodSeconds": 0, "preconditions": {"uid": self.uid}})
        except ApiError as error:
            if error.status not in (404, 409):
                raise

    def _cleanup(self) -> None:
        self.kubelet.hosts.unregister(self.uid)
        netns.teardown(self.uid)
        self.node.addresses.release(self.uid)
        shutil.rmtree(self.dir, ignore_errors=True)
        log.info("pod %s/%s: cleaned up", self.namespace, self.pod_name)

    # --- status ----------------------------------------------------------------------------------------------------

    def _publish_status(self) -> None:
        image_ids = {c.name: f"sandbox://{c.spec.get('image', '')}" for c in self.init_containers + self.containers}
        init_statuses = [c.status(image_ids[c.name]) for c in self.init_containers]
        statuses = [c.status(image_ids[c.name]) for c in self.containers]
        restart_policy = self.pod["spec"].get("restartPolicy", "Always")
        view = PodView(
            sandbox_ready=self.ip is not None,
            pod_ip=self.ip,
            host_ip=self.node.ip,
            start_time=self.start_time,
            init_statuses=init_statuses,
            container_statuses=statuses,
            init_done=self.init_done,
            phase=phase(restart_policy, self.init_done, self.init_failed, statuses),
            message=self.message,
        )
        current = self.pod.get("status", {})
        desired = pod_status(view, current)
        if is_subset(desired, current):
            return
        path = f"/api/v1/namespaces/{self.namespace}/pods/{self.pod_name}/status"
        try:
            updated = self.kubelet.api.patch(path, {"status": desired})
        except ApiError as error:
            if error.status == 404:
                return  # deleted meanwhile; the informer will say so
            raise
        if int(updated["metadata"]["resourceVersion"]) >= int(self.pod["metadata"]["resourceVersion"]):
            self.pod = updated
