"""RBAC decides what a user sees and may change in the console, because every call is theirs: a user bound to
`edit` in one namespace sees that namespace's RedisClusters and not another's, is offered no other namespace to
create in, and a change aimed at another namespace (made by a script in the page, past the hidden buttons) is
refused by the API server. A `view` user sees the cluster but no Create, Edit or Delete."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.console.conftest import user_token
from tests.e2e.manifests import rediscluster

pytestmark = pytest.mark.e2e

KIND = "redisclusters.redis.kun"


@pytest.fixture
def other_namespace(kube):
    name = f"e2e-other-{secrets.token_hex(3)}"
    kube.kubectl("create", "namespace", name)
    yield name
    kube.kubectl("delete", "namespace", name, "--wait=false")


def test_a_user_sees_and_changes_only_their_namespace(kube, namespace, other_namespace, console_page):
    for ns in (namespace, other_namespace):
        kube.kubectl("apply", "-n", ns, "-f", "-", stdin=rediscluster(f"in-{ns}", size=3))
    console = console_page
    console.sign_in(user_token(kube, namespace))
    page = console.page

    expect(page.get_by_test_id(f"row-{namespace}-in-{namespace}")).to_be_visible()
    expect(page.get_by_test_id(f"row-{other_namespace}-in-{other_namespace}")).to_have_count(0)
    console.shot("list-one-namespace")

    page.get_by_test_id(f"create-{KIND}").click()
    options = page.get_by_test_id("form-namespace").locator("option").all_inner_texts()
    assert options == [namespace], options

    refused = console.call(
        "POST",
        f"/api/kinds/{KIND}/objects/{other_namespace}",
        {"name": "intruder", "formData": {"size": 3}, "dryRun": False},
    )
    assert refused["status"] == 403, refused
    assert "forbidden" in refused["body"]["message"], refused
    assert not kube.get_json("rediscluster", "-n", other_namespace, "--field-selector", "metadata.name=intruder")[
        "items"
    ]


def test_a_viewer_is_offered_no_change(kube, namespace, console_page):
    kube.kubectl("apply", "-n", namespace, "-f", "-", stdin=rediscluster("watched", size=3))
    console = console_page
    console.sign_in(user_token(kube, namespace, role="view"))
    page = console.page
    expect(page.get_by_test_id(f"row-{namespace}-watched")).to_be_visible()
    expect(page.get_by_test_id(f"create-{KIND}")).to_have_count(0)
    page.get_by_test_id(f"row-{namespace}-watched").get_by_role("link", name="watched").click()
    expect(page.get_by_test_id("status")).to_be_visible()
    expect(page.get_by_test_id("edit")).to_have_count(0)
    expect(page.get_by_test_id("delete")).to_have_count(0)
    refused = console.call("DELETE", f"/api/kinds/{KIND}/objects/{namespace}/watched")
    assert refused["status"] == 403, refused
