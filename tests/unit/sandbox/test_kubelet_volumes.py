"""Volume contents and files (sandbox/kubelet/volumes.py) and log line formatting (container_logs.py)."""

import base64
import stat

import pytest

from sandbox.kubelet.container_logs import format_line, select
from sandbox.kubelet.volumes import VolumeNotReady, render_downward_api, render_object, write_files

pytestmark = pytest.mark.unit

CONFIGMAP = {
    "data": {"redis.conf": "port 6379\n", "extra": "x"},
    "binaryData": {"bin": base64.b64encode(b"\0").decode()},
}
SECRET = {"data": {"password": base64.b64encode(b"s3cret").decode()}}


def lookup(obj):
    return lambda namespace, name: obj if name == "present" else None


def test_configmap_volume_with_items_and_modes():
    files = render_object(
        {"name": "present", "items": [{"key": "redis.conf", "path": "conf/redis.conf", "mode": 0o600}]},
        "configmap",
        "ns",
        lookup(CONFIGMAP),
        0o644,
    )
    assert files == {"conf/redis.conf": (b"port 6379\n", 0o600)}


def test_whole_configmap_includes_binary_data_with_the_default_mode():
    files = render_object({"name": "present", "defaultMode": 0o440}, "configmap", "ns", lookup(CONFIGMAP), 0o644)
    assert files["bin"] == (b"\0", 0o440)
    assert files["extra"] == (b"x", 0o440)


def test_secret_volume_decodes_data():
    files = render_object({"secretName": "present"}, "secret", "ns", lookup(SECRET), 0o644)
    assert files == {"password": (b"s3cret", 0o644)}


def test_missing_sources_and_keys():
    with pytest.raises(VolumeNotReady):
        render_object({"name": "absent"}, "configmap", "ns", lookup(CONFIGMAP), 0o644)
    assert render_object({"name": "absent", "optional": True}, "configmap", "ns", lookup(CONFIGMAP), 0o644) == {}
    with pytest.raises(VolumeNotReady):
        render_object(
            {"name": "present", "items": [{"key": "nope", "path": "p"}]}, "configmap", "ns", lookup({}), 0o644
        )


def test_downward_api_files():
    pod = {
        "metadata": {"name": "p", "namespace": "ns", "labels": {"a": "1"}},
        "spec": {"containers": [{"name": "c"}]},
        "status": {},
    }
    files = render_downward_api(
        [
            {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
            {"path": "name", "fieldRef": {"fieldPath": "metadata.name"}},
        ],
        pod,
        0o644,
    )
    assert files == {"labels": (b'a="1"', 0o644), "name": (b"p", 0o644)}


def test_write_files_sets_modes_updates_and_removes(tmp_path):
    written = write_files(tmp_path, {"a": (b"1", 0o600), "d/b": (b"2", 0o644)}, set())
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o600
    assert (tmp_path / "d" / "b").read_bytes() == b"2"
    write_files(tmp_path, {"a": (b"changed", 0o600)}, written)
    assert (tmp_path / "a").read_bytes() == b"changed"
    assert not (tmp_path / "d" / "b").exists()
    with pytest.raises(VolumeNotReady):
        write_files(tmp_path, {"../escape": (b"x", 0o644)}, set())


def test_log_lines_with_and_without_timestamps():
    line = b"2026-01-01T00:00:00.000001Z stdout F hello world\n"
    assert format_line(line, False) == b"hello world\n"
    assert format_line(line, True) == b"2026-01-01T00:00:00.000001Z hello world\n"
    assert format_line(b"2026-01-01T00:00:00.000001Z stderr P part\n", False) == b"part"


def test_tail_and_since_selection():
    lines = [f"2026-01-01T00:00:0{n}.000000Z stdout F {n}\n".encode() for n in range(5)]
    assert select(lines, 2, None) == lines[3:]
    assert select(lines, 0, None) == []
    assert len(select(lines, None, 1767225602.0)) == 3
