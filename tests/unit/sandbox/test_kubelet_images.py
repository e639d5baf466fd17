"""Which host command a container runs (sandbox/kubelet/images.py)."""

import sys
from pathlib import Path

import pytest

from sandbox.config import BIN_DIR, REPO_ROOT
from sandbox.kubelet.images import EXPORTER_BINARY, NotRunnable, container_argv, image_of, resolve_executable

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
        (
            "redis-kun-operator:0.1.0",
            None,
            ["--leader-elect"],
            [str(BIN_DIR / "ansible-operator"), "run", "--watches-file=./watches.yaml", "--leader-elect"],
        ),
        (
            "registry.example:5000/team/redis-kun-operator@sha256:" + "0" * 64,
            ["ansible-python"],
            ["-m", "x"],
            ["ansible-python", "-m", "x"],
        ),
        ("ghcr.io/someone/redis-kun-console:1.2", None, None, [sys.executable, "-m", "console"]),
    ],
)
def test_argv_from_image_command_and_args(image, command, args, argv):
    assert container_argv(image, command, args) == argv


@pytest.mark.parametrize(
    "image",
    [
        "nginx:1.25",
        "quay.io/x/redis:7",
        "redisinsight:1",
        "busybox",
        "someone/redis_exporter:v1",
        "redis-kun-operator-fork:1",
    ],
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


def test_the_operator_image_runs_from_this_checkout_as_its_user():
    image = image_of("redis-kun-operator:0.1.0")
    assert image.workdir == str(REPO_ROOT)  # watches.yaml and roles/ are found from the working directory
    assert image.user == 1001  # the ansible-operator base image's USER
    assert image.env["ANSIBLE_CONFIG"] == str(REPO_ROOT / "ansible.cfg")
    assert image.env["PATH"].split(":")[0] == str(Path(sys.executable).parent)  # ansible-runner, as in the image
    assert resolve_executable("ansible-python", "/nowhere", image.programs) == sys.executable
    assert str(REPO_ROOT.resolve()) in image.files


def test_other_images_run_as_root_with_no_config():
    image = image_of("busybox:1.36")
    assert (image.entrypoint, image.user, image.workdir, image.env, image.files) == (None, None, None, {}, ())
