"""The 通报's charts as PNG pictures, drawn by matplotlib (Agg, no display).

Sized to the 156 mm text block of GB/T 9704 at print resolution, labelled in
Chinese with a CJK font found on the machine; when there is none the error
names the fonts to install. matplotlib is imported only here, when a 通报 is made.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence

from inspector import labels
from inspector.errors import ReportInvalid
from inspector.ledger.summary import rate
from inspector.report.figures import Figures

WIDTH_MM, HEIGHT_MM = 156.0, 78.0  # the 版心's width; half a page high
DPI = 300
# Families tried in order; any other installed font covering CJK is used after them.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "FangSong",
    "SimSun",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
MISSING_FONT = (
    "找不到中文字体，图表无法显示中文：请安装 文泉驿正黑（fonts-wqy-zenhei）或 思源黑体（fonts-noto-cjk）后重试"
)
_PROBE = "党支部整改"


@functools.cache
def cjk_font() -> tuple[str, str | int]:
    """(family, weight) of an installed font that draws Chinese; ReportInvalid naming what to install if none."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fonts = font_manager.fontManager.ttflist
    by_name = {f.name: f for f in fonts}
    for family in CJK_FAMILIES:
        if family in by_name:
            return family, by_name[family].weight
    for f in fonts:
        try:
            charmap = FT2Font(f.fname).get_charmap()
        except (OSError, RuntimeError):
            continue
        if all(ord(c) in charmap for c in _PROBE):
            return f.name, f.weight
    raise ReportInvalid(MISSING_FONT)


def _figure(plt):
    fig = plt.figure(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=DPI)
    return fig, fig.add_subplot()


def _png(fig, plt) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return buf.getvalue()


def _setup():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    family, weight = cjk_font()
    # Labels ask for weight "normal"; a CJK font with one weight (文泉驿 is 500) is the
    # right substitute, which matplotlib would announce on stderr for every label.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    plt.rcParams.update(
        {
            "font.family": family,
            "font.weight": weight,
            "font.size": 9,
            "axes.unicode_minus": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.constrained_layout.use": True,
        }
    )
    return plt


def _bars(ax, names: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], percent: bool) -> None:
    """Grouped bars with their values written on top; beyond ten groups the values
    stand upright, so that two neighbouring 100% do not run together."""
    n = len(series)
    width = 0.8 / n
    upright = 90 if len(names) > 10 else 0
    for i, (label, values, colour) in enumerate(series):
        xs = [x + (i - (n - 1) / 2) * width for x in range(len(names))]
        bars = ax.bar(xs, values, width, label=label, color=colour)
        ax.bar_label(
            bars,
            labels=[f"{v:.0%}" if percent else str(int(v)) for v in values],
            fontsize=7,
            padding=1,
            rotation=upright,
        )
    ax.set_xticks(range(len(names)), names)
    if percent:
        ax.set_ylim(0, 1.15)
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    if n > 1:
        ax.legend(frameon=False, fontsize=8, ncols=n, loc="upper center", bbox_to_anchor=(0.5, 1.12))


def _wrap(name: str) -> str:
    """国有企业 → 国有\\n企业: twelve sectors side by side fit 156 mm only on two lines."""
    return name if len(name) <= 3 else name[: len(name) // 2] + "\n" + name[len(name) // 2 :]


def sector_chart(fig_: Figures) -> bytes:
    """Coverage and rectification (销号率) by sector, side by side."""
    plt = _setup()
    fig, ax = _figure(plt)
    sectors = list(fig_.by_sector.values())
    names = [_wrap(labels.short_sector(s.sector)) for s in sectors]
    _bars(
        ax,
        names,
        [
            ("指导覆盖率", [rate(s.visited, s.branches) for s in sectors], "#b22222"),
            ("整改销号率", [rate(s.findings.closed, s.findings.total) for s in sectors], "#d4a017"),
        ],
        percent=True,
    )
    return _png(fig, plt)


def category_chart(fig_: Figures) -> bytes:
    """Problems found by category, most first, as horizontal bars."""
    plt = _setup()
    fig, ax = _figure(plt)
    items = sorted(fig_.by_category.items(), key=lambda kv: kv[1].total)
    names = [labels.label(c) for c, _ in items]
    values = [c.total for _, c in items]
    bars = ax.barh(names, values, color="#b22222")
    ax.bar_label(bars, fontsize=7, padding=2)
    ax.set_xlabel("问题数（个）")
    return _png(fig, plt)


def month_chart(fig_: Figures) -> bytes:
    """Findings opened and closed month by month."""
    plt = _setup()
    fig, ax = _figure(plt)
    months = [
        f"{int(k[5:])}月" if i and k[5:] != "01" else f"{k[:4]}年{int(k[5:])}月"
        for i, (k, _, _) in enumerate(fig_.months)
    ]
    ax.plot(months, [o for _, o, _ in fig_.months], marker="o", color="#b22222", label="发现问题")
    ax.plot(months, [c for _, _, c in fig_.months], marker="s", color="#2f6f9f", label="验收销号")
    ax.set_ylabel("个")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=8, ncols=2, loc="upper center", bbox_to_anchor=(0.5, 1.12))
    return _png(fig, plt)
