"""A user with the `edit` role in one namespace runs a RedisCluster's whole life in the browser: creates it from the
form generated from the CRD's schema, watches it become Healthy on the instance page, sees the live view follow a
failover (the master pod deleted) without a reload, changes its config and scales it from the edit form, and
deletes it after a confirmation that says what happens to its data. The real operator of that namespace does the
work."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.console.conftest import user_token
from tests.e2e.kube import wait_for
from tests.e2e.redis_view import ClusterView

pytestmark = pytest.mark.e2e

KIND = "redisclusters.redis.kun"
HEALTHY_SECONDS = 240


def test_a_cluster_is_created_watched_scaled_and_deleted_in_the_console(
    kube, namespace, namespaced_operator, console_page
):
    console = console_page
    page = console.page
    console.sign_in(user_token(kube, namespace))
    expect(page.get_by_test_id(f"list-{KIND}")).to_be_visible()
    console.shot("list-empty")

    page.get_by_test_id(f"create-{KIND}").click()
    page.get_by_test_id("form-name").fill("web")
    expect(page.get_by_test_id("form-namespace")).to_have_value(namespace)
    page.locator("#root_size").fill("3")
    page.get_by_test_id("show-yaml").click()
    expect(page.get_by_test_id("yaml")).to_contain_text("kind: RedisCluster")
    page.evaluate("window.scrollTo(0, 0)")
    console.shot("create-form", full_page=False)
    page.get_by_test_id("submit").click()

    page.wait_for_url(f"**#/r/{KIND}/{namespace}/web")
    expect(page.get_by_test_id("status")).to_have_text("Healthy", timeout=HEALTHY_SECONDS * 1000)
    expect(page.get_by_test_id("pods").locator("tbody tr")).to_have_count(6)  # 3 Redis, 3 Sentinels
    console.shot("instance-healthy")
    connect = page.get_by_test_id("connect").inner_text()
    assert f"SENTINEL get-master-addr-by-name {namespace}-web" in connect

    # The live view follows a failover: the master's pod deleted, the page shows another master, no reload.
    master = page.get_by_test_id("master").inner_text().strip()
    assert master.startswith("redis-cluster-web-"), master
    page.evaluate("window.__notReloaded = true")
    kube.kubectl("delete", "pod", master, "-n", namespace, "--wait=false")
    expect(page.get_by_test_id("master")).not_to_have_text(master, timeout=120_000)
    assert page.evaluate("window.__notReloaded") is True
    console.shot("instance-after-failover")

    # Change its config and scale it from the edit form (server-side apply as the console's own field manager): a
    # map key added in the form, applied live to the running Redis.
    page.get_by_test_id("edit").click()
    expect(page.locator("#root_size")).to_have_value("3")
    page.locator("#root_config").get_by_role("button", name="+").first.click()
    page.locator("#root_config_newKey-key").fill("hz")
    page.locator("#root_config_newKey-key").press("Tab")
    page.locator("#root_config_hz").fill("20")
    page.locator("#root_size").fill("4")
    page.evaluate("window.scrollTo(0, 0)")
    console.shot("edit-form", full_page=False)
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"**#/r/{KIND}/{namespace}/web")
    wait_for(lambda: kube.rediscluster(namespace, "web")["spec"]["size"] == 4, 30, "spec.size 4")
    assert kube.rediscluster(namespace, "web")["spec"]["config"] == {"hz": "20"}
    view = ClusterView(kube, namespace, "web")
    wait_for(lambda: view.master_node().config_get("hz")["hz"] == "20", 120, "hz 20 on the master")
    managers = {m["manager"] for m in kube.rediscluster(namespace, "web")["metadata"]["managedFields"]}
    assert "redis-kun-console" in managers, managers
    expect(page.get_by_test_id("pods").locator("tbody tr")).to_have_count(7, timeout=HEALTHY_SECONDS * 1000)
    expect(page.get_by_test_id("status-behind")).to_have_count(0, timeout=HEALTHY_SECONDS * 1000)
    expect(page.get_by_test_id("status")).to_have_text("Healthy", timeout=HEALTHY_SECONDS * 1000)
    replicas = page.get_by_test_id("summary").locator("div", has_text="Replicas").locator("dd")
    expect(replicas).to_have_text("3", timeout=HEALTHY_SECONDS * 1000)

    # Delete, after a confirmation that says the data goes with it (no keepAfterDeletion).
    page.get_by_test_id("delete").click()
    expect(page.get_by_test_id("delete-notice")).to_contain_text("deleted with it")
    console.shot("delete-confirmation")
    page.get_by_test_id("confirm-name").fill("web")
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id(f"row-{namespace}-web")).to_have_count(0, timeout=60_000)
    wait_for(lambda: not kube.get_json("rediscluster", "-n", namespace)["items"], 60, "the RedisCluster gone")
    assert not console.problems, console.problems
