"""Dates as people type them: 2027-01-05, 2027/1/5, 2027.1.5, 2027年1月5日, 20270105.

Inspectors type through a Chinese input method, which often gives full-width
digits and punctuation; all of these are read the same. An impossible date
(2027-02-30) is refused with a Chinese line that shows accepted forms using a
date near today, so the example never looks stale.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from inspector import clock
from inspector.errors import UserError

_FORMS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


class DateInvalid(UserError):
    """The text is not a real calendar date in an accepted form."""


def chinese(d: date) -> str:
    """2027年1月5日: how the app echoes a date it understood."""
    return f"{d.year}年{d.month}月{d.day}日"


_WEEKDAYS = "一二三四五六日"


def with_weekday(d: date) -> str:
    """2017年1月5日 星期四: the echo of a typed date, the weekday catching a slip of a digit."""
    return f"{chinese(d)} 星期{_WEEKDAYS[d.weekday()]}"


def hint(example: date) -> str:
    """A date field's placeholder, worded as an example so it never passes for a value."""
    return f"如 {chinese(example)}"


def understood(text: str) -> str:
    """What a date field shows under it while one types: the date read, or that none can be."""
    if not text.strip():
        return ""
    try:
        return f"→ {with_weekday(parse_date(text))}"
    except DateInvalid:
        return "→ 无法识别为日期"


def parse_date(text: str) -> date:
    """The date `text` names, in any accepted form; DateInvalid otherwise."""
    typed = text.strip()
    normal = unicodedata.normalize("NFKC", typed).replace(" ", "")
    for form in _FORMS:
        m = form.fullmatch(normal)
        if m:
            try:
                return date(*map(int, m.groups()))
            except ValueError:
                break
    example = clock.today()
    raise DateInvalid(
        f"日期无效：「{typed}」（可写作 {example.isoformat()}、{example.year}/{example.month}/{example.day} "
        f"或 {chinese(example)}，且须为真实存在的日期）"
    )
