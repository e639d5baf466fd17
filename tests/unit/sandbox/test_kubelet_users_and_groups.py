"""The pure parts of how the kubelet treats users: the API server's address every container gets, which private
directory hides an image's files from a non-root user (runc.py), and fsGroup ownership of a writable volume."""

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from sandbox.kubelet.kubelet import api_server_env
from sandbox.kubelet.runc import private_ancestor
from sandbox.kubelet.volumes import set_volume_ownership, write_files

pytestmark = pytest.mark.unit


def test_in_cluster_clients_are_pointed_at_the_api_server_itself():
    env = api_server_env("https://10.244.0.1:6443")
    assert (env["KUBERNETES_SERVICE_HOST"], env["KUBERNETES_SERVICE_PORT"]) == ("10.244.0.1", "6443")
    assert env["KUBERNETES_PORT"] == env["KUBERNETES_PORT_6443_TCP"] == "tcp://10.244.0.1:6443"
    assert api_server_env("https://api.example")["KUBERNETES_SERVICE_PORT"] == "443"


@pytest.mark.parametrize(
    ("modes", "blocked"),
    [
        ({"a": 0o755, "a/b": 0o755}, None),
        ({"a": 0o700, "a/b": 0o755}, "a"),
        ({"a": 0o755, "a/b": 0o750}, "a/b"),
        ({"a": 0o711, "a/b": 0o700}, "a/b"),  # search without read is enough to pass through
    ],
)
def test_the_topmost_private_ancestor_is_found(modes, blocked):
    # Not pytest's tmp_path: its /tmp/pytest-of-<user> is private itself.
    tmp_path = Path(tempfile.mkdtemp(dir="/tmp"))
    tmp_path.chmod(0o755)
    for relative, mode in modes.items():
        (tmp_path / relative).mkdir()
        (tmp_path / relative).chmod(mode)
    target = tmp_path / "a" / "b" / "files"
    target.mkdir()
    try:
        expected = None if blocked is None else str(tmp_path / blocked)
        assert private_ancestor(str(target)) == expected
    finally:
        for relative in modes:
            (tmp_path / relative).chmod(0o755)
        shutil.rmtree(tmp_path)


def test_fs_group_owns_a_writable_volume_recursively(tmp_path):
    (tmp_path / "dir").mkdir(mode=0o755)
    (tmp_path / "dir" / "file").write_text("x")
    (tmp_path / "dir" / "file").chmod(0o600)
    os.symlink("/etc/passwd", tmp_path / "link")  # never followed: the host's file keeps its owner
    set_volume_ownership(tmp_path, 2000)
    for path, extra in ((tmp_path, 0o2070), (tmp_path / "dir", 0o2070), (tmp_path / "dir" / "file", 0o060)):
        info = path.stat()
        assert info.st_gid == 2000, path
        assert stat.S_IMODE(info.st_mode) & extra == extra, path
    assert os.stat("/etc/passwd").st_gid != 2000


def test_rendered_files_get_the_group_and_are_rewritten_when_it_changes(tmp_path):
    write_files(tmp_path, {"key": (b"v", 0o644)}, set())
    assert (tmp_path / "key").stat().st_gid == 0
    write_files(tmp_path, {"key": (b"v", 0o644)}, {"key"}, group=2000)
    assert (tmp_path / "key").stat().st_gid == 2000
