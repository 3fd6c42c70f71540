"""Pinyin initials of branch names, so `dyzb` finds 第一支部.

Computed when a branch is saved and stored on it: importing pypinyin costs
~0.15 s, which the start-up path must not pay.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    # Chinese characters give one letter each; other runs (ABC, 3) stay as typed.
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


def matches(query: str, name: str, name_initials: str) -> bool:
    """Filter rule shared by the branch table and the command palette."""
    q = query.strip().lower()
    if not q:
        return True
    return q in name.lower() or q in name_initials
