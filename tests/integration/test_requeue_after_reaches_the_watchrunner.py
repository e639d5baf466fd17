"""requeue_after through a real ansible-runner run: the period its task returns is the delay the watchrunner (like
ansible-operator) gives the next reconcile, a skipped task asks for none, and a bad value fails the task."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.integration.playbook_runner import REPO_ROOT
from watchrunner import playbook_run

pytestmark = pytest.mark.integration

PLAYBOOK = """\
- name: Ask for the next reconcile
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Not this time
      requeue_after:
        seconds: 1
      when: false

    - name: This time
      requeue_after:
        seconds: "{{ seconds }}"
      when: seconds is defined
"""


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("ANSIBLE_CONFIG", str(REPO_ROOT / "ansible.cfg"))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    playbook = tmp_path / "requeue.yml"
    playbook.write_text(PLAYBOOK)

    def run(variables: dict) -> playbook_run.RunResult:
        return playbook_run.run(
            private_dir=tmp_path / "runner",
            ident=str(len(variables)),
            role=None,
            playbook=str(playbook),
            variables={"ansible_python_interpreter": sys.executable, **variables},
            keep_artifacts=1,
        )

    return run


def test_the_period_of_the_task_that_ran_is_the_next_delay(run):
    result = run({"seconds": 2.5})
    assert result.ok, result.message
    assert result.requeue_after == 2.5


def test_a_skipped_requeue_after_asks_for_nothing(run):
    result = run({})
    assert result.ok, result.message
    assert result.requeue_after is None


def test_a_period_of_zero_fails_the_task_and_says_why(run):
    result = run({"seconds": 0})
    assert not result.ok
    assert "seconds is 0.0: give the time until the next reconcile, at least 0.001" in result.message
