"""One thread per Sentinel, subscribed to the channels the relay relays, resubscribing after every break."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ansible_collections.kun.redis.plugins.module_utils.redis.client import ConnectionSettings, connect
from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint

from event_relay.rules import SENTINEL_CHANNELS

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 2.0
RETRY_SECONDS = (0.5, 1, 2, 5)  # between attempts after a break, the last repeated


class SentinelSubscription:
    """Subscribed to one Sentinel until closed. `on_message(channel, data)` gets each message; `on_resubscribed()`
    is called each time a subscription is made again after a break, since what was published meanwhile is lost.
    Sentinels have no password here (roles/rediscluster/files/sentinel/start.sh), so a changed password of the
    cluster changes nothing for the relay."""

    def __init__(
        self,
        pod: str,
        endpoint: Endpoint,
        on_message: Callable[[str, str], None],
        on_resubscribed: Callable[[], None],
    ):
        self.pod, self.endpoint = pod, endpoint
        self._on_message, self._on_resubscribed = on_message, on_resubscribed
        self._closed = threading.Event()
        self._connection = None
        self._thread = threading.Thread(target=self._run, name=f"sentinel {pod}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop at once: no connection is left behind (a message being read is dropped)."""
        self._closed.set()
        connection = self._connection
        if connection is not None:
            connection.shutdown()

    def _run(self) -> None:
        attempt, subscribed_before = 0, False
        settings = ConnectionSettings(connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=None)
        while not self._closed.is_set():
            try:
                with connect(self.endpoint, settings, authenticate=False) as connection:
                    self._connection = connection
                    if self._closed.is_set():
                        return
                    connection.subscribe(SENTINEL_CHANNELS)
                    log.info("subscribed to Sentinel %s at %s", self.pod, self.endpoint.name)
                    attempt = 0
                    if subscribed_before:
                        self._on_resubscribed()
                    subscribed_before = True
                    while True:
                        self._on_message(*connection.next_message())
            except Exception as error:
                if self._closed.is_set():
                    return
                log.info("Sentinel %s at %s: %s; retrying", self.pod, self.endpoint.name, error)
            finally:
                self._connection = None
            self._closed.wait(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
            attempt += 1
