"""主要做法和成效: the 3–5 achievements a memo states, in the committee's words.

The inspector writes them on a completed visit, one a line, starting from a
suggestion the memo builds from the checklist sections fully met. The
suggestion's wording is data (`checklists/phrases/achievements.toml`, a
phrase per section), so that suggestions read like the committee's own
summaries and not like a list of requirements met.
"""

from __future__ import annotations

import tomllib
import zlib
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from inspector.errors import UserError
from inspector.models import Visit, VisitStatus
from inspector.text import clean

#: Published memos state 3–5 achievements.
MIN_ACHIEVEMENTS, MAX_ACHIEVEMENTS = 3, 5
#: A longer line is a note pasted in, not an achievement: the inspector summarises it.
MAX_LINE_CHARS = 500
PHRASES_FILE = "phrases/achievements.toml"


NOT_COMPLETED = "现场指导完成后才能填写主要做法和成效"


class AchievementsInvalid(UserError):
    pass


def lines(text: str) -> list[str]:
    """The achievements of a text, one a non-empty line, trimmed and cleaned."""
    return [line.strip() for line in clean(text, multiline=True).split("\n") if line.strip()]


def edited(visit: Visit, text: str) -> Visit:
    """The visit with `text` as its achievements; refused (one Chinese line)
    before the visit is completed, past five lines or with a line too long."""
    if visit.status != VisitStatus.COMPLETED:
        raise AchievementsInvalid(NOT_COMPLETED)
    found = lines(text)
    if len(found) > MAX_ACHIEVEMENTS:
        raise AchievementsInvalid(f"主要做法和成效最多{MAX_ACHIEVEMENTS}条（每行一条），现有{len(found)}条")
    for n, line in enumerate(found, 1):
        if len(line) > MAX_LINE_CHARS:
            raise AchievementsInvalid(f"第{n}条超过{MAX_LINE_CHARS}字，请概括后再保存")
    return visit.model_copy(update={"achievements": "\n".join(found)})


#: The `contradicted` key of members out of reach (口袋 or 失联 found in the visit).
OUT_OF_REACH = "out-of-reach"


@cache
def _data() -> dict:
    return tomllib.loads(files("checklists").joinpath(PHRASES_FILE).read_text(encoding="utf-8"))


def section_phrases() -> dict[str, tuple[str, ...]]:
    """Section id -> the shipped phrases for a section fully met."""
    return dict(_phrases())


@cache
def _phrases() -> dict[str, tuple[str, ...]]:
    """Built once: a memo looks a phrase up for every section met."""
    return {sid: tuple(p.strip() for p in texts if p.strip()) for sid, texts in _data().get("sections", {}).items()}


def contradicted(keys: Iterable[str], *, out_of_reach: bool) -> set[str]:
    """Sections no achievement may be drawn from: those a ticked weak/lax
    criterion or an open finding (by criterion or item id) contradicts, and
    with members out of reach, those about members (a 软弱涣散 branch does
    not read as a model of organisation life, nor 作风 as good while 群众
    complain of members)."""
    table = _data().get("contradicted", {})
    keys = [*keys, *([OUT_OF_REACH] if out_of_reach else [])]
    return {sid for key in keys for sid in table.get(key, ())}


def phrase(section_id: str, visit_id: str) -> str | None:
    """One phrase of the section, the same for a visit every time (so a
    regenerated draft reads as before), varying between visits."""
    choices = _phrases().get(section_id)
    if not choices:
        return None
    return choices[zlib.crc32(f"{visit_id}/{section_id}".encode()) % len(choices)]
