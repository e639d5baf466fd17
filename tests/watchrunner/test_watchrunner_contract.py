"""watchrunner keeps ansible-operator's contract on a real API server.

A Widget's role mirrors its spec into a ConfigMap it owns. With a one-hour reconcile period, every reaction seen here
comes from a watch: a new resource, a spec change, a deleted dependent, a deletion through the finalizer. The
Widget's password must not appear anywhere in the runner's kept artifacts.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
PASSWORD = "watchrunner-secret-" + uuid.uuid4().hex[:8]
GROUP, VERSION, PLURAL = "watchrunner.test", "v1", "widgets"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _eventually(check, timeout=60.0, what="condition", process=None):
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"watchrunner exited with {process.returncode} while waiting for {what}")
        try:
            result = check()
            if result:
                return result
        except ApiException as error:
            if error.status != 404:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def apis(sandbox_kubeconfig):
    api_client = config.new_client_from_config(str(sandbox_kubeconfig))
    extensions = client.ApiextensionsV1Api(api_client)
    crd = yaml.safe_load((HERE / "widget-crd.yaml").read_text())
    try:
        extensions.create_custom_resource_definition(crd)
    except ApiException as error:
        if error.status != 409:
            raise
    _eventually(
        lambda: any(
            c.type == "Established" and c.status == "True"
            for c in extensions.read_custom_resource_definition(crd["metadata"]["name"]).status.conditions or []
        ),
        what="the Widget CRD to be established",
    )
    return client.CoreV1Api(api_client), client.CustomObjectsApi(api_client)


@pytest.fixture(scope="module")
def namespace(apis):
    core, _ = apis
    name = "watchrunner-" + uuid.uuid4().hex[:6]
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    yield name
    core.delete_namespace(name)


@pytest.fixture(scope="module")
def runner(sandbox_kubeconfig, namespace, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("runner")
    metrics_port = _free_port()
    env = {
        **os.environ,
        "KUBECONFIG": str(sandbox_kubeconfig),
        "K8S_AUTH_KUBECONFIG": str(sandbox_kubeconfig),
        "WATCH_NAMESPACE": namespace,
        "ANSIBLE_CONFIG": str(HERE / "ansible.cfg"),
        "PYTHONPATH": str(HERE.parents[1]),
    }
    log = (workdir / "runner.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "watchrunner",
            "--watches",
            str(HERE / "watches.yaml"),
            "--workdir",
            str(workdir / "artifacts"),
            "--metrics-bind-address",
            f"127.0.0.1:{metrics_port}",
            "--health-probe-bind-address",
            f"127.0.0.1:{_free_port()}",
            "--dependents",
            "v1/ConfigMap",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield {
        "workdir": workdir,
        "metrics": f"http://127.0.0.1:{metrics_port}/metrics",
        "log": workdir / "runner.log",
        "process": process,
    }
    process.terminate()
    process.wait(10)
    log.close()


def _config_map(core, namespace, name):
    return core.read_namespaced_config_map(name, namespace)


def test_watch_events_drive_every_reconcile_and_nothing_leaks(apis, namespace, runner):
    core, custom = apis
    widget = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "Widget",
        "metadata": {"name": "w1"},
        "spec": {"colour": "red", "odd-key": "kept as written", "password": PASSWORD},
    }
    try:
        custom.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, widget)

        owned = _eventually(
            lambda: _config_map(core, namespace, "widget-w1"), what="the owned ConfigMap", process=runner["process"]
        )
        assert owned.data == {"colour": "red"}
        assert owned.metadata.owner_references[0].name == "w1"
        finalizers = custom.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "w1")["metadata"]
        assert finalizers.get("finalizers") == ["watchrunner.test/cleanup"]

        custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "w1", {"spec": {"colour": "blue"}})
        _eventually(
            lambda: _config_map(core, namespace, "widget-w1").data == {"colour": "blue"}, what="the spec change"
        )

        core.delete_namespaced_config_map("widget-w1", namespace)
        _eventually(
            lambda: _config_map(core, namespace, "widget-w1").metadata.deletion_timestamp is None,
            what="the deleted dependent to come back",
        )

        with urllib.request.urlopen(runner["metrics"], timeout=5) as response:
            metrics = response.read().decode()
        assert f'watchrunner_reconciles_total{{name="w1",namespace="{namespace}",result="succeeded"}}' in metrics

        custom.delete_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "w1")
        _eventually(
            lambda: not _exists(lambda: custom.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "w1")),
            what="the Widget to be gone once its finalizer ran",
        )
        assert not _exists(lambda: _config_map(core, namespace, "widget-w1-unowned")), "the finalizer did not run"

        leaked = [
            str(path)
            for path in runner["workdir"].rglob("*")
            if path.is_file() and PASSWORD.encode() in path.read_bytes()
        ]
        assert not leaked, f"the password reached {leaked}"
    except BaseException:
        sys.stderr.write(runner["log"].read_text()[-5000:])
        raise
    finally:
        shutil.rmtree(runner["workdir"] / "artifacts", ignore_errors=True)


def _exists(read) -> bool:
    try:
        read()
        return True
    except ApiException as error:
        if error.status == 404:
            return False
        raise
