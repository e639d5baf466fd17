"""`python -m event_relay [--metrics-bind-address [HOST]:PORT]`: the relay of the operator in the same pod
(config/manager/manager.yaml, container event-relay), watching what WATCH_NAMESPACE names (one namespace, a
comma-separated list, or none: every namespace), as ansible-operator does, and serving its clusters' metrics on
/metrics (event_relay/metrics.py; port 0: none)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

from ansible_collections.kun.redis.plugins.module_utils.rediscluster.scope import watched_namespaces

from event_relay import metrics
from event_relay.kube import Kube, api_client
from event_relay.relay import Relay


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="event_relay")
    parser.add_argument("--metrics-bind-address", default=":8081", help="[host]:port of /metrics (port 0: none)")
    arguments = parser.parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("EVENT_RELAY_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stdout,
    )
    watch_namespace = os.environ.get("WATCH_NAMESPACE", "")
    relay = Relay(Kube(api_client()), watch_namespace)
    metrics.serve(arguments.metrics_bind_address, relay.readings)
    signal.signal(signal.SIGTERM, _exit)  # interrupts the pod watch's request in this thread, unlike an Event
    namespaces = ", ".join(watched_namespaces(watch_namespace)) or "every namespace"
    logging.getLogger("event_relay").info("relaying events of %s", namespaces)
    try:
        relay.run()
    except KeyboardInterrupt:
        pass
    finally:
        relay.close()
    return 0


def _exit(*_: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
