"""Which host command a container runs (sandbox/kubelet/images.py)."""

import pytest

from sandbox.kubelet.images import EXPORTER_BINARY, NotRunnable, container_argv, resolve_executable

pytestmark = pytest.mark.unit

UNPROTECTED = ["--protected-mode", "no"]  # the official image's built-in default


@pytest.mark.parametrize(
    ("image", "command", "args", "argv"),
    [
        ("redis:7", None, None, ["redis-server", *UNPROTECTED]),
        (
            "docker.io/library/redis:7.2-alpine",
            None,
            ["--port", "6380"],
            ["redis-server", *UNPROTECTED, "--port", "6380"],
        ),
        ("redis", None, ["/etc/redis/redis.conf"], ["redis-server", "/etc/redis/redis.conf", *UNPROTECTED]),
        ("redis:7", None, ["redis-sentinel", "/s.conf"], ["redis-sentinel", "/s.conf", *UNPROTECTED]),
        ("bitnami/redis:7.2", None, None, ["redis-server", *UNPROTECTED]),
        ("redis:7", ["redis-sentinel"], ["/s.conf"], ["redis-sentinel", "/s.conf", *UNPROTECTED]),
        ("redis:7", ["sh", "-c"], ["redis-server"], ["sh", "-c", "redis-server"]),
        ("busybox:1.36", ["sh", "-c"], ["sleep 1"], ["sh", "-c", "sleep 1"]),
        ("anything/at-all:latest", ["sleep", "10"], None, ["sleep", "10"]),
        ("oliver006/redis_exporter:v1.62.0", None, None, [str(EXPORTER_BINARY)]),
        (
            "quay.io/oliver006/redis_exporter@sha256:" + "0" * 64,
            None,
            ["--redis.addr", "redis://10.0.0.1:6379"],
            [str(EXPORTER_BINARY), "--redis.addr", "redis://10.0.0.1:6379"],
        ),
        ("oliver006/redis_exporter", ["sleep"], ["1"], ["sleep", "1"]),
    ],
)
def test_argv_from_image_command_and_args(image, command, args, argv):
    assert container_argv(image, command, args) == argv


@pytest.mark.parametrize(
    "image", ["nginx:1.25", "quay.io/x/redis:7", "redisinsight:1", "busybox", "someone/redis_exporter:v1"]
)
def test_unmapped_image_without_command_is_not_runnable(image):
    with pytest.raises(NotRunnable) as raised:
        container_argv(image, None, ["x"])
    assert raised.value.reason == "ImageNotInSandbox"
    assert "command" in raised.value.message


def test_executables_are_looked_up_on_the_given_path():
    assert resolve_executable("sh", "/usr/bin:/bin").endswith("/sh")
    with pytest.raises(NotRunnable) as raised:
        resolve_executable("no-such-program-here", "/usr/bin:/bin")
    assert raised.value.reason == "CommandNotInSandbox"
