"""The Grafana dashboard (config/grafana/redis-kun.json) imports into any Grafana with any Prometheus: its data source
is a template variable in every panel and every query, its ids are unique, and every query of a RedisCluster's
panel selects on the namespace and cluster variables (tests/e2e/observability/ runs the queries themselves)."""

from __future__ import annotations

import json

import pytest

from sandbox import config

pytestmark = pytest.mark.unit

DASHBOARD = json.loads((config.REPO_ROOT / "config" / "grafana" / "redis-kun.json").read_text())
PANELS = [panel for panel in DASHBOARD["panels"] if panel["type"] != "row"]
TEMPLATED = {"type": "prometheus", "uid": "${datasource}"}


def test_the_data_source_namespace_and_cluster_are_variables():
    variables = {variable["name"]: variable for variable in DASHBOARD["templating"]["list"]}
    assert variables.keys() == {"datasource", "namespace", "cluster"}
    assert (variables["datasource"]["type"], variables["datasource"]["query"]) == ("datasource", "prometheus")
    assert variables["namespace"]["datasource"] == variables["cluster"]["datasource"] == TEMPLATED
    assert "$namespace" in variables["cluster"]["query"]["query"]


def test_every_panel_and_query_uses_the_templated_data_source():
    assert PANELS
    for panel in PANELS:
        assert panel["datasource"] == TEMPLATED, panel["title"]
        assert panel["targets"], panel["title"]
        assert all(target["datasource"] == TEMPLATED for target in panel["targets"]), panel["title"]


def test_ids_are_unique():
    ids = [panel["id"] for panel in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids))


def rows() -> dict[str, list[dict]]:
    """The panels under each row, by the row's title."""
    grouped: dict[str, list[dict]] = {}
    title = ""
    for panel in sorted(DASHBOARD["panels"], key=lambda p: (p["gridPos"]["y"], p["gridPos"]["x"])):
        if panel["type"] == "row":
            title = panel["title"]
        else:
            grouped.setdefault(title, []).append(panel)
    return grouped


def test_the_panels_of_a_cluster_select_on_the_namespace_and_cluster():
    clusters = [panel for title, panels in rows().items() if title != "Operator" for panel in panels]
    assert len(clusters) == len(PANELS) - len(rows()["Operator"])
    for panel in clusters:
        for target in panel["targets"]:
            assert 'namespace="$namespace"' in target["expr"], panel["title"]
            assert 'name="$cluster"' in target["expr"] or 'rediscluster="$cluster"' in target["expr"], panel["title"]
