"""The ledger screen at county scale, as committee staff feel it over SSH.

    python benchmarks/bench_ledger_ui.py [DATA_DIR]      (default /tmp/ledgerhelper-county, ~50,000 findings)

1. In-process with Textual's Pilot (100x30, in a fresh interpreter): the
   ledger screen opened cold (first time in a process) and warm (again), and
   each filter keystroke (typed text, `s` status, `o` overdue) to idle.
2. In a pseudo-terminal, as over SSH: `inspector --data DATA_DIR` at 100x30,
   F3 opens the ledger; then the bytes the app writes to the terminal for the
   first paint and for each cursor move (↓) are counted.
Each figure is printed next to its budget; exits 1 if one is over.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

TODAY = "2026-11-26"
SIZE = (100, 30)
BUDGETS = {
    "open cold (s)": 1.5,
    "open warm (s)": 0.3,
    "filter work per keystroke, worst (ms)": 100.0,
    "bytes per cursor move": 1536,
}

PILOT = r"""
import asyncio, json, sys, time
from dataclasses import replace
from inspector.store import Store
from screens.app import InspectorApp
from screens.ledger import LedgerScreen

async def wait(pilot, cond, timeout=60):
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            raise SystemExit("timed out")
        await pilot.pause(0.005)

async def main(root):
    app = InspectorApp(Store(root, "bench"))
    app._resume_offered = True
    out = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await wait(pilot, lambda: app.screen_stack[0]._loaded)
        for label in ("cold", "warm"):
            t = time.perf_counter()
            app.open_committee_screen()
            await wait(pilot, lambda: isinstance(app.screen, LedgerScreen) and app.screen.loaded)
            await pilot.pause()
            out[label] = time.perf_counter() - t
            out["rows"] = len(app.screen.table.keys)
            if label == "cold":
                app.pop_screen()
                await pilot.pause()
        screen = app.screen
        keys = []
        idle = []
        for _ in range(5):  # a key nothing is bound to: the cost of a keystroke round trip itself
            t = time.perf_counter()
            await pilot.press("f12")
            idle.append(time.perf_counter() - t)
        out["idle"] = min(idle)

        async def key(name, press, work):
            # work: the filter's own cost (sync, as the handler runs it); press: keystroke to idle, redraw included
            t = time.perf_counter()
            work()
            handler = time.perf_counter() - t
            await pilot.pause()
            t = time.perf_counter()
            await pilot.press(*press)
            keys.append((name, handler, time.perf_counter() - t, len(screen.shown)))

        text = ""
        for ch in "dyzb":  # pinyin initials: "d" alone matches most rows, the worst case
            text += ch
            await key("text " + ch, ["f12"], lambda t=text: screen.set_filter(replace(screen.flt, text=t)))
        screen.set_filter(replace(screen.flt, text=""))
        for name in ("s", "o", "s", "o", "x"):
            flt = screen.flt
            await key(name, [name], lambda: None)
            after = screen.flt
            screen.flt = flt
            t = time.perf_counter()
            screen.set_filter(after)
            keys[-1] = (name, time.perf_counter() - t, keys[-1][2], keys[-1][3])
        out["keys"] = keys
    print(json.dumps(out))

asyncio.run(main(sys.argv[1]))
"""


def pilot_figures(root: Path) -> dict:
    import json

    env = dict(os.environ, INSPECTOR_TODAY=TODAY, TEXTUAL_DISABLE_KITTY_KEY="1")
    out = subprocess.run([sys.executable, "-c", PILOT, str(root)], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Terminal:
    """`inspector` in a pseudo-terminal; counts what it writes, as sshd would send it."""

    def __init__(self, root: Path, cols: int, rows: int) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(
            os.environ, TERM="xterm-256color", LANG="C.UTF-8", INSPECTOR_TODAY=TODAY, TEXTUAL_DISABLE_KITTY_KEY="1"
        )
        exe = Path(os.environ.get("BENCH_INSPECTOR") or Path(sys.executable).with_name("inspector"))
        self.proc = subprocess.Popen(
            [str(exe), "--data", str(root), "--user", "bench", "--no-mouse"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.fd = master

    def read_until_quiet(self, quiet: float = 0.4, timeout: float = 30.0) -> bytes:
        """Everything written until the app has been silent for `quiet` seconds."""
        data = bytearray()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                break
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            data += chunk
        return bytes(data)

    def wait_for(self, text: str, timeout: float = 30.0) -> bytes:
        data = bytearray()
        end = time.monotonic() + timeout
        needle = text.encode()
        while needle not in data and time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                data += os.read(self.fd, 65536)
        if needle not in data:
            raise SystemExit(f"'{text}' did not appear")
        return bytes(data) + self.read_until_quiet()

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def close(self) -> None:
        self.send(b"\x11")  # ctrl+q
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.fd)


def terminal_figures(root: Path) -> dict:
    term = Terminal(root, *SIZE)
    try:
        term.wait_for("个支部")
        term.read_until_quiet(1.5)
        term.send(b"\x1b")  # the offer to resume unfinished visits, if any
        term.read_until_quiet(0.5)
        term.send(b"\x1bOR")  # F3
        first = term.wait_for("筛选：")
        term.read_until_quiet(2.5)  # let a poll pass
        moves = []
        for _ in range(20):
            term.send(b"\x1b[B")  # down
            moves.append(len(term.read_until_quiet(0.25)))
        term.send(b"\x1b[6~")  # page down: a real scroll, for comparison
        page = len(term.read_until_quiet(0.4))
        return {"first paint": len(first), "moves": moves, "page down": page}
    finally:
        term.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default="/tmp/ledgerhelper-county")
    args = parser.parse_args()
    root = Path(args.data)
    print(f"data: {root}; terminal {SIZE[0]}x{SIZE[1]}; load average {os.getloadavg()[0]:.1f}")
    p = pilot_figures(root)
    worst_key = max(k[1] for k in p["keys"])
    print(f"ledger screen, {p['rows']} rows: open cold {p['cold']:.2f} s, warm {p['warm']:.2f} s")
    print(f"  a keystroke round trip with nothing bound (Pilot, to idle): {p['idle'] * 1000:.1f} ms")
    for name, handler, to_idle, shown in p["keys"]:
        print(
            f"  keystroke {name!r:10} filter {handler * 1000:6.1f} ms; press to idle {to_idle * 1000:6.1f} ms  ({shown} rows shown)"
        )
    t = terminal_figures(root)
    per_move = statistics.median(t["moves"])
    print(f"terminal output: ledger first paint {t['first paint']} bytes; page down {t['page down']} bytes")
    print(f"  per cursor move: median {per_move:.0f} bytes, max {max(t['moves'])} (moves: {t['moves']})")
    figures = {
        "open cold (s)": p["cold"],
        "open warm (s)": p["warm"],
        "filter work per keystroke, worst (ms)": worst_key * 1000,
        "bytes per cursor move": per_move,
    }
    over = False
    for name, value in figures.items():
        ok = value <= BUDGETS[name]
        over |= not ok
        print(f"{name:32} {value:10.2f}   budget {BUDGETS[name]:>8}   {'ok' if ok else 'OVER'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
