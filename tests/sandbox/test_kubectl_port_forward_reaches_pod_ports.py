"""`kubectl port-forward` through the API server to the sandbox's kubelet (SPDY/3.1): a Redis client on the host
talks to Redis in a pod, also to one bound to 127.0.0.1 inside the pod (reachable only from the pod's own network
namespace, as the kubelet connects from there), with many connections at once and large values both ways; a port
nothing listens on gets the runtime's error."""

import contextlib
import re
import subprocess
import threading
import time

import pytest
import redis

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: Pod
metadata: {name: redis}
spec:
  containers:
    - name: everywhere
      image: redis
      volumeMounts: [{name: data, mountPath: /data}]
    - name: loopback
      image: redis
      workingDir: /data
      args: [--bind, 127.0.0.1, --port, "6380", --save, ""]
      volumeMounts: [{name: loopback-data, mountPath: /data}]
  volumes: [{name: data, emptyDir: {}}, {name: loopback-data, emptyDir: {}}]
"""
FORWARDING = re.compile(r"Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)")


@pytest.fixture(scope="module")
def pod(cluster, module_namespace):
    cluster.apply(module_namespace, MANIFEST)
    cluster.wait_ready(module_namespace, "redis")
    return module_namespace


@contextlib.contextmanager
def port_forward(cluster, namespace: str, *remote_ports: int):
    """Run `kubectl port-forward pod/redis :<port>...`; yields ({remote port: local port}, the process)."""
    command = cluster.kubectl_command("port-forward", "-n", namespace, "pod/redis", *(f":{p}" for p in remote_ports))
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            local: dict[int, int] = {}
            deadline = time.monotonic() + 30
            while len(local) < len(remote_ports) and time.monotonic() < deadline:
                line = process.stdout.readline()
                if not line:
                    break
                if match := FORWARDING.search(line):
                    local[int(match[2])] = int(match[1])
            assert len(local) == len(remote_ports), f"port-forward did not start: {process.stderr.read()}"
            yield local, process
        finally:
            process.terminate()


def client(port: int) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=10, socket_connect_timeout=10)


def test_a_redis_client_pings_through_port_forward(cluster, pod):
    with port_forward(cluster, pod, 6379, 6380) as (local, _):
        assert client(local[6379]).ping()
        assert client(local[6380]).ping()  # the one bound to 127.0.0.1 in the pod
        assert client(local[6379]).config_get("port") == {"port": "6379"}
        assert client(local[6380]).config_get("port") == {"port": "6380"}


def test_large_values_go_both_ways_intact(cluster, pod):
    value = bytes(range(256)) * 8192  # 2 MiB
    with port_forward(cluster, pod, 6379) as (local, _):
        connection = client(local[6379])
        connection.set("large", value)
        assert connection.get("large") == value


def test_many_connections_at_once(cluster, pod):
    answers: dict[int, bytes | None] = {}
    with port_forward(cluster, pod, 6380) as (local, _):

        def work(n: int) -> None:
            connection = client(local[6380])
            connection.set(f"key-{n}", f"value-{n}")
            answers[n] = connection.get(f"key-{n}")
            connection.close()

        threads = [threading.Thread(target=work, args=(n,)) for n in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert answers == {n: f"value-{n}".encode() for n in range(10)}


def test_a_port_nothing_listens_on_gets_the_runtimes_error(cluster, pod):
    with port_forward(cluster, pod, 7777) as (local, process):
        with pytest.raises(redis.ConnectionError):
            client(local[7777]).ping()
        process.wait(timeout=30)  # kubectl gives up on the pod after a forwarding error
        stderr = process.stderr.read()
    assert "an error occurred forwarding" in stderr
    assert "error forwarding port 7777 to pod" in stderr
    assert "dial tcp4 127.0.0.1:7777: connect: connection refused" in stderr
