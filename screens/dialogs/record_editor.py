"""The shared behaviour of a form that edits one record.

Ctrl+S/F2 saves through `persist` (with the record the form opened as the
base, so someone else's change to another field is kept and a clash is
named, never overwritten); Esc leaves; and when the app is closing (SIGHUP,
SIGTERM, Ctrl+Q) `save_pending` keeps whatever already validates, so a
dropped SSH link or a closed lid does not cost what was typed.
"""

from __future__ import annotations

import logging
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual.screen import ModalScreen
from textual.widgets import Static

from inspector.errors import EditConflict, UserError
from inspector.models import Record

from ..conflict import conflict_message
from ..widgets.literal import CLEANED_NOTICE, typed_controls

log = logging.getLogger("inspector.ui")
R = TypeVar("R", bound=Record)


class RecordEditor(ModalScreen["R | None"], Generic[R]):
    #: On-screen names of the record's fields, for conflict messages.
    FIELD_LABELS: ClassVar[dict[str, str]] = {}
    #: Id of the Static that shows errors.
    ERROR_ID: ClassVar[str]

    def __init__(self, record: R, *, is_new: bool) -> None:
        super().__init__()
        self.original = record
        self.is_new = is_new

    def edited(self) -> R:
        """The record as the form now says; UserError with a Chinese line if it cannot be."""
        raise NotImplementedError

    def persist(self, record: R) -> R:
        return self.app.store.save(record, base=None if self.is_new else self.original)

    def error(self, message: str) -> None:
        self.query_one(f"#{self.ERROR_ID}", Static).update(Text(message))

    def action_save(self) -> None:
        try:
            saved = self.persist(self.edited())
        except EditConflict as exc:
            self.error(conflict_message(exc, self.FIELD_LABELS, "请按 Esc 放弃后重新打开查看"))
            return
        except UserError as exc:
            self.error(str(exc))
            return
        if typed_controls(self):
            self.app.notify(CLEANED_NOTICE, severity="warning")
        self.dismiss(saved)

    def save_pending(self) -> None:
        """The app is closing: keep what was typed if it can be saved."""
        try:
            saved = self.persist(self.edited())
        except UserError as exc:
            log.warning("unsaved form dropped on exit: %s", exc)
            return
        self.original, self.is_new = saved, False

    def action_cancel(self) -> None:
        self.dismiss(None)
