"""Pinyin of branch names: initials, so `dyzb` finds 第一支部, and the full
pinyin that orders names as a Chinese reader expects (白坝, 柏岗, 北店, 北沟).

Both are computed when a branch is saved and stored on it: importing
pypinyin costs ~0.15 s, which the start-up path must not pay.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    # Chinese characters give one letter each; other runs (ABC, 3) stay as typed.
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


@lru_cache(maxsize=4096)
def full(text: str) -> str:
    """Full pinyin, one syllable a word (白坝 → "bai ba"); other runs stay as typed, lower-cased."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text, errors="default")).lower()


def sort_key(name: str, stored: str) -> tuple[tuple[str, ...], str]:
    """Collation of a branch name: by full pinyin syllable by syllable, then by
    characters (homophones). `stored` is the saved full pinyin; a branch saved
    before it was kept gets it computed here."""
    return (tuple((stored or full(name)).split(" ")), name)


def matches(query: str, name: str, name_initials: str) -> bool:
    """Filter rule shared by the branch table and the command palette."""
    q = query.strip().lower()
    if not q:
        return True
    return q in name.lower() or q in name_initials
