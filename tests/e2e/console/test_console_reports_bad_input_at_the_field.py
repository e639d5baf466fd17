"""Bad input is reported where it was made, and nothing is applied: a size the CRD's validation rule refuses
(2: "size must be 1 or at least 3") comes back from the API server's dry run next to the size field; a name over
the limit is refused next to the name; JSON that does not parse in a free-form field (affinity) is refused at that
field. After all of them, no RedisCluster exists."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.console.conftest import user_token

pytestmark = pytest.mark.e2e

KIND = "redisclusters.redis.kun"


def test_invalid_input_shows_the_api_message_at_the_field(kube, namespace, console_page):
    console = console_page
    page = console.page
    console.sign_in(user_token(kube, namespace))
    page.get_by_test_id(f"create-{KIND}").click()

    page.get_by_test_id("form-name").fill("bad")
    page.locator("#root_size").fill("2")
    page.get_by_test_id("dry-run").click()
    size_field = page.locator(".form-group", has=page.locator("#root_size")).first
    expect(size_field).to_contain_text("size must be 1 or at least 3")
    page.locator("#root_size").scroll_into_view_if_needed()
    console.shot("create-form-field-error", full_page=False)

    page.locator("#root_size").fill("3")
    page.get_by_test_id("form-name").fill("x" * 300)
    page.get_by_test_id("dry-run").click()
    expect(page.get_by_test_id("name-errors")).to_contain_text("at most 253 characters")

    page.get_by_test_id("form-name").fill("bad")
    page.locator("#root_affinity").fill("{not json")
    page.get_by_test_id("dry-run").click()
    affinity_field = page.locator(".form-group", has=page.locator("#root_affinity")).first
    expect(affinity_field).to_contain_text("JSON")

    assert not kube.get_json("rediscluster", "-n", namespace)["items"]
    assert not console.problems, console.problems
