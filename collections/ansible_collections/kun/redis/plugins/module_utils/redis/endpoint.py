# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a Redis node or Sentinel listens: the client connects to an Endpoint, the snapshots name processes by one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    """Where a process listens, and the stable hostname it may be announced by."""

    address: str
    port: int
    hostname: str | None = None

    @property
    def name(self) -> str:
        return f"{self.address}:{self.port}"

    def answers_to(self, host: str, port: int) -> bool:
        """True when (host, port) as Redis or Sentinel reports it designates this endpoint."""
        return port == self.port and host in (self.address, self.hostname)
