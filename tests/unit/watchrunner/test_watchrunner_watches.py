"""watches.yaml parsing: what ansible-operator accepts and this runner honours, and clear errors for the rest."""

from pathlib import Path

import pytest

from watchrunner.watches import WatchesError, load, parse_duration

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15s", 15), ("1m", 60), ("1m30s", 90), ("500ms", 0.5), ("10h", 36000), ("1.5s", 1.5)],
)
def test_durations_read_like_go(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["15", "fast", "1x", "", "15s later"])
def test_a_bad_duration_says_how_to_write_one(text):
    with pytest.raises(WatchesError, match="write it like 15s"):
        parse_duration(text)


def _write(tmp_path, body):
    path = tmp_path / "watches.yaml"
    path.write_text(body)
    return path


BASE = """
- group: redis.kun
  version: v1beta1
  kind: RedisCluster
  role: rediscluster
  snakeCaseParameters: false
  manageStatus: false
"""


def test_the_project_watches_file_loads():
    (watch,) = load(Path(__file__).resolve().parents[3] / "watches.yaml")
    assert (watch.api_version, watch.kind, watch.role) == ("redis.kun/v1beta1", "RedisCluster", "rediscluster")
    assert watch.reconcile_period <= 30


def test_defaults_follow_ansible_operator(tmp_path):
    (watch,) = load(_write(tmp_path, BASE))
    assert watch.reconcile_period == 36000
    assert watch.watch_dependent_resources
    assert watch.max_runner_artifacts == 20
    assert watch.finalizer is None
    assert watch.variable_prefix == "_redis_kun_rediscluster"


def test_finalizer_inherits_the_role_and_playbook_paths_are_resolved(tmp_path):
    body = BASE + "  reconcilePeriod: 15s\n  finalizer:\n    name: redis.kun/finalizer\n    vars: {state: absent}\n"
    (watch,) = load(_write(tmp_path, body))
    assert watch.finalizer.role == "rediscluster"
    assert watch.finalizer.vars == {"state": "absent"}
    other = BASE.replace("role: rediscluster", "playbook: playbooks/x.yml")
    (watch,) = load(_write(tmp_path, other))
    assert watch.playbook == str(tmp_path / "playbooks" / "x.yml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("snakeCaseParameters: false", "snakeCaseParameters: true"), "set snakeCaseParameters: false"),
        (("  snakeCaseParameters: false\n", ""), "set snakeCaseParameters: false"),
        (("manageStatus: false", "manageStatus: true"), "set manageStatus: false"),
        (("  role: rediscluster\n", ""), "exactly one of role or playbook"),
        (("kind: RedisCluster", "kind: ''"), "kind is required"),
    ],
)
def test_what_the_runner_cannot_honour_is_refused_with_the_fix(tmp_path, change, message):
    with pytest.raises(WatchesError, match=message):
        load(_write(tmp_path, BASE.replace(*change)))


def test_an_empty_or_missing_file_is_refused(tmp_path):
    with pytest.raises(WatchesError, match="expected a list"):
        load(_write(tmp_path, "{}"))
    with pytest.raises(WatchesError, match="cannot read"):
        load(tmp_path / "absent.yaml")
