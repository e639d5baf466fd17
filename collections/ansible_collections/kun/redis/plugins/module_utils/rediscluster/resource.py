# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RedisCluster resource as the API serves it (config/crd/bases/redis.kun_redisclusters.yaml)."""

from __future__ import annotations

GROUP = "redis.kun"
VERSION = "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
KIND = "RedisCluster"
PLURAL = "redisclusters"
