"""The reconcile loop of one watch: informers feed a work queue, workers run the role for each queued resource."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic import DynamicClient

from . import changes, playbook_run, variables
from .informer import Informer
from .metrics import Metrics
from .watches import Watch
from .workqueue import WorkQueue

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (namespace, name)

_FIRST_RETRY_SECONDS = 1.0


class Controller:
    def __init__(
        self,
        *,
        client: DynamicClient,
        watch: Watch,
        namespaces: list[str | None],
        dependents: list[tuple[str, str]],
        workdir: Path,
        workers: int,
        verbosity: int = 0,
    ) -> None:
        self.watch = watch
        self._client = client
        self._resource = client.resources.get(api_version=watch.api_version, kind=watch.kind)
        self._workdir = workdir / watch.group / watch.version / watch.kind
        self._workers = workers
        self._verbosity = verbosity
        self._queue = WorkQueue()
        self._failures: dict[Key, int] = {}
        self._runs = 0
        self._runs_lock = threading.Lock()
        self.primaries = [Informer(client, watch.api_version, watch.kind, ns, self._on_primary) for ns in namespaces]
        self.dependents = (
            [
                Informer(client, api_version, kind, ns, self._on_dependent)
                for api_version, kind in dependents
                for ns in namespaces
            ]
            if watch.watch_dependent_resources
            else []
        )
        self.metrics = Metrics(watch.kind.lower(), self.resources)

    def resources(self) -> list[dict[str, Any]]:
        return [obj for informer in self.primaries for obj in informer.objects()]

    def synced(self) -> bool:
        return all(informer.synced.is_set() for informer in self.primaries + self.dependents)

    def start(self) -> None:
        for informer in self.primaries + self.dependents:
            informer.start()
        for number in range(self._workers):
            threading.Thread(target=self._work, name=f"worker {number}", daemon=True).start()

    def stop(self) -> None:
        for informer in self.primaries + self.dependents:
            informer.stop()
        self._queue.shut_down()

    def _on_primary(self, event: str, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        if event == "DELETED":
            self.metrics.forget(*key)
            self._failures.pop(key, None)
        elif changes.primary_needs_reconcile(obj, old, self.watch.watch_annotations_changes):
            self._queue.add(key)

    def _on_dependent(self, event: str, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        if changes.dependent_needs_reconcile(event, obj, old):
            namespace = obj["metadata"].get("namespace", "")
            for owner in changes.owners(obj, self.watch.api_version, self.watch.kind):
                log.info("%s %s/%s changed (%s): reconciling its owner", obj.get("kind"), namespace, owner, event)
                self._queue.add((namespace, owner))

    def _work(self) -> None:
        while (key := self._queue.get()) is not None:
            try:
                self._reconcile(key)
            except Exception:  # one resource's trouble must never stop the worker
                log.exception("reconcile of %s/%s crashed", *key)
                self._retry(key)
            finally:
                self._queue.done(key)

    def _reconcile(self, key: Key) -> None:
        namespace, name = key
        try:
            obj = self._resource.get(namespace=namespace, name=name).to_dict()
        except ApiException as error:
            if error.status == 404:
                return
            raise
        finalizer = self.watch.finalizer
        finalizers = obj["metadata"].get("finalizers") or []
        if obj["metadata"].get("deletionTimestamp"):
            if finalizer and finalizer.name in finalizers:
                result = self._run(key, obj, finalizer.role, finalizer.playbook, finalizer.vars)
                if result.ok:
                    self._set_finalizers(obj, [item for item in finalizers if item != finalizer.name])
                else:
                    self._retry(key)
            return
        if finalizer and finalizer.name not in finalizers:
            self._set_finalizers(obj, [*finalizers, finalizer.name])
        result = self._run(key, obj, self.watch.role, self.watch.playbook, {})
        if result.ok:
            self._failures.pop(key, None)
            self._queue.add_after(key, result.requeue_after or self.watch.reconcile_period)
        else:
            self._retry(key)

    def _run(
        self, key: Key, obj: dict[str, Any], role: str | None, playbook: str | None, extra: dict[str, Any]
    ) -> playbook_run.RunResult:
        namespace, name = key
        with self._runs_lock:
            self._runs += 1
            ident = f"{self._runs:08d}"
        result = playbook_run.run(
            private_dir=self._workdir / namespace / name,
            ident=ident,
            role=role,
            playbook=playbook,
            variables=variables.extra_vars(self.watch, obj, extra),
            keep_artifacts=self.watch.max_runner_artifacts,
            verbosity=self._verbosity,
        )
        self.metrics.observe_reconcile(namespace, name, result.ok, result.seconds)
        if result.ok:
            log.info("reconciled %s/%s in %.2fs", namespace, name, result.seconds)
        else:
            log.error("reconcile of %s/%s failed after %.2fs: %s", namespace, name, result.seconds, result.message)
        return result

    def _retry(self, key: Key) -> None:
        """Requeue a failed reconcile with exponential back-off, never slower than the reconcile period."""
        failures = self._failures.get(key, 0) + 1
        self._failures[key] = failures
        delay = min(_FIRST_RETRY_SECONDS * 2 ** (failures - 1), self.watch.reconcile_period)
        self._queue.add_after(key, delay)

    def _set_finalizers(self, obj: dict[str, Any], finalizers: list[str]) -> None:
        """Patch the finalizer list, guarded by resourceVersion so a concurrent change is never overwritten."""
        metadata = obj["metadata"]
        patch = {"metadata": {"finalizers": finalizers, "resourceVersion": metadata["resourceVersion"]}}
        self._resource.patch(
            body=patch,
            namespace=metadata["namespace"],
            name=metadata["name"],
            content_type="application/merge-patch+json",
        )
