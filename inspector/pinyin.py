"""Pinyin of branch names: initials, so `dyzb` finds 第一支部, and the full
pinyin that orders names as a Chinese reader expects (白坝, 柏岗, 北店, 北沟).

Both are computed when a branch is saved and stored on it: importing
pypinyin costs ~0.15 s, which the start-up path must not pay.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any


@lru_cache(maxsize=4096)
def initials(text: str) -> str:
    from pypinyin import Style

    # Chinese characters give one letter each; other runs (ABC, 3) stay as typed.
    return "".join(_spelling().lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


@lru_cache(maxsize=4096)
def full(text: str) -> str:
    """Full pinyin, one syllable a word (白坝 → "bai ba"); other runs stay as typed, lower-cased."""
    return " ".join(_spelling().lazy_pinyin(text, errors="default")).lower()


@cache
def _spelling() -> Any:
    """pypinyin's `lazy_pinyin`, spelling each word it cuts a name into once:
    a county's 2,000 names are ~12,000 words but only ~320 distinct ones
    (党支部, 村, 社区…), and spelling them was ~0.5 s of a first launch of a
    folder whose branches were saved before their pinyin was kept. A word's
    spelling depends on the word alone (the converter is given one word at
    a time), so the result is the same; tests/test_pinyin.py compares it."""
    from pypinyin import Style
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    class Remembering(UltimateConverter):  # the converter `lazy_pinyin` builds with its default options
        def __init__(self) -> None:
            super().__init__()
            self._spelt: dict[tuple[Any, ...], list[list[str]]] = {}

        def convert(
            self, words: str, style: Style, heteronym: bool, errors: Any, strict: bool = True, **kwargs: Any
        ) -> list[list[str]]:
            key = (words, style, heteronym, errors, strict, *sorted(kwargs.items()))
            spelt = self._spelt.get(key)
            if spelt is None:
                spelt = self._spelt[key] = super().convert(words, style, heteronym, errors, strict, **kwargs)
            return [list(syllables) for syllables in spelt]  # the caller's own lists, as a fresh spelling gives

    return Pinyin(Remembering())


def sort_key(name: str, stored: str, known_initials: str | None = None) -> tuple[tuple[str, ...], str]:
    """Collation of a branch name: by full pinyin syllable by syllable, then by
    characters (homophones). `stored` is the saved full pinyin; a branch saved
    before it was kept gets it computed here, unless `known_initials` are
    given: then they stand in for it, a letter a syllable (close to the right
    order, for a table shown before pypinyin is loaded)."""
    if stored:
        return (tuple(stored.split(" ")), name)
    if known_initials is not None:
        return (tuple(known_initials), name)
    return (tuple(full(name).split(" ")), name)


def matches(query: str, name: str, name_initials: str) -> bool:
    """Filter rule shared by the branch table and the command palette."""
    q = query.strip().lower()
    if not q:
        return True
    return q in name.lower() or q in name_initials
