"""Container lifecycle hooks: postStart right after a start, preStop before the SIGTERM of a stop.

exec hooks run in the container's namespaces with its environment (as root: nsenter does not change user), httpGet
hooks go to the pod IP, sleep hooks sleep. A preStop hook is cut at the grace period; postStart is bounded too.
"""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Callable

from .containers import Container, Run
from .nsexec import in_container
from .probes import run_probe

log = logging.getLogger(__name__)

POST_START_SECONDS = 30.0  # Kubernetes sets no bound; the sandbox does, so a hung hook cannot wedge the pod


def post_start_succeeds(container: Container, pod_ip: str) -> bool:
    """Run the postStart hook of a just-started container; False when it failed (the container is to be killed)."""
    hook = container.spec.get("lifecycle", {}).get("postStart")
    run = container.run
    if not hook or run is None:
        return True
    return _run(hook, container, run, pod_ip, POST_START_SECONDS)


def pre_stop(container: Container, pod_ip: str) -> Callable[[Run, float], None] | None:
    """The preStop hook as Container.stop wants it: called with the run and the grace period in seconds."""
    hook = container.spec.get("lifecycle", {}).get("preStop")
    if not hook:
        return None

    def run_hook(run: Run, grace: float) -> None:
        if not _run(hook, container, run, pod_ip, grace):
            log.info("preStop of container %s failed or was cut at the grace period", container.name)

    return run_hook


def _run(hook: dict, container: Container, run: Run, pod_ip: str, timeout: float) -> bool:
    if "exec" in hook:
        argv = in_container(run.process.pid, hook["exec"]["command"])
        try:
            return subprocess.run(argv, env=run.env, capture_output=True, timeout=timeout, check=False).returncode == 0
        except subprocess.TimeoutExpired:
            return False
    if "sleep" in hook:
        time.sleep(min(hook["sleep"]["seconds"], timeout))
        return True
    if "httpGet" in hook:
        return run_probe({"httpGet": hook["httpGet"], "timeoutSeconds": timeout}, container.spec, pod_ip, 0, {})
    log.warning("container %s: unsupported lifecycle hook %s", container.name, sorted(hook))
    return True
