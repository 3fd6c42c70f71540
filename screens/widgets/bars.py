"""Bar charts in the terminal, drawn with block characters: the same figures
the 通报 draws as pictures (`inspector/report/`), legible over SSH at 80x24
and without colour (the bar's length carries the value, the number follows it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from inspector.ledger.summary import percent
from inspector.text import clean

_EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"


def bar(value: float, width: int) -> str:
    """`value` (0..1) as a bar of `width` cells, in eighths of a cell, padded with spaces."""
    value = min(max(value, 0.0), 1.0)
    eighths = round(value * width * 8)
    whole, part = divmod(eighths, 8)
    out = FULL * whole + (_EIGHTHS[part] if part else "")
    return out.ljust(width)


def _cell_width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _fit(label: str, width: int) -> str:
    """`label` padded or cut (with …) to `width` terminal cells."""
    label = clean(label)
    if _cell_width(label) <= width:
        return label + " " * (width - _cell_width(label))
    out = ""
    for ch in label:
        if _cell_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…" + " " * (width - 1 - _cell_width(out))


@dataclass(frozen=True)
class Series:
    """One bar column: its title and, per row, (part, whole)."""

    title: str
    values: Sequence[tuple[int, int]]
    style: str = ""


def bar_chart(labels: Sequence[str], series: Sequence[Series], *, width: int = 78, label_width: int = 10) -> Text:
    """Rows of labelled bars, one column per series, each bar followed by its rate and part/whole.

    Rates are of the whole (percent bars): share of branches visited, of findings closed."""
    columns = len(series)
    room = (width - label_width) // max(columns, 1)
    numbers = max(
        (len(f" {percent(p, w)} {p}/{w}") for s in series for p, w in s.values),
        default=10,
    )
    bar_width = max(4, room - numbers - 1)
    out = Text(no_wrap=True, overflow="ellipsis", end="")
    out.append(" " * label_width)
    for s in series:
        out.append(_fit(s.title, room), style="bold")
    for i, label in enumerate(labels):
        out.append("\n")
        out.append(_fit(label, label_width))
        for s in series:
            part, whole = s.values[i]
            rate = part / whole if whole else 0.0
            out.append(bar(rate, bar_width), style=s.style)
            out.append(f" {percent(part, whole)} {part}/{whole}".ljust(room - bar_width))
    return out


def count_chart(
    labels: Sequence[str], counts: Sequence[int], *, title: str, width: int = 78, label_width: int = 10
) -> Text:
    """Rows of labelled bars scaled to the largest count, each followed by the count and its share."""
    total = sum(counts)
    top = max(counts, default=0)
    numbers = max((len(f" {c} {percent(c, total)}") for c in counts), default=8)
    bar_width = max(4, width - label_width - numbers - 1)
    out = Text(no_wrap=True, overflow="ellipsis", end="")
    out.append(title, style="bold")
    for label, c in zip(labels, counts):
        out.append("\n")
        out.append(_fit(label, label_width))
        out.append(bar(c / top if top else 0.0, bar_width))
        out.append(f" {c} {percent(c, total)}")
    return out
