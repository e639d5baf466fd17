"""Every query of the Grafana dashboard (config/grafana/redis-kun.json) returns series from a real Prometheus.

Scenario: a Healthy size-3 RedisCluster with the exporter, the cluster-wide operator and its event relay, scraped by
a Prometheus on this machine (conftest.py). Each template variable's label_values query offers the test's namespace
and cluster; with them substituted (and $__rate_interval as Grafana would set it for this scrape interval), every
target of every panel, evaluated as an instant query, returns at least one series, and none is NaN. The results are
printed as the table in docs/observability.md.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from sandbox import config
from tests.e2e.kube import wait_for
from tests.e2e.observability.conftest import CLUSTER

pytestmark = pytest.mark.e2e

DASHBOARD = config.REPO_ROOT / "config" / "grafana" / "redis-kun.json"
# Grafana's own variables as it sets them for this scrape interval and the dashboard's default time range.
GRAFANA_VARIABLES = {"__rate_interval": "1m", "__range": "1h"}
LABEL_VALUES = re.compile(r"^label_values\((?:(?P<selector>.+), )?(?P<label>\w+)\)$")


def panels(dashboard: dict) -> list[dict]:
    return [panel for panel in dashboard["panels"] if panel["type"] != "row"]


def substituted(expression: str, variables: dict[str, str]) -> str:
    for name, value in {**GRAFANA_VARIABLES, **variables}.items():
        expression = expression.replace(f"${name}", value)
    assert "$" not in expression, f"a variable the test does not know: {expression}"
    return expression


def test_every_panel_query_returns_series(kube, prometheus, observed_namespace):
    dashboard = json.loads(DASHBOARD.read_text())
    variables = {"namespace": observed_namespace, "cluster": CLUSTER}

    for variable in dashboard["templating"]["list"]:
        if variable["type"] != "query":
            continue
        query = LABEL_VALUES.match(substituted(variable["query"]["query"], variables))
        assert query, f"{variable['name']}: not a label_values query"
        match = {"match[]": query["selector"]} if query["selector"] else {}

        def offered(query=query, match=match) -> list[str]:
            return prometheus.api(f"label/{query['label']}/values", **match)

        wait_for(lambda v=variable, o=offered: variables[v["name"]] in o(), 120, f"${variable['name']} offering it")

    targets = [(panel["title"], target) for panel in panels(dashboard) for target in panel["targets"]]
    assert len(targets) >= 15

    def results() -> list[tuple[str, str, list[dict]]]:
        answers = [(title, substituted(t["expr"], variables), t) for title, t in targets]
        answered = [(title, expression, prometheus.query(expression)) for title, expression, _t in answers]
        empty = [
            f"{title}: {expression}"
            for title, expression, series in answered
            if not series or any(one["value"][1] == "NaN" for one in series)
        ]
        if empty:
            # A rate or a quantile of reconciles needs one between two scrapes; a Healthy cluster may have had its
            # last before Prometheus started. An annotation change starts one (watchAnnotationsChanges), as any
            # reconcile in a running cluster would.
            kube.kubectl(
                "annotate", "rediscluster", CLUSTER, "-n", observed_namespace, f"e2e/nudge={time.time()}", "--overwrite"
            )
        assert not empty, "queries without series, or NaN:\n" + "\n".join(empty)
        return answered

    answered = wait_for(results, 180, "every panel query to return series", interval=5)
    print("\n| panel | query | series | a value |\n|---|---|---|---|")
    for title, expression, series in answered:
        sample = series[0]["value"][1]
        print(f"| {title} | `{expression}` | {len(series)} | {sample} |")
