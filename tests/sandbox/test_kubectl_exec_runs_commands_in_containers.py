"""`kubectl exec` through the API server to the sandbox's kubelet (SPDY/3.1): stdout and stderr apart, the command's
exit code, stdin, a terminal, a named container of a two-container pod with its user, working directory and
environment, many execs at once, the kubelet's error for a container that is not running, and a client that goes
away taking its command with it."""

import os
import shlex
import subprocess
import threading
import time
import uuid

import pytest

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: Pod
metadata: {name: shell}
spec:
  containers:
    - name: main
      image: busybox
      command: [sh, -c, 'exec sleep 3600']
      workingDir: /work
      volumeMounts: [{name: work, mountPath: /work}]
    - name: sidecar
      image: busybox
      command: [sh, -c, 'exec sleep 3600']
      workingDir: /work
      env: [{name: GREETING, value: hello from the sidecar}]
      securityContext: {runAsUser: 65534, runAsGroup: 65534}
      volumeMounts: [{name: work, mountPath: /work}]
  volumes: [{name: work, emptyDir: {}}]
---
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers:
    - {name: main, image: busybox, workingDir: /, command: [sh, -c, 'exit 1']}
"""


@pytest.fixture(scope="module")
def pod(cluster, module_namespace):
    cluster.apply(module_namespace, MANIFEST)
    cluster.wait_ready(module_namespace, "shell")
    return module_namespace


def kubectl_exec(cluster, namespace, *args, stdin=None, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run(
        cluster.kubectl_command("exec", "-n", namespace, *args),
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def test_stdout_and_stderr_arrive_apart(cluster, pod):
    result = kubectl_exec(cluster, pod, "shell", "-c", "main", "--", "sh", "-c", "echo out; echo err >&2")
    assert (result.returncode, result.stdout, result.stderr) == (0, b"out\n", b"err\n")


@pytest.mark.parametrize("code", [1, 3, 42])
def test_kubectl_exits_with_the_commands_code(cluster, pod, code):
    result = kubectl_exec(cluster, pod, "shell", "-c", "main", "--", "sh", "-c", f"exit {code}")
    assert result.returncode == code
    assert f"command terminated with exit code {code}".encode() in result.stderr


def test_a_command_killed_by_a_signal_exits_128_plus_the_signal(cluster, pod):
    result = kubectl_exec(cluster, pod, "shell", "-c", "main", "--", "sh", "-c", "kill -9 $$")
    assert result.returncode == 137


def test_stdin_reaches_the_command_and_its_end_is_an_eof(cluster, pod):
    result = kubectl_exec(cluster, pod, "-i", "shell", "-c", "main", "--", "tr", "a-z", "A-Z", stdin=b"hello\n")
    assert (result.returncode, result.stdout) == (0, b"HELLO\n")


def test_a_megabyte_goes_in_and_comes_back_intact(cluster, pod):
    data = uuid.uuid4().bytes * (1 << 16)  # 1 MiB, more than many SPDY frames and socket buffers
    result = kubectl_exec(cluster, pod, "-i", "shell", "-c", "main", "--", "cat", stdin=data)
    assert result.returncode == 0
    assert result.stdout == data


def test_a_named_container_runs_the_command_as_its_own_process_does(cluster, pod):
    command = ["sh", "-c", 'id -u; id -g; pwd; echo "$GREETING"; hostname']
    result = kubectl_exec(cluster, pod, "shell", "-c", "sidecar", "--", *command)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines() == ["65534", "65534", "/work", "hello from the sidecar", "shell"]
    as_root = kubectl_exec(cluster, pod, "shell", "-c", "main", "--", "sh", "-c", 'id -u; echo "[$GREETING]"')
    assert as_root.stdout.decode().splitlines() == ["0", "[]"]


def test_both_containers_share_the_pods_volume_and_network(cluster, pod):
    assert kubectl_exec(cluster, pod, "shell", "-c", "main", "--", "sh", "-c", "echo shared > note").returncode == 0
    assert kubectl_exec(cluster, pod, "shell", "-c", "sidecar", "--", "cat", "/work/note").stdout == b"shared\n"


def test_a_terminal_is_the_commands_controlling_terminal_with_the_clients_size(cluster, pod):
    inner = shlex.join(
        cluster.kubectl_command(
            "exec", "-it", "-n", pod, "shell", "-c", "main", "--", "sh", "-c", "tty; stty size; exit 5"
        )
    )
    # script(1) gives kubectl a terminal of 30 rows and 100 columns; its input stays open (an EOF would be typed).
    reader, writer = os.pipe()
    try:
        command = ["script", "-qec", f"stty rows 30 cols 100; {inner}", "/dev/null"]
        run = subprocess.run(command, stdin=reader, capture_output=True, timeout=60, check=False)
    finally:
        os.close(reader)
        os.close(writer)
    lines = run.stdout.decode(errors="replace").replace("\r", "").splitlines()
    assert any(line.startswith("/dev/pts/") for line in lines), lines
    assert "30 100" in lines
    assert "command terminated with exit code 5" in lines
    assert run.returncode == 5


def test_many_execs_at_once(cluster, pod):
    results: dict[int, subprocess.CompletedProcess] = {}

    def run(n: int) -> None:
        results[n] = kubectl_exec(cluster, pod, "shell", "-c", "main", "--", "sh", "-c", f"sleep 1; echo {n}")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {n: (r.returncode, r.stdout) for n, r in results.items()} == {n: (0, f"{n}\n".encode()) for n in range(8)}


def test_a_container_that_is_not_running_is_not_found(cluster, pod):
    cluster.wait_for("crasher to crash", lambda: (cluster.container_status(pod, "crasher") or {}).get("restartCount"))
    result = kubectl_exec(cluster, pod, "crasher", "--", "true")
    assert result.returncode == 1
    assert b'container not found ("main")' in result.stderr


def test_a_client_that_goes_away_takes_its_command_with_it(cluster, pod):
    marker = f"{time.time_ns() % 100000}.5"  # a unique argv to find the command's process by
    command = cluster.kubectl_command("exec", "-n", pod, "shell", "-c", "main", "--", "sleep", marker)
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as client:
        cluster.wait_for("the command to run", lambda: _running("sleep", marker), timeout=30)
        client.kill()
    cluster.wait_for("the command to end with its client", lambda: not _running("sleep", marker), timeout=30)


def _running(*argv: str) -> bool:
    return subprocess.run(["pgrep", "-fx", " ".join(argv)], capture_output=True, check=False).returncode == 0
