"""The console's figures on the sandbox, in Debian's Chromium (Playwright) as a user signs in with a token:

    python bench/console.py [--runs 3] [--clusters 50] [--changes 500]

- create-to-Healthy: from the click on Create in the form until the instance page shows Healthy (a size-3 cluster,
  as bench/reconcile.py), beside kubectl apply-to-Healthy of the same cluster measured here in the same way: the
  difference is the console's own overhead.
- list load: from navigation until all of --clusters rows are on the list page (median of 5 loads).
- live view: --changes spec changes made as fast as the API server takes them, spread over the listed clusters; the
  rate at which the page showed them (until its last cell shows the last value) beside the rate they were made.
- server memory: the console process' RSS after all of the above (and its peak, VmHWM).

Starts the sandbox when it is not running; runs its own namespaced operator and console; removes both and the
namespaces at the end.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from sandbox import controlplane  # noqa: E402
from tests.e2e.conftest import Operator  # noqa: E402
from tests.e2e.console.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    ConsolePage,
    apply_console_rbac,
    start_console,
    stop_console,
    user_token,
)
from tests.e2e.kube import Kube, wait_for  # noqa: E402
from tests.e2e.manifests import rediscluster  # noqa: E402
from tests.e2e.rediscluster import apply_manifest, delete_cluster  # noqa: E402

KIND = "redisclusters.redis.kun"
GROUP, VERSION, PLURAL = "redis.kun", "v1beta1", "redisclusters"
HEALTHY_SECONDS = 600
POLL_SECONDS = 0.05


def healthy(kube: Kube, namespace: str, name: str) -> bool:
    status = kube.rediscluster(namespace, name).get("status") or {}
    return status.get("status") == "Healthy"


def create_in_page(console: ConsolePage, kube: Kube, namespace: str, name: str) -> tuple[float, float, float]:
    """(click to Healthy on the page, click to the object existing, Healthy in the API to Healthy on the page): the
    last two are the console's own share, seen by polling the API server every POLL_SECONDS meanwhile."""
    page = console.page
    page.goto(f"{console.url}/#/new/{KIND}")
    page.get_by_test_id("form-name").fill(name)
    expect(page.get_by_test_id("form-namespace")).to_have_value(namespace)
    seen: dict[str, float] = {}
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            selector = f"metadata.name={name}"
            found = kube.custom.list_namespaced_custom_object(
                GROUP, VERSION, namespace, PLURAL, field_selector=selector
            )
            found = found["items"]
            if found:
                seen.setdefault("exists", time.monotonic())
                if (found[0].get("status") or {}).get("status") == "Healthy":
                    seen.setdefault("healthy", time.monotonic())
            time.sleep(POLL_SECONDS)

    poller = threading.Thread(target=poll, daemon=True)
    started = time.monotonic()
    poller.start()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("status")).to_have_text("Healthy", timeout=HEALTHY_SECONDS * 1000)
    shown = time.monotonic()
    done.set()
    poller.join()
    return shown - started, seen["exists"] - started, shown - seen.get("healthy", shown)


def create_with_kubectl(kube: Kube, namespace: str, name: str) -> float:
    started = time.monotonic()
    apply_manifest(kube, rediscluster(name, cluster_scoped=False), namespace)
    wait_for(lambda: healthy(kube, namespace, name), HEALTHY_SECONDS, f"{name} Healthy", interval=0.2)
    return time.monotonic() - started


