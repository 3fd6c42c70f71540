"""A terminal that goes away without a SIGHUP still ends the app (see
`InspectorApp._watch_terminal` in screens/app.py)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

from screens.app import terminal_hung_up


def test_a_pty_reports_the_hang_up_once_its_other_end_closes():
    master, slave = pty.openpty()
    try:
        assert not terminal_hung_up(slave)
        os.close(master)
        assert terminal_hung_up(slave)
    finally:
        os.close(slave)


def test_the_app_leaves_when_its_terminal_closes_without_a_sighup(tmp_path):
    """Before, the input thread read end-of-file in a busy loop and the process never ended."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", INSPECTOR_TODAY="2016-12-31")
    # A new session: the pty is not its controlling terminal, so closing it sends no SIGHUP.
    proc = subprocess.Popen(
        [sys.executable, "-m", "inspector.cli", "--data", str(tmp_path / "data")],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    try:
        shown = b""
        deadline = time.monotonic() + 60
        while "欢迎".encode() not in shown and time.monotonic() < deadline:
            if select.select([master], [], [], 0.2)[0]:
                shown += os.read(master, 65536)
        assert "欢迎".encode() in shown, "the app did not draw its welcome screen"
        os.close(master)
        master = -1
        # Liveness, not speed: the watch looks every second.
        assert proc.wait(timeout=60) == 0
    finally:
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
