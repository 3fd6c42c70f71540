"""The shared behaviour of a form that edits one record.

Ctrl+S/F2 saves through `persist` (with the record the form opened as the
base, so someone else's change to another field is kept and a clash is
shown, never overwritten); Esc asks before typing is lost (`form_screen.py`).
Whatever cannot be saved — an invalid field, an edit conflict, a disk
error, or the app closing (SIGHUP, SIGTERM, Ctrl+Q) with such a form — is
kept as a draft in the data folder (`Store.save_draft`) and put back, with a
notice, when the record's form is next opened. When anyone saves the record
while its form is open (the app's change watcher, `watched.py`), the form
says who changed which fields at once.
"""

from __future__ import annotations

import logging
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual.widgets import Static

from inspector.errors import EditConflict, UserError
from inspector.models import Record

from ..conflict import conflict_message
from ..watched import DataChanged
from ..widgets.literal import CLEANED_NOTICE, typed_controls
from ..widgets.textual_compat import Input
from .form_screen import FormScreen

log = logging.getLogger("inspector.ui")
R = TypeVar("R", bound=Record)


class RecordEditor(FormScreen["R | None"], Generic[R]):
    #: On-screen names of the record's fields, for conflict messages.
    FIELD_LABELS: ClassVar[dict[str, str]] = {}
    #: Id of the Static that shows errors.
    ERROR_ID: ClassVar[str]
    #: Id of the Input where Enter saves rather than moving on.
    LAST_FIELD: ClassVar[str]

    def __init__(self, record: R, *, is_new: bool) -> None:
        super().__init__()
        self.original = record
        self.is_new = is_new
        # The stored record the form last told the user about (`_check_fresh`).
        self._told: R | None = None

    def edited(self) -> R:
        """The record as the form now says; UserError with a Chinese line if it cannot be."""
        raise NotImplementedError

    def persist(self, record: R) -> R:
        return self.app.store.save(record, base=None if self.is_new else self.original)

    def error(self, message: str) -> None:
        self.query_one(f"#{self.ERROR_ID}", Static).update(Text(message))

    # ------------------------------------------------------------------ drafts
    def draft_key(self) -> tuple[str, str]:
        return (self.original.kind, self.original.id)

    def form_message(self, text: str) -> None:
        self.error(text)

    def form_ready(self) -> None:
        self._check_fresh()

    # ------------------------------------------------------------ staleness
    def on_data_changed(self, _event: DataChanged) -> None:
        self._check_fresh()

    def _check_fresh(self) -> None:
        """Say at once when the stored record is no longer the one the form opened."""
        if self.is_new:
            return
        found = self.app.store.changed_since(self.original)
        if found is None:
            return
        current, fields, who = found
        if current == self._told:  # said already, or the conflict dialog showed it
            return
        self._told = current
        names = "、".join(dict.fromkeys(self.FIELD_LABELS.get(f.split(".")[0], f) for f in sorted(fields)))
        self.error(f"{who or '他人'} 刚修改了本条记录（字段：{names}）")
        self.record_changed(current)

    def record_changed(self, current: R) -> None:
        """The stored record is now `current` (a hook: a form may stop editing)."""

    # ------------------------------------------------------------------ saving
    def action_save(self) -> None:
        try:
            saved = self.persist(self.edited())
        except EditConflict as exc:
            self.keep_draft("与他人的修改冲突")
            found = self.app.store.changed_since(self.original)
            self._told = found[0] if found else None
            self._resolve(exc)
            return
        except UserError as exc:
            self.keep_draft(str(exc))
            self.error(str(exc))
            return
        if typed_controls(self):
            self.app.notify(CLEANED_NOTICE, severity="warning")
        self.forget_draft()
        self.dismiss(saved)

    def _resolve(self, conflict: EditConflict) -> None:
        """Ask which value of each clashing field to keep, then save on top of the stored record."""
        from .edit_conflict import EditConflictDialog

        store = self.app.store

        def chosen(keep_theirs: frozenset[str] | None) -> None:
            if keep_theirs is None:
                self.error(conflict_message(conflict, self.FIELD_LABELS, "你的内容仍在表单中，可再次保存"))
                return
            resolved = store.resolved(conflict, keep_theirs)
            self.original = conflict.current  # the record now stored is the new base
            try:
                saved = self.persist(resolved)
            except UserError as exc:
                self.error(str(exc))
                return
            self.forget_draft()
            self.dismiss(saved)

        self.app.push_screen(EditConflictDialog(self.original.kind, store.clashes(conflict), self.FIELD_LABELS), chosen)

    def save_form(self) -> None:
        self.action_save()

    def enter_in(self, field: Input) -> None:
        """Enter moves on, as people filling a form expect; the last field saves."""
        if field.id == self.LAST_FIELD:
            self.action_save()
        else:
            self.focus_next()

    def save_pending(self) -> None:
        """The app is closing: save what was typed, or keep it as a draft."""
        if not self.form_changed():
            return
        try:
            saved = self.persist(self.edited())
        except UserError as exc:
            log.warning("unsaved form kept as a draft on exit: %s", exc)
            self.keep_draft(str(exc))
            return
        self.forget_draft()
        self.original, self.is_new = saved, False
        self._initial = self.form_values()
