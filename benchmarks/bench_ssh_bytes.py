"""Bytes the app writes to its terminal, as an SSH link would carry them.

    .venv/bin/python benchmarks/bench_ssh_bytes.py DIR

Runs the app on the data folder DIR (`inspector --data DIR demo --branches 60`)
in a pseudo-terminal of 80x24, once as an SSH session (SSH_CONNECTION set)
and once as a local one, and prints: bytes per idle second with the branch
filter focused, bytes per line scrolled past the bottom of the branch table,
and bytes to open and close the help dialog. Each figure is a mean over
several repetitions.
"""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

KEYS = {"down": b"\x1b[B", "f1": b"\x1bOP", "escape": b"\x1b", "ctrl+q": b"\x11"}


class Terminal:
    """The app in a pty; a thread counts every byte it writes."""

    def __init__(self, data: Path, *, ssh: bool) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("SSH_CONNECTION", "SSH_TTY")}
        env.update(TERM="xterm-256color", INSPECTOR_TODAY="2016-12-31", COLORTERM="truecolor")
        if ssh:
            env["SSH_CONNECTION"] = "10.0.0.2 52114 10.0.0.1 22"
        exe = Path(sys.executable).with_name("inspector")
        self.proc = subprocess.Popen(
            [str(exe), "--data", str(data)], stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.count = 0
        self.last = time.monotonic()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.count += len(chunk)
            self.last = time.monotonic()

    def settle(self, quiet: float = 1.5, limit: float = 30.0) -> None:
        """Wait until nothing but (at most) a blink came for `quiet` seconds."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            before = self.count
            time.sleep(quiet)
            if self.count - before < 200:
                return

    def press(self, key: str) -> None:
        os.write(self.master, KEYS[key])

    def bytes_during(self, action, wait: float) -> int:
        before = self.count
        action()
        time.sleep(wait)
        return self.count - before

    def close(self) -> None:
        self.press("ctrl+q")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.master)


def measure(data: Path, *, ssh: bool) -> dict[str, float]:
    term = Terminal(data, ssh=ssh)
    try:
        time.sleep(8.0)  # start-up, checklists loaded in the background, notices
        term.settle(3.0)
        idle = term.bytes_during(lambda: None, 10.0) / 10.0
        for _ in range(30):  # to the bottom of the visible rows and past it
            term.press("down")
            time.sleep(0.15)
        term.settle(0.5)
        scrolls = [term.bytes_during(lambda: term.press("down"), 0.4) for _ in range(10)]
        dialogs = []
        for _ in range(3):
            opened = term.bytes_during(lambda: term.press("f1"), 1.5)
            closed = term.bytes_during(lambda: term.press("escape"), 1.5)
            dialogs.append(opened + closed)
        blink_share = idle * 0.4  # the 0.4 s waits above also carry any blink
        return {
            "idle B/s": idle,
            "B per scrolled line": sum(scrolls) / len(scrolls) - blink_share,
            "B per dialog (open+close)": sum(dialogs) / len(dialogs) - idle * 3.0,
        }
    finally:
        term.close()


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    data = Path(sys.argv[1])
    for ssh in (True, False):
        figures = measure(data, ssh=ssh)
        print(("SSH session: " if ssh else "local:       ") + ", ".join(f"{k} {v:,.0f}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
