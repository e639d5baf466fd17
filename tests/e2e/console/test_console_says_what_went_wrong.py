"""What goes wrong outside the page is said on the page, and nothing is half-applied: an API server that does not
answer (the sign-in says so); a token revoked while the user works (the live list says to sign in again); an edit
made on a form opened before someone else changed the object (refused as stale, the other change kept); a field
another manager owns (the conflict names that manager, and only an explicit "take over" applies)."""

from __future__ import annotations

import pytest
import yaml
from playwright.sync_api import expect

from tests.e2e.console.conftest import start_console, stop_console, user_token
from tests.e2e.kube import wait_for
from tests.e2e.manifests import rediscluster

pytestmark = pytest.mark.e2e

KIND = "redisclusters.redis.kun"


def test_an_unreachable_api_server_is_named_at_sign_in(kube, browser, tmp_path):
    config = yaml.safe_load(kube.kubeconfig.read_text())
    for cluster in config["clusters"]:
        cluster["cluster"]["server"] = "https://127.0.0.1:9"  # nothing listens on the discard port
    unreachable = tmp_path / "unreachable.kubeconfig"
    unreachable.write_text(yaml.safe_dump(config))
    server = start_console(unreachable, tmp_path, "--tokens-only")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.get_by_test_id("token").fill("any-token")
        page.get_by_test_id("sign-in").click()
        expect(page.get_by_test_id("error-banner")).to_contain_text("cannot be reached")
    finally:
        context.close()
        stop_console(server)


def test_a_revoked_token_asks_to_sign_in_again(kube, namespace, console_page):
    console = console_page
    console.sign_in(user_token(kube, namespace, name="leaving"))
    expect(console.page.get_by_test_id(f"list-{KIND}")).to_be_visible()
    kube.kubectl("delete", "serviceaccount", "leaving", "-n", namespace)  # its tokens die with it

    def asked_to_sign_in_again() -> bool:
        console.page.reload()
        console.page.wait_for_load_state("networkidle")
        return console.page.get_by_test_id("token").is_visible()

    wait_for(asked_to_sign_in_again, 60, "the page to ask for a token again")
    console.shot("sign-in-again")


def test_a_stale_edit_and_another_managers_field_are_refused(kube, namespace, console_page):
    kube.kubectl("apply", "-n", namespace, "-f", "-", stdin=rediscluster("shared", cluster_scoped=False))
    console = console_page
    page = console.page
    console.sign_in(user_token(kube, namespace))
    page.goto(f"{console.url}/#/r/{KIND}/{namespace}/shared/edit")
    expect(page.locator("#root_size")).to_have_value("3")

    kube.kubectl(
        "patch", "rediscluster", "shared", "-n", namespace, "--type=merge", "-p", '{"spec": {"image": "redis:7.2"}}'
    )
    page.locator("#root_size").fill("4")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("stale")).to_contain_text("reload")
    assert kube.rediscluster(namespace, "shared")["spec"]["size"] == 3

    page.get_by_test_id("reload").click()
    expect(page.locator("#root_image")).to_have_value("redis:7.2")
    page.locator("#root_size").fill("4")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("conflicts")).to_contain_text("kubectl-client-side-apply")
    console.shot("edit-conflict", full_page=False)
    assert kube.rediscluster(namespace, "shared")["spec"]["size"] == 3
    page.get_by_test_id("apply-force").click()
    page.wait_for_url(f"**#/r/{KIND}/{namespace}/shared")
    assert kube.rediscluster(namespace, "shared")["spec"]["size"] == 4
    assert kube.rediscluster(namespace, "shared")["spec"]["image"] == "redis:7.2"
