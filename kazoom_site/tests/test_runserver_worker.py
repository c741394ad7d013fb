"""``manage.py runserver``, the README's run command, starts the task queue's worker as its
child, and the worker dies with the process that serves, with or without the autoreloader."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from testsupport.commands import REPO, manage_env, migrated_data_dir
from testsupport.ports import free_port
from testsupport.processes import children, command_line, running, wait_for

#: Seconds for a server to start its worker, and for a process to die.
START_SECONDS = 30.0
DIE_SECONDS = 10.0


def _runserver(data_dir: Path, port: int, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "runserver", *args, f"127.0.0.1:{port}"],
        cwd=REPO,
        env=manage_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _workers(pid: int) -> list[int]:
    return [child for child in children(pid) if command_line(child)[-1:] == ["worker"]]


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _stopped(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=DIE_SECONDS)


def test_the_worker_dies_with_the_server_it_was_started_by(tmp_path: Path) -> None:
    server = _runserver(migrated_data_dir(tmp_path / "data"), free_port(), "--noreload")
    try:
        [worker] = wait_for(lambda: _workers(server.pid), START_SECONDS, "the worker")
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=DIE_SECONDS)
        wait_for(lambda: not running(worker), DIE_SECONDS, "the worker to die")
    finally:
        _stopped(server)


def test_under_the_autoreloader_the_serving_process_starts_the_worker_and_takes_it_along(
    tmp_path: Path,
) -> None:
    server = _runserver(migrated_data_dir(tmp_path / "data"), free_port())
    try:
        [serving] = wait_for(lambda: children(server.pid), START_SECONDS, "the serving process")
        [worker] = wait_for(lambda: _workers(serving), START_SECONDS, "the worker")
        assert _workers(server.pid) == []
        os.kill(serving, signal.SIGKILL)
        wait_for(lambda: not running(worker), DIE_SECONDS, "the worker to die")
    finally:
        _stopped(server)


def test_no_worker_leaves_it_out(tmp_path: Path) -> None:
    port = free_port()
    server = _runserver(migrated_data_dir(tmp_path / "data"), port, "--noreload", "--no-worker")
    try:
        wait_for(lambda: _answers(port), START_SECONDS, "the server")
        assert _workers(server.pid) == []
    finally:
        _stopped(server)
