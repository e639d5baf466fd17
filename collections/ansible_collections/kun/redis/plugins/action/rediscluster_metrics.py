# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rediscluster_metrics action (documented in plugins/modules/rediscluster_metrics.py): publish one RedisCluster's
gauges through ansible-operator's custom-metrics API, so that the operator's own /metrics serves them.

That API (POST a JSON metric to localhost:5050/metrics, what operator_sdk.util's osdk_metric module does) knows no
labels, so each gauge's name carries the namespace and the name of its RedisCluster. It also cannot set a gauge to 0
(ansible-operator treats `set: 0` as "no value"): a gauge that must drop to 0 is read from the operator's /metrics
and decreased by what it holds. Written by hand: no library speaks this API.
"""

from __future__ import annotations

import http.client
import json
import re
from urllib.parse import urlsplit

from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = {
    "namespace": {"type": "str", "required": True},
    "name": {"type": "str", "required": True},
    "gauges": {"type": "dict", "required": True},
    "api_url": {"type": "str", "default": "http://localhost:5050/metrics"},
    "metrics_url": {"type": "str", "default": "http://localhost:8080/metrics"},
}
TIMEOUT_SECONDS = 5
_INVALID = re.compile(r"[^a-zA-Z0-9_]")
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$")  # an unlabelled sample of the exposition format


def metric_name(gauge: str, namespace: str, name: str) -> str:
    """`rediscluster_healthy` of `default/test` is `rediscluster_healthy_default_test`: Kubernetes names may hold `-`
    and `.`, which metric names may not."""
    return _INVALID.sub("_", f"{gauge}_{namespace}_{name}")


def held_values(exposition: str) -> dict[str, float]:
    """The unlabelled samples of a Prometheus text exposition (the gauges this action publishes have no labels)."""
    values = {}
    for line in exposition.splitlines():
        if sample := _SAMPLE.match(line):
            values[sample[1]] = float(sample[2])
    return values


def updates(targets: dict[str, float], held: dict[str, float], help_texts: dict[str, str]) -> list[dict]:
    """The API requests that bring each gauge to its target: `set` for a value other than 0; for 0, `subtract` what
    the gauge holds, or `add: 0` to register a gauge not seen yet (it starts at 0)."""
    requests = []
    for name, target in targets.items():
        base = {"name": name, "description": help_texts[name]}
        if target != 0:
            requests.append({**base, "gauge": {"set": target}})
        elif held.get(name, 0) != 0:
            requests.append({**base, "gauge": {"subtract": held[name]}})
        elif name not in held:
            requests.append({**base, "gauge": {"add": 0}})
    return requests


HELP = {
    "rediscluster_healthy": "1 when the RedisCluster is Healthy, else 0",
    "rediscluster_master_count": "Masters the Sentinels and the nodes agree on (1 when healthy)",
    "rediscluster_replica_count": "Replicas attached to the master",
    "rediscluster_sentinel_count": "Sentinels that monitor the master",
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, arguments = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        unknown = sorted(set(arguments["gauges"]) - set(HELP))
        if unknown:
            return {**result, "failed": True, "msg": f"unknown gauges {unknown}: use {sorted(HELP)}"}
        targets, help_texts = {}, {}
        for gauge, value in arguments["gauges"].items():
            if value is None:
                continue  # not known in this reconcile: the gauge keeps what it holds
            name = metric_name(gauge, arguments["namespace"], arguments["name"])
            targets[name], help_texts[name] = float(value), HELP[gauge]
        try:
            needs_reading = any(value == 0 for value in targets.values())
            held = held_values(_get(arguments["metrics_url"])) if needs_reading else {}
            requests = updates(targets, held, help_texts)
            if not self._task.check_mode:
                for request in requests:
                    _post(arguments["api_url"], request)
        except (OSError, ValueError) as error:
            # Metrics are for people watching: a reconcile goes on without them.
            return {**result, "changed": False, "warnings": [f"the operator's metrics API did not answer: {error}"]}
        return {**result, "changed": False, "metrics": targets}  # the operator's own memory, not the cluster


# The standard library's http.client, not Ansible's open_url: both endpoints are the operator's own plain HTTP on
# localhost, and open_url builds a TLS context for every request, 28 ms each (four per reconcile) against 1 ms.
def _get(url: str) -> str:
    return _exchange("GET", url)


def _post(url: str, metric: dict) -> None:
    try:
        _exchange("POST", url, json.dumps(metric).encode())
    except ValueError as error:
        raise ValueError(f"{metric['name']}: {error}") from error


def _exchange(method: str, url: str, body: bytes | None = None) -> str:
    """The answer's text; ValueError for an answer outside 2xx, OSError for none."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(method, parts.path or "/", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
    except http.client.HTTPException as error:
        raise OSError(f"{url}: {error!r}") from error
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise ValueError(f"{response.status} {text.strip()}")
    return text
