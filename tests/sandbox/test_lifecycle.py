"""The sandbox's lifecycle, on THE sandbox of this checkout (its bridge and node addresses are global, so there is
only one): up is idempotent, the API works with the admin kubeconfig, down leaves nothing, a busy port fails cleanly,
and up recovers from a sandbox killed with SIGKILL. The tests run in file order; each one that stops or breaks the
sandbox starts it again when it ends, for the tests and suites after it.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import kubernetes
import pytest

from sandbox import config, controlplane, network, processes
from sandbox.config import Sandbox

pytestmark = pytest.mark.sandbox

TEST_NETNS = f"{config.NETNS_PREFIX}lifecycle-test"
TEST_LINK = f"{config.VETH_PREFIX}lifecycle"


@pytest.fixture
def sandbox(sandbox_kubeconfig) -> Sandbox:
    return Sandbox.from_env(sandbox_kubeconfig.parent)


@pytest.fixture
def up_again_afterwards(sandbox):
    """For a test that stops or breaks the sandbox: the tests after it find it running."""
    yield
    controlplane.up(sandbox.state_dir)


def sandbox_cli(sandbox: Sandbox, command: str, **variables: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SANDBOX_DIR": str(sandbox.state_dir), **variables}
    return subprocess.run(
        [sys.executable, "-m", "sandbox", command],
        cwd=config.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def links() -> set[str]:
    output = subprocess.run(["ip", "-json", "link", "show"], capture_output=True, text=True, check=True).stdout
    return {link["ifname"] for link in json.loads(output)}


def assert_nothing_left(sandbox: Sandbox) -> None:
    assert processes.find(sandbox.state_dir) == []
    assert not list(network.NETNS_DIR.glob(f"{config.NETNS_PREFIX}*"))
    assert not {name for name in links() if name.startswith(config.VETH_PREFIX) or name == config.BRIDGE}
    assert network.mounts_under(sandbox.state_dir) == []


def test_a_second_up_keeps_every_process_and_prints_the_kubeconfig(sandbox):
    before = controlplane.status(sandbox.state_dir)
    assert all(before.values()), before
    result = sandbox_cli(sandbox, "up")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"export KUBECONFIG={sandbox.kubeconfig}\n"
    assert controlplane.status(sandbox.state_dir) == before


def test_status_lists_every_component_running(sandbox):
    result = sandbox_cli(sandbox, "status")
    assert result.returncode == 0, result.stdout
    for name, pid in controlplane.status(sandbox.state_dir).items():
        assert f"running (pid {pid})" in next(line for line in result.stdout.splitlines() if line.startswith(name))


def test_the_admin_kubeconfig_is_a_cluster_administrator(sandbox_kubeconfig):
    api_client = kubernetes.config.new_client_from_config(str(sandbox_kubeconfig))
    review = kubernetes.client.AuthenticationV1Api(api_client).create_self_subject_review(
        kubernetes.client.V1SelfSubjectReview()
    )
    assert review.status.user_info.username == "admin"
    assert "system:masters" in review.status.user_info.groups
    namespaces = {item.metadata.name for item in kubernetes.client.CoreV1Api(api_client).list_namespace().items}
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= namespaces


def test_the_nodes_are_ready_at_their_bridge_addresses(sandbox_kubeconfig):
    api_client = kubernetes.config.new_client_from_config(str(sandbox_kubeconfig))
    addresses = set()
    for node in kubernetes.client.CoreV1Api(api_client).list_node().items:
        assert {(c.type, c.status) for c in node.status.conditions} >= {("Ready", "True")}, node.metadata.name
        addresses |= {a.address for a in node.status.addresses if a.type == "InternalIP"}
    assert addresses == {str(ip) for ip in config.NODE_IPS}


def test_kubectl_reports_the_pinned_version_on_both_sides(sandbox_kubeconfig):
    result = subprocess.run(
        [config.BIN_DIR / "kubectl", "version", "--output=json"],
        env={**os.environ, "KUBECONFIG": str(sandbox_kubeconfig)},
        capture_output=True,
        text=True,
        check=True,
    )
    versions = json.loads(result.stdout)
    pinned = config.pinned_version("kubernetes")
    assert versions["clientVersion"]["gitVersion"] == pinned
    assert versions["serverVersion"]["gitVersion"] == pinned


def test_down_leaves_nothing_but_the_certificates(sandbox, up_again_afterwards):
    pids = list(controlplane.status(sandbox.state_dir).values())
    result = sandbox_cli(sandbox, "down")
    assert result.returncode == 0, result.stderr
    assert not [pid for pid in pids if processes.is_alive(pid)]
    assert_nothing_left(sandbox)
    assert [entry.name for entry in sandbox.state_dir.iterdir()] == ["pki"]


@pytest.mark.parametrize(
    ("variable", "port", "address"),
    [("SANDBOX_API_PORT", "api_port", "10.244.0.1"), ("SANDBOX_ETCD_CLIENT_PORT", "etcd_client_port", "127.0.0.1")],
)
def test_a_busy_port_fails_in_one_line_and_starts_nothing(sandbox, up_again_afterwards, variable, port, address):
    controlplane.down(sandbox.state_dir)
    busy = getattr(sandbox, port)
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the port may have connections in TIME_WAIT
        # On every address: the bridge, where the API server listens, is gone with the sandbox.
        holder.bind(("0.0.0.0", busy))
        holder.listen()
        result = sandbox_cli(sandbox, "up")
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"sandbox: port {busy} on {address} is in use by ")
    assert f"(pid {os.getpid()})" in line
    assert variable in line
    assert_nothing_left(sandbox)


def test_a_component_that_dies_while_starting_is_named_and_nothing_is_left(sandbox, up_again_afterwards):
    controlplane.down(sandbox.state_dir)
    # etcd cannot listen to its peers where it already listens to its clients (preflight finds both ports free).
    result = sandbox_cli(sandbox, "up", SANDBOX_ETCD_PEER_PORT=str(sandbox.etcd_client_port))
    assert result.returncode == 1
    failure = result.stderr.splitlines()[-1]
    assert failure.startswith("sandbox: etcd exited while waiting for ")
    assert "address already in use" in failure
    assert_nothing_left(sandbox)


def test_up_clears_what_a_killed_sandbox_left(sandbox, up_again_afterwards, tmp_path):
    # What a crash leaves: a pod's process in its namespace, its veth on the bridge, a bind mount in the state dir.
    subprocess.run(["ip", "netns", "add", TEST_NETNS], check=True)
    subprocess.run(["ip", "link", "add", TEST_LINK, "type", "veth", "peer", "eth0", "netns", TEST_NETNS], check=True)
    subprocess.run(["ip", "link", "set", TEST_LINK, "master", config.BRIDGE], check=True)
    pod = subprocess.Popen(["ip", "netns", "exec", TEST_NETNS, "sleep", "600"], start_new_session=True)
    volume_source, mount_point = tmp_path / "data", sandbox.state_dir / "volumes" / "lifecycle-test"
    volume_source.mkdir()
    (volume_source / "keep").write_text("a file the cleanup must not delete through the mount")
    mount_point.mkdir(parents=True)
    subprocess.run(["mount", "--bind", volume_source, mount_point], check=True)

    killed = controlplane.status(sandbox.state_dir)
    for pid in killed.values():
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while any(processes.is_alive(pid) for pid in killed.values()):
        assert time.monotonic() < deadline, "SIGKILL did not end the components"
        time.sleep(0.1)

    controlplane.up(sandbox.state_dir)

    assert not processes.is_alive(pod.pid)
    assert not (network.NETNS_DIR / TEST_NETNS).exists()
    assert TEST_LINK not in links()
    assert network.mounts_under(sandbox.state_dir) == []
    assert (volume_source / "keep").exists()
    restarted = controlplane.status(sandbox.state_dir)
    assert all(restarted.values())
    assert not set(restarted.values()) & set(killed.values())
