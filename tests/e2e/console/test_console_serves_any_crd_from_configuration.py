"""The console is generic by construction: a second, unrelated CRD named in its kinds file gets a list, a create
form made from its schema (an enum as a choice, a map of labels, a default shown and not sent) and an instance
page, with no code for it; a CRD without a schema for its spec is listed with the reason it cannot be served, and
the other kinds still work."""

from __future__ import annotations

import pytest
import yaml
from playwright.sync_api import expect

from tests.e2e.console.conftest import start_console, stop_console, user_token
from tests.e2e.kube import wait_for

pytestmark = pytest.mark.e2e

GROUP = "console.example.test"
WIDGETS, GADGETS = f"widgets.{GROUP}", f"gadgets.{GROUP}"


def crd(plural: str, kind: str, spec_schema: dict | None) -> dict:
    schema = (
        {"type": "object", "properties": {"spec": spec_schema}}
        if spec_schema
        else {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": True,
        }
    )
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{GROUP}"},
        "spec": {
            "group": GROUP,
            "scope": "Namespaced",
            "names": {"plural": plural, "singular": kind.lower(), "kind": kind, "listKind": f"{kind}List"},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": schema},
                    "additionalPrinterColumns": [{"name": "Color", "type": "string", "jsonPath": ".spec.color"}],
                }
            ],
        },
    }


WIDGET_SPEC = {
    "type": "object",
    "required": ["color"],
    "properties": {
        "color": {"type": "string", "enum": ["red", "green", "blue"], "description": "The widget's color."},
        "count": {"type": "integer", "minimum": 1, "default": 1, "description": "How many."},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


@pytest.fixture
def example_crds(kube):
    for document in (crd("widgets", "Widget", WIDGET_SPEC), crd("gadgets", "Gadget", None)):
        kube.kubectl("apply", "--server-side", "-f", "-", stdin=yaml.safe_dump(document))
    kube.kubectl("wait", "--for", "condition=Established", f"crd/{WIDGETS}", f"crd/{GADGETS}", "--timeout=30s")
    yield
    kube.kubectl("delete", "crd", WIDGETS, GADGETS, "--wait=false")


@pytest.fixture
def widget_console(kube, console_rbac, example_crds, tmp_path):
    kinds = tmp_path / "kinds.yaml"
    kinds.write_text(
        yaml.safe_dump({"kinds": [{"crd": "redisclusters.redis.kun"}, {"crd": WIDGETS}, {"crd": GADGETS}]})
    )
    server = start_console(kube.kubeconfig, tmp_path, "--tokens-only", "--kinds", str(kinds))
    yield server
    stop_console(server)


def grant_widgets(kube, namespace: str, user: str) -> None:
    """What an administrator grants for a new kind: reading its CRD, and the kind itself in one namespace."""
    kube.kubectl(
        "create",
        "clusterrole",
        f"{namespace}-widget-crds",
        "--verb=get",
        "--resource=customresourcedefinitions",
        f"--resource-name={WIDGETS}",
        f"--resource-name={GADGETS}",
    )
    kube.kubectl(
        "create",
        "clusterrolebinding",
        f"{namespace}-widget-crds",
        f"--clusterrole={namespace}-widget-crds",
        f"--serviceaccount={namespace}:{user}",
    )
    kube.kubectl(
        "create", "role", "widgets", "-n", namespace, "--verb=*", f"--resource=widgets.{GROUP},gadgets.{GROUP}"
    )
    kube.kubectl(
        "create", "rolebinding", "widgets", "-n", namespace, "--role=widgets", f"--serviceaccount={namespace}:{user}"
    )


def test_a_second_crd_is_served_with_no_code(kube, namespace, widget_console, browser):
    token = user_token(kube, namespace, name="widget-user")
    grant_widgets(kube, namespace, "widget-user")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(widget_console.url + "/")
        page.get_by_test_id("token").fill(token)
        page.get_by_test_id("sign-in").click()
        expect(page.get_by_test_id(f"list-{WIDGETS}")).to_be_visible()
        expect(page.get_by_test_id(f"kind-error-{GADGETS}")).to_contain_text("no openAPIV3Schema for spec")
        expect(page.get_by_test_id("list-redisclusters.redis.kun")).to_be_visible()

        page.get_by_test_id(f"create-{WIDGETS}").click()
        page.get_by_test_id("form-name").fill("blue-one")
        expect(page.locator(".form-group", has=page.locator("#root_count")).first).to_contain_text("Default: 1")
        page.locator("#root_color").select_option("blue")
        page.get_by_test_id("submit").click()
        page.wait_for_url(f"**#/r/{WIDGETS}/{namespace}/blue-one")
        widget = wait_for(
            lambda: kube.get_json(f"widgets.{GROUP}", "-n", namespace, "blue-one", "--show-managed-fields"),
            30,
            "the widget",
        )
        assert widget["spec"] == {"color": "blue", "count": 1}, widget
        # The default is the API server's to apply, not the form's: the console owns only what the user chose.
        (owned,) = [m["fieldsV1"] for m in widget["metadata"]["managedFields"] if m["manager"] == "redis-kun-console"]
        assert owned["f:spec"] == {"f:color": {}}, owned
        page.goto(widget_console.url + "/#/")
        expect(page.get_by_test_id(f"row-{namespace}-blue-one").get_by_test_id("cell-Color")).to_have_text("blue")
    finally:
        context.close()
        for kind in ("clusterrole", "clusterrolebinding"):
            kube.kubectl("delete", kind, f"{namespace}-widget-crds", check=False)
