"""The relay's state: the served RedisClusters and their figures, their pods, one subscription per Sentinel; and what
each change means.

Both watches and every subscription call in from their own threads; one lock keeps the state consistent. Nothing
here blocks on the network while holding it: subscriptions connect in their own threads, and patches are sent by the
Coalescer's.
"""

from __future__ import annotations

import functools
import logging
import threading

from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.scope import watched_namespaces

from event_relay import kube, rules
from event_relay.figures import ClusterFigures, MasterChanges, role_defaults
from event_relay.metrics import ClusterReading
from event_relay.rules import ClusterKey, PodState
from event_relay.sentinels import SentinelSubscription
from event_relay.triggers import ANNOTATION, Coalescer

log = logging.getLogger(__name__)


class Relay:
    def __init__(self, api: kube.Kube, watch_namespace: str):
        self._kube, self._watch_namespace = api, watch_namespace
        self._lock = threading.Lock()
        self._clusters: dict[ClusterKey, ClusterFigures] = {}
        self._defaults = role_defaults()
        self._master_changes = MasterChanges()
        self._pods: dict[tuple[str, str], PodState] = {}  # (namespace, name) -> state
        self._subscriptions: dict[tuple[str, str], SentinelSubscription] = {}
        self._triggers = Coalescer(lambda cluster, value: self._kube.annotate(cluster, ANNOTATION, value))
        self.stopped = threading.Event()

    def run(self) -> None:
        """Until `stopped` is set: a watch of the RedisClusters and one of their pods in each watched namespace, as
        ansible-operator watches them (one per namespace WATCH_NAMESPACE names, or one of every namespace), each in
        a thread of its own; the last pod watch in this one. A namespaced operator's Roles grant no list across
        namespaces, so several namespaces are several watches."""
        follows = [
            (kind, lister(namespace), on_event, functools.partial(on_resync, namespace))
            for namespace in watched_namespaces(self._watch_namespace) or ("",)
            for kind, lister, on_event, on_resync in (
                ("RedisCluster", self._kube.cluster_lister, self.cluster_event, self.clusters_listed),
                ("Pod", self._kube.pod_lister, self.pod_event, self.pods_listed),
            )
        ]
        *others, last = follows
        for watch in others:
            threading.Thread(
                target=kube.follow, args=(*watch, self.stopped), name=f"{watch[0]} watch", daemon=True
            ).start()
        kube.follow(*last, self.stopped)

    def close(self) -> None:
        self.stopped.set()
        with self._lock:
            for subscription in self._subscriptions.values():
                subscription.close()
            self._subscriptions.clear()
        self._triggers.close()

    # RedisClusters: which ones the operator serves, so that only theirs are subscribed to and reconciled.
    def clusters_listed(self, namespace: str, items: list[dict]) -> None:
        """A (re)list of the RedisClusters of `namespace` ("": every one) replaces what was known of it."""
        with self._lock:
            self._clusters = {key: f for key, f in self._clusters.items() if not _within(key.namespace, namespace)}
            for item in items:
                if rules.served(item, self._watch_namespace):
                    self._clusters[self._key(item)] = ClusterFigures.of(item, self._defaults)
            self._forget_gone()
            self._refresh()

    def cluster_event(self, kind: str, item: dict) -> None:
        key = self._key(item)
        with self._lock:
            if kind != "DELETED" and rules.served(item, self._watch_namespace):
                self._clusters[key] = ClusterFigures.of(item, self._defaults)
            else:
                self._clusters.pop(key, None)
                self._triggers.forget(key)
            self._forget_gone()
            self._refresh()

    def readings(self) -> list[ClusterReading]:
        """What /metrics serves: each served cluster's figures and master changes (event_relay/metrics.py)."""
        with self._lock:
            return [
                ClusterReading(key, figures, self._master_changes.count(key)) for key, figures in self._clusters.items()
            ]

    def _forget_gone(self) -> None:
        for key in self._master_changes.clusters() - self._clusters.keys():
            self._master_changes.forget(key)

    # Pods: the changes Kubernetes' dependent watches do not pass on, and the Sentinels' addresses.
    def pods_listed(self, namespace: str, items: list[dict]) -> None:
        """A (re)list of the pods of `namespace` ("": every one) replaces what was known of it."""
        with self._lock:
            self._pods = {pod: state for pod, state in self._pods.items() if not _within(pod[0], namespace)}
            for item in items:
                if (state := PodState.of(item)) is not None:
                    self._pods[(state.cluster.namespace, state.name)] = state
            self._refresh()

    def pod_event(self, kind: str, item: dict) -> None:
        state = PodState.of(item)
        if state is None:
            return
        pod = (state.cluster.namespace, state.name)
        with self._lock:
            before = self._pods.get(pod)
            after = None if kind == "DELETED" else state
            if after is None:
                self._pods.pop(pod, None)
            else:
                self._pods[pod] = after
            reason = rules.pod_change(before, after)
            if reason and state.cluster in self._clusters:
                self._triggers.request(state.cluster, reason)
            self._refresh()

    def _refresh(self) -> None:
        """Subscribe to each Sentinel of a served cluster that can be reached, and to nothing else."""
        wanted = {
            pod: state for pod, state in self._pods.items() if state.subscribable and state.cluster in self._clusters
        }
        for pod, subscription in list(self._subscriptions.items()):
            state = wanted.get(pod)
            if state is None or Endpoint(state.address, state.sentinel_port) != subscription.endpoint:
                subscription.close()
                del self._subscriptions[pod]
        for pod, state in wanted.items():
            if pod not in self._subscriptions:
                self._subscriptions[pod] = self._subscribe(state)

    def _subscribe(self, state: PodState) -> SentinelSubscription:
        def message(channel: str, data: str) -> None:
            with self._lock:
                self._master_changes.seen(state.cluster, channel, data)
            if (reason := rules.sentinel_message(state.name, channel, data)) is not None:
                self._triggers.request(state.cluster, reason)

        def resubscribed() -> None:
            self._triggers.request(state.cluster, f"resubscribed to {state.name}: its events meanwhile are unknown")

        return SentinelSubscription(state.name, Endpoint(state.address, state.sentinel_port), message, resubscribed)

    @staticmethod
    def _key(item: dict) -> ClusterKey:
        metadata = item.get("metadata") or {}
        return ClusterKey(metadata.get("namespace", ""), metadata.get("name", ""))


def _within(namespace: str, listed: str) -> bool:
    """Whether an object of `namespace` is among those a list of `listed` ("": every namespace) returns."""
    return not listed or namespace == listed
