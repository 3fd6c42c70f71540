"""The base of every modal that shows a worker's progress (memos, sync bundles).

The work runs in a thread (`in_thread`), so a long batch over a slow SSH link
never freezes the screen; whatever the thread shows on screen goes through
`from_thread`, and its result is handed to a method on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

ResultT = TypeVar("ResultT")
R = TypeVar("R")


class ProgressDialog(ModalScreen[ResultT]):
    """A titled dialog box whose `body` a subclass fills, and the thread that does its work."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield from self.body()

    def body(self) -> ComposeResult:
        """What the box shows under its title."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="progress")
    def in_thread(self, job: Callable[[], R], then: Callable[[R], object]) -> None:
        """Run `job` in a thread, then `then(result)` on the UI thread."""
        result = job()
        self.app.call_from_thread(then, result)

    def from_thread(self, show: Callable[..., object], *args: Any) -> None:
        """Call `show(*args)` on the UI thread, from the worker (to show progress)."""
        self.app.call_from_thread(show, *args)