def rss_kib(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clusters", type=int, default=50)
    parser.add_argument("--changes", type=int, default=500)
    args = parser.parse_args()

    kubeconfig = Path(controlplane.up())
    kube = Kube(kubeconfig)
    kube.install_crd()
    workdir = Path(tempfile.mkdtemp(prefix="bench-console-"))
    namespace, crowd = f"bench-console-{secrets.token_hex(3)}", f"bench-console-list-{secrets.token_hex(3)}"
    for ns in (namespace, crowd):
        kube.kubectl("create", "namespace", ns)
    apply_console_rbac(kube)
    operator = Operator(kube, workdir / "operator", watch_namespace=namespace)
    server = start_console(kubeconfig, workdir, "--tokens-only")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            console = ConsolePage(page, server.url, [])
            console.sign_in(user_token(kube, namespace))

            in_page, by_kubectl, to_object, to_page = [], [], [], []
            for run in range(args.runs):
                by_kubectl.append(create_with_kubectl(kube, namespace, f"kubectl-{run}"))
                delete_cluster(kube, namespace, f"kubectl-{run}")
                total, created, shown = create_in_page(console, kube, namespace, f"page-{run}")
                in_page.append(total)
                to_object.append(created)
                to_page.append(shown)
                delete_cluster(kube, namespace, f"page-{run}")
                print(
                    f"run {run + 1}: kubectl apply to Healthy {by_kubectl[-1]:.1f} s, "
                    f"console Create to Healthy {in_page[-1]:.1f} s (click to object {to_object[-1] * 1000:.0f} ms, "
                    f"Healthy in the API to the page {to_page[-1] * 1000:.0f} ms)",
                    flush=True,
                )

            viewer = user_token(kube, crowd, role="view")
            names = [f"c{index:03d}" for index in range(args.clusters)]
            kube.kubectl(
                "apply",
                "-n",
                crowd,
                "-f",
                "-",
                stdin="---\n".join(rediscluster(n, cluster_scoped=False) for n in names),
            )
            console.page.context.clear_cookies()
            console.sign_in(viewer)
            loads = []
            for _ in range(5):
                started = time.monotonic()
                page.goto(f"{server.url}/#/")
                page.reload()
                expect(page.locator(f"[data-testid='list-{KIND}'] tbody tr")).to_have_count(
                    args.clusters, timeout=60_000
                )
                loads.append(time.monotonic() - started)

            # The live view: every change is a new spec.size on one of the listed clusters; the last sets 99 everywhere.
            plan = [(names[i % len(names)], 3 + (i // len(names)) % 20) for i in range(args.changes - len(names))]
            plan += [(n, 99) for n in names]

            def change(item):
                name, size = item
                kube.custom.patch_namespaced_custom_object(
                    GROUP, VERSION, crowd, PLURAL, name, {"spec": {"size": size}}
                )

            started = time.monotonic()
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(change, plan))
            made = time.monotonic() - started
            last = page.get_by_test_id(f"row-{crowd}-{names[-1]}").get_by_test_id("cell-Size")
            expect(last).to_have_text("99", timeout=120_000)
            for name in names:
                expect(page.get_by_test_id(f"row-{crowd}-{name}").get_by_test_id("cell-Size")).to_have_text("99")
            shown = time.monotonic() - started
            rss, peak = rss_kib(server.process.pid)
            browser.close()
    finally:
        stop_console(server)
        operator.stop()
        for ns in (namespace, crowd):
            kube.kubectl("delete", "namespace", ns, "--wait=false")

    print()
    page_median, kubectl_median = statistics.median(in_page), statistics.median(by_kubectl)
    print(
        f"create to Healthy, size 3, median of {args.runs}: console {page_median:.1f} s, kubectl {kubectl_median:.1f} s"
    )
    overhead = statistics.median(to_object) * 1000, statistics.median(to_page) * 1000
    print(
        f"the console's share: click to object {overhead[0]:.0f} ms, "
        f"Healthy in the API to the page {overhead[1]:.0f} ms"
    )
    load = statistics.median(loads) * 1000
    print(f"list page with {args.clusters} RedisClusters, load to all rows: {load:.0f} ms (median of 5)")
    made_rate, shown_rate = args.changes / made, args.changes / shown
    print(
        f"live view: {args.changes} changes made at {made_rate:.0f}/s; the page showed them all at {shown_rate:.0f}/s"
    )
    print(f"console server memory: RSS {rss / 1024:.0f} MiB, peak {peak / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
