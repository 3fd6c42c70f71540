"""Ledger rows counted by group (branch, sector, category): the figures the
Excel summary sheet, the 通报 and the chart widgets all print, from one place."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from inspector.ledger.rows import STATUS_ORDER, LedgerRow
from inspector.models import FindingStatus

K = TypeVar("K", bound=Hashable)


@dataclass
class Counts:
    """Findings of one group by status, with how many are past their deadline."""

    total: int = 0
    by_status: dict[FindingStatus, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))
    overdue: int = 0

    def add(self, row: LedgerRow) -> None:
        self.total += 1
        self.by_status[row.status] += 1
        self.overdue += row.overdue > 0

    @property
    def closed(self) -> int:
        return self.by_status[FindingStatus.CLOSED]

    @property
    def open(self) -> int:
        return self.total - self.closed


def rate(part: int, whole: int) -> float:
    """part / whole as a fraction, 0 when there is nothing to count."""
    return part / whole if whole else 0.0


def percent(part: int, whole: int) -> str:
    """A rate as reports print it: 83.3%（no decimals lost to rounding up to 100）."""
    if not whole:
        return "—"
    value = 100 * part / whole
    if part < whole and value > 99.9:  # never print 100% while something is left
        return "99.9%"
    return f"{value:.1f}%"


def count_by(rows: Iterable[LedgerRow], key: Callable[[LedgerRow], K]) -> dict[K, Counts]:
    """Counts per key, in the order keys are first met (rows come in pinyin order of branches)."""
    out: dict[K, Counts] = {}
    for row in rows:
        k = key(row)
        counts = out.get(k)
        if counts is None:
            counts = out[k] = Counts()
        counts.add(row)
    return out
