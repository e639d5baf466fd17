"""The console end to end: its server (python -m console) on the sandbox as in a cluster (`--tokens-only`: every
user signs in with a bearer token of their own), Debian's Chromium driven by Playwright, and users who are
service accounts with RoleBindings, so that the API server's RBAC decides what each sees. Screenshots of every page
go to .sandbox/console-screenshots/ (docs/console.md shows a selection)."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.kube import Kube, wait_for

TOP = Path(__file__).resolve().parents[3]
SCREENSHOTS = TOP / ".sandbox" / "console-screenshots"
CHROMIUM = "/usr/bin/chromium"
# As root, without a display, on a machine whose network ends at the package registries: no sandbox, no GPU, none
# of Chromium's own connections to the outside (they would be refused, many at a time).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RBAC_KINDS = {"ClusterRole", "ClusterRoleBinding"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ConsoleServer:
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_console(kubeconfig: Path, workdir: Path, *extra: str) -> ConsoleServer:
    port = free_port()
    log = workdir / f"console-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "--kubeconfig", str(kubeconfig), "--port", str(port), *extra],
        cwd=TOP,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    server = ConsoleServer(f"http://127.0.0.1:{port}", process, log)

    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the console exited with {process.returncode}:\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/session", timeout=2):
                return True
        except OSError:
            return False

    wait_for(answers, 30, "the console to answer", interval=0.3)
    return server


def stop_console(server: ConsoleServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def apply_console_rbac(kube: Kube) -> None:
    """config/console's cluster-wide RBAC as a user applies it: the CRD readable by every authenticated user, and
    RedisClusters in the view and edit roles. (Its Deployment is not applied: the console runs on this machine.)"""
    rendered = kube.kubectl("kustomize", str(TOP / "config" / "console"))
    rbac = [doc for doc in yaml.safe_load_all(rendered) if doc and doc["kind"] in RBAC_KINDS]
    kube.kubectl("apply", "--server-side", "-f", "-", stdin=yaml.safe_dump_all(rbac))


@pytest.fixture(scope="session")
def console_rbac(kube: Kube, crd: None) -> None:
    apply_console_rbac(kube)


@pytest.fixture(scope="session")
def console(kube: Kube, console_rbac: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    server = start_console(kube.kubeconfig, tmp_path_factory.mktemp("console"), "--tokens-only")
    yield server
    stop_console(server)


def user_token(kube: Kube, namespace: str, role: str = "edit", name: str | None = None) -> str:
    """A bearer token of a new service account of `namespace`, bound to the ClusterRole `role` there only."""
    name = name or f"user-{secrets.token_hex(3)}"
    kube.kubectl("create", "serviceaccount", name, "-n", namespace)
    kube.kubectl(
        "create", "rolebinding", name, f"--clusterrole={role}", f"--serviceaccount={namespace}:{name}", "-n", namespace
    )
    return kube.kubectl("create", "token", name, "-n", namespace, "--duration=1h").strip()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class ConsolePage:
    """A browser tab on the console, with what the page reported (console errors, CSP violations)."""

    page: Page
    url: str
    problems: list[str]

    def sign_in(self, token: str) -> None:
        self.page.goto(self.url + "/")
        self.page.get_by_test_id("token").fill(token)
        self.page.get_by_test_id("sign-in").click()
        self.page.get_by_test_id("user").wait_for()

    def shot(self, name: str, full_page: bool = True) -> Path:
        """A screenshot of the page (full_page=False: what the window shows, for the long forms)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        """A request from the page itself (its cookie and its CSRF token), as a script in it would make."""
        return self.page.evaluate(
            """async ([method, path, body]) => {
                const session = await (await fetch('/api/session')).json();
                const answer = await fetch(path, {method, credentials: 'same-origin',
                    headers: {'content-type': 'application/json', 'x-csrf-token': session.csrfToken},
                    body: body === null ? undefined : JSON.stringify(body)});
                return {status: answer.status, body: await answer.json()};
            }""",
            [method, path, body],
        )


@pytest.fixture
def console_page(browser: Browser, console: ConsoleServer) -> Iterator[ConsolePage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []

    # Errors of the page's scripts and CSP refusals; not Chromium's line for each 4xx answer, which the tests provoke.
    def reported(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    page.on("console", reported)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield ConsolePage(page, console.url, problems)
    context.close()


def until(check, timeout: float, what: str):
    return wait_for(check, timeout, what, interval=0.5)


def sse_lines(text: str) -> list[dict]:
    """The data of each event of a server-sent events body."""
    return [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:") and line[5:].strip()]
