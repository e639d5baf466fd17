"""Detached processes: started with a log and a pid file, recognised as the sandbox's, stopped for sure."""

import os
import pty
import signal
import sys
import time

import pytest

from sandbox import processes

pytestmark = pytest.mark.sandbox

# A process that ignores SIGTERM, as a hung component would; prints a line once its handler is in place.
STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(600)"
)


def start(state_dir, code: str, *arguments: str, cwd=None) -> int:
    return processes.start(
        [sys.executable, "-c", code, *arguments],
        log_file=state_dir / "logs" / "test.log",
        pid_file=state_dir / "pids" / "test.pid",
        cwd=cwd or state_dir.parent,
    )


def wait_for_log(state_dir, text: str) -> None:
    deadline = time.monotonic() + 30
    while text not in (state_dir / "logs" / "test.log").read_text():
        assert time.monotonic() < deadline, f"the process never logged {text!r}"
        time.sleep(0.05)


@pytest.fixture
def state_dir(tmp_path):
    directory = tmp_path / "state"
    directory.mkdir()
    yield directory
    processes.stop(processes.find(directory), grace_seconds=0)


def test_a_started_process_is_recorded_and_logs_to_its_file(state_dir):
    pid = start(state_dir, "print('hello', flush=True); import time; time.sleep(600)", str(state_dir))
    assert processes.running_pid(state_dir / "pids" / "test.pid", state_dir) == pid
    wait_for_log(state_dir, "hello")
    assert os.getsid(pid) == pid, "a component runs in its own session, away from the terminal"


def test_a_pid_file_of_a_process_that_exited_names_nothing(state_dir):
    pid = start(state_dir, "pass", str(state_dir))
    deadline = time.monotonic() + 30
    while processes.is_alive(pid):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert processes.running_pid(state_dir / "pids" / "test.pid", state_dir) is None


def test_a_pid_reused_by_another_program_names_nothing(state_dir):
    (state_dir / "pids").mkdir()
    (state_dir / "pids" / "test.pid").write_text(f"{os.getpid()}\n")  # alive, but not the sandbox's
    assert processes.running_pid(state_dir / "pids" / "test.pid", state_dir) is None


@pytest.mark.parametrize("how", ["argument inside", "flag=directory", "working directory"])
def test_a_process_belongs_to_the_sandbox_by_its_arguments_or_its_directory(state_dir, tmp_path, how):
    arguments = {
        "argument inside": (str(state_dir / "etcd"),),
        "flag=directory": (f"--state-dir={state_dir}",),
        "working directory": (),
    }[how]
    cwd = state_dir if how == "working directory" else tmp_path
    pid = start(state_dir, "import time; time.sleep(600)", *arguments, cwd=cwd)
    assert processes.belongs_to(pid, state_dir)
    assert processes.find(state_dir) == [pid]


def test_a_sibling_directory_with_the_same_prefix_is_not_the_sandbox(state_dir, tmp_path):
    pid = start(state_dir, "import time; time.sleep(600)", f"{state_dir}-other/etcd", cwd=tmp_path)
    try:
        assert not processes.belongs_to(pid, state_dir)
        assert processes.find(state_dir) == []
    finally:
        processes.stop([pid], grace_seconds=0)


def test_a_process_on_a_terminal_is_never_the_sandbox_s(state_dir):
    pid, terminal = pty.fork()  # the child gets the terminal as its controlling terminal, like a user's `tail -f`
    if pid == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", str(state_dir / "logs")])
    try:
        deadline = time.monotonic() + 30
        while str(state_dir / "logs") not in processes.command_line(pid):  # until the exec shows
            assert time.monotonic() < deadline, "the child never ran"
            time.sleep(0.01)
        assert not processes.belongs_to(pid, state_dir)
        assert pid not in processes.find(state_dir)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(terminal)


def test_the_caller_is_never_found_even_inside_the_state_directory(state_dir, monkeypatch):
    monkeypatch.chdir(state_dir)
    assert os.getpid() not in processes.find(state_dir)


def test_stop_kills_a_process_that_ignores_sigterm(state_dir):
    pid = start(state_dir, STUBBORN, str(state_dir))
    wait_for_log(state_dir, "ready")
    processes.stop([pid], grace_seconds=0.5)
    assert not processes.is_alive(pid)
