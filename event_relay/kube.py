"""Kubernetes for the relay, through the kubernetes client library: its Watch keeps the resourceVersion, follows
bookmarks and reports an expired one (410), and its configuration loaders find the pod's service account or a
kubeconfig. A long-running process pays its import once, unlike the modules (module_utils/kube/client.py)."""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable

from ansible_collections.kun.redis.plugins.module_utils.rediscluster.resource import GROUP, PLURAL, VERSION
from kubernetes import client, config, watch

from event_relay.rules import POD_LABELS, ClusterKey

log = logging.getLogger(__name__)

WATCH_SECONDS = 300  # each watch request's lifetime; the next resumes from the last resourceVersion
RETRY_SECONDS = 2.0

Handler = Callable[[str, dict], None]  # (ADDED | MODIFIED | DELETED, object)
Resync = Callable[[list[dict]], None]  # every object, after a (re)list


def api_client() -> client.ApiClient:
    """The pod's service account in a cluster, else $KUBECONFIG or ~/.kube/config (make run, the tests)."""
    try:
        config.load_incluster_config()
    except config.ConfigException:
        config.load_kube_config()
    return client.ApiClient()


class Kube:
    """The list (and watch) calls of the RedisClusters and their pods, per namespace, and the trigger patch."""

    def __init__(self, api: client.ApiClient):
        self._core, self._custom = client.CoreV1Api(api), client.CustomObjectsApi(api)

    def pod_lister(self, namespace: str) -> Callable:
        """The list (and, with watch=True, watch) call of the RedisClusters' pods in `namespace` ("": every one)."""
        selector = ",".join(f"{key}={value}" for key, value in POD_LABELS.items())
        if namespace:
            return functools.partial(self._core.list_namespaced_pod, namespace, label_selector=selector)
        return functools.partial(self._core.list_pod_for_all_namespaces, label_selector=selector)

    def cluster_lister(self, namespace: str) -> Callable:
        """The list (and watch) call of the RedisClusters in `namespace` ("": every one)."""
        if namespace:
            return functools.partial(self._custom.list_namespaced_custom_object, GROUP, VERSION, namespace, PLURAL)
        return functools.partial(self._custom.list_cluster_custom_object, GROUP, VERSION, PLURAL)

    def annotate(self, cluster: ClusterKey, key: str, value: str) -> None:
        """A merge patch of one annotation: it changes nothing else, and needs no resourceVersion."""
        body = {"metadata": {"annotations": {key: value}}}
        self._custom.patch_namespaced_custom_object(GROUP, VERSION, cluster.namespace, PLURAL, cluster.name, body)


def follow(name: str, list_call, on_event: Handler, on_resync: Resync, stopped: threading.Event) -> None:
    """List, hand every object to on_resync, then watch from that list's resourceVersion and hand each change to
    on_event; list again after an expired resourceVersion or any error. Returns once `stopped` is set (at the latest
    WATCH_SECONDS later: a watch request is not interrupted)."""
    while not stopped.is_set():
        try:
            listed = json.loads(list_call(_preload_content=False).data)
            on_resync(listed.get("items") or [])
            version = listed["metadata"]["resourceVersion"]
            while not stopped.is_set():
                # Events as JSON (deserialize=False): the relay reads a few fields, not the library's models; so the
                # resourceVersion to resume from is followed here. An expired one (410) raises, and is listed again.
                for event in watch.Watch().stream(
                    list_call,
                    resource_version=version,
                    timeout_seconds=WATCH_SECONDS,
                    allow_watch_bookmarks=True,
                    deserialize=False,
                ):
                    version = event["object"]["metadata"].get("resourceVersion") or version
                    if event["type"] != "BOOKMARK":
                        on_event(event["type"], event["object"])
        except Exception as error:
            log.warning("%s watch: %s; listing again in %s s", name, error, RETRY_SECONDS)
            stopped.wait(RETRY_SECONDS)
